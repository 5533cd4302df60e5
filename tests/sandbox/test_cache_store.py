"""The cache filled through CachingBackend from the sandbox over loopback, then read offline:
the same list answers, sections with their age, sensitive values sealed or not stored."""

from __future__ import annotations

import pytest

from tests.sandbox.bulk_kit import client_for
from tui.domain.backend import OnlineBackend
from tui.domain.cache import CacheEnv, ProfileCache, clear, purge, status
from tui.domain.cache_backend import CachingBackend, NotCachedError, OfflineBackend, OfflineError
from tui.domain.cache_crypto import NOT_CACHED, Sealer
from tui.domain.cache_db import connect
from tui.domain.sections import section

KEY = b"0123456789abcdef" * 2


@pytest.fixture
async def filled(sandbox, tmp_path):
    """Every user's row, profile and roles cached (sealed with a test key), plus one user's
    personal section."""
    db = connect(tmp_path / "cache.sqlite3")
    cache = ProfileCache(db, CacheEnv.of("sandbox", sandbox.base_url, tmc_id=sandbox.tmc_id), Sealer(KEY))
    async with client_for(sandbox) as client:
        online = CachingBackend(OnlineBackend(client), cache)
        body = {"tmcId": {"id": sandbox.tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": 1000}}
        ids = [u["userId"]["id"] for u in (await online.list_users(body))["users"]]
        for uid in ids:
            await online.get_user(uid)
            await online.read_section(section("roles"), uid)
        await online.read_section(section("personal"), ids[0])
        yield client, cache, ids
    db.close()


QUERIES = ["", "smi", "a", "an", "example", "jo sm", "TGS-0000", "zzzz"]
FILTERS = [
    None,
    [{"personas": ["GUEST"]}],
    [{"tiers": ["SEAT1A"]}],
    [{"roles": ["TRAVEL_ARRANGER"]}],
    [{"personas": ["EMPLOYEE"]}, {"tiers": ["SEAT1A"]}],
]


async def test_offline_list_answers_as_the_sandbox(sandbox, filled):
    client, cache, _ = filled
    offline = OfflineBackend(cache)
    for status_filter in ("ACTIVE", "ALL", "INACTIVE"):
        for text in QUERIES:
            for flt in FILTERS:
                body = {
                    "tmcId": {"id": sandbox.tmc_id},
                    "userStatusFilter": status_filter,
                    "searchText": text,
                    "pagination": {"offset": 0, "limit": 1000},
                }
                if flt:
                    body["filters"] = flt
                server = await client.call_raw("list_users_v3", body=body)
                local = await offline.list_users(body)
                want = {u["userId"]["id"] for u in server["users"]}
                got = {u["userId"]["id"] for u in local["users"]}
                assert got == want, (status_filter, text, flt)
                assert local["pagination"]["totalNumResults"] == server["pagination"]["totalNumResults"]


async def test_sections_come_back_with_their_age_and_sensitive_values(filled, tmp_path):
    _, cache, ids = filled
    offline = OfflineBackend(cache)
    personal = offline.cached_section(section("personal"), ids[0])
    assert personal is not None and personal.not_cached == [] and personal.age_seconds() < 60
    assert personal.doc == await offline.read_section(section("personal"), ids[0])
    # from the cached profile (never read on its own)
    business = offline.cached_section(section("business"), ids[1])
    assert business is not None and business.doc
    with pytest.raises(NotCachedError):
        await offline.read_section(section("personal"), "no-such-user")
    with pytest.raises(OfflineError):
        await offline.write_section(section("business"), ids[0], business.doc)


async def test_no_sensitive_value_lies_in_the_file_in_clear(sandbox, filled, tmp_path):
    _, cache, ids = filled
    cache.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("cache.sqlite3"))
    secrets = []
    for uid in ids[:50]:
        personal = sandbox.store.get_section(uid, "personal-info")
        dob = (personal.get("dob") or {}).get("iso8601")
        secrets += [dob] if dob else []
        for doc in personal.get("identityDocs") or []:
            for kind in doc.values():
                if isinstance(kind, dict) and kind.get("docId"):
                    secrets.append(kind["docId"])
    assert len(secrets) > 20
    assert [s for s in secrets if s.encode() in raw] == []


async def test_without_a_key_sensitive_values_are_not_cached(sandbox, tmp_path):
    db = connect(tmp_path / "nokey.sqlite3")
    cache = ProfileCache(db, CacheEnv.of("sandbox", sandbox.base_url, tmc_id=sandbox.tmc_id), None)
    async with client_for(sandbox) as client:
        online = CachingBackend(OnlineBackend(client), cache)
        store = sandbox.store
        users = (store.row(p).user_id for p in range(len(store.index)))
        uid = next(u for u in users if store.get_section(u, "personal-info").get("dob"))
        await online.read_section(section("personal"), uid)
    got = cache.section(section("personal"), uid)
    assert got is not None and ("dob",) in got.not_cached and got.doc["dob"] == NOT_CACHED


async def test_status_purge_and_clear(filled):
    _, cache, ids = filled
    (row,) = status(cache.db)
    assert (row.users, row.profiles, row.name) == (len(ids), len(ids), "sandbox")
    assert row.sections == len(ids) + 1
    assert purge(cache.db, 30) == 0  # nothing is old
    gone = purge(cache.db, 30, now=cache.clock() + 31 * 86400)
    assert gone > 0 and status(cache.db)[0].users == 0
    assert clear(cache.db) == 0
