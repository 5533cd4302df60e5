"""Every write to a user moves its ``lastUpdatedAt`` (what ``cache sync`` compares), the same in
the stored profile and in the list row, per write route; two writes within one second still
move it; a read does not; ``GET /v2/users/{id}`` stays a ``UserProfile`` as the spec has it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tui.sandbox.store import SECTION_KEYS

EDITABLE = [s for s in SECTION_KEYS if s not in ("travel-arrangers", "applicable-policies")]


def _iso(value: Any) -> str:
    return value.get("iso8601") if isinstance(value, dict) else value


def stamps(api: httpx.Client, sandbox: Any, uid: str) -> tuple[str, str]:
    """(stored profile, list row) lastUpdatedAt of ``uid``."""
    stored = _iso(sandbox.store.get_user_raw(uid)["lastUpdatedAt"])
    body = {"tmcId": {"id": sandbox.tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": 1000}}
    rows = api.post("/v3/users/list", json=body).json()["users"]
    (row,) = [r for r in rows if r["userId"]["id"] == uid]
    return stored, _iso(row["lastUpdatedAt"])


@pytest.fixture(scope="module")
def users(sandbox) -> list[str]:
    store = sandbox.store
    return [store.row(p).user_id for p in range(200, 290) if store.row(p).is_active]


_taken: list[int] = [0]


def fresh(users: list[str]) -> str:
    uid = users[_taken[0]]
    _taken[0] += 1
    return uid


def put_section(slug: str) -> Callable[[httpx.Client, Any, str], httpx.Response]:
    def write(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
        current = api.get(f"/v2/users/{uid}/{slug}").json()
        return api.put(f"/v2/users/{uid}/{slug}", json=current)

    return write


def update_user(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    profile = api.get(f"/v2/users/{uid}").json()
    body = {
        "persona": profile["persona"],
        "businessInfo": profile["businessInfo"],
        "travelArrangers": {"travelArrangers": []},  # travel arrangers are written through this PUT
        "lastUpdatedAt": {"iso8601": "2001-01-01T00:00:00"},  # a stamp sent back is not kept
    }
    return api.put(f"/v2/users/{uid}", json=body)


def deactivate(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    return api.delete(f"/v2/users/{uid}")


def reactivate(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    assert api.delete(f"/v2/users/{uid}").status_code == 204
    return api.post(f"/v2/users/{uid}/activate")


def roles(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    return api.put(f"/v2/users/{uid}/roles", json={"roles": [{"roleType": "TRAVEL_ARRANGER"}]})


def add_favorite(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    return api.post(f"/v2/users/{uid}/favorites", json={"type": "company", "displayName": "Stamp"})


def remove_favorite(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    added = api.post(f"/v2/users/{uid}/favorites", json={"type": "company", "displayName": "Gone"}).json()
    return api.delete(f"/v2/users/{uid}/favorites/{added['favorite']['favoriteId']}")


def behind_the_back(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    return httpx.post(f"{sandbox.base_url}/_sandbox/users/{uid}/business-info", json={"designation": "Moved"})


def tamper_in_process(api: httpx.Client, sandbox: Any, uid: str) -> httpx.Response:
    sandbox.store.tamper(uid, "personal-info", {"preferredName": "Stamp"})
    return httpx.Response(200)


WRITES = {
    **{f"PUT {slug}": put_section(slug) for slug in EDITABLE},
    "PUT /v2/users/{id}": update_user,
    "DELETE /v2/users/{id}": deactivate,
    "POST activate": reactivate,
    "PUT roles (new value)": roles,
    "POST favorites": add_favorite,
    "DELETE favorites/{id}": remove_favorite,
    "POST /_sandbox/users/{id}/{section}": behind_the_back,
    "store.tamper": tamper_in_process,
}


@pytest.mark.parametrize("route", list(WRITES))
def test_every_write_route_moves_last_updated_at_everywhere(api, sandbox, users, route) -> None:
    uid = fresh(users)
    before = stamps(api, sandbox, uid)
    assert len(set(before)) == 1, before  # the three agree
    resp = WRITES[route](api, sandbox, uid)
    assert resp.status_code < 300, resp.text
    after = stamps(api, sandbox, uid)
    assert len(set(after)) == 1, after
    assert after[0] > before[0]
    profile = api.get(f"/v2/users/{uid}", params={"includeInactive": "true"}).json()
    assert "lastUpdatedAt" not in profile  # not a UserProfile field


def test_writes_within_one_second_still_move_it_and_reads_do_not(api, sandbox, users) -> None:
    uid = fresh(users)
    seen = [stamps(api, sandbox, uid)[0]]
    for _ in range(3):
        assert put_section("business-info")(api, sandbox, uid).status_code < 300
        seen.append(stamps(api, sandbox, uid)[0])
    assert seen == sorted(set(seen))  # strictly increasing, though written within a second
    for slug in SECTION_KEYS:
        api.get(f"/v2/users/{uid}/{slug}")
    assert stamps(api, sandbox, uid)[0] == seen[-1]


def test_a_created_user_has_its_stamp_in_the_profile_and_the_row(api, sandbox) -> None:
    company = sandbox.store.seeder.companies[0]
    body = {
        "persona": "GUEST",
        "businessInfo": {"organizationRef": {"id": company.id}, "legalEntityRef": company.legal_entities[0]},
        "personalInfo": {"name": {"given": "Stamp", "family1": "Created"}, "email": "stamp.created@example.org"},
    }
    resp = api.post("/v2/users", json=body)
    assert resp.status_code == 201, resp.text
    uid = resp.json()["id"]
    first = stamps(api, sandbox, uid)
    assert len(set(first)) == 1 and first[0]
    assert put_section("personal-info")(api, sandbox, uid).status_code < 300
    assert stamps(api, sandbox, uid)[0] > first[0]
