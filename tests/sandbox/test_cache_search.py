"""Offline search equals the sandbox's /v3/users/list: a few hundred users fully cached (rows,
profiles, roles), then a sample of searches x filters x status x both orders x pages asked
of both, the same users in the same order and the same total expected every time. Includes
accents, equal names (ties go by user ID on both sides), one- and two-character tokens,
FTS5 syntax in tokens, unknown filter values and empty filters."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tui.domain.cache import CacheEnv, ProfileCache, sort_name
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.cache_search import search_users
from tui.domain.sections import section

KEY = b"0123456789abcdef" * 2
# (given, family) given to some users before caching: accents, equal names, FTS5 syntax
RENAMES = [
    ("Céline", "Dupont"),
    ("CÉLINE", "Dupont"),
    ("Celine", "Dupont"),
    ("Zoë", "O'Brien"),
    ('Ana "Quote"', "Lee"),
    ("Ana", "Lee"),
    ("Ana", "Lee"),
    ("Ana", "Lee"),
    ("Ωmega", "Σίσυφος"),
    ("Jo*", "AND-Smith"),
    ("(Paren)", "Col:on"),
    ("Nu\x00ll", "Byte"),
]


@pytest.fixture(scope="module")
def api(sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox.base_url, timeout=30, headers={"Authorization": f"Bearer {sandbox.token}"}
    ) as client:
        yield client


def list_all(api: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    # json.dumps escapes what UTF-8 cannot carry (a lone surrogate), as any JSON sender may
    return api.post("/v3/users/list", content=json.dumps(body), headers={"Content-Type": "application/json"})


def fill(cache: ProfileCache, api: httpx.Client, tmc_id: str) -> list[str]:
    """Every row (stored out of name order, as pages and opened users come), profile and roles
    section fetched over loopback and kept; returns the user IDs."""
    body = {"tmcId": {"id": tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": 1000}}
    rows = list_all(api, body).json()["users"]
    random.Random(3).shuffle(rows)
    for start in range(0, len(rows), 64):
        cache.store_rows(rows[start : start + 64])
    roles = section("roles")
    ids = [u["userId"]["id"] for u in rows]
    for uid in ids:  # (inactive users too: their tier and roles are filter values as well)
        profile = api.get(f"/v2/users/{uid}", params={"includeInactive": "true"})
        held = api.get(f"/v2/users/{uid}/roles", params={"includeInactive": "true"})
        assert profile.status_code == held.status_code == 200, uid
        cache.store_profile(uid, profile.json())
        cache.store_section(roles, uid, held.json())
    return ids


def rename(api: httpx.Client, uid: str, given: str, family: str) -> None:
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    info["name"] = {**info.get("name", {}), "given": given, "family1": family}
    assert api.put(f"/v2/users/{uid}/personal-info", json=info).status_code < 300


@pytest.fixture(scope="module")
def cached(sandbox, api, tmp_path_factory) -> Iterator[ProfileCache]:
    """Some users renamed on the server, one deactivated; then everything cached."""
    store = sandbox.store
    ids = [store.row(p).user_id for p in range(len(store.index))]
    for uid, (given, family) in zip(ids[10::23], RENAMES, strict=False):
        rename(api, uid, given, family)
    assert api.delete(f"/v2/users/{ids[10 + 23 * 5]}").status_code == 204  # an "Ana Lee" goes inactive
    db = connect(tmp_path_factory.mktemp("cache") / "cache.sqlite3")
    cache = ProfileCache(db, CacheEnv.of("sandbox", sandbox.base_url, tmc_id=sandbox.tmc_id), Sealer(KEY))
    assert len(fill(cache, api, sandbox.tmc_id)) == len(ids)
    yield cache
    db.close()


def a_row(sandbox, pred) -> Any:
    store = sandbox.store
    return next(r for r in map(store.row, range(len(store.index))) if pred(r))


def filters_for(sandbox) -> dict[str, list[dict[str, Any]] | None]:
    emp = a_row(sandbox, lambda r: r.is_active and r.persona == "EMPLOYEE" and r.department_id and r.designation)
    other = a_row(sandbox, lambda r: r.is_active and r.user_id != emp.user_id and r.external_id)
    return {
        "none": None,
        "empty list": [],
        "one empty filter": [{}],
        "empty and narrow": [{"personas": ["GUEST"]}, {}],
        "persona": [{"personas": ["GUEST"]}],
        "tier": [{"tiers": ["SEAT1A"]}],
        "tier BASIC": [{"tiers": ["BASIC"]}],
        "role": [{"roles": ["TRAVEL_ARRANGER", "COMPANY_ADMIN"]}],
        "or of two": [{"personas": ["EMPLOYEE"]}, {"tiers": ["SEAT1A"]}],
        "office": [{"officeIds": [{"id": emp.office_id}]}],
        "legal entity": [{"legalEntityIds": [{"id": emp.legal_entity_id}]}],
        "department and cost center": [
            {"departmentIds": [{"id": emp.department_id}], "costCenterIds": [{"id": emp.cost_center_id}]}
        ],
        "office and persona": [{"officeIds": [{"id": emp.office_id}], "personas": ["EMPLOYEE"]}],
        "emails": [{"emails": [emp.email.upper(), other.email]}],
        "external IDs": [{"externalIds": [other.external_id, other.external_id.lower()]}],
        "user IDs": [{"userIds": [{"id": emp.user_id}, {"id": other.user_id}]}],
        "designation": [{"designations": [emp.designation.upper()]}],
        "persona nobody has": [{"personas": ["UNKNOWN_PERSONA"]}],
        "unknown designation": [{"designations": ["Chief Nobody"]}],
        "unknown office": [{"officeIds": [{"id": "00000000-0000-4000-8000-000000000000"}]}],
        "unknown email": [{"emails": ["nobody@nowhere.example"]}],
        "unknown with known": [{"personas": ["UNKNOWN_PERSONA", "GUEST"], "designations": ["chief nobody", "x"]}],
        "unknown or known": [{"designations": ["Chief Nobody"]}, {"personas": ["GUEST"]}],
    }


COMMON = ["", "a", "e", "0", "@", ".", "an", "ee", "-0", "smi", "lee", "ana lee", "jo sm", "example", "son", "mar"]
"""Searches that find people (typed letters, names, parts of emails and IDs)."""
ODD = [
    "céline",
    "CÉLINE",
    "celine",
    "é",
    "ë",
    "zoë o'b",
    "σίσυφος",
    "Σ",
    "ς",
    '"',
    '"quote"',
    'a"',
    "*",
    "jo*",
    "AND",
    "a AND b",
    "and-smith",
    "-",
    ":",
    "col:on",
    "(",
    ")",
    "(paren)",
    "NEAR(a b)",
    "^a",
    "nu\x00ll",
    "\x00",
    "\ud800",
    "zzzz",
]
"""Accents, other scripts, FTS5 syntax, a NUL, a lone surrogate, nothing at all."""
QUERIES = COMMON + ODD


def ids(answer: dict[str, Any]) -> list[str]:
    return [u["userId"]["id"] for u in answer["users"]]


def compare(api: httpx.Client, cache: ProfileCache, body: dict[str, Any]) -> int:
    """Asks both; returns the total (server answered) or -1 (the server refused the body)."""
    resp = list_all(api, body)
    local = search_users(cache.db, cache.env_id, body)  # never raises, whatever the body
    if resp.status_code != 200:
        return -1
    server = resp.json()
    assert ids(local) == ids(server), body
    assert local["pagination"]["totalNumResults"] == server["pagination"]["totalNumResults"], body
    return int(server["pagination"]["totalNumResults"])


def base(sandbox, text: str, status: str | None, order: str, offset: int, limit: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tmcId": {"id": sandbox.tmc_id},
        "searchText": text,
        "sort": {"sortBy": "NAME", "sortOrder": order},
        "pagination": {"offset": offset, "limit": limit},
    }
    if status is not None:
        body["userStatusFilter"] = status
    return body


def test_the_data_has_what_the_sample_means_to_test(sandbox, cached):
    names = Counter(sort_name(f"{r.given} {r.family}".strip()) for r in map(sandbox.store.row, range(300)))
    assert names["ana lee"] == 3 and names["celine dupont"] == 3  # ties, by accent-free name too
    assert cached.counts()[0] == 300


def test_every_query_unfiltered_both_orders_every_status(sandbox, api, cached):
    found = 0
    for text, status, order in itertools.product(
        QUERIES, (None, "ACTIVE", "INACTIVE", "ALL"), ("ASCENDING", "DESCENDING")
    ):
        found += compare(api, cached, base(sandbox, text, status, order, 0, 1000)) > 0
    assert found > len(QUERIES)  # most of them find someone


def test_a_sample_of_queries_filters_status_orders_and_pages(sandbox, api, cached):
    rng = random.Random(11)
    filters = filters_for(sandbox)
    pages = [(0, 1000), (0, 7), (7, 7), (40, 25), (150, 100), (290, 50)]
    rest = (filters, ("ACTIVE", "INACTIVE", "ALL"), ("ASCENDING", "DESCENDING"), pages)
    sample = rng.sample(list(itertools.product(COMMON, *rest)), 550)
    sample += rng.sample(list(itertools.product(ODD, *rest)), 150)
    seen: Counter[str] = Counter()
    for text, name, status, order, (offset, limit) in sample:
        body = base(sandbox, text, status, order, offset, limit)
        if filters[name] is not None:
            body["filters"] = filters[name]
        total = compare(api, cached, body)
        seen["refused" if total < 0 else "found" if total else "none"] += 1
    assert seen["found"] > 250 and seen["refused"] == 0, seen


def test_every_filter_with_a_few_searches(sandbox, api, cached):
    for name, flt in filters_for(sandbox).items():
        for text in ("", "a", "an", "lee", "céline", "example"):
            for order in ("ASCENDING", "DESCENDING"):
                body = base(sandbox, text, "ALL", order, 0, 1000)
                if flt is not None:
                    body["filters"] = flt
                assert compare(api, cached, body) >= 0, name


def test_company_scope(sandbox, api, cached):
    for company in sandbox.company_ids[:3]:
        for text in ("", "a", "lee", "example"):
            body = base(sandbox, text, "ALL", "ASCENDING", 0, 1000)
            del body["tmcId"]
            body["companyId"] = {"id": company}
            assert compare(api, cached, body) > 0 or text == "lee"


def test_bodies_the_server_refuses_do_not_break_the_cache(sandbox, cached):
    for body in (
        {"tmcId": {"id": sandbox.tmc_id}, "pagination": {"offset": "x", "limit": None}},
        {"tmcId": {"id": sandbox.tmc_id}, "filters": [{"officeIds": ["not a reference"], "personas": "GUEST"}]},
        {"tmcId": {"id": sandbox.tmc_id}, "filters": "no", "searchText": 5, "sort": []},
        {"tmcId": {"id": sandbox.tmc_id}, "userStatusFilter": "SLEEPING", "companyId": {"id": 7}},
    ):
        got = search_users(cached.db, cached.env_id, body)
        assert set(got) == {"users", "pagination"}
    everyone = search_users(cached.db, cached.env_id, {"filters": [{"officeIds": ["not a reference"]}]})
    assert everyone["pagination"]["totalNumResults"] == 0  # a key with no usable value matches no one


def test_after_changes_on_the_server_and_a_new_listing(sandbox_factory, tmp_path):
    """Users renamed, moved, deactivated and created on the server, then listed again: the
    cache's bits follow (only those users' bits computed again) and it still answers as the server."""
    sb = sandbox_factory(users=150)
    with httpx.Client(base_url=sb.base_url, timeout=30, headers={"Authorization": f"Bearer {sb.token}"}) as api:
        cache = ProfileCache(connect(tmp_path / "c.sqlite3"), CacheEnv.of("sb", sb.base_url, tmc_id=sb.tmc_id), None)
        ids = fill(cache, api, sb.tmc_id)
        bodies = [
            base(sb, text, status, order, 0, 1000)
            for text in ("", "a", "an", "lee", "zed", "example")
            for status in ("ACTIVE", "ALL")
            for order in ("ASCENDING", "DESCENDING")
        ]
        assert all(compare(api, cache, b) >= 0 for b in bodies)
        active = [u for u in ids if sb.store.is_active(u)]
        for n, uid in enumerate(active[:5]):
            rename(api, uid, "Zed", f"Lee {n}")
        for uid in active[5:8]:
            assert api.delete(f"/v2/users/{uid}").status_code == 204
        company = sb.store.seeder.companies[0]
        other = company.offices[-1]["id"]
        rows = {u: sb.store.row(sb.store.position(u)) for u in active[8:]}
        movers = [u for u, r in rows.items() if r.company_id == company.id and r.office_id != other][:4]
        for uid in movers:
            info = api.get(f"/v2/users/{uid}/business-info").json()
            info["officeRef"] = {"id": other}
            assert api.put(f"/v2/users/{uid}/business-info", json=info).status_code < 300, uid
        created = api.post(
            "/v2/users",
            json={
                "persona": "GUEST",
                "personalInfo": {"name": {"given": "Zed", "family1": "Newcomer"}},
                "businessInfo": {"organizationRef": {"id": company.id}, "legalEntityRef": company.legal_entities[0]},
            },
        )
        assert created.status_code in (200, 201), created.text
        listing = {"tmcId": {"id": sb.tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": 1000}}
        cache.store_rows(list_all(api, listing).json()["users"])
        marked = cache.db.execute("SELECT count(*) FROM search_dirty").fetchone()[0]
        assert marked == 5 + 3 + len(movers) + 1 and len(movers) == 4  # the users that changed, not all
        office = [{"officeIds": [{"id": other}]}]
        for body in [*bodies, {**base(sb, "zed", "ALL", "ASCENDING", 0, 1000), "filters": office}]:
            compare(api, cache, body)
        found = search_users(cache.db, cache.env_id, base(sb, "zed", "ALL", "ASCENDING", 0, 1000))
        assert [u["personalDetail"]["name"]["family1"] for u in found["users"]][:6] == [
            "Lee 0",
            "Lee 1",
            "Lee 2",
            "Lee 3",
            "Lee 4",
            "Newcomer",
        ]
