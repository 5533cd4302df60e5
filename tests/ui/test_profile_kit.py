"""Shared pieces of the profile screen tests (no tests here): a host app, waiting helpers,
a scripted $EDITOR, and a minimal SectionForm stand-in used only while the real form is
not importable."""

from __future__ import annotations

import asyncio
import copy
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message
from textual.containers import Vertical
from textual.widgets import Input, Static

from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.edits import edits_from, json_equal
from tui.domain.paths import ABSENT, delete, set_at
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.profile_section import SectionPane

try:  # the real form, once it has landed
    from tui.ui.widgets.section_form import SectionForm as RealSectionForm
except ImportError:  # pragma: no cover - depends on the FORM helper's progress
    RealSectionForm = None


class SectionForm(Vertical):
    """Stand-in with the real form's interface (value, changed_paths, has_changes, validate,
    set_errors, reveal, reset, Changed, RevealRequested); edits go through ``set``."""

    class Changed(Message):
        pass

    class RevealRequested(Message):
        def __init__(self, path: tuple) -> None:
            super().__init__()
            self.path = path

    def __init__(self, section: Any, base: Any) -> None:
        super().__init__()
        self.section = section
        self._base = copy.deepcopy(base)
        self._doc = copy.deepcopy(base)
        self.errors: list = []
        self.revealed: set = set()

    def compose(self) -> ComposeResult:
        yield Static(f"stand-in form: {self.section.title}")
        yield Input(id="stand-in-input")

    @property
    def value(self) -> Any:
        return copy.deepcopy(self._doc)

    @property
    def changed_paths(self) -> set:
        return set(edits_from(self._base, self._doc).paths)

    @property
    def has_changes(self) -> bool:
        return not json_equal(self._base, self._doc)

    def validate(self) -> list:
        return []

    def set_errors(self, errors: list) -> None:
        self.errors = list(errors)

    def reveal(self, path: tuple) -> None:
        self.revealed.add(tuple(path))

    def reset(self, new_base: Any) -> None:
        self._base = copy.deepcopy(new_base)
        self._doc = copy.deepcopy(new_base)
        self.errors = []

    def set(self, path: tuple, value: Any) -> None:
        if value is ABSENT:
            delete(self._doc, path)
        else:
            set_at(self._doc, path, copy.deepcopy(value))
        self.post_message(self.Changed())


class ProfileApp(App[None]):
    """Hosts one ProfileScreen over a real UsersClient on a sandbox."""

    def __init__(self, sb: Any, user_id: str, audit_file: Path, **screen_kw: Any) -> None:
        super().__init__()
        self.animation_level = "none"  # no tab underline animation for the pilot to wait on
        self.sb = sb
        self.user_id = user_id
        self.client = UsersClient(sb.base_url, token=sb.token, retries=0, timeout=5)
        self.audit = AuditLog(audit_file)
        self.screen_kw = screen_kw

    def on_mount(self) -> None:
        self.push_screen(ProfileScreen(self.client, "sandbox", self.audit, self.user_id, **self.screen_kw))

    async def on_unmount(self) -> None:
        await self.client.aclose()

    @property
    def profile(self) -> ProfileScreen:
        for screen in self.screen_stack:
            if isinstance(screen, ProfileScreen):
                return screen
        raise LookupError("no profile screen")


async def wait_for(pilot: Any, condition: Callable[[], Any], timeout: float = 8.0, what: str = "") -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.02)


async def wait_ready(pilot: Any, key: str) -> SectionPane:
    app = pilot.app
    pane = await wait_for(pilot, lambda: _pane(app, key), what=f"pane {key}")
    await wait_for(pilot, lambda: pane.state in ("ready", "error"), what=f"{key} loaded")
    await pilot.pause()
    return pane


def _pane(app: Any, key: str) -> SectionPane | None:
    try:
        return app.profile.pane(key)
    except Exception:  # noqa: BLE001
        return None


async def wait_screen(pilot: Any, cls: type) -> Any:
    return await wait_for(pilot, lambda: pilot.app.screen if isinstance(pilot.app.screen, cls) else None,
                          what=cls.__name__)


def puts(sb: Any, user_id: str | None = None) -> list:
    """The PUTs the sandbox served (for one user when given)."""
    return [r for r in list(sb.requests) if r[0] == "PUT" and (user_id is None or user_id in r[1])]


def scripted_editor(tmp_path: Path, body: str, name: str = "editor.py") -> str:
    """A tiny python program usable as $EDITOR; ``body`` sees ``path`` (the file, the last
    argument) and ``state`` (a counter file next to it). Returns the command line."""
    script = tmp_path / name
    script.write_text(textwrap.dedent("""
        import json, os, sys, pathlib
        path = pathlib.Path(sys.argv[-1])
        state = pathlib.Path(__file__).with_suffix(".count")
        n = int(state.read_text()) if state.exists() else 0
        state.write_text(str(n + 1))
        (pathlib.Path(__file__).with_suffix(".seen{}".format(n))).write_text(path.read_text())
        (pathlib.Path(__file__).with_suffix(".argv{}".format(n))).write_text(json.dumps(sys.argv))
        (pathlib.Path(__file__).with_suffix(".mode{}".format(n))).write_text(oct(os.stat(path).st_mode & 0o777))
    """) + textwrap.dedent(body))
    return f"{sys.executable} -I {script}"


def use_stand_in_form(monkeypatch: Any) -> type:
    """Host this module's stand-in form (flow tests drive edits through its ``set``)."""
    monkeypatch.setattr(SectionPane, "form_class", SectionForm)
    return SectionForm
