"""tui.domain.warnings: each warning, its edges (exactly six months, today, no expiry, 120
years), its path and its message, and that masked PII stays masked in messages."""

from __future__ import annotations

from datetime import date

import pytest

from tui.domain.sections import section
from tui.domain.warnings import (
    Lookups,
    add_months,
    email_lookup_body,
    emails_to_look_up,
    other_owners,
    warnings_for,
)

PERSONAL = section("personal")
TODAY = date(2026, 8, 1)


def passport(expiry: str | None, number: str = "X12341234", country: str = "GB") -> dict:
    doc = {"docId": number, "issueCountry": country, "nationalityCountry": country}
    if expiry is not None:
        doc["expiryDate"] = {"iso8601": expiry}
    return {"passport": doc}


def personal(**extra) -> dict:
    return {"name": {"given": "Ada", "family1": "Quill"}, "email": "ada@example.org", **extra}


def codes(doc: dict, **kw) -> list[str]:
    return [w.code for w in warnings_for(PERSONAL, doc, today=TODAY, **kw)]


def only(doc: dict, **kw):
    found = warnings_for(PERSONAL, doc, today=TODAY, **kw)
    assert len(found) == 1, found
    return found[0]


def test_nothing_to_say_about_a_plain_profile():
    assert (
        warnings_for(
            PERSONAL, personal(dob={"iso8601": "1980-02-03"}, identityDocs=[passport("2030-01-01")]), today=TODAY
        )
        == []
    )


def test_passport_expiring_within_six_months_names_it_masked_with_its_date_and_distance():
    w = only(personal(identityDocs=[passport("2027-01-02")]))  # today: 2026-08-01
    assert w.code == "doc_expires_soon"
    assert w.path == ("identityDocs", 0, "passport", "expiryDate")
    assert w.message == "Passport GB ••••1234 expires on 2027-01-02, in 5 months."
    assert "X1234" not in w.message


@pytest.mark.parametrize(
    "expiry,expected",
    [
        ("2027-02-01", ["doc_expires_soon"]),  # exactly six months: still soon
        ("2027-02-02", []),  # a day later: fine
        ("2026-08-01", ["doc_expires_soon"]),  # today: valid through the day, so soon, not expired
        ("2026-07-31", ["doc_expired"]),  # yesterday
    ],
)
def test_expiry_edges(expiry, expected):
    assert codes(personal(identityDocs=[passport(expiry)])) == expected


def test_expired_passport_says_when():
    w = only(personal(identityDocs=[passport("2026-05-01")]))
    assert w.code == "doc_expired"
    assert w.message == "Passport GB ••••1234 expired on 2026-05-01, 3 months ago."


def test_expires_today_and_in_days_read_naturally():
    assert only(personal(identityDocs=[passport("2026-08-01")])).message.endswith("expires on 2026-08-01, today.")
    assert only(personal(identityDocs=[passport("2026-08-13")])).message.endswith(", in 12 days.")


def test_identity_document_without_expiry():
    doc = personal(
        identityDocs=[
            {"ktn": {"number": "15123456", "issueCountry": "US"}},
            {"nationalDoc": {"docId": "12345678Z", "issueCountry": "ES", "type": "DNI"}},
        ]
    )
    w = only(doc)
    assert w.code == "doc_no_expiry"
    assert w.path == ("identityDocs", 1, "nationalDoc")  # a KTN has no expiry in the spec: nothing to say
    assert w.message == "National ID ES ••••678Z has no expiry date."


def test_a_passport_without_its_expiry_date_is_flagged_too():
    assert codes(personal(identityDocs=[passport(None)])) == ["doc_no_expiry"]


def test_visa_expiry_counts_like_a_passport():
    visa = {"immigrationDoc": {"docId": "AB1234567", "issueCountry": "US", "expiryDate": {"iso8601": "2026-09-01"}}}
    w = only(personal(identityDocs=[visa]))
    assert (w.code, w.path[:3]) == ("doc_expires_soon", ("identityDocs", 0, "immigrationDoc"))
    assert w.message.startswith("Immigration document US ••••4567 expires on 2026-09-01, in 1 month")


@pytest.mark.parametrize(
    "traveler,differs",
    [
        ({"given": "Ada", "family1": "Quill"}, None),
        ({"given": "ADA", "family1": "quill"}, None),  # case
        ({"given": "Ada", "family1": "Quill", "middle": "May"}, None),  # middle on one side only
        ({"given": "Adam", "family1": "Quill"}, ("travelerName", "given")),
        ({"given": "Ada", "family1": "Quil"}, ("travelerName", "family1")),
    ],
)
def test_name_on_tickets_against_the_legal_name(traveler, differs):
    found = warnings_for(PERSONAL, personal(travelerName=traveler), today=TODAY)
    assert [w.path for w in found] == ([differs] if differs else [])


