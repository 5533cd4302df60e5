"""The offline search's bitsets against brute force over the stored rows: through edits made
by ProfileCache and by plain SQL (the triggers see both), purges, clears, a second
environment, a file from schema 1, and the characters FTS5 handles its own way."""

from __future__ import annotations

import json
import random
import sqlite3
from typing import Any

import pytest

from tui.domain import cache_bits, cache_search
from tui.domain.cache import CacheEnv, ProfileCache, clear, index_values, purge, row_search_key, sort_name
from tui.domain.cache_bits import _from_bytes, _to_bytes
from tui.domain.cache_db import MIGRATIONS, connect, transaction
from tui.domain.cache_search import search_users
from tui.domain.sections import section

GIVEN = ["Ana", "Anand", "Bo", "Céline", "Celine", "Éva", "Σοφία", "ſusan", "Li", "O'Neil", 'Jo "J"']
FAMILY = ["Smith", "García", "Lee", "Nu\x00ll", "Wu", "Dupont", "Ὀδυσσεύς"]
OFFICES = ["off-1", "off-2", "off-3"]


def make_row(i: int, rng: random.Random, **over: Any) -> dict[str, Any]:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    row: dict[str, Any] = {
        "userId": {"id": f"00000000-0000-4000-8000-{rng.randrange(10**12):012d}"},
        "organization": {"id": rng.choice(["co-a", "co-b"])},
        "persona": rng.choice(["EMPLOYEE", "GUEST"]),
        "isActive": rng.random() > 0.2,
        "externalId": f"X-{i:05d}",
        "personalDetail": {"name": {"given": given, "family1": family}},
        "businessDetail": {
            "legalEntity": {"id": "le-1"},
            "office": {"id": rng.choice(OFFICES)},
            "businessEmail": f"{given}.{family}{i}@Acme.example".replace(" ", ""),
            "designation": rng.choice(["Engineer", "Chief Nobody", ""]),
        },
    }
    row.update(over)
    return row


def uid(row: dict[str, Any]) -> str:
    return row["userId"]["id"]


def brute(cache: ProfileCache, body: dict[str, Any]) -> tuple[list[str], int]:
    """The answer computed the slow way, from the stored rows and facets."""
    env = cache.env_id
    facets: dict[str, dict[str, list[str]]] = {}
    for user, fld, value in cache.db.execute("SELECT user_id, field, value FROM facets WHERE env = ?", (env,)):
        facets.setdefault(user, {}).setdefault(fld, []).append(value)
    status = body.get("userStatusFilter", "ACTIVE")
    tokens = str(body.get("searchText", "")).lower().split()
    picked = []
    for (text,) in cache.db.execute("SELECT row_json FROM users WHERE env = ?", (env,)):
        row = json.loads(text)
        if status != "ALL" and row.get("isActive", True) is not (status == "ACTIVE"):
            continue
        if not all(t in row_search_key(row) for t in tokens):
            continue
        values = {**index_values(row), **facets.get(uid(row), {})}
        if "companyId" in body and body["companyId"]["id"] not in values.get("company", []):
            continue
        if body.get("filters") and not any(matches(values, f) for f in body["filters"]):
            continue
        name = row["personalDetail"]["name"]
        picked.append((sort_name(f"{name['given']} {name['family1']}".strip()), uid(row)))
    picked.sort(reverse=(body.get("sort") or {}).get("sortOrder") == "DESCENDING")
    page = body.get("pagination", {})
    offset, limit = page.get("offset", 0), page.get("limit", 100)
    return [u for _, u in picked[offset : offset + limit]], len(picked)


KEYS = {"officeIds": "office", "personas": "persona", "tiers": "tier", "roles": "role", "emails": "email"}
KEYS |= {"externalIds": "externalId", "designations": "designation", "userIds": "userId"}


def matches(values: dict[str, list[str]], flt: dict[str, Any]) -> bool:
    for key, vals in flt.items():
        if not vals:
            continue
        want = {v["id"] if isinstance(v, dict) else v for v in vals}
        if key in ("emails", "designations"):
            want = {v.lower() for v in want}
        if not want & set(values.get(KEYS[key], [])):
            return False
    return True


