"""Every way out of unsaved profile edits asks first: the palette's list commands (they go
back to the list), switching environment, Quit, Ctrl+Q. "Stay" changes nothing and keeps the
edits; "Drop changes" / "Quit" goes ahead. The real app on the sandbox, at 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, Select

from tests.ui.app_kit import make_app, settings_for, settled, wait_for
from tests.ui.test_env_switch import _config
from tests.ui.test_profile_kit import wait_screen
from tui.ui.app import SpotnanaApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.item_editor import ItemEditorScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.screens.users import UsersScreen


async def _profile_with_an_edit(pilot: Any) -> tuple[ProfileScreen, Any]:
    await settled(pilot)
    await pilot.press("enter")
    profile = await wait_screen(pilot, ProfileScreen)
    pane = profile.pane("personal")
    await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
    # the duplicate-email lookups (POST /v3/users/list too) are done: they are not a list reload
    await wait_for(
        pilot,
        lambda: not any(w.group == "warn-lookup" and not w.is_finished for w in pilot.app.workers),
        what="the email lookups",
    )
    pane.form.field_widget(("name", "middle")).query_one(Input).value = "Quentin"
    await pilot.pause()
    assert profile.has_unsaved_changes
    profile.set_focus(None)
    return profile, pane


async def run_command(pilot: Any, text: str) -> None:
    """Choose a command in the palette by typing its name (searched in the background)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    palette = await wait_for(
        pilot, lambda: app.screen if isinstance(app.screen, CommandPalette) else None, what="the palette"
    )
    await pilot.press(*text)
    commands = palette.query_one(CommandList)

    def found() -> bool:
        return (
            commands.option_count > 0
            and commands.highlighted is not None
            and str(commands.get_option_at_index(commands.highlighted).prompt).startswith(text)
        )

    await wait_for(pilot, found, what=f"the command {text!r}")
    await pilot.press("enter")


async def _asked(pilot: Any) -> ConfirmScreen:
    screen = await wait_screen(pilot, ConfirmScreen)
    assert screen.id == "leave-unsaved" and "personal info" in screen.question
    return screen


def _list_calls(sb: Any) -> int:
    return sum(1 for r in list(sb.requests) if r[0] == "POST" and r[1] == "/v3/users/list")


COMMANDS = ["Refresh", "Toggle inactive users", "Sort by name: flip order", "Filters", "Copy user ID", "Copy email"]


@pytest.mark.parametrize("command", COMMANDS)
async def test_list_commands_from_a_profile_with_edits_ask_first(sandbox, tmp_path, command):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _profile_with_an_edit(pilot)
        calls = _list_calls(sandbox)
        await run_command(pilot, command)
        await _asked(pilot)
        await pilot.press("n")  # Stay
        await wait_for(pilot, lambda: app.screen is profile, what="back on the profile")
        assert pane.form.value["name"]["middle"] == "Quentin" and profile.has_unsaved_changes
        assert _list_calls(sandbox) == calls  # nothing reloaded
        assert not any(n.title == "Clipboard" for n in app._notifications)

        await run_command(pilot, command)
        await _asked(pilot)
        await pilot.press("y")  # drop the changes and go ahead
        await wait_for(pilot, lambda: profile not in app.screen_stack, what="the profile to go")
        assert isinstance(app.screen_stack[1], UsersScreen)
        if command == "Filters":
            await wait_for(pilot, lambda: type(app.screen).__name__ == "FiltersScreen", what="the filter panel")
        elif command.startswith("Copy"):
            await wait_for(pilot, lambda: any(n.title == "Clipboard" for n in app._notifications), what="copied")
        else:
            await wait_for(pilot, lambda: _list_calls(sandbox) > calls, what="the list to reload")
        assert app._exception is None


async def test_list_commands_without_edits_do_not_ask(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        await wait_for(pilot, lambda: profile.pane("personal").state == "ready", what="personal loaded")
        calls = _list_calls(sandbox)
        await run_command(pilot, "Refresh")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), what="the list")
        await wait_for(pilot, lambda: _list_calls(sandbox) > calls, what="the list to reload")


async def test_quit_from_the_palette_and_ctrl_q_ask_first(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _profile_with_an_edit(pilot)
        await run_command(pilot, "Quit")
        await _asked(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is profile, what="back on the profile")
        assert app.is_running and pane.form.value["name"]["middle"] == "Quentin"

        await pilot.press("ctrl+q")
        question = await _asked(pilot)
        await pilot.press("ctrl+q")  # again while asking: still one question
        assert app.screen is question and sum(isinstance(s, ConfirmScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")  # Esc is Stay too
        await wait_for(pilot, lambda: app.screen is profile, what="back on the profile")
        assert app.is_running and profile.has_unsaved_changes

        await pilot.press("ctrl+q")
        await _asked(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert app._exception is None


async def test_ctrl_q_without_edits_quits_at_once(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")


async def test_switching_environment_with_edits_asks_first(sandbox_factory, tmp_path, monkeypatch):
    alpha, beta = sandbox_factory(users=40, seed=7), sandbox_factory(users=60, seed=11)
    home = tmp_path / "home"
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(home))
    monkeypatch.setenv("ALPHA_TOKEN", alpha.token)
    monkeypatch.setenv("BETA_TOKEN", beta.token)
    settings = settings_for(home, _config(alpha, beta), debounce_ms=20)
    app = SpotnanaApp(settings, settings.environments["alpha"])
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _profile_with_an_edit(pilot)
        await run_command(pilot, "Switch environment: Beta")
        await _asked(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is profile, what="back on the profile")
        await pilot.pause(0.2)
        assert app.env.name == "alpha" and pane.form.value["name"]["middle"] == "Quentin"

        await run_command(pilot, "Switch environment: Beta")
        await _asked(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.env.name == "beta", what="the switch")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), what="the list")


async def test_an_open_item_editor_with_typed_text_counts_as_unsaved(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("identityDocs",)).query_one(DataTable).focus()
        await pilot.press("e")
        editor = await wait_screen(pilot, ItemEditorScreen)
        editor.form.field_widget(("passport", "issueCountry")).query_one(Select).value = "GB"
        await pilot.pause()
        assert not profile.has_unsaved_changes and editor.has_unsaved_changes
        await run_command(pilot, "Refresh")
        question = await wait_screen(pilot, ConfirmScreen)
        assert "identity documents item" in question.question
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is editor, what="back in the item editor")
        assert editor.form.value["passport"]["issueCountry"] == "GB"


async def test_a_half_filled_new_user_form_counts_as_unsaved(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        form = await wait_for(
            pilot,
            lambda: app.screen if type(app.screen).__name__ == "CreateUserScreen" else None,
            what="the new-user form",
        )
        assert not form.has_unsaved_changes  # prefilled defaults are not the agent's edits
        form.query_one("#field-given", Input).value = "Priya"
        await pilot.pause()
        await run_command(pilot, "Refresh")
        question = await wait_screen(pilot, ConfirmScreen)
        assert "the new user" in question.question
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert form.query_one("#field-given", Input).value == "Priya"