def test_name_mismatch_says_which_part_and_no_value():
    w = only(personal(travelerName={"given": "Adam", "family1": "Quil"}))
    assert w.code == "name_mismatch"
    assert w.path == ("travelerName",)
    assert w.message == (
        "Name on tickets differs from the legal name in the given name and family name: "
        "tickets must match the passport."
    )
    assert "Adam" not in w.message and "Quil" not in w.message


def test_icao_and_accent_spellings_are_the_same_name():
    doc = {
        "name": {"given": "Jürgen", "family1": "O'Brien-Núñez"},
        "travelerName": {"given": "JUERGEN", "family1": "OBRIEN NUNEZ"},
    }
    assert codes(doc) == []
    doc["travelerName"]["given"] = "Jurgen"
    assert codes(doc) == []


def test_no_name_on_tickets_is_nothing_to_compare():
    assert codes(personal()) == []


@pytest.mark.parametrize(
    "dob,expected",
    [
        ("2026-08-02", ["dob_future"]),
        ("2026-08-01", []),  # born today
        ("1906-08-01", []),  # exactly 120 years
        ("1906-07-31", ["dob_too_old"]),
        ("1980-13-01", []),  # not a date: validation says so, not a warning
    ],
)
def test_date_of_birth_edges(dob, expected):
    assert codes(personal(dob={"iso8601": dob})) == expected


def test_date_of_birth_messages_never_hold_the_date():
    for dob in ("2031-05-06", "1890-05-06"):
        w = only(personal(dob={"iso8601": dob}))
        assert w.path == ("dob",)
        assert "05-06" not in w.message and "2031" not in w.message and "1890" not in w.message
    assert only(personal(dob={"iso8601": "2031-05-06"})).message == "Date of birth is in the future."
    assert only(personal(dob={"iso8601": "1890-05-06"})).message == "Date of birth is more than 120 years ago."


def test_duplicate_email_from_the_lookup():
    doc = personal(email="Ada@Example.org ")
    assert codes(doc) == []  # not looked up: nothing to say
    assert codes(doc, lookups=Lookups(emails={"ada@example.org": ()})) == []  # looked up: nobody else
    w = only(doc, lookups=Lookups(emails={"ada@example.org": ("Bea Stone",)}))
    assert (w.code, w.path) == ("duplicate_email", ("email",))
    assert w.message == "Another user (Bea Stone) already has this email."
    w = only(doc, lookups=Lookups(emails={"ada@example.org": ("A", "B", "C")}))
    assert w.message == "3 other users (A, B, …) already have this email."


def test_rules_follow_the_section_model_not_the_screen():
    # the business section has an email of its own (the work email): the same rule, its label
    w = warnings_for(
        section("business"),
        {"email": "ada@corp.example"},
        today=TODAY,
        lookups=Lookups(emails={"ada@corp.example": ("Bea Stone",)}),
    )
    assert [(x.code, x.message) for x in w] == [
        ("duplicate_email", "Another user (Bea Stone) already has this work email.")
    ]
    # sections without such fields: nothing, whatever the document holds
    assert warnings_for(section("roles"), {"dob": {"iso8601": "2100-01-01"}}, today=TODAY) == []


def test_several_warnings_in_document_order():
    doc = personal(dob={"iso8601": "2100-01-01"}, identityDocs=[passport("2020-01-01"), passport("2026-09-01")])
    assert codes(doc) == ["doc_expired", "doc_expires_soon", "dob_future"]


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2024, 2, 29), -12 * 120) == date(1904, 2, 29)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)


def test_email_lookup_body_and_other_owners():
    body = email_lookup_body(" ada@example.org", tmc_id="t-1")
    assert body["tmcId"] == {"id": "t-1"} and "companyId" not in body
    assert body["filters"] == [{"emails": ["ada@example.org"]}]
    assert body["userStatusFilter"] == "ALL"
    with pytest.raises(ValueError):
        email_lookup_body("a@b.c")
    answer = {
        "users": [
            {"userId": {"id": "me"}, "personalDetail": {"name": {"given": "Ada", "family1": "Quill"}}},
            {"userId": {"id": "u2"}, "personalDetail": {"name": {"given": "Bea", "family1": "Stone"}}},
            {"userId": {"id": "u3"}},
        ]
    }
    assert other_owners(answer, "me") == ("Bea Stone", "u3")
    assert other_owners({"users": "junk"}) == ()


def test_email_lookup_body_is_a_valid_list_request(conforms):
    conforms(email_lookup_body("ada@example.org", tmc_id="6d4f9b2c-0000-4000-8000-000000000001"), "ListUsersV3Request")


def test_emails_to_look_up_follow_the_rule():
    assert emails_to_look_up(PERSONAL, personal(email=" Ada@Example.org")) == ["ada@example.org"]
    assert emails_to_look_up(PERSONAL, personal(email="not-yet")) == []
    assert emails_to_look_up(section("business"), {"email": "a@corp.example"}) == ["a@corp.example"]
    assert emails_to_look_up(section("roles"), {"email": "a@corp.example"}) == []
