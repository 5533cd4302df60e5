"""Shared pieces of the drafts UI tests (no tests here): a draft kept in a test home's cache file
through the real DraftStore (on the copy the cache holds, as the app keeps one), opening the
first user's profile on a tab, and what the sandbox was sent."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import TabbedContent, Tabs

from tests.ui.app_kit import sandbox_env, settled, wait_for
from tests.ui.offline_kit import cache_file
from tui.domain.cache import ProfileCache
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.drafts import Draft, DraftStore
from tui.domain.sections import section
from tui.ui.cache_thread import cache_env_of
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.profile_section import SectionPane

SLUG = {"business": "business-info", "personal": "personal-info"}


def toasts(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


def screen_of(pilot: Any, cls: type) -> Any:
    return pilot.app.screen if isinstance(pilot.app.screen, cls) else None


async def wait_screen(pilot: Any, cls: type, what: str = "") -> Any:
    return await wait_for(pilot, lambda: screen_of(pilot, cls), what=what or cls.__name__)


async def pane_ready(pilot: Any, screen: ProfileScreen, key: str) -> SectionPane:
    pane = screen.pane(key)
    await wait_for(pilot, lambda: pane.state in ("ready", "error", "uncached") and not pane.busy, what=f"{key} ready")
    await pilot.pause()
    return pane


def to_tab_bar(screen: ProfileScreen) -> None:
    screen.set_focus(screen.query_one(TabbedContent).query_one(Tabs))


def labels(screen: ProfileScreen) -> list[str]:
    tabs = screen.query_one(TabbedContent)
    return [tabs.get_tab(f"tab-{s.key}").label.plain for s in screen.sections]


def status(pane: SectionPane) -> str:
    return str(pane.query_one("#pane-status").render())


async def open_first(pilot: Any, key: str = "business") -> tuple[ProfileScreen, SectionPane]:
    """Enter on the list's first row, then the ``key`` tab (by its digit, from the tab bar)."""
    await settled(pilot)
    await pilot.press("enter")
    screen = await wait_screen(pilot, ProfileScreen, "the profile")
    await pane_ready(pilot, screen, "personal")
    if key != "personal":
        to_tab_bar(screen)
        await pilot.press(str([s.key for s in screen.sections].index(key) + 1))
    return screen, await pane_ready(pilot, screen, key)


def keep_draft(
    sb: Any,
    home: Path,
    user_id: str,
    change: Callable[[dict], None],
    *,
    key: str = "business",
    offline: bool = True,
    label: str = "",
    sealer: Sealer | None = None,
    age: float = 0.0,
) -> Draft:
    """A draft of ``user_id``'s cached ``key`` section, changed by ``change``, kept in ``home``'s
    cache file by the DraftStore the app uses (the section must be cached), ``age`` seconds old."""
    db = connect(cache_file(home))
    try:
        env = cache_env_of(sandbox_env(sb))
        cached = ProfileCache(db, env, sealer).section(section(key), user_id)
        assert cached is not None, f"{key} of {user_id} is not cached"
        edited = copy.deepcopy(cached.doc)
        change(edited)
        return DraftStore(db, env, sealer, clock=lambda: time.time() - age).save(
            section(key), user_id, cached.doc, edited, user_label=label or f"user {user_id[:8]}", offline=offline
        )
    finally:
        db.close()


def drafts_in(sb: Any, home: Path, sealer: Sealer | None = None) -> list[Draft]:
    """The drafts kept now for the sandbox's environment (read as the app reads them)."""
    db = connect(cache_file(home))
    try:
        return DraftStore(db, cache_env_of(sandbox_env(sb)), sealer).list()
    finally:
        db.close()


def puts(sb: Any, since: int = 0) -> list[tuple[str, str, int]]:
    return [r for r in list(sb.requests)[since:] if r[0] == "PUT"]


def server(sb: Any, user_id: str, key: str = "business") -> dict:
    return sb.store.get_section(user_id, SLUG[key])
