"""Shared pieces of the list/app tests (no tests here): building the app on a sandbox,
with every directory under a tmp home, and waiting for the list to settle."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.api.client import UsersClient
from tui.config import Environment, Settings, load_settings
from tui.ui.app import SpotnanaApp
from tui.ui.screens.users import UsersScreen
from tui.ui.widgets.fit_footer import FitFooter


def settings_for(home: Path, config: str | None = None, **overrides: Any) -> Settings:
    environ = {"SPOTNANA_TUI_HOME": str(home)}
    if config is not None:
        path = home / "config" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config)
    return load_settings(None, overrides, environ=environ, create=False)


def sandbox_env(sb: Any, name: str = "sandbox", **kw: Any) -> Environment:
    return Environment(name, sb.base_url, tmc_id=sb.tmc_id, token=sb.token, **kw)


def make_app(
    sb: Any,
    home: Path,
    *,
    config: str | None = None,
    client_factory: Any = None,
    env: Environment | None = None,
    **overrides: Any,
) -> SpotnanaApp:
    overrides.setdefault("debounce_ms", 20)
    settings = settings_for(home, config, **overrides)
    return SpotnanaApp(settings, env or sandbox_env(sb), client_factory=client_factory)


async def wait_for(pilot: Pilot, cond: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def users(app: SpotnanaApp) -> UsersScreen:
    screen = app.screen
    assert isinstance(screen, UsersScreen), f"expected the list, got {screen!r}"
    return screen


async def settled(pilot: Pilot, timeout: float = 5.0) -> UsersScreen:
    """Wait until the list has its answer and nothing is in flight (no pending debounce)."""
    app: SpotnanaApp = pilot.app  # type: ignore[assignment]
    await pilot.pause()  # let queued messages (Input.Changed ...) be handled first
    await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), timeout, "the list screen")
    screen = users(app)

    def done() -> bool:
        model = screen.model
        return (model.loaded or model.error is not None) and not model.loading and not screen.search_pending

    await wait_for(pilot, done, timeout, "the list to settle")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def shown_rows(screen: UsersScreen) -> list[Any]:
    model = screen.model
    return [model.row(i) for i in range(model.row_count) if model.row(i) is not None]


def footer_hints_whole(app: SpotnanaApp) -> list[str]:
    """The descriptions of the hints the screen's FitFooter shows, once checked on the bottom line
    as drawn: each whole, where its layout says, left of the palette key, all inside the screen."""
    footer = app.screen.query_one(FitFooter)
    laid = footer.layout()
    line = app.screen._compositor.render_strips()[-1].text
    assert laid.palette is not None and len(line) == footer.size.width == app.size.width
    x, cells, palette = laid.palette
    assert x == laid.room and x + cells <= len(line)
    assert line[x : x + cells].rstrip() == f"▏{palette.display} {palette.description}"
    for x, cells, hint in laid.hints:
        text = f"{hint.display} {hint.description} " if footer.compact else f" {hint.display} {hint.description} "
        assert x + cells <= laid.room and line[x : x + cells] == text, (line, hint)
    return [hint.description for _, _, hint in laid.hints]


class DelayedClient:
    """A real client whose list answers for some search texts come late (not cancellable)."""

    def __init__(self, env: Environment, delays: dict[str, float]) -> None:
        self.inner = UsersClient(env.base_url, token=env.token)
        self.delays = delays
        self.bodies: list[dict] = []

    async def call_raw(self, name: str, *args: Any, body: Any = None, **kw: Any) -> Any:
        if name != "list_users_v3":
            return await self.inner.call_raw(name, *args, body=body, **kw)
        self.bodies.append(body)
        delay = self.delays.get(body.get("searchText", ""), 0)
        result = await asyncio.shield(self.inner.call_raw(name, body=body))
        if delay:
            await asyncio.shield(asyncio.sleep(delay))
        return result

    async def aclose(self) -> None:
        await self.inner.aclose()


async def burst(pilot: Pilot, *keys: str, settle: float | None = 0.2) -> None:
    """Send ``keys`` the way a terminal delivers a fast burst (a paste, typing over SSH): all
    queued before the app handles the first one. ``pilot.press`` waits for idle after each
    key, which hides races between a key and the messages the previous keys caused. Then
    waits ``settle`` seconds (None: until the app is idle)."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys:
        char = key if len(key) == 1 else {"space": " ", "enter": "\r", "tab": "\t"}.get(key)
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        app._driver.send_message(events.Key(name, char))  # type: ignore[union-attr]
    await pilot.pause(settle)
