"""POST /v3/users/list (and GET /v2/users) against a brute-force oracle over the store's rows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tui.sandbox.index import sort_name

# filter key -> (row attribute(s) giving the user's values, request value maker)
FIELDS = {
    "legalEntityIds": lambda r: [r.legal_entity_id],
    "officeIds": lambda r: [r.office_id],
    "departmentIds": lambda r: [r.department_id],
    "costCenterIds": lambda r: [r.cost_center_id],
    "userIds": lambda r: [r.user_id],
    "emails": lambda r: [r.email.lower()],
    "externalIds": lambda r: [r.external_id],
    "personas": lambda r: [r.persona],
    "roles": lambda r: list(r.roles),
    "designations": lambda r: [r.designation.lower()],
    "tiers": lambda r: [r.tier or "BASIC"],
}
ENTITY = {"legalEntityIds", "officeIds", "departmentIds", "costCenterIds", "userIds"}


def rows(sb) -> list[Any]:
    return [sb.store.row(p) for p in range(len(sb.store.index))]


def name_of(r) -> str:
    return f"{r.given} {r.family}".strip().lower()


def post(api: httpx.Client, sb, **body: Any) -> httpx.Response:
    if "tmcId" not in body and "companyId" not in body:
        body["tmcId"] = {"id": sb.tmc_id}
    body.setdefault("pagination", {"offset": 0, "limit": 1000})
    return api.post("/v3/users/list", json=body)


def ids(api: httpx.Client, sb, **body: Any) -> list[str]:
    resp = post(api, sb, **body)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["pagination"]["totalNumResults"] == len(data["users"])
    return [u["userId"]["id"] for u in data["users"]]


def oracle(sb, pred, status: str = "ACTIVE") -> list[str]:
    want = {"ACTIVE": (True,), "INACTIVE": (False,), "ALL": (True, False)}[status]
    picked = [r for r in rows(sb) if (r.is_active is True) in want and pred(r)]
    picked.sort(key=lambda r: (sort_name(name_of(r)), r.user_id))
    return [r.user_id for r in picked]


def request_value(key: str, value: str) -> Any:
    return {"id": value} if key in ENTITY else value


def a_value(sb, key: str) -> str:
    """A value of ``key`` that some but not all active users have."""
    counts: dict[str, int] = {}
    for r in rows(sb):
        if r.is_active:
            for v in FIELDS[key](r):
                if v:
                    counts[v] = counts.get(v, 0) + 1
    assert counts, f"the seed gives no active user a {key}"
    return (
        max(counts, key=lambda v: (counts[v], v))
        if key not in ("userIds", "emails", "externalIds")
        else sorted(counts)[len(counts) // 2]
    )


def test_default_lists_active_users_sorted_by_name(api, sandbox, conforms):
    resp = post(api, sandbox, pagination={"offset": 0, "limit": 1000})
    assert resp.status_code == 200
    conforms(resp.json(), "ListUsersV3Response")
    got = [u["userId"]["id"] for u in resp.json()["users"]]
    assert got == oracle(sandbox, lambda r: True)
    assert all(u["isActive"] for u in resp.json()["users"])
    names = [
        f"{u['personalDetail']['name']['given']} {u['personalDetail']['name']['family1']}".lower()
        for u in resp.json()["users"]
    ]
    assert names == sorted(names, key=sort_name)


def test_descending_is_the_reverse_order(api, sandbox):
    asc = ids(api, sandbox, userStatusFilter="ALL")
    desc = ids(api, sandbox, userStatusFilter="ALL", sort={"sortBy": "NAME", "sortOrder": "DESCENDING"})
    assert desc == asc[::-1]
    assert ids(api, sandbox, sort={"sortBy": "NAME", "sortOrder": "ASCENDING"}) == ids(api, sandbox)


@pytest.mark.parametrize("status", ["ACTIVE", "INACTIVE", "ALL"])
def test_status_filter(api, sandbox, status):
    got = ids(api, sandbox, userStatusFilter=status)
    assert got == oracle(sandbox, lambda r: True, status)
    assert got, f"the seed should have {status} users"


def test_inactive_and_active_partition_all(api, sandbox):
    active = set(ids(api, sandbox, userStatusFilter="ACTIVE"))
    inactive = set(ids(api, sandbox, userStatusFilter="INACTIVE"))
    assert active and inactive and not active & inactive
    assert active | inactive == set(ids(api, sandbox, userStatusFilter="ALL"))


@pytest.mark.parametrize("attr", ["family", "given", "email", "external_id", "employee_id"])
def test_search_text_case_insensitive(api, sandbox, attr):
    target = next(r for r in rows(sandbox) if r.is_active and getattr(r, attr))
    needle = getattr(target, attr)
    needle = needle[: max(3, len(needle) - 1)] if attr in ("family", "given") else needle
    got = ids(api, sandbox, searchText=needle.swapcase())
    assert target.user_id in got
    n = needle.lower()
    assert got == oracle(
        sandbox, lambda r: any(n in (v or "").lower() for v in (name_of(r), r.email, r.external_id, r.employee_id))
    )


def test_search_full_name_and_no_match(api, sandbox):
    target = next(r for r in rows(sandbox) if r.is_active)
    assert target.user_id in ids(api, sandbox, searchText=f"{target.given} {target.family}".upper())
    assert ids(api, sandbox, searchText="zz-no-such-person-zz") == []


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_every_filter_field(api, sandbox, key):
    value = a_value(sandbox, key)
    got = ids(api, sandbox, filters=[{key: [request_value(key, value)]}])
    expected = oracle(sandbox, lambda r: value in FIELDS[key](r))
    assert got == expected and got


def test_filter_values_or_inside_one_field(api, sandbox):
    p1, p2 = {r.persona for r in rows(sandbox)} and sorted({r.persona for r in rows(sandbox)})[:2]
    got = ids(api, sandbox, filters=[{"personas": [p1, p2]}])
    assert got == oracle(sandbox, lambda r: r.persona in (p1, p2))


def test_fields_and_inside_filter_or_across_filters(api, sandbox):
    persona, tier = a_value(sandbox, "personas"), a_value(sandbox, "tiers")
    office = a_value(sandbox, "officeIds")
    both = ids(api, sandbox, filters=[{"personas": [persona], "tiers": [tier]}])
    assert both == oracle(sandbox, lambda r: r.persona == persona and (r.tier or "BASIC") == tier)
    either = ids(api, sandbox, filters=[{"personas": [persona], "tiers": [tier]}, {"officeIds": [{"id": office}]}])
    assert either == oracle(
        sandbox, lambda r: (r.persona == persona and (r.tier or "BASIC") == tier) or r.office_id == office
    )
    assert set(both) < set(either)


def test_filter_and_search_combine(api, sandbox):
    persona = a_value(sandbox, "personas")
    target = next(r for r in rows(sandbox) if r.is_active and r.persona == persona)
    got = ids(api, sandbox, searchText=target.family, filters=[{"personas": [persona]}])
    assert target.user_id in got
    assert got == oracle(
        sandbox,
        lambda r: (
            r.persona == persona
            and target.family.lower() in "\x1f".join((name_of(r), r.email, r.external_id, r.employee_id)).lower()
        ),
    )


def test_empty_filter_matches_all(api, sandbox):
    assert ids(api, sandbox, filters=[{}]) == ids(api, sandbox)


def test_pagination(api, sandbox):
    full = ids(api, sandbox, userStatusFilter="ALL")
    pages, offset = [], 0
    while True:
        resp = post(api, sandbox, userStatusFilter="ALL", pagination={"offset": offset, "limit": 70})
        data = resp.json()
        assert data["pagination"]["totalNumResults"] == len(full)
        if not data["users"]:
            break
        assert len(data["users"]) <= 70
        pages += [u["userId"]["id"] for u in data["users"]]
        offset += 70
    assert pages == full
    default = post(api, sandbox, pagination={}).json()
    assert len(default["users"]) == 100


def test_company_scope(api, sandbox):
    company = sandbox.company_ids[-1]
    got = ids(api, sandbox, companyId={"id": company})
    assert got == oracle(sandbox, lambda r: r.company_id == company)
    assert got and len(got) < len(ids(api, sandbox))
    resp = post(api, sandbox, companyId={"id": company}, pagination={"limit": 5})
    assert {u["organization"]["id"] for u in resp.json()["users"]} == {company}


@pytest.mark.parametrize("scope", ["neither", "both"])
def test_scope_must_be_exactly_one(api, sandbox, scope):
    body: dict[str, Any] = {"pagination": {"limit": 5}}
    if scope == "both":
        body |= {"tmcId": {"id": sandbox.tmc_id}, "companyId": {"id": sandbox.company_ids[0]}}
    resp = api.post("/v3/users/list", json=body)
    assert resp.status_code == 400
    assert resp.json()["errorMessages"][0]["errorCode"]


def test_unknown_scope_is_404(api, sandbox):
    resp = post(api, sandbox, companyId={"id": "00000000-0000-4000-8000-000000000000"})
    assert resp.status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"pagination": {"limit": 0}}, "pagination.limit"),
        ({"pagination": {"offset": "1"}}, "pagination.offset"),
        ({"userStatusFilter": "SOMETIMES"}, "userStatusFilter"),
        ({"sort": {"sortBy": "NAME", "sortOrder": "SIDEWAYS"}}, "sort.sortOrder"),
        ({"filters": [{"emails": "a@b.c"}]}, "filters[0].emails"),
    ],
)
def test_bad_list_request_names_the_field(api, sandbox, conforms, body, field):
    resp = post(api, sandbox, **body)
    assert resp.status_code == 400
    conforms(resp.json(), "ErrorResponse")
    names = [p["name"] for m in resp.json()["errorMessages"] for p in m["errorParameters"]]
    assert field in names


def test_list_requires_token(sandbox):
    resp = httpx.post(f"{sandbox.base_url}/v3/users/list", json={"tmcId": {"id": sandbox.tmc_id}, "pagination": {}})
    assert resp.status_code == 401


def test_query_users_by_identifier(api, sandbox, conforms):
    target = next(r for r in rows(sandbox) if r.is_active and r.external_id)
    for params in (
        {"email": target.email.upper()},
        {"externalId": target.external_id},
        {"employeeId": target.employee_id},
    ):
        resp = api.get("/v2/users", params={"tmcId": sandbox.tmc_id, **params})
        assert resp.status_code == 200
        conforms(resp.json(), "UserSummaryList")
        assert [e["id"] for e in resp.json()["elements"]] == [target.user_id]
    inactive = next(r for r in rows(sandbox) if not r.is_active)
    q = {"companyId": inactive.company_id, "externalId": inactive.external_id}
    assert api.get("/v2/users", params=q).json()["elements"] == []
    got = api.get("/v2/users", params=q | {"includeInactive": "true"}).json()
    assert got["length"] == 1 and got["elements"][0]["isActive"] is False


def test_index_follows_edits(sandbox_factory):
    sb = sandbox_factory(users=60)
    with httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"}) as api:
        target = next(r for r in rows(sb) if r.is_active)
        old = f"{target.given} {target.family}"
        info = api.get(f"/v2/users/{target.user_id}/personal-info").json()
        info["name"] = {**info.get("name", {}), "given": "Aaaquetzal", "family1": "Zyzzyva"}
        info["email"] = "aaaquetzal@example.com"
        assert api.put(f"/v2/users/{target.user_id}/personal-info", json=info).status_code == 200
        assert ids(api, sb, searchText="AAAQUETZAL zyzzyva") == [target.user_id]
        assert ids(api, sb, searchText="aaaquetzal@example") == [target.user_id]
        business = api.get(f"/v2/users/{target.user_id}/business-info").json()
        business["email"] = "zyzzyva@corp.example"
        assert api.put(f"/v2/users/{target.user_id}/business-info", json=business).status_code == 204
        assert ids(api, sb, searchText="zyzzyva@corp") == [target.user_id]
        assert target.user_id not in ids(api, sb, searchText=old)
        assert ids(api, sb, searchText=old) == oracle(
            sb,
            lambda r: all(
                t
                in f"{name_of(r)} {r.email} {r.external_id} {r.employee_id} {' '.join(getattr(r, 'other_emails', ()))}".lower()
                for t in old.lower().split()
            ),
        )
        assert ids(api, sb)[0] == target.user_id  # re-sorted by the new name
        assert ids(api, sb, sort={"sortBy": "NAME", "sortOrder": "DESCENDING"})[-1] == target.user_id

        assert api.delete(f"/v2/users/{target.user_id}").status_code == 204
        assert target.user_id not in ids(api, sb)
        assert target.user_id in ids(api, sb, userStatusFilter="INACTIVE")
        assert api.post(f"/v2/users/{target.user_id}/activate").status_code == 200
        assert target.user_id in ids(api, sb)

        company = sb.company_ids[0]
        legal = sb.store.seeder.companies[0].legal_entities[0]["id"]
        body = {
            "persona": "GUEST",
            "externalId": "NEW-EXT-1",
            "personalInfo": {"name": {"given": "Newbie", "family1": "Created"}, "email": "newbie@example.com"},
            "businessInfo": {
                "organizationRef": {"id": company},
                "legalEntityRef": {"id": legal},
                "designation": "Intern",
            },
        }
        created = api.post("/v2/users", json=body)
        assert created.status_code == 201
        new_id = created.json()["id"]
        assert ids(api, sb, searchText="newbie") == [new_id]
        assert ids(api, sb, filters=[{"externalIds": ["NEW-EXT-1"]}]) == [new_id]
        assert ids(api, sb, filters=[{"emails": ["NEWBIE@example.com"]}]) == [new_id]
        assert new_id in ids(api, sb, companyId={"id": company})
        assert ids(api, sb, filters=[{"userIds": [{"id": new_id}]}]) == [new_id]

        sb.store.tamper(new_id, "business-info", {"designation": "Chief Tamperer"})
        assert ids(api, sb, filters=[{"designations": ["chief tamperer"]}]) == [new_id]
