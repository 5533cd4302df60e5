"""form_schema: every model field becomes a form field of the right kind, UI-free."""

from __future__ import annotations

import sys
import types
import typing
from typing import Union, get_args, get_origin

import pytest
from pydantic import BaseModel

from tui.api import models as m
from tui.domain.form_schema import FieldSpec, form_fields, validation_errors, variant_of
from tui.domain.paths import WILDCARD
from tui.domain.sections import section

MAIN = ("personal", "business", "travel", "membership")


def _models_in(annotation) -> list[tuple[tuple, type[BaseModel]]]:
    """Independent walk: (relative pattern, model) reachable through an annotation."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [x for a in get_args(annotation) for x in _models_in(a)]
    if origin in (list, tuple, set):
        return [((WILDCARD,) + rel, mod) for a in get_args(annotation) for rel, mod in _models_in(a)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [((), annotation)]
    return []


def model_paths(model: type[BaseModel], prefix: tuple = (), stack: tuple = ()) -> set[tuple]:
    out: set[tuple] = set()
    if model in stack:
        return out
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name,)
        out.add(path)
        for rel, sub in _models_in(info.annotation):
            out |= model_paths(sub, path + rel, stack + (model,))
    return out


def spec_paths(spec: FieldSpec) -> set[tuple]:
    return {s.path for s in spec.walk() if s.key}


@pytest.mark.parametrize("key", MAIN + ("notifications", "roles", "external_id"))
def test_every_model_field_is_a_form_field(key: str) -> None:
    sec = section(key)
    tree = form_fields(sec.model, sec.label)
    expected = model_paths(sec.model)
    assert expected, "the walk found no fields"
    assert spec_paths(tree) == expected


def test_kinds_follow_the_annotations() -> None:
    personal = form_fields(m.UserPersonalInfo)
    assert personal.child("email").kind == "text"
    gender = personal.child("gender")
    assert gender.kind == "enum" and "FEMALE" in gender.enum_values and not gender.required
    assert gender.pii == "SENSITIVE"
    assert personal.child("dob").kind == "object"
    assert personal.child("dob").child("iso8601").kind == "text"
    assert personal.child("dob").child("iso8601").required
    addresses = personal.child("addresses")
    assert addresses.kind == "object_list" and addresses.model is m.PostalAddress
    assert addresses.child("addressLines").kind == "str_list"
    assert addresses.child("addressLines").path == ("addresses", WILDCARD, "addressLines")
    assert addresses.child("coordinates").child("latitude").kind == "number"
    phone = personal.child("phoneNumbers")
    assert phone.child("countryCode").kind == "int"
    assert phone.child("italianLeadingZero").kind == "bool"
    assert personal.child("emergencyContactInfo").deprecated
    assert personal.child("emergencyContact").child("designation").deprecated

    docs = personal.child("identityDocs")
    assert docs.kind == "union_list"
    assert {v.key for v in docs.variants} == {"passport", "immigrationDoc", "redress", "ktn", "nationalDoc"}
    passport = next(v for v in docs.variants if v.key == "passport")
    assert passport.spec.child("passport").child("docId").path == ("identityDocs", WILDCARD, "passport", "docId")
    assert passport.spec.child("passport").child("docId").pii == "IDENTIFIER"

    travel = form_fields(m.TravelPreferences)
    meal = travel.child("preferences").child("airPref").child("mealPref")
    assert meal.child("inclMealPrefs").kind == "enum_list"
    assert "VGML" in meal.child("inclMealPrefs").enum_values
    assert travel.child("preferences").child("airPref").child("numStopPref").child("numOfStops").kind == "int"

    membership = form_fields(m.MembershipInfo)
    assert membership.child("isLoyaltyBlocked").kind == "bool"
    loyalty = membership.child("membershipInfos")
    assert loyalty.kind == "object_list"
    assert loyalty.child("id").required and loyalty.child("type").kind == "enum"

    roles = form_fields(m.RolesConfig)
    metadata = roles.child("roles").child("metadata")
    assert metadata.kind == "union" and len(metadata.variants) == 4
    assert roles.child("roles").child("roleMetadata").deprecated


def test_labels_come_from_the_section() -> None:
    sec = section("personal")
    tree = form_fields(sec.model, sec.label)
    assert tree.child("identityDocs").label == "Identity documents"
    assert tree.child("dob").child("iso8601").label == "Date of birth"
    assert tree.child("travelerName").label == "Name on tickets"
    business = form_fields(section("business").model, section("business").label)
    assert business.child("designation").label == "Job title"
    assert business.child("employeeId").label == "Employee ID"


def test_variant_of_reads_the_discriminator_and_falls_back_to_keys() -> None:
    docs = form_fields(m.UserPersonalInfo).child("identityDocs")
    valid = {"ktn": {"number": "123", "issueCountry": "US"}}
    assert variant_of(docs, valid).key == "ktn"
    assert variant_of(docs, {"nationalDoc": {}}).key == "nationalDoc"  # invalid, still known by key
    assert variant_of(docs, {"somethingNew": {}}) is None
    assert variant_of(docs, "not an object") is None
    metadata = form_fields(m.RolesConfig).child("roles").child("metadata")
    assert variant_of(metadata, {"roleType": "TMC_ADMIN", "tmcRef": {"id": "x"}}).name == "TmcRoleInfo"


def test_validation_errors_are_json_paths_with_plain_messages() -> None:
    data = {
        "email": "nope",
        "dob": {"iso8601": "1990-13-01"},
        "identityDocs": [{"passport": {"docId": 5, "issueCountry": "GB"}}],
        "phoneNumbers": [{"countryCode": "44"}],
        "zzFuture": {"kept": True},
    }
    errors = dict(validation_errors(m.UserPersonalInfo, data))
    assert errors[("email",)] == "not an email address"
    assert errors[("dob", "iso8601")] == "a date as YYYY-MM-DD"
    assert errors[("identityDocs", 0, "passport", "docId")] == "must be text"
    assert errors[("identityDocs", 0, "passport", "expiryDate")] == "required"
    assert errors[("phoneNumbers", 0, "countryCode")] == "a whole number"
    assert not any(p and p[0] == "zzFuture" for p in errors)
    assert validation_errors(m.UserPersonalInfo, {"email": "a@b.example"}) == []


def test_form_schema_does_not_import_textual() -> None:
    import tui.domain.form_schema as fs

    source = open(fs.__file__, encoding="utf-8").read()
    assert "textual" not in source.replace("UI-free", "")
    assert "tui.ui" not in source
    assert "textual" not in {name.split(".")[0] for name in vars(fs) if isinstance(vars(fs)[name], type(sys))}
