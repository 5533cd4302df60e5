"""The crashes in Textual that the monkey test found, each reproduced on the real app (see
tui/ui/textual_fixes.py): PageUp/PageDown in the command palette before its list has a height
(KeyError: 0), a search that runs on after the palette was dismissed (NoMatches:
'CommandList'), and a compact Select whose container goes before it composed (NoMatches:
'SelectOverlay')."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.command import CommandInput, CommandList, CommandPalette
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Select

from tests.ui.app_kit import burst, make_app, settled, wait_for
from tui.ui import textual_fixes
from tui.ui.screens.profile import ProfileScreen


async def _palette(pilot: Any) -> CommandPalette:
    app = pilot.app
    await pilot.press("ctrl+p")
    palette = await wait_for(
        pilot, lambda: app.screen if isinstance(app.screen, CommandPalette) else None, what="the palette"
    )
    await wait_for(pilot, lambda: palette.query_one(CommandList).option_count, what="the commands")
    return palette


def test_the_app_uses_the_guarded_palette() -> None:
    assert issubclass(textual_fixes.CommandPalette, CommandPalette)
    textual_fixes.install()
    textual_fixes.install()  # idempotent: one wrapper, not two
    assert OptionList._move_page.__wrapped__.__name__ == "_move_page"  # type: ignore[attr-defined]
    assert not hasattr(OptionList._move_page.__wrapped__, "__wrapped__")  # type: ignore[attr-defined]


async def test_page_keys_right_after_opening_the_palette(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await burst(pilot, "ctrl+p", "pagedown", "pageup", "pagedown", settle=0.3)  # before the list is laid out
        assert app._exception is None and app.is_running
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = await wait_for(
            pilot,
            lambda: palette.query_one(CommandList).option_count and palette.query_one(CommandList),
            what="the commands",
        )
        await pilot.press("home", "pagedown")  # and paging works once it is
        assert commands.highlighted is not None and commands.highlighted > 0


async def test_page_keys_in_a_palette_too_small_to_show_its_list(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await settled(pilot)
        palette = await _palette(pilot)
        await pilot.resize_terminal(40, 4)  # the list gets no height at all
        assert not palette.query_one(CommandList).scrollable_content_region
        await pilot.press("pagedown", "pageup")
        assert app._exception is None and app.screen is palette
        await pilot.resize_terminal(40, 12)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette to close")


async def test_a_search_after_the_palette_was_dismissed(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await settled(pilot)
        palette = await _palette(pilot)
        field = palette.query_one(CommandInput)
        palette.dismiss()
        palette.dismiss()  # a second Esc of the same burst: must not pop the list below
        while palette.query(CommandList):  # the palette's widgets go first...
            await asyncio.sleep(0)
        # ...and a change typed just before Esc reaches the palette only now
        palette._input(Input.Changed(field, "x"))
        await pilot.pause(0.8)
        assert app._exception is None and app.is_running
        assert type(app.screen).__name__ == "UsersScreen"
        assert not [n for n in app._notifications if n.message.startswith("Something went wrong")]


async def test_a_compact_select_removed_before_it_composed(sandbox, tmp_path):
    # What leaving a screen does to a form or group that is still mounting: the Select is
    # created, its container is removed before the Select composes, and Textual mounts
    # nothing into a node being pruned, so the Select's mount handler finds no drop-down.
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        box = Vertical()
        await screen.mount(box)
        box.mount(Select([("Employee", "EMPLOYEE"), ("Guest", "GUEST")], value="GUEST", compact=True))
        box.remove()
        await pilot.pause(0.3)
        assert app._exception is None and app.is_running
        await pilot.press("j")
        assert screen.table.cursor == 1


async def test_dropping_edits_and_leaving_in_one_burst(sandbox, tmp_path):
    # The same in the app: with unsaved edits, 2 (another tab: asks), y (drop them: the form
    # is rebuilt), Esc (leave the profile) arrive together; the rebuilt form's Selects are
    # created just before the profile is removed.
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        users = await settled(pilot)
        await pilot.press("enter")
        profile = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, ProfileScreen) else None, what="the profile"
        )
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("name", "middle")).query_one(Input).value = "Quentin"
        await pilot.pause()
        profile.set_focus(None)
        await burst(pilot, "2", "y", "escape", settle=0.5)
        assert app._exception is None and app.is_running
        await wait_for(pilot, lambda: app.screen is users, what="back on the list")
