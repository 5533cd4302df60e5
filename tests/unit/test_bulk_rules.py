"""What a bulk change may touch and how its values are checked, as the change builder shows it."""

from __future__ import annotations

import pytest

from tui.domain.bulk import (
    AddItem,
    Change,
    ChangeError,
    Clear,
    Deactivate,
    RemoveWhere,
    Set,
    bulk_fields,
    check_change,
    find_fields,
    refusal,
    require_valid,
)
from tui.domain.sections import section

BUSINESS = section("business")
PERSONAL = section("personal")
MEMBERSHIP = section("membership")
ROLES = section("roles")
OFFICE = {"id": "10eecdb3-4dd8-4212-9875-af57c7fee65a", "name": "Paris Office"}


def texts(change: Change) -> list[str]:
    return [p.text for p in check_change(change)]


def test_a_plain_change_has_no_problems() -> None:
    change = Change(
        "business",
        (Set(("designation",), "Engineer"), Set(("officeRef",), OFFICE), Clear(("costCenterRef",))),
    )
    assert check_change(change) == []
    assert require_valid(change) is change


@pytest.mark.parametrize(
    ("op", "words"),
    [
        (Set(("phoneNumbers", 0, "type"), "MOBILE"), "by its position cannot mean the same item for every user"),
        (RemoveWhere(("phoneNumbers",), ("type", 0), "X"), "by its position"),
        (Set(("nosuchField",), "x"), "has no field nosuchField"),
        (AddItem(("designation",), "x"), "Job title is not a list"),
        (Clear(("organizationRef",)), "Organization is required: it cannot be cleared"),
        (Set((), {}), "name a field"),
        (RemoveWhere(("companySpecifiedAttributes",), ("nope",), "x"), "have no field nope"),
    ],
)
def test_refused_business_operations_say_why(op, words) -> None:
    assert words in (refusal(BUSINESS, op) or "")


def test_the_external_id_is_refused_for_being_unique() -> None:
    why = texts(Change("external_id", (Set(("externalId",), "X-1"),)))
    assert why == ["External ID: the external ID must stay unique for each user: change it one profile at a time"]


@pytest.mark.parametrize(
    "op",
    [
        Set(("dob",), {"iso8601": "1990-01-01"}),
        Set(("name", "given"), "Ada"),
        Set(("gender",), "FEMALE"),
        AddItem(("identityDocs",), {"passport": {"docId": "X1234567", "issueCountry": "GB"}}),
        RemoveWhere(("identityDocs",), ("passport", "issueCountry"), "GB"),
        Set(("name",), {"given": "Ada", "family1": "Quill"}),
        Clear(("addresses",)),
    ],
)
def test_sensitive_personal_fields_are_never_bulk_edited(op) -> None:
    assert "sensitive personal data" in (refusal(PERSONAL, op) or "")


def test_deprecated_fields_are_refused() -> None:
    assert "deprecated" in (refusal(PERSONAL, Set(("emergencyContactInfo",), {})) or "")
    item = {"roleType": "TRAVEL_ARRANGER", "roleMetadata": {}}
    assert "deprecated" in (refusal(ROLES, AddItem(("roles",), item)) or "")  # written inside the item
    assert refusal(ROLES, AddItem(("roles",), {"roleType": "TRAVEL_ARRANGER"})) is None
    assert refusal(ROLES, RemoveWhere(("roles",), ("roleType",), "TRAVEL_ARRANGER")) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Change("business", (Set(("workerType",), "BOGUS"),)), "Worker type: one of: EMPLOYEE"),
        (Change("business", (Set(("email",), "not-an-email"),)), "Work email: not an email address"),
        (Change("business", (Set(("officeRef", "id"), "paris"),)), "ID: not a UUID"),
        (Change("business", (Set(("designation",), 5),)), "Job title: must be text"),
        (Change("business", (Set(("designation",), None),)), "clear the field"),
        (Change("membership", (AddItem(("membershipInfos",), {"id": "1"}),)), "Issued by: required"),
        (
            Change("membership", (AddItem(("membershipInfos",), {"id": "1", "issuedBy": "BA", "type": "NOPE"}),)),
            "Type: one of:",
        ),
        (Change("travel", (Set(("preferences", "hotelPref", "hotelAmenityTypes"), ["NOPE"]),)), "one of:"),
    ],
)
def test_values_are_checked_by_the_model_and_the_spec_enums(change, expected) -> None:
    assert any(expected in t for t in texts(change)), texts(change)


def test_a_remove_where_value_is_checked_against_the_item_field_only() -> None:
    assert check_change(Change("membership", (RemoveWhere(("membershipInfos",), ("issuedBy",), "BA"),))) == []
    why = texts(Change("membership", (RemoveWhere(("membershipInfos",), ("issuedBy",), 7),)))
    assert why and "must be text" in why[0]


def test_two_operations_on_one_field_and_mixed_kinds_are_refused() -> None:
    overlap = Change("business", (Set(("officeRef",), OFFICE), Set(("officeRef", "name"), "Lyon")))
    assert texts(overlap) == ["Name: operation 1 already changes this field"]
    mixed = Change("business", (Deactivate(), Set(("designation",), "x")))
    assert "a change of its own" in texts(mixed)[0]
    assert "no operations" in texts(Change("business", ()))[0]
    with pytest.raises(ChangeError) as err:
        require_valid(Change("nosuch", (Set(("a",), 1),)))
    assert "no section 'nosuch'" in str(err.value)


def test_the_picker_offers_every_allowed_field_and_nothing_sensitive() -> None:
    fields = {f.path_text: f for f in bulk_fields(BUSINESS)}
    assert fields["designation"].kinds == ("set", "clear")
    assert fields["officeRef"].label == "Office" and fields["officeRef.id"].label == "Office › ID"
    assert fields["organizationRef"].kinds == ("set",)  # required: no clear
    assert fields["companySpecifiedAttributes"].kinds == ("add", "remove_where", "set", "clear")
    assert fields["workerType"].spec.enum_values[:2] == ("EMPLOYEE", "CONTINGENT")
    assert not any("[" in p for p in fields)  # nothing inside a list item
    personal = {f.path_text for f in bulk_fields(PERSONAL)}
    assert {"email", "phoneNumbers", "preferredLanguage"} <= personal
    assert not personal & {"dob", "name", "name.given", "gender", "identityDocs", "addresses", "emergencyContactInfo"}
    assert bulk_fields(section("external_id")) == [] and bulk_fields(section("policies")) == []


def test_find_fields_matches_labels_and_paths_fuzzily() -> None:
    assert find_fields(BUSINESS, "job")[0].path_text == "designation"
    assert find_fields(BUSINESS, "cost c")[0].path_text == "costCenterRef"
    assert find_fields(BUSINESS, "costCenterRef.id")[0].label == "Cost center › ID"
    assert [f.path_text for f in find_fields(BUSINESS, "wrktp")] == ["workerType"]  # letters in order
    assert find_fields(BUSINESS, "zzzz") == []
    assert len(find_fields(BUSINESS, "", limit=3)) == 3
