"""Keys as in other terminal apps, against the real sandbox: Tab into a field keeps its text
(no select-all), letters and digits typed in a field type (they never switch tabs, reveal,
reload or edit list items), Esc leaves the field first and only a second Esc leaves the
screen (asking first when there are edits), Tab from the tab bar goes into the form."""

from __future__ import annotations

from textual.widgets import Input, Tabs

from tests.ui.app_kit import make_app, settled
from tests.ui.test_profile_kit import ProfileApp, wait_for, wait_ready, wait_screen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.create_user import CreateUserScreen
from tui.ui.widgets.section_form import SectionForm


def uid(sb, i):
    return sb.store.row(i).user_id


def _first_input(app) -> Input:
    return app.profile.pane("personal").query_one(SectionForm).query(Input).first()


async def _focus_first_field(pilot, app) -> Input:
    """From the tab bar, Tab: the form's first text field has the focus."""
    app.profile.query_one(Tabs).focus()
    await pilot.pause()
    await pilot.press("tab")
    await pilot.pause()
    field = app.focused
    assert isinstance(field, Input), f"Tab from the tab bar went to {field!r}"
    assert field is _first_input(app)
    return field


async def test_tab_from_the_tab_bar_goes_into_the_first_field_without_selecting(sandbox, tmp_path):
    app = ProfileApp(sandbox, uid(sandbox, 31), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, "personal")
        field = await _focus_first_field(pilot, app)
        before = field.value
        assert before and field.selection.is_empty  # Tab in does not select the text
        await pilot.press("x")
        assert field.value == before + "x"  # typing appends at the cursor, nothing replaced


async def test_letters_and_digits_type_in_a_field(sandbox, tmp_path):
    app = ProfileApp(sandbox, uid(sandbox, 32), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, "personal")
        field = await _focus_first_field(pilot, app)
        field.value = ""
        keys = "2r9eD]A[ad"
        await pilot.press(*keys)
        await pilot.pause()
        assert field.value == keys
        assert app.profile.active_section.key == "personal"  # no tab switch
        assert app.focused is field and isinstance(app.screen, type(app.profile))  # no dialog, no reveal


async def test_escape_leaves_the_field_first_then_asks_before_leaving(sandbox, tmp_path):
    app = ProfileApp(sandbox, uid(sandbox, 33), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, "personal")
        field = await _focus_first_field(pilot, app)
        await pilot.press("z")
        await pilot.pause()
        assert app.profile.has_unsaved_changes
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.profile and isinstance(app.focused, Tabs)  # out of the field, still here
        await pilot.press("escape")
        await wait_screen(pilot, ConfirmScreen)  # the unsaved-changes question
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is app.profile, what="back on the profile")
        assert field.value.endswith("z")  # nothing typed is lost


async def test_escape_without_edits_needs_two_presses_from_a_field(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        users = await settled(pilot)
        users.table.focus()
        await pilot.press("enter")
        profile = await wait_for(
            pilot, lambda: getattr(app.screen, "id", "") == "profile" and app.screen, what="profile"
        )
        await wait_for(pilot, lambda: profile.pane().state == "ready", what="loaded")
        profile.pane().query(Input).first().focus()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is profile
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is users, what="back on the list")


async def test_new_user_dialog_escape_in_a_field_keeps_what_was_typed(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        screen = await wait_screen(pilot, CreateUserScreen)
        given = screen.query_one("#field-given", Input)
        given.focus()
        await pilot.press("A", "d", "a", "1")
        assert given.value == "Ada1"  # letters and digits type (no list bindings)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not isinstance(app.focused, Input)
        await pilot.press("escape")
        await wait_screen(pilot, ConfirmScreen)  # typed values: ask before dropping them
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen, what="back in the dialog")
        assert given.value == "Ada1"


async def test_typing_in_the_list_search_never_triggers_list_keys(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        users = await settled(pilot)
        await pilot.press("slash")
        await pilot.press(*"fsiyrvn1")
        await pilot.pause()
        assert users.search.value == "fsiyrvn1"
        assert app.screen is users  # no filter panel, no new-user dialog
