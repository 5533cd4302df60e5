"""Lossless round trips: whatever the server sends, the models give back unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import tui.api.models as m
from tests import specdata
from tests.strategies import from_schema

# The models the issue names, plus every section model; the strategy covers their whole trees.
ROUND_TRIP = [
    "UserPersonalInfo",
    "BusinessInfo",
    "TravelPreferences",
    "MembershipInfo",
    "LoyaltyInfo",
    "NotificationPreferences",
    "RolesConfig",
    "RoleConfig",
    "ExternalIdObject",
    "UserProfile",
    "UserCreateRequest",
    "UserUpdateRequest",
    "UserDetail",
    "ListUsersV3Request",
    "ListUsersV3Response",
    "ErrorResponse",
    "UserTravelArrangers",
    "UserApplicablePolicies",
    "GetRbacInfoResponse",
    "OAuthTokenRequest",
    "OAuthTokenResponse",
    "ListFavoritesResponse",
    "AddFavoriteRequest",
]


def dump(model) -> object:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def same_json(a: object, b: object) -> bool:
    """Equal as JSON text, so 1 and 1.0 or True and 1 would count as different."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_generated_payloads_round_trip(name: str) -> None:
    schemas = specdata.schemas()
    model = getattr(m, name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schemas, schemas[name]))
    def check(payload: dict) -> None:
        assert same_json(dump(model.model_validate(payload)), payload)

    check()


def test_unknown_fields_and_enum_values_survive_at_every_depth() -> None:
    payload = {
        "name": {"given": "Ada", "family1": "Byron", "zzNickname": {"a": [1, 2.5, None]}},
        "gender": "NON_BINARY_FUTURE",
        "identityDocs": [
            {
                "passport": {
                    "docId": "X1234567",
                    "expiryDate": {"iso8601": "2031-02-03"},
                    "issueCountry": "GB",
                    "nationalityCountry": "GB",
                    "type": "DIPLOMATIC",
                    "zzChip": True,
                }
            },
            {"ktn": {"number": "12345678", "issueCountry": "US"}, "zzVerified": False},
        ],
        "doc_id": "a key equal to a python attribute name stays an unknown field",
        "zzTop": 1.0,
    }
    out = dump(m.UserPersonalInfo.model_validate(payload))
    assert same_json(out, payload)


def test_nothing_is_defaulted_into_output() -> None:
    # PhoneNumber.italianLeadingZero has a spec default; it must not appear unless sent.
    out = dump(m.PhoneNumber.model_validate({"rawInput": "+44 20 7946 0000"}))
    assert out == {"rawInput": "+44 20 7946 0000"}
    assert dump(
        m.ListUsersV3Request.model_validate(
            {"companyId": {"id": "b93dc51f-12dd-46c7-b7d6-1cb12cd3f5b3"}, "pagination": {}}
        )
    ) == {"companyId": {"id": "b93dc51f-12dd-46c7-b7d6-1cb12cd3f5b3"}, "pagination": {}}


@given(st.integers(-(2**31), 2**31 - 1) | st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_keep_their_json_type(value) -> None:
    payload = {"coordinates": {"latitude": value, "longitude": 1}, "addressLines": [], "regionCode": "US"}
    assert same_json(dump(m.PostalAddress.model_validate(payload)), payload)


@pytest.mark.parametrize(
    ("model", "payload", "where"),
    [
        ("UserPersonalInfo", {"identityDocs": [{}]}, "identityDocs.0"),
        (
            "UserPersonalInfo",
            {
                "identityDocs": [
                    {"ktn": {"number": "1", "issueCountry": "US"}, "redress": {"number": "2", "issueCountry": "US"}}
                ]
            },
            "identityDocs.0",
        ),
        ("UserPersonalInfo", {"email": "not-an-email"}, "email"),
        ("UserPersonalInfo", {"dob": {"iso8601": "1990-13-40"}}, "dob.iso8601"),
        (
            "BusinessInfo",
            {"legalEntityRef": {"id": "x"}, "organizationRef": {"id": "b93dc51f-12dd-46c7-b7d6-1cb12cd3f5b3"}},
            "legalEntityRef.id",
        ),
        ("Name", {"given": "A"}, "family1"),
        ("PhoneNumber", {"countryCode": "44"}, "countryCode"),
        ("ListUsersV3Request", {"pagination": {}}, ""),
    ],
)
def test_invalid_payloads_name_the_field(model: str, payload: dict, where: str) -> None:
    with pytest.raises(ValidationError) as info:
        getattr(m, model).model_validate(payload)
    locs = [".".join(str(p) for p in e["loc"] if p not in ("function-after",)) for e in info.value.errors()]
    assert any(loc.startswith(where) for loc in locs), locs


def test_identity_documents_are_told_apart_by_their_key() -> None:
    docs = [
        {
            "passport": {
                "docId": "P1",
                "expiryDate": {"iso8601": "2030-01-01"},
                "issueCountry": "IN",
                "nationalityCountry": "IN",
            }
        },
        {"immigrationDoc": {"docId": "I1", "expiryDate": {"iso8601": "2030-01-01"}, "issueCountry": "US"}},
        {"redress": {"number": "R1", "issueCountry": "US"}},
        {"ktn": {"number": "K1", "issueCountry": "US"}},
        {"nationalDoc": {"docId": "N1", "issueCountry": "IN"}},
    ]
    info = m.UserPersonalInfo.model_validate({"identityDocs": docs})
    assert [type(d).__name__ for d in info.identity_docs] == [
        "PassportWrapper",
        "ImmigrationDocumentWrapper",
        "RedressNumberWrapper",
        "KnownTravelerNumberWrapper",
        "NationalDocWrapper",
    ]
