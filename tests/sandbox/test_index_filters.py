"""Company scope and filters against brute force, through the cached per-value bitsets of the
snapshot: warmed before edits (a user moved to another office, persona or company, deactivated,
created) and asked again after them, on both the exact-set and the bitset path."""

from __future__ import annotations

import dataclasses
import random

import pytest

import tui.sandbox.index as index_mod
from tests.sandbox.test_index import make_rows
from tui.sandbox.index import Row, UserIndex, search_key, sort_name

OFFICES = ["off-1", "off-2", "off-3"]
COMPANIES = ["co-a", "co-b"]
ROLES = ["TRAVEL_ARRANGER", "COMPANY_ADMIN"]


def org_rows(n: int, seed: int = 5) -> list[Row]:
    r = random.Random(seed)
    return [
        dataclasses.replace(
            row,
            office_id=r.choice(OFFICES),
            company_id=r.choice(COMPANIES),
            tier=r.choice([None, "SEAT1A"]),
            roles=tuple(x for x in ROLES if r.random() < 0.2),
        )
        for row in make_rows(n, seed)
    ]


# Request key -> the row's values for it (independent of the index's own mapping)
FIELDS = {
    "officeIds": lambda r: {r.office_id},
    "personas": lambda r: {r.persona},
    "tiers": lambda r: {r.tier or "BASIC"},
    "roles": lambda r: set(r.roles),
    "userIds": lambda r: {r.user_id},
    "emails": lambda r: {r.email.lower()},
}


def matches(row: Row, flt: dict) -> bool:
    for key, vals in flt.items():
        if not vals:
            continue
        want = {v["id"] if isinstance(v, dict) else (v.lower() if key == "emails" else v) for v in vals}
        if not FIELDS[key](row) & want:
            return False
    return True


def brute(rows: list[Row], company=None, filters=None, status="ACTIVE", search="") -> list[int]:
    ok = [
        r
        for r in rows
        if (company is None or r.company_id == company)
        and (not filters or any(matches(r, f) for f in filters))
        and (status == "ALL" or r.is_active == (status == "ACTIVE"))
        and all(t in search_key(r) for t in search.lower().split())
    ]
    ok.sort(key=lambda r: (sort_name(f"{r.given} {r.family}".strip()), r.user_id))
    return [r.index for r in ok]


def office(o: str) -> dict:
    return {"officeIds": [{"id": o}]}


QUERIES = [
    {"company": "co-a"},
    {"company": "co-b", "status": "ALL"},
    {"company": "co-a", "filters": [{"personas": ["GUEST"]}]},
    {"filters": [{"personas": ["GUEST"]}], "status": "INACTIVE"},
    {"filters": [{"tiers": ["SEAT1A"]}, {"roles": ["TRAVEL_ARRANGER"]}]},
    {"filters": [office("off-1"), office("off-2")], "status": "ALL"},
    {"filters": [{**office("off-2"), "personas": ["EMPLOYEE"]}], "search": "a"},
    {"filters": [{"officeIds": [{"id": "off-3"}, {"id": "off-1"}], "roles": ROLES}]},
    {"filters": [office("off-1"), {}]},  # an empty filter: everyone
    {"filters": [{"officeIds": ["not-a-dict"]}]},  # unusable values: no one
    {"filters": [office("nowhere")]},
    {"company": "co-b", "filters": [office("off-3"), {"userIds": [{"id": "00000000-0000-4000-8000-000000000007"}]}]},
    {"filters": [{"emails": ["U3@ACME.example", "u4@globex.example"]}, office("off-2")], "status": "ALL"},
]


def check(index: UserIndex, rows: list[Row]) -> None:
    for q in QUERIES:
        assert index.query(**q) == brute(rows, **q), q
        assert index.query(**q, descending=True) == brute(rows, **q)[::-1], q


@pytest.mark.parametrize("small", [10**9, 32, 0], ids=["bitsets", "default", "sets"])
def test_cached_filters_match_brute_force_through_edits(monkeypatch, small):
    monkeypatch.setattr(index_mod, "SMALL", small)
    rng = random.Random(small)
    rows = org_rows(400)
    index = UserIndex(rows)
    check(index, rows)  # warms the per-value bitsets of the snapshot
    if small == 10**9:
        assert ("office", "off-1") in index._snap.sets and ("company", "co-a") in index._snap.sets
    snap = index._snap
    for step in range(40):
        if step % 5 == 0:  # create
            pos = len(rows)
            row = Row(
                index=pos,
                user_id=f"00000000-0000-4000-8000-9{pos:011d}",
                given="Ana",
                family=rng.choice(["Zed", "Aa", "Mo"]),
                email=f"new{pos}@acme.example",
                persona=rng.choice(["EMPLOYEE", "GUEST"]),
                office_id=rng.choice(OFFICES),
                company_id=rng.choice(COMPANIES),
                tier=rng.choice([None, "SEAT1A"]),
                roles=tuple(x for x in ROLES if rng.random() < 0.3),
                is_active=rng.random() < 0.8,
            )
            assert index.append(row) == pos
            rows.append(row)
        else:  # move office / persona / company, (de)activate, change roles
            pos = rng.randrange(len(rows))
            old = rows[pos]
            new = dataclasses.replace(
                old,
                office_id=rng.choice(OFFICES),
                persona=rng.choice(["EMPLOYEE", "GUEST"]),
                company_id=rng.choice(COMPANIES) if step % 3 == 0 else old.company_id,
                is_active=rng.random() < 0.6,
                roles=tuple(x for x in ROLES if rng.random() < 0.3),
            )
            index.update(pos, old, new)
            rows[pos] = new
        check(index, rows)
    assert index._snap is snap and index._delta  # cached bitsets + delta answered throughout
    index._snap = index._snapshot()  # a fresh snapshot starts with no cached bitsets...
    assert not index._snap.sets
    check(index, rows)  # ...and gives the same answers


def test_cached_bitset_ignores_a_user_moved_away_and_back(monkeypatch):
    monkeypatch.setattr(index_mod, "SMALL", 10**9)  # always the bitset path
    rows = org_rows(200)
    index = UserIndex(rows)
    pos = next(r.index for r in rows if r.office_id == "off-1" and r.is_active)
    before = index.query(filters=[office("off-1")])
    assert pos in before
    moved = dataclasses.replace(rows[pos], office_id="off-2")
    index.update(pos, rows[pos], moved)
    assert pos not in index.query(filters=[office("off-1")])
    assert pos in index.query(filters=[office("off-2")])
    index.update(pos, moved, rows[pos])  # back again
    assert index.query(filters=[office("off-1")]) == before
    off = dataclasses.replace(rows[pos], is_active=False)
    index.update(pos, rows[pos], off)
    assert pos not in index.query(filters=[office("off-1")])
    assert pos in index.query(filters=[office("off-1")], status="INACTIVE")
