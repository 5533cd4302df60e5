"""Ctrl+S in a list-item editor (a passport or an address on the Personal tab) keeps what the
agent typed or picked, like the Save button; an invalid item stays open and says why. The
real app on the sandbox, at 80x24."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Select

from tests.ui.app_kit import burst, make_app, settled, wait_for
from tests.ui.test_profile_kit import wait_screen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.item_editor import ItemEditorScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.form_groups import MoreGroup


async def _open_item(pilot: Any, list_key: str, index: int = 0) -> tuple[Any, ItemEditorScreen]:
    app = pilot.app
    screen = await settled(pilot)
    await pilot.press("enter")
    profile = await wait_screen(pilot, ProfileScreen)
    pane = profile.pane("personal")
    await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
    table = pane.form.field_widget((list_key,)).query_one(DataTable)
    table.focus()
    table.move_cursor(row=index)
    await pilot.pause()
    await pilot.press("e")
    editor = await wait_screen(pilot, ItemEditorScreen)
    await pilot.pause()
    assert screen is not app.screen
    return pane, editor


async def _expand_more(pilot: Any, editor: ItemEditorScreen) -> None:
    """Open the item's "More" group (the fields its form hint does not put up front)."""
    editor.form.query_one(MoreGroup).expand()
    await pilot.pause()


def _status(editor: ItemEditorScreen) -> str:
    return str(editor.query_one("#item-status").render())


async def test_ctrl_s_keeps_the_choice_highlighted_in_an_open_drop_down(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane, editor = await _open_item(pilot, "identityDocs")
        assert editor.variant is not None and editor.variant.key == "passport"
        before = editor.form.value["passport"].get("type")
        await _expand_more(pilot, editor)  # the passport's type is under "More"
        kind = editor.form.field_widget(("passport", "type")).query_one(Select)
        kind.focus()
        await pilot.press("enter", "down")  # the drop-down is open, an option highlighted
        assert kind.expanded
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")
        chosen = pane.form.value["identityDocs"][0]["passport"].get("type")
        assert chosen is not None and chosen != before
        assert ("identityDocs", 0, "passport", "type") in pane.form.changed_paths


async def test_ctrl_s_right_after_typing_keeps_the_text(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane, editor = await _open_item(pilot, "addresses")
        field = editor.form.field_widget(("locality",)).query_one(Input)  # City / town
        field.focus()
        await pilot.pause()
        field.value = ""
        await pilot.pause()
        await burst(pilot, "Y", "o", "r", "k", "ctrl+s")  # faster than the form hears of each key
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")
        assert pane.form.value["addresses"][0]["locality"] == "York"


async def test_ctrl_s_on_an_invalid_item_stays_open_and_says_why(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane, editor = await _open_item(pilot, "addresses")
        before = pane.form.value["addresses"][0]
        await _expand_more(pilot, editor)  # the coordinates are under "More"
        field = editor.form.field_widget(("coordinates", "longitude")).query_one(Input)
        field.focus()
        field.action_end()
        await pilot.pause()
        await burst(pilot, "x", "y", "ctrl+s")
        await pilot.pause()
        assert app.screen is editor  # not closed, and not silently
        assert _status(editor) == "1 field to fix before saving this item (Longitude: a number)."
        assert pane.form.value["addresses"][0] == before  # nothing applied yet
        # fixing it clears the message; Ctrl+S then applies
        field.value = "-3.5"
        await pilot.pause()
        assert _status(editor) == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not editor, what="the editor to close")
        assert pane.form.value["addresses"][0]["coordinates"]["longitude"] == -3.5


async def test_picking_the_kind_twice_quickly_keeps_one_form(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("identityDocs",)).query_one(DataTable).focus()
        await pilot.press("a")
        editor = await wait_screen(pilot, ItemEditorScreen)
        kind = editor.query_one("#item-kind", Select)
        kind.value = "PassportWrapper"
        kind.value = "KnownTravelerNumberWrapper"  # before the first form has mounted
        await wait_for(
            pilot,
            lambda: editor.variant is not None and editor.variant.key == "ktn" and len(editor.query("#item-form")) == 1,
            what="the second kind's form",
        )
        await pilot.pause()
        assert app._exception is None
        assert len(editor.query("#item-form")) == 1


async def test_esc_leaves_the_field_first_then_asks_before_dropping_typed_values(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane, editor = await _open_item(pilot, "addresses")
        before = pane.form.value["addresses"][0].get("locality")
        field = editor.form.field_widget(("locality",)).query_one(Input)  # City / town
        field.focus()
        field.value = ""
        await pilot.press(*"Lyon")
        await pilot.press("escape")  # leaves the field: the editor stays, the value too
        await pilot.pause()
        assert app.screen is editor and not field.has_focus
        assert app.focused is editor.query_one("#item-save")
        assert field.value == "Lyon"
        await pilot.press("escape")  # leaves the item: asks, since something was typed
        confirm = await wait_screen(pilot, ConfirmScreen)
        assert "Drop the changes" in str(confirm.query_one("#confirm-question").render())
        await pilot.press("n")  # keep editing: nothing lost
        await wait_for(pilot, lambda: app.screen is editor, what="back in the editor")
        assert field.value == "Lyon"
        await pilot.press("escape")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen), what="the editor closed")
        assert pane.form.value["addresses"][0].get("locality") == before  # dropped, as asked


async def test_esc_twice_with_nothing_typed_closes_the_item_without_asking(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        _pane, editor = await _open_item(pilot, "addresses")
        editor.form.field_widget(("locality",)).query_one(Input).focus()
        await pilot.pause()
        await burst(pilot, "escape", "escape", settle=0.3)
        assert isinstance(app.screen, ProfileScreen)
