"""Bitset postings (index_grams.py) and the snapshot + delta query path, against brute force,
before and after edits, appends and a snapshot rebuild."""

from __future__ import annotations

import dataclasses
import random

from tests.sandbox.test_index import make_rows
from tui.sandbox.index import Row, UserIndex, search_key, sort_name
from tui.sandbox.index_grams import GramSnapshot, bits_to_flags, flags_to_bits

TOKENS = [
    "a",
    "an",
    "na",
    "ana",
    "smith",
    "e",
    "@",
    "x-0",
    "0",
    "00",
    "globex",
    "é",
    "jo",
    "an smith",
    "a e",
    "li lee",
    "zz",
    "u1",
    "ch",
    "\x00",
]


def brute(
    rows: list[Row], search: str = "", status: str = "ALL", persona: str | None = None, descending: bool = False
) -> list[int]:
    ok = [
        r
        for r in rows
        if all(t in search_key(r) for t in search.lower().split())
        and (status == "ALL" or r.is_active == (status == "ACTIVE"))
        and (persona is None or r.persona == persona)
    ]
    ok.sort(key=lambda r: (sort_name(f"{r.given} {r.family}".strip()), r.user_id))
    out = [r.index for r in ok]
    return out[::-1] if descending else out


def check_all(index: UserIndex, rows: list[Row]) -> None:
    for token in TOKENS:
        for status in ("ALL", "ACTIVE", "INACTIVE"):
            assert index.query(search=token, status=status) == brute(rows, token, status), token
        assert index.query(search=token, status="ACTIVE", descending=True) == brute(
            rows, token, "ACTIVE", descending=True
        ), token
        got = index.query(search=token, status="ALL", filters=[{"personas": ["EMPLOYEE"]}])
        assert got == brute(rows, token, "ALL", persona="EMPLOYEE"), token


def test_bit_helpers_round_trip():
    flags = bytes([1, 0, 0, 1, 1, 0, 0, 0, 1])
    bits = flags_to_bits(flags)
    assert bits == 0b100011001
    assert bits_to_flags(bits) == flags
    assert flags_to_bits(b"") == 0


def test_postings_equal_brute_force():
    rows = make_rows(300)
    keys = [search_key(r) for r in rows]
    snap = GramSnapshot(list(range(300)), keys, bytearray(1 for _ in rows), 300)
    for token in ["a", "n", "an", "th", "\x00u", "ana", "smith", "nope", "x-00", "@"]:
        want = [p for p, k in enumerate(keys) if token in k]
        assert snap.positions(snap.token_bits(token)) == want, token
    assert snap.positions(snap.token_bits("smi")) == [p for p, k in enumerate(keys) if "smi" in k]


def test_queries_match_brute_force_through_edits_appends_and_rebuild():
    rng = random.Random(11)
    rows = make_rows(400)
    index = UserIndex(rows)
    check_all(index, rows)
    names = ["Ana", "Zoë", "Céline", "Anand", "Bob", "Smithers"]
    for step in range(60):
        if step % 4 == 0:  # create
            pos = len(rows)
            row = Row(
                index=pos,
                user_id=f"00000000-0000-4000-8000-9{pos:011d}",
                given=rng.choice(names),
                family=rng.choice(names),
                email=f"new{pos}@zed.example",
                persona=rng.choice(["EMPLOYEE", "GUEST"]),
                is_active=rng.random() < 0.7,
            )
            assert index.append(row) == pos
            rows.append(row)
        else:  # edit name, email, status or persona
            pos = rng.randrange(len(rows))
            old = rows[pos]
            new = dataclasses.replace(
                old,
                given=rng.choice(names + [old.given]),
                email=rng.choice([old.email, f"edit{step}@acme.example"]),
                is_active=rng.random() < 0.8,
                persona=rng.choice(["EMPLOYEE", "GUEST"]),
            )
            index.update(pos, old, new)
            rows[pos] = new
        if step % 10 == 9:
            check_all(index, rows)
    assert index._delta  # the edits went through the delta path...
    index._snap = index._snapshot()  # ...and a fresh snapshot gives the same answers
    assert not index._delta
    check_all(index, rows)


def test_snapshot_is_retaken_when_the_delta_piles_up():
    rows = make_rows(50)
    index = UserIndex(rows)
    first = index._snap
    for i in range(1001):
        old = rows[i % 50]
        new = dataclasses.replace(old, given=f"Name{i}")
        index.update(i % 50, old, new)
        rows[i % 50] = new
    assert len(index._delta) == 50  # a set: each position once
    index._delta.update(range(1001))  # pretend many more changed (still correct: brute-forced)
    assert index.query(search="name", status="ALL") == brute(rows, "name")
    assert index._snap is not first and not index._delta


def test_names_sort_casefolded_without_accents():
    assert sort_name("Céline Dion") == "celine dion"
    assert sort_name("ÉVA") == "eva"
    assert sort_name("Straße") == "strasse"
    rows = [
        Row(index=i, user_id=f"u{i}", given=g, family="X")
        for i, g in enumerate(["Cynthia", "Céline", "celia", "Zoe", "Émile"])
    ]
    index = UserIndex(rows)
    got = [rows[p].given for p in index.query(status="ALL")]
    assert got == ["celia", "Céline", "Cynthia", "Émile", "Zoe"]