BODIES: list[dict[str, Any]] = [
    {},
    {"userStatusFilter": "ALL"},
    {"userStatusFilter": "INACTIVE", "sort": {"sortBy": "NAME", "sortOrder": "DESCENDING"}},
    {"searchText": "a"},
    {"searchText": "an", "userStatusFilter": "ALL"},
    {"searchText": "ana"},
    {"searchText": "anand smi"},
    {"searchText": "céline"},
    {"searchText": "celine"},
    {"searchText": "s"},  # not the "ſ" of ſusan (FTS5 folds one to the other)
    {"searchText": "ſusan"},
    {"searchText": "σοφία"},
    {"searchText": "ς"},  # final sigma: Python lowers Σ at a word's end to it, FTS5 folds it
    {"searchText": "σ"},
    {"searchText": "ὀδυσσεύς", "userStatusFilter": "ALL"},
    {"searchText": "nu\x00ll"},
    {"searchText": "ll\x1fsmith"},  # (a token never holds the separator: split apart)
    {"searchText": "x-000"},
    {"searchText": "acme.example"},
    {"searchText": 'jo "j"'},
    {"filters": [{"officeIds": [{"id": "off-1"}]}]},
    {"filters": [{"officeIds": [{"id": "off-1"}], "personas": ["GUEST"]}, {"tiers": ["SEAT1A"]}]},
    {"filters": [{"roles": ["TRAVEL_ARRANGER"]}], "userStatusFilter": "ALL"},
    {"filters": [{"designations": ["CHIEF NOBODY"]}], "searchText": "e"},
    {"filters": [{"emails": ["ANA.SMITH3@ACME.EXAMPLE", "nobody@x"]}], "userStatusFilter": "ALL"},
    {"filters": [{"externalIds": ["X-00007", "x-00008"]}], "userStatusFilter": "ALL"},
    {"companyId": {"id": "co-b"}, "searchText": "li"},
    {"searchText": "a", "pagination": {"offset": 40, "limit": 15}},
    {"searchText": "e", "pagination": {"offset": 3, "limit": 7}, "sort": {"sortBy": "NAME", "sortOrder": "DESCENDING"}},
    {"userStatusFilter": "ALL", "pagination": {"offset": 500, "limit": 30}},
]


def check(cache: ProfileCache) -> None:
    for body in BODIES:
        body = {"pagination": {"offset": 0, "limit": 10_000}, **body}
        got = search_users(cache.db, cache.env_id, body)
        want, total = brute(cache, body)
        assert [uid(u) for u in got["users"]] == want, body
        assert got["pagination"]["totalNumResults"] == total, body


@pytest.fixture
def cache(tmp_path) -> ProfileCache:
    return ProfileCache(connect(tmp_path / "c.sqlite3"), CacheEnv.of("a", "http://a", tmc_id="t"), None)


