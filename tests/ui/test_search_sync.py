"""The palette's "Sync this search to the cache", over the real sandbox: the list's typed query is
synced (every matching user's row, the profile and roles of each one not cached yet), with a
line that counts and says the ETA while the list stays usable, Esc stops it cleanly (what was
fetched is kept), a second run fetches nothing that did not change, and offline it needs the
server. The sandbox's request log and the cache file are the witnesses."""

from __future__ import annotations

from tests.ui.app_kit import settled, wait_for
from tests.ui.drafts_kit import toasts
from tests.ui.offline_kit import fill_cache, offline_app, table_count
from tui.ui.search_sync import search_sync
from tui.ui.widgets.sync_line import SyncLine


async def palette(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    for ch in command:
        await pilot.press(ch if ch != " " else "space")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def profile_gets(sb, since: int) -> list[str]:
    return [p for m, p, _ in sb.requests[since:] if m == "GET" and p.count("/") == 3 and p.startswith("/v2/users/")]


async def test_the_search_is_synced_and_a_second_run_fetches_nothing_new(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=60)
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        users = await settled(pilot)
        users.set_query_text("persona:employee")
        users = await settled(pilot)
        total = users.model.total
        assert 0 < total < 60
        since = len(sb.requests)
        await palette(pilot, "Sync this search")
        await wait_for(pilot, lambda: any(t.startswith("Synced") for t in toasts(app)), timeout=30, what="synced")
        assert f"Synced {total:,} users · {total:,} profiles fetched" in toasts(app)
        fetched = profile_gets(sb, since)
        assert len(fetched) == len(set(fetched)) == total  # each matching user's profile, once
        assert not [r for r in sb.requests[since:] if r[0] == "PUT"]
        assert not users.query_one(SyncLine).display

        since = len(sb.requests)
        await palette(pilot, "Sync this search")
        await wait_for(pilot, lambda: toasts(app).count(f"Synced {total:,} users · 0 profiles fetched"), timeout=30)
        assert {(m, p) for m, p, _ in sb.requests[since:]} == {("POST", "/v3/users/list")}  # list calls only
    assert table_count(tmp_path, "profiles") == total


async def test_a_progress_line_counts_the_list_stays_usable_and_esc_stops_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=300, latency_ms=25)
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        users = await settled(pilot, timeout=10)
        since = len(sb.requests)
        await palette(pilot, "Sync this search")
        line = users.query_one(SyncLine)
        await wait_for(pilot, lambda: " of 300 · " in line.text, timeout=15, what="the progress line")
        assert line.text.startswith("Syncing every user to the cache: ")
        assert " · ETA " in line.text and " · Esc stops it · " in line.text and line.text.endswith(" users/s")
        assert line.display and search_sync(app).running
        shown = str(line.render())  # 80 columns: the count, the ETA and the key fit
        assert " of 300 · ETA " in shown and "Esc stops it" in shown

        await pilot.press("j")  # the list still answers while the sync runs
        assert users.table.cursor == 1

        await pilot.press("escape")
        await wait_for(pilot, lambda: not search_sync(app).running, timeout=15, what="the sync stopped")
        await pilot.pause()
        [note] = [t for t in toasts(app) if t.startswith("Sync stopped at ")]
        assert note.endswith("profiles fetched, all kept; run it again to go on.")
        assert not line.display
        fetched = len(profile_gets(sb, since))
        await pilot.pause(0.3)
        assert len(profile_gets(sb, since)) == fetched  # nothing more was asked once stopped
        assert 0 < fetched < 300
    assert table_count(tmp_path, "profiles") == fetched  # everything fetched was kept


async def test_offline_the_sync_needs_the_server(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    await fill_cache(sb, tmp_path)
    since = len(sb.requests)
    app = offline_app(sb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await palette(pilot, "Sync this search")
        await wait_for(pilot, lambda: any("needs the server" in t for t in toasts(app)), what="the refusal")
        assert any(t.startswith("Syncing to the cache needs the server") for t in toasts(app))
        assert not search_sync(app).running
    assert sb.requests[since:] == []
