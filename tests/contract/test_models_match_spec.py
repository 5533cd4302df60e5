"""The committed models still say what the shared spec says, and read every example it carries."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter

import tui.api.models as m
from tests import specdata
from tui.api.models._codegen import snake


def _examples() -> list[tuple[str, Any, Any]]:
    """(where, adapter target, example) for every example on a component schema or property."""
    if not specdata.available():
        return []
    out = []
    for name, schema in specdata.schemas().items():
        if "example" in schema:
            out.append((name, getattr(m, name), schema["example"]))
        model = getattr(m, name)
        for prop, node in schema.get("properties", {}).items():
            field = model.model_fields[snake(prop)]
            target = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            if "example" in node:
                out.append((f"{name}.{prop}", target, node["example"]))
            if "example" in node.get("items", {}):
                out.append((f"{name}.{prop}[]", target, [node["items"]["example"]]))
    return out


EXAMPLES = _examples()


@pytest.mark.skipif(not EXAMPLES, reason="the shared spec is absent (../shared/spotnana); its examples cannot be read")
@pytest.mark.parametrize(("where", "target", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_spec_example_reads_and_round_trips(where: str, target: Any, example: Any) -> None:
    adapter = TypeAdapter(target)
    value = adapter.validate_python(example)
    back = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    assert json.dumps(back, sort_keys=True) == json.dumps(example, sort_keys=True)


def test_models_have_every_property_required_flag_and_enum_of_the_spec() -> None:
    schemas = specdata.schemas()
    problems = []
    for name, schema in schemas.items():
        model = getattr(m, name, None)
        if model is None:
            problems.append(f"{name}: no model")
            continue
        if "enum" in schema and "properties" not in schema:
            if m.enum_values_of(model) != tuple(schema["enum"]):
                problems.append(f"{name}: enum differs")
            continue
        props = dict(schema.get("properties", {}))
        for alt in schema.get("oneOf", []) if "properties" in schema else []:
            props.update(schemas[alt["$ref"].rsplit("/", 1)[1]].get("properties", {}))
        if not props:
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        for prop, node in props.items():
            field = fields.get(prop)
            if field is None:
                problems.append(f"{name}.{prop}: missing")
                continue
            if field.is_required() != (prop in schema.get("required", [])):
                problems.append(f"{name}.{prop}: required flag differs")
            pii = (field.json_schema_extra or {}).get("x-pii")
            if pii != node.get("x-pii"):
                problems.append(f"{name}.{prop}: x-pii differs")
            if "enum" in node and m.field_enum_values(field) != tuple(node["enum"]):
                problems.append(f"{name}.{prop}: enum differs")
        extra = set(fields) - set(props)
        if extra:
            problems.append(f"{name}: fields not in the spec {sorted(extra)}")
    assert problems == []


def test_every_schema_the_issue_names_is_exported() -> None:
    names = [
        "UserPersonalInfo",
        "BusinessInfo",
        "TravelPreferences",
        "MembershipInfo",
        "LoyaltyInfo",
        "NotificationPreferences",
        "RoleConfig",
        "RolesConfig",
        "ExternalIdObject",
        "UserProfile",
        "UserCreateRequest",
        "UserUpdateRequest",
        "UserDetail",
        "ListUsersV3Request",
        "ListUsersV3Response",
        "ErrorResponse",
        "OAuthTokenRequest",
        "OAuthTokenResponse",
        "IdentityDocument",
        "RailCard",
    ]
    assert [n for n in names if not hasattr(m, n)] == []
