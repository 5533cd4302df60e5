"""JSON Schema integers in the models: integral floats are integers and are kept as sent."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

import tui.api.models as m
from tui.api.models._base import INT32_MAX, INT64_MAX


@pytest.mark.parametrize("value", [2100, 2100.0, 0.0, -3.0, 1e15])
def test_integral_values_are_accepted_and_dump_back_as_sent(value) -> None:
    payload = {"countryCode": 44, "nationalNumber": value, "numberOfLeadingZeros": 1.0}
    phone = m.PhoneNumber.model_validate(payload)
    assert json.dumps(phone.to_json()) == json.dumps(payload)  # 2100.0 stays 2100.0, 2100 stays 2100
    again = m.PhoneNumber.model_validate_json(json.dumps(payload))
    assert again.model_dump_json(by_alias=True, exclude_unset=True) == json.dumps(payload, separators=(",", ":"))


@pytest.mark.parametrize("value", [2100.5, "2100", True, float("inf"), float("nan"), [1]])
def test_non_integers_are_refused(value) -> None:
    with pytest.raises(ValidationError) as info:
        m.Dimensions.model_validate({"height": value, "width": 1})
    assert [e["loc"] for e in info.value.errors()] == [("height",)]
    assert info.value.errors()[0]["type"] == "int_type"


@pytest.mark.parametrize(
    ("model", "payload", "where"),
    [
        ("Dimensions", {"height": INT32_MAX + 1}, "height"),
        ("Dimensions", {"width": float(-(2**31) - 1)}, "width"),
        ("PhoneNumber", {"nationalNumber": INT64_MAX + 1}, "nationalNumber"),
        ("OffsetBasedPaginationRequestParams", {"limit": 0}, "limit"),
        ("OffsetBasedPaginationRequestParams", {"limit": 2.0**31}, "limit"),
        ("OffsetBasedPaginationRequestParams", {"offset": -1.0}, "offset"),
    ],
)
def test_bounds_of_the_format_and_the_spec_apply_to_ints_and_floats(model, payload, where) -> None:
    with pytest.raises(ValidationError) as info:
        getattr(m, model).model_validate(payload)
    assert [e["loc"] for e in info.value.errors()] == [(where,)]


def test_bounds_that_hold_pass() -> None:
    page = m.OffsetBasedPaginationRequestParams.model_validate({"offset": 0.0, "limit": INT32_MAX})
    assert page.to_json() == {"offset": 0.0, "limit": INT32_MAX}
