"""Users API operations on the sandbox: sections stored as given, errors, writes, favorites."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

WRITABLE = {
    "personal-info": ("UserPersonalInfo", 200),
    "business-info": ("BusinessInfo", 204),
    "travel-preferences": ("TravelPreferences", 204),
    "membership-info": ("MembershipInfo", 204),
    "notification-preferences": ("NotificationPreferences", 200),
    "roles": ("RolesConfig", 204),
    "external-id": ("ExternalIdObject", 200),
}
READ_ONLY = {"travel-arrangers": "UserTravelArrangers", "applicable-policies": "UserApplicablePolicies"}
NOBODY = "00000000-0000-4000-8000-00000000abcd"


@pytest.fixture(scope="module")
def _users(sandbox):
    active = [sandbox.store.row(p) for p in range(len(sandbox.store.index))]
    return itertools.cycle([r.user_id for r in active if r.is_active])


@pytest.fixture
def uid(_users) -> str:
    """An active user no other test of this module has touched (the module shares a sandbox)."""
    return next(_users)


@pytest.mark.parametrize("slug", sorted(WRITABLE))
def test_get_put_get_is_byte_identical(api, uid, conforms, slug):
    schema, status = WRITABLE[slug]
    first = api.get(f"/v2/users/{uid}/{slug}")
    assert first.status_code == 200
    conforms(first.json(), schema)
    put = api.put(f"/v2/users/{uid}/{slug}", content=first.content, headers={"content-type": "application/json"})
    assert put.status_code == status, put.text
    second = api.get(f"/v2/users/{uid}/{slug}")
    assert second.content == first.content


@pytest.mark.parametrize("slug", sorted(READ_ONLY))
def test_read_only_sections(api, uid, conforms, slug):
    resp = api.get(f"/v2/users/{uid}/{slug}")
    assert resp.status_code == 200
    conforms(resp.json(), READ_ONLY[slug])
    assert api.put(f"/v2/users/{uid}/{slug}", json={}).status_code == 405


def test_unknown_fields_survive(api, uid):
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    info["zzFutureField"] = {"nested": [1, "two", None]}
    info.setdefault("name", {"given": "A", "family1": "B"})["zzNameExtra"] = "kept"
    assert api.put(f"/v2/users/{uid}/personal-info", json=info).status_code == 200
    back = api.get(f"/v2/users/{uid}/personal-info").json()
    assert back == info
    assert list(back) == list(info)  # key order kept too


def test_put_stores_exactly_what_was_sent(api, uid):
    body = {"preferences": [{"zzUnknownPref": True}], "zz": 1.0}
    assert api.put(f"/v2/users/{uid}/notification-preferences", json=body).status_code == 200
    assert (
        api.get(f"/v2/users/{uid}/notification-preferences").text == '{"preferences":[{"zzUnknownPref":true}],"zz":1.0}'
    )


@pytest.mark.parametrize(
    "slug, body, field",
    [
        ("personal-info", {"name": {"given": 5, "family1": "X"}}, "name.given"),
        ("personal-info", {"name": {"given": "X"}}, "name.family1"),
        ("personal-info", {"phoneNumbers": [{"countryCode": "44"}]}, "phoneNumbers[0].countryCode"),
        ("business-info", {"legalEntityRef": {"id": "not-a-uuid"}}, "organizationRef"),
        ("external-id", {"externalId": 12}, "externalId"),
        ("roles", {}, "roles"),
    ],
)
def test_invalid_body_is_400_naming_the_field(api, uid, conforms, slug, body, field):
    before = api.get(f"/v2/users/{uid}/{slug}").content
    resp = api.put(f"/v2/users/{uid}/{slug}", json=body)
    assert resp.status_code == 400
    conforms(resp.json(), "ErrorResponse")
    data = resp.json()
    assert data["debugIdentifier"]
    names = [p["name"] for m in data["errorMessages"] for p in m["errorParameters"]]
    assert field in names
    assert all(m["errorCode"] and m["message"] for m in data["errorMessages"])
    assert api.get(f"/v2/users/{uid}/{slug}").content == before  # nothing stored


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'{"externalId": NaN}'])
def test_malformed_body_is_400(api, uid, conforms, raw):
    resp = api.put(f"/v2/users/{uid}/external-id", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code == 400
    conforms(resp.json(), "ErrorResponse")


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v2/users/{u}"),
        ("PUT", "/v2/users/{u}"),
        ("DELETE", "/v2/users/{u}"),
        ("POST", "/v2/users/{u}/activate"),
        ("GET", "/v2/users/{u}/personal-info"),
        ("PUT", "/v2/users/{u}/roles"),
        ("GET", "/v2/users/{u}/travel-arrangers"),
        ("GET", "/v2/users/{u}/favorites"),
        ("GET", "/v3/users/{u}/rbac-info"),
    ],
)
def test_unknown_user_is_404(api, conforms, method, path):
    body = {"roles": []} if method == "PUT" else None
    resp = api.request(method, path.format(u=NOBODY), json=body)
    assert resp.status_code == 404
    conforms(resp.json(), "ErrorResponse")
    assert NOBODY in resp.json()["errorMessages"][0]["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}])
@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v2/users/{u}"),
        ("GET", "/v2/users/{u}/personal-info"),
        ("PUT", "/v2/users/{u}/roles"),
        ("DELETE", "/v2/users/{u}"),
        ("GET", "/v2/users"),
        ("POST", "/v2/users"),
    ],
)
def test_missing_or_wrong_token_is_401(sandbox, uid, conforms, headers, method, path):
    before = len([r for r in sandbox.requests if r[0] != "GET"])
    resp = httpx.request(
        method,
        sandbox.base_url + path.format(u=uid),
        headers=headers,
        json={"roles": []} if method in ("PUT", "POST") else None,
    )
    assert resp.status_code == 401
    conforms(resp.json(), "ErrorResponse")
    assert sandbox.store.is_active(uid)
    assert sandbox.requests[-1][2] == 401
    assert len([r for r in sandbox.requests if r[0] != "GET"]) >= before


def test_get_user_profile(api, uid, conforms):
    resp = api.get(f"/v2/users/{uid}")
    assert resp.status_code == 200
    conforms(resp.json(), "UserProfile")
    assert resp.json()["id"] == uid
    assert resp.json()["personalInfo"] == api.get(f"/v2/users/{uid}/personal-info").json()


def test_delete_deactivates_and_activate_restores(api, uid):
    assert api.delete(f"/v2/users/{uid}").status_code == 204
    assert api.get(f"/v2/users/{uid}").status_code == 404
    inactive = api.get(f"/v2/users/{uid}", params={"includeInactive": "true"})
    assert inactive.status_code == 200 and inactive.json()["isActive"] is False
    assert api.get(f"/v2/users/{uid}/personal-info").status_code == 404
    assert api.get(f"/v2/users/{uid}/personal-info", params={"includeInactive": "true"}).status_code == 200
    assert api.post(f"/v2/users/{uid}/activate").status_code == 200
    assert api.get(f"/v2/users/{uid}").json()["isActive"] is True


def test_create_user(api, sandbox, conforms):
    company = sandbox.store.seeder.companies[0]
    body: dict[str, Any] = {
        "persona": "EMPLOYEE",
        "tier": "SEAT1A",
        "externalId": "CREATED-42",
        "zzTopLevel": "kept",
        "personalInfo": {"name": {"given": "Cora", "family1": "Created"}, "email": "cora@example.com", "zzInner": 1},
        "businessInfo": {"organizationRef": {"id": company.id}, "legalEntityRef": company.legal_entities[0]},
        "roles": [{"roleType": "COMPANY_ADMIN"}],
    }
    resp = api.post("/v2/users", json=body)
    assert resp.status_code == 201
    conforms(resp.json(), "EntityId")
    new = resp.json()["id"]
    profile = api.get(f"/v2/users/{new}").json()
    conforms(profile, "UserProfile")
    assert profile["personalInfo"] == body["personalInfo"]
    assert profile["zzTopLevel"] == "kept" and profile["isActive"] is True
    assert api.get(f"/v2/users/{new}/roles").json() == {"roles": body["roles"]}
    assert api.get(f"/v2/users/{new}/external-id").json() == {"externalId": "CREATED-42"}
    rbac = api.get(f"/v3/users/{new}/rbac-info").json()
    conforms(rbac, "GetRbacInfoResponse")
    assert "COMPANY_MANAGEMENT" in {p["permission"] for p in rbac["permissions"]}
    assert rbac["hasOthersTripAccess"] is True


def test_create_requires_persona(api, conforms):
    resp = api.post("/v2/users", json={"personalInfo": {"name": {"given": "No", "family1": "Persona"}}})
    assert resp.status_code == 400
    conforms(resp.json(), "ErrorResponse")
    assert resp.json()["errorMessages"][0]["errorParameters"][0]["name"] == "persona"


def test_full_update(api, uid):
    profile = api.get(f"/v2/users/{uid}").json()
    body = {
        "persona": profile["persona"],
        "businessInfo": profile["businessInfo"],
        "externalId": "FULL-UPDATE-1",
        "zzNew": [1],
    }
    body["businessInfo"] = {**body["businessInfo"], "designation": "Full Updater"}
    assert api.put(f"/v2/users/{uid}", json=body).status_code == 200
    after = api.get(f"/v2/users/{uid}").json()
    assert after["businessInfo"] == body["businessInfo"]
    assert after["externalId"] == "FULL-UPDATE-1" and after["zzNew"] == [1]
    assert after["personalInfo"] == profile["personalInfo"]  # absent sections stay
    assert api.get(f"/v2/users/{uid}/external-id").json() == {"externalId": "FULL-UPDATE-1"}
    missing = api.put(f"/v2/users/{uid}", json={"persona": "EMPLOYEE"})
    assert missing.status_code == 400
    assert "businessInfo" in missing.text


def test_roles_change_rbac(api, uid):
    assert api.put(f"/v2/users/{uid}/roles", json={"roles": []}).status_code == 204
    plain = api.get(f"/v3/users/{uid}/rbac-info").json()
    assert plain["hasOthersTripAccess"] is False
    assert [p["permission"] for p in plain["permissions"]] == ["USER_PROFILE"]
    assert api.put(f"/v2/users/{uid}/roles", json={"roles": [{"roleType": "TMC_ADMIN"}]}).status_code == 204
    admin = api.get(f"/v3/users/{uid}/rbac-info").json()
    assert "TMC_MANAGEMENT" in {p["permission"] for p in admin["permissions"]}


def test_favorites(api, uid, conforms):
    base = f"/v2/users/{uid}/favorites"
    assert api.get(base).json() == {"favorites": []}
    a = api.post(base, json={"type": "HOTEL", "displayName": "Grand Hotel", "params": {"id": "h1"}})
    b = api.post(base, json={"type": "AIRPORT", "displayName": "SFO"})
    assert a.status_code == b.status_code == 200
    conforms(a.json(), "AddFavoriteResponse")
    listed = api.get(base).json()
    conforms(listed, "ListFavoritesResponse")
    assert [f["favorite"]["displayName"] for f in listed["favorites"]] == ["Grand Hotel", "SFO"]
    assert [f["favorite"]["type"] for f in api.get(base, params={"types": "AIRPORT"}).json()["favorites"]] == [
        "AIRPORT"
    ]
    assert len(api.get(base, params={"query": "grand"}).json()["favorites"]) == 1
    fav = a.json()["favorite"]["favoriteId"]
    assert api.delete(f"{base}/{fav}").status_code == 200
    assert api.delete(f"{base}/{fav}").status_code == 404
    assert [f["favorite"]["displayName"] for f in api.get(base).json()["favorites"]] == ["SFO"]
    assert api.post(base, json={"type": "HOTEL"}).status_code == 400


def test_tamper_changes_behind_the_apps_back(api, sandbox, uid):
    before = api.get(f"/v2/users/{uid}/business-info").json()
    merged = sandbox.store.tamper(uid, "business-info", {"designation": "Tampered", "zzX": {"y": 1}})
    after = api.get(f"/v2/users/{uid}/business-info").json()
    assert after == merged == {**before, "designation": "Tampered", "zzX": {"y": 1}}
    assert sandbox.store.get_section(uid, "businessInfo") == after
    sandbox.store.tamper(uid, "businessInfo", {"zzX": {"z": 2}})  # deep merge, profile-key name
    assert api.get(f"/v2/users/{uid}/business-info").json()["zzX"] == {"y": 1, "z": 2}
    admin = httpx.post(f"{sandbox.base_url}/_sandbox/users/{uid}/personal-info", json={"zzAdmin": True})
    assert admin.status_code == 200
    assert api.get(f"/v2/users/{uid}/personal-info").json()["zzAdmin"] is True
    assert not any(p.startswith("/_sandbox") for _, p, _ in sandbox.requests)


def test_set_section_and_raw(api, sandbox, uid):
    sandbox.store.set_section(uid, "external-id", {"externalId": "RAW-1", "zzWhy": "kept"})
    assert api.get(f"/v2/users/{uid}/external-id").json() == {"externalId": "RAW-1", "zzWhy": "kept"}
    raw = sandbox.store.get_user_raw(uid)
    assert raw["externalId"] == "RAW-1"
    assert api.get(f"/v2/users/{uid}").json()["externalId"] == "RAW-1"