def fill(cache: ProfileCache, n: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = [make_row(i, rng) for i in range(n)]
    cache.store_rows(rows)
    for row in rng.sample(rows, n // 3):
        cache.store_profile(uid(row), {"tier": rng.choice(["SEAT1A", None])})
        cache.store_section(section("roles"), uid(row), {"roles": [{"roleType": "TRAVEL_ARRANGER"}]})
    return rows


def test_search_equals_brute_force_through_edits(cache):
    rows = fill(cache, 300)
    check(cache)
    rng = random.Random(2)
    for row in rng.sample(rows, 12):  # a few users change: their bits only
        row["personalDetail"]["name"]["given"] = rng.choice(GIVEN)
        row["isActive"] = not row["isActive"]
        row["businessDetail"]["office"] = {"id": rng.choice(OFFICES)}
    cache.store_rows(rows)
    some = rng.sample(rows, 20)
    for row in some:
        cache.store_profile(uid(row), {"tier": "SEAT1A"})
        cache.store_section(section("roles"), uid(row), {"roles": []})
    check(cache)


def test_writes_that_bypass_the_cache_class_are_seen(cache):
    rows = fill(cache, 200)
    db = cache.db
    check(cache)
    with transaction(db):
        db.execute("UPDATE users SET is_active = 1 - is_active WHERE rowid % 7 = 0")
        db.execute("DELETE FROM users WHERE rowid % 11 = 0")
        db.execute("DELETE FROM facets WHERE field = 'role' AND user_id < '00000000-0000-4000-8000-5'")
        db.execute(
            "INSERT INTO facets (env, user_id, field, value) VALUES (?, ?, 'tier', 'SEAT1A') ON CONFLICT DO NOTHING",
            (cache.env_id, uid(rows[5])),
        )
    # (brute reads isActive from the row: make the rows say what the column says)
    for rowid, text, active in db.execute("SELECT rowid, row_json, is_active FROM users").fetchall():
        row = json.loads(text)
        if row["isActive"] is not bool(active):
            row["isActive"] = bool(active)
            db.execute("UPDATE users SET row_json = ? WHERE rowid = ?", (json.dumps(row), rowid))
    check(cache)


def test_many_users_over_several_blocks_then_purge_and_clear(cache):
    rows = fill(cache, 5000, seed=4)
    assert cache_bits.dirty(cache.db, cache.env_id)  # computed by the first search
    check(cache)
    assert not cache_bits.dirty(cache.db, cache.env_id)
    assert {r[0] for r in cache.db.execute("SELECT blk FROM search_bits")} == {-1, 0, 1}  # rowids 1..5000; version
    clock = cache.clock
    cache.clock = lambda: clock() + 10 * 86400
    cache.store_rows(rows[:100])  # seen later: kept by the purge below
    assert purge(cache.db, 5, now=clock() + 6 * 86400) > 0
    check(cache)
    assert search_users(cache.db, cache.env_id, {"userStatusFilter": "ALL"})["pagination"]["totalNumResults"] == 100
    clear(cache.db, cache.env.key)
    assert search_users(cache.db, cache.env_id, {"userStatusFilter": "ALL"})["pagination"]["totalNumResults"] == 0
    assert cache.db.execute("SELECT count(*) FROM search_bits").fetchone()[0] == 0


def test_environments_never_mix(tmp_path):
    db = connect(tmp_path / "c.sqlite3")
    a = ProfileCache(db, CacheEnv.of("a", "http://a", tmc_id="t"), None)
    b = ProfileCache(db, CacheEnv.of("b", "http://b", tmc_id="t"), None)
    rng = random.Random(5)
    a.store_rows([make_row(i, rng) for i in range(50)])
    b.store_rows([make_row(i, rng, persona="GUEST") for i in range(60)])
    a.store_rows([make_row(i, rng) for i in range(50, 80)])  # a's rowids around b's
    check(a)
    check(b)
    body = {"userStatusFilter": "ALL", "filters": [{"personas": ["GUEST"]}], "pagination": {"limit": 1000}}
    assert search_users(db, b.env_id, body)["pagination"]["totalNumResults"] == 60
    assert search_users(db, None, body) == {"users": [], "pagination": {"totalNumResults": 0}}


def test_long_tokens_through_the_fts_path_too(cache, monkeypatch):
    fill(cache, 300, seed=6)
    monkeypatch.setattr(cache_search, "VERIFY_MAX", 0)  # every long token through FTS5
    check(cache)
    monkeypatch.setattr(cache_search, "SORT_COST", 10**9)  # every page walked in name order
    check(cache)
    monkeypatch.setattr(cache_search, "SORT_COST", 0)  # every page sorted by place
    check(cache)


def test_a_file_of_schema_1_is_taken_forward(tmp_path):
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    MIGRATIONS[0](raw)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO envs (id, key, name, base_url, scope) VALUES (1, 'http://a tmc:t', 'a', 'http://a', 'tmc:t')"
    )
    rng = random.Random(7)
    rows = [make_row(i, rng) for i in range(40)]
    for row in rows:
        name = row["personalDetail"]["name"]
        raw.execute(
            "INSERT INTO users (env, user_id, row_json, search, sort_name, is_active, seen_at) VALUES (1, ?, ?, ?, ?, ?, 0)",
            (
                uid(row),
                json.dumps(row),
                row_search_key(row),
                sort_name(f"{name['given']} {name['family1']}"),
                int(row["isActive"]),
            ),
        )
        for fld, vals in {**index_values(row), "tier": ["SEAT1A"]}.items():
            for v in vals:
                raw.execute("INSERT INTO facets VALUES (1, ?, ?, ?)", (uid(row), fld, v))
    raw.commit()
    raw.close()
    cache = ProfileCache(connect(path), CacheEnv.of("a", "http://a", tmc_id="t"), None)
    fields = {f for (f,) in cache.db.execute("SELECT DISTINCT field FROM facets")}
    assert fields == {"tier"}  # what the rows carry is read from them now
    check(cache)
    got = search_users(cache.db, cache.env_id, {"filters": [{"tiers": ["SEAT1A"]}], "userStatusFilter": "ALL"})
    assert got["pagination"]["totalNumResults"] == 40


def test_stored_bits_round_trip():
    rng = random.Random(8)
    for n in (1, 3, 40, 300, 2000, 4096):
        v = 0
        for o in rng.sample(range(4096), n):
            v |= 1 << o
        raw = _to_bytes(v)
        assert _from_bytes(raw) == v
        assert len(raw) <= 1 + min(2 * n, 512)
    bits = cache_bits.Bits.of_rowids([5, 4097, 9000, 3])
    assert list(bits.rowids()) == [3, 5, 4097, 9000] and len(bits) == 4 and 4097 in bits and 4 not in bits
