"""The sandbox seeder: determinism, summary/profile agreement, spec validity, variety, ids."""

from __future__ import annotations

import itertools
from collections import Counter
from functools import cache

import pytest

import tui.api.models as models
from tests import specdata
from tui.sandbox.seed import LOCALE_OF, Seeder
from tui.sandbox.seed_travel import ENUMS

SECTION_SCHEMAS = {
    "personalInfo": "UserPersonalInfo",
    "businessInfo": "BusinessInfo",
    "travelPreferences": "TravelPreferences",
    "membershipInfo": "MembershipInfo",
    "notificationPreferences": "NotificationPreferences",
    "roles": "RolesConfig",
    "travelArrangers": "UserTravelArrangers",
    "applicablePolicies": "UserApplicablePolicies",
    "createdAt": "DateTimeLocal",
    "lastUpdatedAt": "DateTimeLocal",
    "contractingTmcRef": "Reference",
    "bookingTmcRef": "Reference",
    "stealthMode": "StealthMode",
    "relativeOf": "RelativeOf",
    "adhocUserInfo": "AdhocUserInfo",
}
SCALARS = {"userId", "persona", "tier", "isActive", "externalId"}
PROFILE_KEYS = {
    "id",
    "personalInfo",
    "businessInfo",
    "persona",
    "isActive",
    "tier",
    "stealthMode",
    "relativeOf",
    "travelPreferences",
    "membershipInfo",
    "notificationPreferences",
    "travelArrangers",
    "adhocUserInfo",
    "externalId",
    "contractingTmcRef",
    "bookingTmcRef",
}
UPDATE_KEYS = {
    "personalInfo",
    "businessInfo",
    "persona",
    "tier",
    "travelPreferences",
    "membershipInfo",
    "notificationPreferences",
    "externalId",
}


@cache
def seeder(seed: int = 7, n: int = 500) -> Seeder:
    return Seeder(seed, n)


@cache
def profile(seed: int, n: int, i: int) -> dict:
    return seeder(seed, n).profile(i)


def user_profile(p: dict) -> dict:
    """The GET /v2/users/{id} shape of a seeded profile."""
    out = {k: v for k, v in p.items() if k in PROFILE_KEYS}
    out["id"] = p["userId"]
    return out


# ------------------------------------------------------------------ determinism
def test_same_seed_same_data():
    a, b = Seeder(11, 400), Seeder(11, 400)
    assert a.tmc_id == b.tmc_id
    assert [c.id for c in a.companies] == [c.id for c in b.companies]
    assert [c.offices for c in a.companies] == [c.offices for c in b.companies]
    for i in (0, 1, 57, 200, 399):
        assert a.summary(i) == b.summary(i)
        assert a.profile(i) == b.profile(i)
        assert a.profile(i) == a.profile(i)  # no hidden state between calls


def test_different_seeds_differ():
    a, b = Seeder(1, 300), Seeder(2, 300)
    assert a.tmc_id != b.tmc_id
    assert a.companies[0].id != b.companies[0].id
    rows_a = [a.summary(i) for i in range(50)]
    rows_b = [b.summary(i) for i in range(50)]
    assert {r.user_id for r in rows_a}.isdisjoint(r.user_id for r in rows_b)
    assert [r.email for r in rows_a] != [r.email for r in rows_b]


def test_negative_and_large_seeds_are_distinct():
    ids = {Seeder(s, 5).user_id(0) for s in (0, 1, -1, 2, 2**40)}
    assert len(ids) == 5


def test_out_of_range_and_tiny_sandboxes():
    s = Seeder(3, 10)
    with pytest.raises(IndexError):
        s.summary(10)
    with pytest.raises(IndexError):
        s.summary(-1)
    assert sum(c.size for c in s.companies) == 10
    for i in range(10):  # tiny companies still give consistent profiles
        assert s.profile(i)["userId"] == s.summary(i).user_id
    assert Seeder(3, 0).companies and sum(c.size for c in Seeder(3, 0).companies) == 0


