"""The list index on its own: search (postings, cache), updates, ordering."""

from __future__ import annotations

import random

from tui.sandbox.index import Row, UserIndex, sort_name

GIVEN = ["Ana", "Anand", "Bo", "Chen", "Dana", "Éva", "Jo\nhn", "Li"]
FAMILY = ["Smith", "Garcia", "Anders", "Wu", "Nakamura", "Lee"]


def make_rows(n: int, seed: int = 3) -> list[Row]:
    r = random.Random(seed)
    return [
        Row(
            index=i,
            user_id=f"00000000-0000-4000-8000-{i:012d}",
            given=r.choice(GIVEN),
            family=r.choice(FAMILY),
            email=f"u{i}@{r.choice(['acme', 'globex'])}.example",
            external_id=f"X-{i:05d}",
            employee_id=f"E{i}" if i % 3 else "",
            persona=r.choice(["EMPLOYEE", "GUEST"]),
            is_active=i % 7 != 0,
        )
        for i in range(n)
    ]


def brute(rows: list[Row], search: str, status: str = "ALL") -> list[int]:
    def hay(r: Row) -> str:
        return "\x1f".join((f"{r.given} {r.family}".strip(), r.email, r.external_id, r.employee_id)).lower()

    ok = [
        r
        for r in rows
        if all(t in hay(r).replace("\n", " ") for t in search.lower().split())
        and (status == "ALL" or r.is_active == (status == "ACTIVE"))
    ]
    ok.sort(key=lambda r: (sort_name(f"{r.given} {r.family}".strip()), r.user_id))
    return [r.index for r in ok]


def test_search_matches_brute_force_for_many_tokens():
    rows = make_rows(800)
    index = UserIndex(rows)
    for token in [
        "a",
        "an",
        "ana",
        "anand",
        "ANDERS",
        "x-0001",
        "e1",
        "globex",
        "u79@",
        "jo john",
        "zz",
        "0",
        "smith acme",
        "é",
    ]:
        for status in ("ALL", "ACTIVE", "INACTIVE"):
            assert index.query(search=token, status=status) == brute(rows, token, status), token


def test_cache_is_dropped_after_an_update():
    rows = make_rows(200)
    index = UserIndex(rows)
    assert index.query(search="an", status="ALL") == brute(rows, "an")
    assert index.query(search="anan", status="ALL") == brute(rows, "anan")  # narrowed from the cache
    old = rows[5]
    new = Row(**{**{f: getattr(old, f) for f in Row.__slots__}, "given": "Ananas", "family": "Zed"})
    index.update(5, old, new)
    rows[5] = new
    assert 5 in index.query(search="anan", status="ALL")
    assert index.query(search="an", status="ALL") == brute(rows, "an")
    assert index.query(search="anan", status="ALL") == brute(rows, "anan")


def test_order_and_append():
    rows = make_rows(50)
    index = UserIndex(rows)
    assert index.query(status="ALL") == brute(rows, "")
    extra = Row(index=50, user_id="00000000-0000-4000-8000-999999999999", given="Aaron", family="A")
    assert index.append(extra) == 50
    assert index.query(status="ALL")[0] == 50
    assert index.query(status="ALL", descending=True)[-1] == 50
    assert index.position_of(extra.user_id) == 50


def test_equal_names_are_ordered_by_user_id():
    """Ties in the sort name go by user ID (not by position), both ways and on every path."""
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in (7, 3, 9, 1)]
    rows = [Row(index=i, user_id=uid, given="Céline", family="Lee", persona="GUEST") for i, uid in enumerate(ids)]
    rows.append(Row(index=4, user_id="00000000-0000-4000-8000-000000000005", given="Celine", family="lee"))
    index = UserIndex(rows)
    by_id = sorted(range(5), key=lambda p: rows[p].user_id)
    assert by_id == [3, 1, 4, 0, 2]
    assert index.query(status="ALL") == by_id
    assert index.query(status="ALL", descending=True) == by_id[::-1]
    assert index.query(status="ALL", search="lee") == by_id  # the snapshot's path
    assert index.query(status="ALL", filters=[{"personas": ["GUEST"]}]) == [3, 1, 0, 2]  # the small-set path
    extra = Row(index=5, user_id="00000000-0000-4000-8000-000000000002", given="Céline", family="Lee")
    assert index.append(extra) == 5
    assert index.query(status="ALL", search="lee") == [3, 5, 1, 4, 0, 2]  # the delta merged in
    assert index.query(status="ALL") == [3, 5, 1, 4, 0, 2]
