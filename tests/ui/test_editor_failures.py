"""An $EDITOR that cannot be run: the app says why, keeps the agent's edits and never leaves
the terminal suspended (a frozen blank screen). The real app on the sandbox; the Pilot's
headless driver is made to act like a terminal that can hand over to an editor, counting
suspends and resumes, so ``run_editor`` takes the same path as over SSH."""

from __future__ import annotations

import os
from typing import Any

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input

from tests.ui.app_kit import make_app, settled, wait_for
from tests.ui.test_profile_kit import wait_screen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.profile_editor import editor_problem


class Terminal:
    """Suspend/resume bookkeeping of a terminal driver, on the Pilot's headless driver."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.suspends = 0
        self.resumes = 0
        monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda _: False))
        monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda _: True), raising=False)
        monkeypatch.setattr(HeadlessDriver, "suspend_application_mode", lambda _: self._count("suspends"))
        monkeypatch.setattr(HeadlessDriver, "resume_application_mode", lambda _: self._count("resumes"))

    def _count(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)


async def _edit_then_press_e(pilot: Any) -> tuple[Any, Any]:
    """Open the first user's profile, type into Middle name, press e."""
    app = pilot.app
    await settled(pilot)
    await pilot.press("enter")
    profile = await wait_screen(pilot, ProfileScreen)
    pane = profile.pane("personal")
    await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
    field = pane.form.field_widget(("name", "middle")).query_one(Input)
    field.value = "Quentin"
    await pilot.pause()
    assert pane.has_changes
    profile.set_focus(None)
    await pilot.press("e")
    await wait_for(
        pilot,
        lambda: not pane.busy and any("editor" in n.message.lower() for n in app._notifications),
        what="the editor notification",
    )
    return profile, pane


async def _still_answering(pilot: Any, profile: Any, pane: Any) -> None:
    app = pilot.app
    assert app.screen is profile and app._exception is None
    assert pane.has_changes and pane.form.value["name"]["middle"] == "Quentin"  # the edit is kept
    await pilot.press("question_mark")
    await wait_screen(pilot, HelpScreen)
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is profile, what="back on the profile")


def _notes(app: Any) -> str:
    return " | ".join(n.message for n in app._notifications)


@pytest.fixture
def editor_env(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("VISUAL", raising=False)

    def use(command: str) -> None:
        monkeypatch.setenv("EDITOR", command)

    return use


async def test_editor_that_does_not_exist(sandbox, tmp_path, monkeypatch, editor_env):
    editor_env("/nonexistent")
    terminal = Terminal(monkeypatch)
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _edit_then_press_e(pilot)
        assert (terminal.suspends, terminal.resumes) == (0, 0)  # checked before handing over
        assert "'/nonexistent' does not exist" in _notes(app)
        await _still_answering(pilot, profile, pane)


async def test_editor_that_is_not_executable(sandbox, tmp_path, monkeypatch, editor_env):
    script = tmp_path / "my-editor"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o644)
    editor_env(f"{script} --wait")
    terminal = Terminal(monkeypatch)
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _edit_then_press_e(pilot)
        assert (terminal.suspends, terminal.resumes) == (0, 0)
        assert "is not executable" in _notes(app)
        await _still_answering(pilot, profile, pane)


async def test_editor_that_fails_to_start_resumes_the_terminal(sandbox, tmp_path, monkeypatch, editor_env):
    script = tmp_path / "broken-editor"
    script.write_text("#!/nonexistent/interpreter\n")  # passes the check, fails at exec
    script.chmod(0o755)
    editor_env(str(script))
    assert editor_problem([str(script)]) is None
    terminal = Terminal(monkeypatch)
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await _edit_then_press_e(pilot)
        assert terminal.suspends == 1 and terminal.resumes == 1  # handed over, and back
        assert "could not run the editor" in _notes(app)
        await _still_answering(pilot, profile, pane)


def test_editor_problem_names_what_is_wrong(tmp_path):
    assert editor_problem([]) is not None
    assert "not found on PATH" in (editor_problem(["no-such-editor-here"], {"PATH": str(tmp_path)}) or "")
    assert "is a directory" in (editor_problem([str(tmp_path)]) or "")
    assert editor_problem([os.path.realpath("/bin/sh")]) is None
