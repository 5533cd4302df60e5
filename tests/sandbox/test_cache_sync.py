"""``cache_sync.sync`` against the sandbox over loopback: what it fetches (the sandbox's request
log is the witness), what it stores, and how a stopped sync goes on."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.sandbox.bulk_kit import client_for
from tui.api.errors import ApiConnectionError
from tui.domain.backend import OnlineBackend
from tui.domain.cache import CacheEnv, ProfileCache
from tui.domain.cache_backend import CachingBackend
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.cache_sync import sync, sync_state
from tui.domain.query import parse_query
from tui.domain.rate_gate import RateGate
from tui.domain.sections import section
from tui.sandbox import SandboxConfig

KEY = b"sync-test-key-0123456789abcdef!!"


def new_cache(sb: Any, tmp_path: Any, name: str = "cache.sqlite3") -> ProfileCache:
    return ProfileCache(connect(tmp_path / name), CacheEnv.of("sandbox", sb.base_url, tmc_id=sb.tmc_id), Sealer(KEY))


def everyone(sb: Any) -> dict[str, Any]:
    return parse_query("status:all").to_request(tmc_id=sb.tmc_id)


def all_ids(sb: Any) -> set[str]:
    store = sb.store
    return {store.row(p).user_id for p in range(len(store.index))}


def run(sb: Any, cache: ProfileCache, body: dict[str, Any], **kw: Any) -> Any:
    async def go() -> Any:
        async with client_for(sb, kw.get("gate")) as client:
            return await sync(OnlineBackend(client), cache, body, **kw)

    return asyncio.run(go())


def fetched(sb: Any, since: int) -> Counter[str]:
    """GET /v2/users/{id} per user since ``since`` (the profile fetches)."""
    return Counter(p.split("/")[3] for m, p, _ in sb.requests[since:] if m == "GET" and p.count("/") == 3)


def kinds(sb: Any, since: int) -> Counter[str]:
    """Requests since ``since``, by kind: list, profile, roles, other."""
    out: Counter[str] = Counter()
    for method, path, _ in sb.requests[since:]:
        parts = path.split("/")
        if path == "/v3/users/list":
            out["list"] += 1
        elif method == "GET" and len(parts) == 4:
            out["profile"] += 1
        elif method == "GET" and parts[-1] == "roles":
            out["roles"] += 1
        else:
            out[f"{method} {path}"] += 1
    return out


def profile_count(cache: ProfileCache) -> int:
    return int(cache.db.execute("SELECT count(*) FROM profiles").fetchone()[0])


@pytest.fixture
def sb(sandbox_factory):
    return sandbox_factory(users=240)


def test_sync_then_five_changed_behind_the_back_fetch_exactly_those_five(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)
    ids = all_ids(sb)
    seen: list[tuple[int, int]] = []
    n0 = len(sb.requests)
    first = run(sb, cache, everyone(sb), concurrency=8, page_size=100, progress=lambda d, t: seen.append((d, t)))
    assert first.finished and first.progress.fetched == len(ids) == 240 and not first.failures
    assert kinds(sb, n0) == {"list": 3, "profile": 240, "roles": 240}
    assert first.requests == 483
    assert seen[-1] == (240, 240) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert profile_count(cache) == 240
    uid = sorted(ids)[0]
    assert cache.profile(uid).doc == sb.store.user_profile(uid)
    assert cache.section(section("roles"), uid).doc == sb.store.get_section(uid, "roles")

    changed = sorted(ids)[10:15]
    for i, u in enumerate(changed):
        if i % 2:
            sb.store.tamper(u, "business-info", {"designation": f"Moved {i}"})
        else:
            sb.store.tamper(u, "roles", {"roles": [{"roleType": "TRAVEL_ARRANGER"}]})
    n1 = len(sb.requests)
    again = run(sb, cache, everyone(sb), concurrency=8, page_size=100)
    assert again.finished and (again.progress.fetched, again.progress.unchanged) == (5, 235)
    assert fetched(sb, n1) == dict.fromkeys(changed, 1)
    assert kinds(sb, n1) == {"list": 3, "profile": 5, "roles": 5}
    for u in changed:
        assert cache.profile(u).doc["businessInfo"] == sb.store.get_section(u, "business-info")
        assert cache.section(section("roles"), u).doc == sb.store.get_section(u, "roles")


def test_a_resync_with_nothing_changed_makes_list_calls_only(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)
    run(sb, cache, everyone(sb), page_size=100)
    n0 = len(sb.requests)
    again = run(sb, cache, everyone(sb), page_size=100)
    assert kinds(sb, n0) == {"list": 3} and again.requests == 3
    assert again.finished and again.progress.unchanged == 240 and again.progress.fetched == 0


def test_a_query_syncs_its_users_only_and_keeps_its_own_place(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)
    guests = parse_query("persona:guest").to_request(tmc_id=sb.tmc_id)
    n0 = len(sb.requests)
    result = run(sb, cache, guests)
    want = {sb.store.row(p).user_id for p in range(len(sb.store.index)) if sb.store.row(p).persona == "GUEST"}
    assert 0 < result.progress.fetched == len(want) < 240
    assert set(fetched(sb, n0)) == want
    assert sync_state(cache, guests).finished and sync_state(cache, everyone(sb)) is None


def test_cancelled_midway_it_goes_on_where_it_stopped_and_fetches_nobody_twice(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)
    cancel = threading.Event()

    def stop_soon(done: int, total: int) -> None:
        if done >= 130:
            cancel.set()

    n0 = len(sb.requests)
    first = run(sb, cache, everyone(sb), page_size=50, progress=stop_soon, cancel=cancel)
    assert not first.finished and 130 <= first.progress.fetched < 240
    state = sync_state(cache, everyone(sb))
    assert state is not None and not state.finished and state.next % 50 == 0 and 100 <= state.next <= 200
    assert profile_count(cache) == first.progress.fetched  # everything fetched was stored
    n1 = len(sb.requests)
    second = run(sb, cache, everyone(sb), page_size=50)
    assert second.finished and second.resumed_from == state.next
    assert second.progress.fetched == 240 - first.progress.fetched
    lists = [p for m, p, _ in sb.requests[n1:] if p == "/v3/users/list"]
    assert len(lists) == (240 - state.next + 49) // 50  # from where it stopped, not from the top
    assert fetched(sb, n0) == dict.fromkeys(all_ids(sb), 1)  # nobody fetched twice
    assert profile_count(cache) == 240 and sync_state(cache, everyone(sb)).finished


def test_a_cancelled_task_keeps_what_it_fetched(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)

    async def go() -> None:
        async with client_for(sb) as client:
            task = asyncio.create_task(sync(OnlineBackend(client), cache, everyone(sb), page_size=60))
            while profile_count(cache) < 60:
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    n0 = len(sb.requests)
    asyncio.run(go())
    kept = profile_count(cache)
    assert 60 <= kept < 240
    run(sb, cache, everyone(sb), page_size=60)
    twice = [u for u, n in fetched(sb, n0).items() if n > 1]
    assert len(twice) <= 8  # at most the requests that were in flight when it was cancelled
    assert profile_count(cache) == 240


def test_a_dead_server_stops_the_sync_and_a_new_run_goes_on(sandbox_factory, tmp_path) -> None:
    first_sb = sandbox_factory(users=240, latency_ms=5)
    cache = new_cache(first_sb, tmp_path)
    stopper = threading.Thread(target=lambda: (_wait_for(cache, 100), first_sb.stop()))
    stopper.start()
    with pytest.raises(ApiConnectionError):
        run(first_sb, cache, everyone(first_sb), page_size=40, concurrency=4)
    stopper.join()
    stored = {r[0] for r in cache.db.execute("SELECT user_id FROM profiles")}
    state = sync_state(cache, everyone(first_sb))
    assert state is not None and not state.finished and 0 < state.next <= len(stored) < 240
    # the same server back on the same port (same seed, same data)
    second_sb = sandbox_factory(SandboxConfig(users=240, seed=7, port=first_sb.port))
    result = run(second_sb, cache, everyone(second_sb), page_size=40, concurrency=4)
    assert result.finished and result.resumed_from == state.next and profile_count(cache) == 240
    again = set(fetched(second_sb, 0))
    assert not again & stored and again | stored == all_ids(second_sb)  # what was stored is not fetched again
    assert len(again & set(fetched(first_sb, 0))) <= 4  # only those in flight when the server went


def _wait_for(cache_or_path: Any, n: int) -> None:
    import sqlite3
    import time

    path = cache_or_path.db.execute("PRAGMA database_list").fetchone()[2]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        db = sqlite3.connect(path)
        try:
            if db.execute("SELECT count(*) FROM profiles").fetchone()[0] >= n:
                return
        finally:
            db.close()
        time.sleep(0.01)


def test_a_user_that_cannot_be_read_is_counted_and_tried_again_next_run(sb, tmp_path) -> None:
    cache = new_cache(sb, tmp_path)
    injected = []

    def inject_once(done: int, total: int) -> None:
        if not injected:  # after the one list call: the next request is a user's
            sb.faults.inject("malformed")
            injected.append(True)

    first = run(sb, cache, everyone(sb), page_size=1000, progress=inject_once)
    assert first.finished and first.progress.failed == 1 and len(first.failures) == 1
    ((bad, why),) = first.failures
    assert why
    assert cache.profile(bad) is None and profile_count(cache) == 239
    n0 = len(sb.requests)
    again = run(sb, cache, everyone(sb), page_size=1000)
    assert fetched(sb, n0) == {bad: 1} and again.progress.fetched == 1


def test_429s_slow_the_sync_down_and_everyone_ends_cached(sandbox_factory, tmp_path) -> None:
    sb = sandbox_factory(users=60, rate_limit=40)
    cache = new_cache(sb, tmp_path)
    gate = RateGate(8)
    result = run(sb, cache, everyone(sb), concurrency=8, gate=gate)
    assert result.finished and result.progress.fetched == 60 and not result.failures
    assert any(s == 429 for _, _, s in sb.requests) and gate.throttles  # throttled, and got through


def test_the_apps_caching_backend_is_not_stored_twice(sb, tmp_path, monkeypatch) -> None:
    cache = new_cache(sb, tmp_path)
    calls: list[str] = []
    real = ProfileCache.store_profile

    def counting(self: ProfileCache, user_id: str, profile: Any, last_updated_at: Any = None) -> None:
        calls.append(user_id)
        real(self, user_id, profile, last_updated_at)

    monkeypatch.setattr(ProfileCache, "store_profile", counting)

    async def go() -> Any:
        async with client_for(sb) as client:
            return await sync(CachingBackend(OnlineBackend(client), cache), cache, everyone(sb))

    result = asyncio.run(go())
    assert result.progress.fetched == 240 and Counter(calls) == dict.fromkeys(all_ids(sb), 1)
    assert cache.profile(sorted(all_ids(sb))[0]) is not None  # the caller's cache sees what was synced


def test_a_cache_write_that_fails_never_moves_the_place_past_what_was_lost(sb, tmp_path, monkeypatch) -> None:
    cache = new_cache(sb, tmp_path)
    real = ProfileCache.store_profile
    calls = [0]

    def full_disk(self: ProfileCache, user_id: str, profile: Any, last_updated_at: Any = None) -> None:
        calls[0] += 1
        if calls[0] > 70:
            raise sqlite3.OperationalError("database or disk is full")
        real(self, user_id, profile, last_updated_at)

    monkeypatch.setattr(ProfileCache, "store_profile", full_disk)
    with pytest.raises(sqlite3.OperationalError):
        run(sb, cache, everyone(sb), page_size=50)
    state = sync_state(cache, everyone(sb))
    stored = {r[0] for r in cache.db.execute("SELECT user_id FROM profiles")}
    body = {**everyone(sb), "pagination": {"offset": 0, "limit": 1000}}
    order = [
        u["userId"]["id"]
        for u in httpx.post(f"{sb.base_url}/v3/users/list", json=body, headers=auth(sb)).json()["users"]
    ]
    assert state is not None and not state.finished and 0 < len(stored) < 240
    assert set(order[: state.next]) <= stored  # the place never passes a user whose profile was lost
    monkeypatch.setattr(ProfileCache, "store_profile", real)
    assert run(sb, cache, everyone(sb), page_size=50).finished
    assert profile_count(cache) == 240


def auth(sb: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {sb.token}"}