# ------------------------------------------------------------------ summary / profile agreement
def test_summary_and_profile_agree():
    sd = seeder()
    for i in range(0, 500, 2):
        row, p = sd.summary(i), profile(7, 500, i)
        assert row.index == i and p["userId"] == row.user_id
        assert (p["persona"], p["tier"], p["isActive"], p["externalId"]) == (
            row.persona,
            row.tier,
            row.is_active,
            row.external_id,
        )
        pi, bi = p["personalInfo"], p["businessInfo"]
        assert (pi["name"]["given"], pi["name"]["family1"], pi["email"]) == (row.given, row.family, row.email)
        assert bi["organizationRef"] == {"id": row.company_id, "name": row.organization_name}
        assert bi["legalEntityRef"]["id"] == row.legal_entity_id
        assert bi.get("departmentRef", {}).get("id", "") == row.department_id
        assert bi.get("costCenterRef", {}).get("id", "") == row.cost_center_id
        assert bi.get("designation", "") == row.designation
        assert bi.get("employeeId", "") == row.employee_id
        if row.persona != "EMPLOYEE":
            assert row.department_id == row.designation == row.employee_id == ""
        if row.persona == "EMPLOYEE":
            assert bi["officeRef"] == {"id": row.office_id, "name": row.office_name}
            assert bi["email"] == row.email
        manager = bi.get("managerRef", {}).get("id")
        assert manager == (None if row.manager_index is None else sd.summary(row.manager_index).user_id)
        assert tuple(r["roleType"] for r in p["roles"]["roles"]) == row.roles
        assert p["createdAt"] == {"iso8601": row.created_at}
        assert p["lastUpdatedAt"] == {"iso8601": row.last_updated_at}
        assert row.created_at <= row.last_updated_at
        assert sd.user_detail(i)["userId"] == {"id": row.user_id}


def test_managers_belong_to_the_same_company_and_form_a_tree():
    sd = seeder()
    managed = 0
    for i in range(sd.n_users):
        row = sd.summary(i)
        if row.manager_index is None:
            continue
        managed += 1
        boss = sd.summary(row.manager_index)
        assert boss.company_id == row.company_id
        assert row.manager_index < i  # no cycles
        assert boss.persona == "EMPLOYEE" and boss.is_active
    assert managed > sd.n_users * 0.6
    ceos = [sd.summary(c.first_index) for c in sd.companies if c.size]
    assert all(r.manager_index is None and r.designation == "Chief Executive Officer" for r in ceos)


def test_travel_arrangers_match_arranger_roles():
    sd, n = seeder(), 500
    arranged: set[tuple[str, str]] = set()
    for i in range(n):
        for role in profile(7, n, i)["roles"]["roles"]:
            if role["roleType"] == "TRAVEL_ARRANGER":
                for cfg in role["metadata"]["arrangerFor"]:
                    arranged.add((sd.summary(i).user_id, cfg["userId"]))
    accepted = set()
    for i in range(n):
        for arr in profile(7, n, i)["travelArrangers"]["travelArrangers"]:
            if arr["status"] == "ACCEPTED":
                accepted.add((arr["userId"]["id"], sd.summary(i).user_id))
    assert arranged and arranged == accepted


# ------------------------------------------------------------------ spec validity
@cache
def _validator_for(name: str):
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    return jsonschema_rs.validator_for(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/components/schemas/{name}",
            "components": {"schemas": specdata.load()["components"]["schemas"]},
        },
        validate_formats=True,
    )


def _errors(name: str, payload) -> list[str]:
    return [
        f"{name} /{'/'.join(map(str, e.instance_path))}: {e.message[:200]}"
        for e in _validator_for(name).iter_errors(payload)
    ]


