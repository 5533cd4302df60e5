"""Keys that arrive in one burst (a double Enter over SSH) open one screen, not two: the second
Enter is handled before the first screen is up (a second ProfileScreen was DuplicateIds)."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from tests.ui.app_kit import burst, make_app, settled, wait_for
from tests.ui.test_profile_kit import wait_screen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.item_editor import ItemEditorScreen
from tui.ui.screens.profile import ProfileScreen


async def test_double_enter_on_the_list_opens_one_profile(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await burst(pilot, "enter", "enter", "enter", settle=0.5)
        await wait_screen(pilot, ProfileScreen)
        assert app._exception is None
        assert sum(isinstance(s, ProfileScreen) for s in app.screen_stack) == 1


async def test_double_enter_on_a_list_of_items_opens_one_editor(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("identityDocs",)).query_one(DataTable).focus()
        await pilot.pause()
        await burst(pilot, "enter", "enter", settle=0.5)
        await wait_screen(pilot, ItemEditorScreen)
        assert app._exception is None
        assert sum(isinstance(s, ItemEditorScreen) for s in app.screen_stack) == 1


async def test_double_enter_on_a_question_answers_it_once(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("name", "middle")).query_one(Input).value = "Quentin"
        await pilot.pause()
        profile.set_focus(None)
        await pilot.press("escape")  # unsaved: asks, with the focus on "Stay"
        await wait_screen(pilot, ConfirmScreen)
        await burst(pilot, "enter", "enter", settle=0.5)  # the button pressed twice
        assert app.screen is profile and profile.has_unsaved_changes  # not the list, not a blank screen
        assert app._exception is None


async def test_opening_a_group_and_leaving_at_once(sandbox, tmp_path):
    # Enter on a collapsed group mounts its fields; Esc in the same burst leaves the profile
    # while they mount (an ObjectList composed into a removed screen: NoMatches 'DataTable').
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        await pilot.press("3")
        pane = profile.pane("travel")
        await wait_for(pilot, lambda: pane.state == "ready", what="travel loaded")
        await pilot.pause()
        # the last group, open it, leave: Esc leaves the field first, the second Esc the profile
        await burst(pilot, "shift+tab", "enter", "escape", "escape", settle=0.5)
        assert app._exception is None
        assert app.screen is screen
