"""Snapshots of drafts at 80x24 and 120x40: the drafts screen offline (two drafts, one made
offline and one parked, the highlighted one's diff masked, the OFFLINE banner) and a profile tab
opened on its draft ("1 draft" on the tab where the words fit, ✎ where they do not; the tab's line
in words).

Deterministic: a sandbox of seed 7, its copies cached three days back and the drafts kept two
hours back (so "3 d ago" and "2 h ago" whenever the test runs), no keyring, workers finished.
Update: ``pytest tests/ui/test_drafts_snapshots.py --snapshot-update``, then read the SVGs' text.
"""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, Tabs

from tests.ui.app_kit import settled, wait_for
from tests.ui.drafts_kit import keep_draft
from tests.ui.offline_kit import DAY, fill_cache, offline_app
from tui.ui.screens.drafts import DraftsScreen
from tui.ui.screens.profile import ProfileScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
HOUR = 3600.0


@pytest.fixture
async def drafted_home(sandbox, tmp_path):
    ids = await fill_cache(sandbox, tmp_path, profiles=2, sections=("business", "personal"), age=3 * DAY)
    keep_draft(
        sandbox,
        tmp_path,
        ids[0],
        lambda d: d.update(designation="Head of Travel", authorizerEmail="approvals@example.org"),
        label="First Traveler <first@example.org>",
        age=2 * HOUR,
    )
    keep_draft(
        sandbox,
        tmp_path,
        ids[1],
        lambda d: d.update(preferredLanguage="fr-FR"),
        key="personal",
        offline=False,
        label="Second Traveler <second@example.org>",
        age=2 * HOUR,
    )
    return tmp_path


@pytest.mark.parametrize("size", SIZES)
def test_drafts_screen(snap_compare, sandbox, drafted_home, size):
    async def run(pilot):
        await settled(pilot)
        await pilot.press("D")
        screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, DraftsScreen) and pilot.app.screen)
        await wait_for(pilot, lambda: screen.loaded, what="the drafts")
        await wait_for(pilot, lambda: "300 users" in screen.query_one("#offline-banner").text, what="the counts")
        await pilot.press("down")  # the business draft: two changes
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(offline_app(sandbox, drafted_home), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_profile_tab_with_a_draft(snap_compare, sandbox, drafted_home, size):
    async def run(pilot):
        await settled(pilot)
        await pilot.press("enter")
        screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, ProfileScreen) and pilot.app.screen)
        await wait_for(pilot, lambda: "business" in screen.draft_keys, what="the draft marks")
        screen.set_focus(screen.query_one(TabbedContent).query_one(Tabs))
        await pilot.press("2")
        pane = screen.pane("business")
        await wait_for(pilot, lambda: pane.state == "ready" and pane.section_draft is not None, what="the draft")
        await pilot.app.workers.wait_for_complete()
        screen.set_focus(screen.query_one(TabbedContent).query_one(Tabs))
        await pilot.pause()

    assert snap_compare(offline_app(sandbox, drafted_home, offline=False), terminal_size=size, run_before=run)
