"""Snapshots of the app offline at 80x24 and 120x40: the list over the cache with its OFFLINE
banner, and a cached profile tab (its age on the tab's line, ◷ / ∅ marks on the tabs where they
fit, values the cache does not hold shown as "not cached").

Deterministic: the module sandbox (seed 7) cached through the app's CachingBackend with a clock
three days back (so "3 d ago" whenever the test runs), no keyring, workers finished, focus on
the list / the tab bar. Update: ``pytest tests/ui/test_offline_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, Tabs

from tests.ui.app_kit import settled, wait_for
from tests.ui.offline_kit import DAY, fill_cache, offline_app
from tui.ui.screens.profile import ProfileScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
async def cached_home(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path, profiles=1, sections=("personal",), age=3 * DAY)
    return tmp_path


async def _list_ready(pilot):
    screen = await settled(pilot)
    await wait_for(pilot, lambda: "300 users" in str(screen.query_one("#offline-banner").render()), what="counts")
    screen.set_focus(screen.table)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_offline_list(snap_compare, sandbox, cached_home, size):
    assert snap_compare(offline_app(sandbox, cached_home), terminal_size=size, run_before=_list_ready)


@pytest.mark.parametrize("size", SIZES)
def test_offline_cached_profile_tab(snap_compare, sandbox, cached_home, size):
    async def run(pilot):
        await _list_ready(pilot)
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProfileScreen) and pilot.app.screen)
        pane = screen.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="the personal tab")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen.set_focus(screen.query_one(TabbedContent).query_one(Tabs))
        await pilot.pause()

    assert snap_compare(offline_app(sandbox, cached_home), terminal_size=size, run_before=run)