@pytest.mark.parametrize("seed", [7, 1234])
def test_every_section_validates_against_the_spec(seed):
    n = 500
    sd = seeder(seed, n)
    problems: list[str] = []
    for i in range(0, n, n // 200 + 1 if n > 200 else 1):
        p = profile(seed, n, i)
        assert set(p) - SCALARS <= set(SECTION_SCHEMAS), set(p) - SCALARS - set(SECTION_SCHEMAS)
        for key, value in p.items():
            if key in SECTION_SCHEMAS:
                problems += _errors(SECTION_SCHEMAS[key], value)
        problems += _errors("UserProfile", user_profile(p))
        problems += _errors("UserUpdateRequest", {k: v for k, v in p.items() if k in UPDATE_KEYS})
        problems += _errors("ExternalIdObject", {"externalId": p["externalId"]})
        problems += _errors("UserDetail", sd.user_detail(i))
        problems += _errors("EntityId", {"id": p["userId"]})
        if problems:
            break
    for c in sd.companies:
        for ref in itertools.chain(c.legal_entities, c.offices, c.departments, c.cost_centers, c.grades):
            problems += _errors("Reference", ref)
        problems += _errors("UserApplicablePolicies", {"policies": c.policies})
    assert not problems, "\n".join(problems[:20])


def test_every_section_round_trips_through_the_models():
    n = 500
    sd = seeder(7, n)
    for i in range(0, n, 2):
        p = profile(7, n, i)
        for key, value in p.items():
            if key in SECTION_SCHEMAS:
                model = getattr(models, SECTION_SCHEMAS[key]).model_validate(value)
                assert model.to_json() == value, (i, key)
        full = user_profile(p)
        assert models.UserProfile.model_validate(full).to_json() == full
        detail = sd.user_detail(i)
        assert models.UserDetail.model_validate(detail).to_json() == detail


def _spec_enum(spec: dict, path: str) -> set[str]:
    schemas = spec["components"]["schemas"]
    name, _, prop = path.partition(".")
    node = schemas[name]
    if prop:
        node = node["properties"][prop]
        node = node.get("items", node)
    while "$ref" in node:
        node = schemas[node["$ref"].rsplit("/", 1)[1]]
    return set(node["enum"])


def test_enum_literals_come_from_the_spec():
    spec = specdata.load()
    for path, values in ENUMS.items():
        unknown = set(values) - _spec_enum(spec, path)
        assert not unknown, f"{path}: {unknown}"


# ------------------------------------------------------------------ variety
def test_variety_in_500_users():
    sd, n = seeder(), 500
    rows = [sd.summary(i) for i in range(n)]
    profiles = [profile(7, n, i) for i in range(n)]
    assert {r.persona for r in rows} == {"EMPLOYEE", "GUEST", "PERSONAL", "RELATIVE", "ADHOC"}
    assert {r.tier for r in rows} == {"BASIC", "SEAT1A"}
    assert 0.04 <= sum(not r.is_active for r in rows) / n <= 0.14
    assert Counter(r.persona for r in rows)["EMPLOYEE"] / n > 0.75
    assert 0.02 < sum(bool(r.roles) for r in rows) / n < 0.25  # most users hold no role
    assert {"TRAVEL_ARRANGER", "COMPANY_ADMIN", "COMPANY_REPORT_ADMIN", "COMPANY_TRAVEL_ARRANGER"} <= {
        x for r in rows for x in r.roles
    }
    docs = Counter(next(iter(d)) for p in profiles for d in p["personalInfo"].get("identityDocs", ()))
    assert set(docs) == {"passport", "immigrationDoc", "redress", "ktn", "nationalDoc"}
    assert all(len(d) == 1 for p in profiles for d in p["personalInfo"].get("identityDocs", ()))
    locales = Counter(
        sd.name_of(sd.company_of(r.index), r.index - sd.company_of(r.index).first_index)[0].code for r in rows
    )
    assert len(locales) >= 8, locales
    assert len({r.company_id for r in rows}) >= 3
    assert len({r.office_id for r in rows}) >= 8 and len({r.department_id for r in rows}) >= 12
    prefs = [p["travelPreferences"].get("preferences", {}) for p in profiles]
    for key in ("airPref", "railPref", "railCards", "carPref", "hotelPref", "preferredCurrency"):
        assert sum(key in x for x in prefs) >= 10, key
    air_keys = {k for x in prefs for k in x.get("airPref", {})}
    assert air_keys == {
        "airlinePrefs",
        "alliancePref",
        "farePref",
        "homeAirport",
        "mealPref",
        "numStopPref",
        "seatAmenityPref",
        "seatLocationPrefs",
        "preferredAirports",
    }
    loyalty = {m["type"] for p in profiles for m in p["membershipInfo"]["membershipInfos"]}
    assert loyalty == {"AIR", "HOTEL", "CAR", "RAIL"}
    assert sum(bool(p["notificationPreferences"]["preferences"]) for p in profiles) > 100
    assert any("stealthMode" in p for p in profiles)
    assert sum(len(p["travelArrangers"]["travelArrangers"]) for p in profiles) >= 3


def test_names_and_emails_are_unique_and_ascii():
    for loc_a, loc_b in itertools.combinations(LOCALE_OF.values(), 2):
        pairs_a = set(itertools.product(loc_a.given_mail, loc_a.family_mail))
        assert pairs_a.isdisjoint(itertools.product(loc_b.given_mail, loc_b.family_mail)), (loc_a.code, loc_b.code)
    sd = Seeder(5, 3000)
    rows = [sd.summary(i) for i in range(3000)]
    assert len({r.email for r in rows}) == 3000
    assert len({r.user_id for r in rows}) == 3000
    assert len({r.external_id for r in rows}) == 3000
    assert all(r.email.isascii() and r.email.count("@") == 1 for r in rows)
    for r in rows:
        if r.persona == "EMPLOYEE":
            assert r.email.endswith("@" + sd.company_by_id[r.company_id].domain)


# ------------------------------------------------------------------ ids
def test_index_of_round_trip():
    sd = seeder()
    for i in range(sd.n_users):
        uid = sd.summary(i).user_id
        assert sd.index_of(uid) == i
        assert sd.index_of(uid.upper()) == i
    uid = sd.user_id(42)
    assert sd.index_of(uid[:-1] + ("0" if uid[-1] != "0" else "1")) is None
    assert sd.index_of("0" + uid[1:] if uid[0] != "0" else "1" + uid[1:]) is None
    assert sd.index_of("not-a-uuid") is None and sd.index_of("") is None
    assert sd.index_of("00000000-0000-4000-8000-00000000zzzz") is None
    assert Seeder(7, 10).index_of(Seeder(7, 100).user_id(50)) is None  # beyond n_users
    assert Seeder(8, 500).index_of(uid) is None  # another seed


def test_the_spec_check_is_not_vacuous():
    good = profile(7, 500, 0)["personalInfo"]
    assert not _errors("UserPersonalInfo", good)
    two_kinds = {
        "identityDocs": [
            {
                "passport": {
                    "docId": "X1",
                    "expiryDate": {"iso8601": "2030-01-01"},
                    "issueCountry": "US",
                    "nationalityCountry": "US",
                },
                "ktn": {"number": "1", "issueCountry": "US"},
            }
        ]
    }
    assert _errors("UserPersonalInfo", two_kinds)
    assert _errors("RolesConfig", {"roles": [{"roleType": "TRAVELER"}]})
    assert _errors("Reference", {"id": "not-a-uuid"})


def test_large_sandbox_profiles_stay_valid():
    """Deep in a 100k-user sandbox (big manager pools, repeated names) profiles still validate."""
    n = 100_000
    sd = Seeder(42, n)
    problems: list[str] = []
    for i in range(7, n, n // 60):
        p = sd.profile(i)
        for key, value in p.items():
            if key in SECTION_SCHEMAS:
                problems += _errors(SECTION_SCHEMAS[key], value)
        problems += _errors("UserDetail", sd.user_detail(i))
        assert sd.index_of(p["userId"]) == i
    assert not problems, "\n".join(problems[:20])


def test_seed_modules_import_each_other_only_at_module_level():
    """seed.py -> seed_profile.py -> seed_types.py: no lazy or TYPE_CHECKING-only imports."""
    import ast
    from pathlib import Path

    import tui.sandbox as pkg

    for name in ("seed.py", "seed_profile.py", "seed_types.py", "server.py"):
        tree = ast.parse((Path(pkg.__file__).parent / name).read_text())
        top = set(map(id, tree.body))
        nested = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in top]
        assert nested == [], f"{name}: imports below module level at lines {nested}"
        assert "TYPE_CHECKING" not in ast.unparse(tree), name
    assert "from .seed import" not in (Path(pkg.__file__).parent / "seed_profile.py").read_text()
