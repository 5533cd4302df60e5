"""Masking for the screen, x-pii discovery in the models, redaction for logs."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.api.models import BusinessInfo, UserPersonalInfo
from tui.domain.masking import (
    DATE_MASK,
    is_masked,
    is_pii,
    mask_for_screen,
    mask_value,
    pii_paths,
    redact_at,
    redact_for_log,
)
from tui.domain.sections import SECTIONS, section


def test_mask_value_shapes():
    assert mask_value("X12345678") == "••••5678"
    assert mask_value("123456") == "••••"  # short: nothing kept
    assert mask_value("1990-05-17") == DATE_MASK
    assert mask_value({"iso8601": "1990-05-17"}) == {"iso8601": DATE_MASK}
    assert mask_value(12345678) == "••••"
    assert mask_value(None) is None
    assert mask_value("X12345678", keep_last=0) == "••••"


def test_screen_masks_documents_and_dob_only():
    personal = section("personal")
    for p in [
        ("identityDocs", 3, "passport", "docId"),
        ("identityDocs", 0, "nationalDoc", "docId"),
        ("identityDocs", 0, "immigrationDoc", "docId"),
        ("identityDocs", 1, "ktn", "number"),
        ("identityDocs", 2, "redress", "number"),
        ("dob",),
        ("dob", "iso8601"),
    ]:
        assert is_masked(personal, p), p
    for p in [
        ("name", "given"),
        ("email",),
        ("phoneNumbers", 0, "rawInput"),
        ("identityDocs", 0, "passport", "issueCountry"),
    ]:
        assert not is_masked(personal, p), p
    assert not any(s.masked_paths for s in SECTIONS if s.key != "personal")
    item = {"passport": {"docId": "X12345678", "issueCountry": "US"}}
    shown = mask_for_screen(personal, ("identityDocs", 0), item)
    assert shown == {"passport": {"docId": "••••5678", "issueCountry": "US"}}
    assert item["passport"]["docId"] == "X12345678"  # not mutated


def test_pii_walk_finds_nested_list_and_union_marks():
    paths = pii_paths(UserPersonalInfo)
    assert paths[("identityDocs", "*", "passport", "docId")] == "IDENTIFIER"
    assert paths[("identityDocs", "*", "ktn", "number")] == "IDENTIFIER"
    assert paths[("identityDocs", "*", "nationalDoc", "docId")] == "IDENTIFIER"
    assert paths[("dob",)] == "SENSITIVE"
    assert paths[("name", "given")] == "SENSITIVE"
    assert paths[("emergencyContact", "phoneNumbers")] == "IDENTIFIER"
    assert ("identityDocs", "*", "passport", "issueCountry") not in paths
    assert set(pii_paths(BusinessInfo)) == {("email",), ("phoneNumbers",), ("authorizerEmail",)}
    assert is_pii(UserPersonalInfo, ("addresses", 0, "addressLines", 1))


def test_pii_walk_matches_the_spec():
    """Every x-pii property in the spec shows up somewhere in a section model walk."""
    from pathlib import Path

    import pytest

    spec = Path(__file__).parents[2] / ".." / "shared" / "spotnana" / "users-api.fixed.openapi.json"
    if not spec.exists():
        pytest.skip("spec not found at ../shared/spotnana (reference data)")
    schemas = json.loads(spec.read_text())["components"]["schemas"]
    marked = {
        (name, prop) for name, s in schemas.items() for prop, v in s.get("properties", {}).items() if "x-pii" in v
    }
    personal_leaf_names = {p[-1] for p in pii_paths(UserPersonalInfo)}
    for schema, prop in marked:
        if schema in ("UserPersonalInfo", "Passport", "NationalDoc", "Name", "EmergencyContact"):
            assert prop in personal_leaf_names, (schema, prop)


PERSONAL = {
    "name": {"given": "Annabelle", "family1": "Lindqvist"},
    "email": "annabelle@example.com",
    "dob": {"iso8601": "1988-02-29"},
    "phoneNumbers": [{"countryCode": 1, "rawInput": "+1 415 555 0100"}],
    "identityDocs": [
        {
            "passport": {
                "docId": "P98765432",
                "issueCountry": "SE",
                "nationalityCountry": "SE",
                "expiryDate": {"iso8601": "2031-01-01"},
            }
        },
        {"ktn": {"number": "TT1234567", "issueCountry": "US"}},
    ],
    "preferredLanguage": "sv",
    "somethingNew": {"kept": "as is"},
}


def test_redact_for_log_leaves_no_raw_pii():
    out = json.dumps(redact_for_log(UserPersonalInfo, PERSONAL))
    for raw in [
        "Annabelle",
        "Lindqvist",
        "annabelle@example.com",
        "1988-02-29",
        "415 555",
        "P98765432",
        "TT1234567",
        "2031-01-01",
    ]:
        assert raw not in out
    red = redact_for_log(UserPersonalInfo, PERSONAL)
    assert red["identityDocs"][0]["passport"]["docId"] == "••••5432"  # IDENTIFIER keeps last 4
    assert red["name"]["given"] == "••••"  # SENSITIVE is masked completely
    assert red["preferredLanguage"] == "sv" and red["somethingNew"] == {"kept": "as is"}
    assert PERSONAL["name"]["given"] == "Annabelle"  # input untouched


def test_redact_at_a_path():
    assert redact_at(UserPersonalInfo, ("identityDocs", 1, "ktn", "number"), "TT1234567") == "••••4567"
    item = redact_at(UserPersonalInfo, ("identityDocs", 0), PERSONAL["identityDocs"][0])
    assert "P98765432" not in json.dumps(item) and item["passport"]["issueCountry"] == "SE"
    assert redact_at(UserPersonalInfo, ("preferredLanguage",), "sv") == "sv"


_secret = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=7, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    docid=_secret,
    ktn=_secret,
    given_name=st.text(alphabet="abcdefghij", min_size=5, max_size=10),
    email_user=st.text(alphabet="abcdefghij", min_size=5, max_size=10),
    n_docs=st.integers(0, 4),
)
def test_redaction_never_leaks_generated_pii(docid, ktn, given_name, email_user, n_docs):
    doc = {
        "name": {"given": given_name, "family1": given_name[::-1]},
        "email": f"{email_user}@corp.example",
        "identityDocs": [{"passport": {"docId": docid + str(i), "issueCountry": "US"}} for i in range(n_docs)]
        + [{"redress": {"number": ktn, "issueCountry": "US"}}],
    }
    out = json.dumps(redact_for_log(UserPersonalInfo, doc))
    assert given_name not in out and given_name[::-1] not in out
    assert email_user not in out
    assert ktn not in out
    for i in range(n_docs):
        assert docid + str(i) not in out
