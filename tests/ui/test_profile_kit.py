"""Shared pieces of the profile screen tests (no tests here): a host app over the real
sandbox, waiting helpers, a scripted $EDITOR."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App

from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.ui.screens.item_editor import show_item_editor
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.profile_section import SectionPane


class ProfileApp(App[None]):
    """Hosts one ProfileScreen over a real UsersClient on a sandbox."""

    on_object_list_edit_item = show_item_editor  # a host of forms shows their item editors

    def __init__(self, sb: Any, user_id: str, audit_file: Path, **screen_kw: Any) -> None:
        super().__init__()
        self.animation_level = "none"  # no tab underline animation for the pilot to wait on
        self.sb = sb
        self.user_id = user_id
        self.client = UsersClient(sb.base_url, token=sb.token, retries=0, timeout=5)
        self.audit = AuditLog(audit_file)
        self.screen_kw = screen_kw

    def on_mount(self) -> None:
        self.push_screen(
            ProfileScreen(OnlineBackend(self.client), "sandbox", self.audit, self.user_id, **self.screen_kw)
        )

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
    except Exception:
        return None


async def wait_screen(pilot: Any, cls: type) -> Any:
    return await wait_for(
        pilot, lambda: pilot.app.screen if isinstance(pilot.app.screen, cls) else None, what=cls.__name__
    )


def puts(sb: Any, user_id: str | None = None) -> list:
    """The PUTs the sandbox served (for one user when given)."""
    return [r for r in list(sb.requests) if r[0] == "PUT" and (user_id is None or user_id in r[1])]


def scripted_editor(tmp_path: Path, body: str, name: str = "editor.py") -> str:
    """A tiny python program usable as $EDITOR; ``body`` sees ``path`` (the file, the last
    argument) and ``state`` (a counter file next to it). Returns the command line."""
    script = tmp_path / name
    script.write_text(
        textwrap.dedent("""
        import json, os, sys, pathlib
        path = pathlib.Path(sys.argv[-1])
        state = pathlib.Path(__file__).with_suffix(".count")
        n = int(state.read_text()) if state.exists() else 0
        state.write_text(str(n + 1))
        (pathlib.Path(__file__).with_suffix(".seen{}".format(n))).write_text(path.read_text())
        (pathlib.Path(__file__).with_suffix(".argv{}".format(n))).write_text(json.dumps(sys.argv))
        (pathlib.Path(__file__).with_suffix(".mode{}".format(n))).write_text(oct(os.stat(path).st_mode & 0o777))
    """)
        + textwrap.dedent(body)
    )
    return f"{sys.executable} -I {script}"
