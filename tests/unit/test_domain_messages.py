"""Problems in the agent's words (tui/domain/messages.py): one wording per kind of problem,
whether it comes from pydantic, a server's 400 or our own form parsing."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

import tui.api.models as m
from tui.api.errors import ApiError
from tui.domain.field_errors import field_errors_from_api, field_errors_from_validation
from tui.domain.form_schema import validation_errors
from tui.domain.messages import DATE, NOT_EMAIL, REQUIRED, agent_text, by_field, fields_to_fix, one_of
from tui.domain.sections import section


def _errors(model, data) -> dict:
    return dict(validation_errors(model, data))


def test_email_date_required_and_enum_in_words():
    errors = _errors(
        m.UserPersonalInfo,
        {
            "email": "nope",
            "dob": {"iso8601": "22/02/1990"},
            "identityDocs": [{"passport": {"docId": "X1"}}],
            "phoneNumbers": [{"type": "FAX"}],
        },
    )
    assert errors[("email",)] == "not an email address"
    assert errors[("dob", "iso8601")] == "a date as YYYY-MM-DD"
    assert errors[("identityDocs", 0, "passport", "issueCountry")] == "required"
    for message in errors.values():
        assert "pattern" not in message and "^" not in message and "Field required" not in message


def test_enum_values_are_listed_readably():
    assert one_of(["MOBILE", "LANDLINE"]) == "one of: MOBILE, LANDLINE"
    assert (
        agent_text("Input should be 'UNKNOWN_TYPE', 'MOBILE' or 'LANDLINE'") == "one of: UNKNOWN_TYPE, MOBILE, LANDLINE"
    )
    # the sandbox's (and a strict server's) wording of an enum refusal
    assert agent_text("expected one of UNKNOWN_TYPE, MOBILE, LANDLINE") == "one of: UNKNOWN_TYPE, MOBILE, LANDLINE"
    long = one_of(f"V{i}" for i in range(40))
    assert long.endswith("…") and long.count(",") <= 13


@pytest.mark.parametrize(
    "text, words",
    [
        ("Field required", REQUIRED),
        ("email: String should match pattern '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'", NOT_EMAIL),
        ("String should match pattern '^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$'", DATE),
        ("Input should be a valid integer, unable to parse string as an integer", "a whole number"),
        ("Input should be a valid boolean", "yes or no"),
        ("must not be null (leave it out instead)", "leave it empty instead of null"),
        ("cannot tell which item this is", "cannot tell which item this is"),  # ours: kept as it is
    ],
)
def test_text_from_servers_and_pydantic(text, words):
    assert agent_text(text, "email") == words


def test_one_message_per_field_no_duplicates():
    problems = [(("email",), "required"), (("email",), "Field required"), (("name", "given"), "required")]
    assert by_field(problems) == [(("email",), "required"), (("name", "given"), "required")]
    assert fields_to_fix(problems) == "2 fields to fix"
    assert fields_to_fix([(("email",), "required"), (("email",), "not an email address")]) == "1 field to fix"
    both = dict(by_field([(("x",), "required"), (("x",), "a whole number")]))
    assert both[("x",)] == "required; a whole number"


def test_validation_error_becomes_field_errors_in_words():
    data = {"phoneNumbers": [{"countryCode": "one"}], "email": "x"}
    with pytest.raises(ValidationError) as info:
        m.UserPersonalInfo.model_validate(data)
    errors = {e.path: e.message for e in field_errors_from_validation(info.value, data)}
    assert errors[("email",)] == NOT_EMAIL
    assert errors[("phoneNumbers", 0, "countryCode")] == "a whole number"
    assert len(errors) == len(field_errors_from_validation(info.value, data))  # one per field


def test_server_400_messages_in_words_at_their_fields():
    error = ApiError(
        400,
        error_messages=[
            {
                "errorCode": "INVALID_FIELD",
                "message": "email: String should match pattern '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'",
                "errorParameters": [{"name": "email", "value": "x"}],
            },
            {
                "errorCode": "MISSING_FIELD",
                "message": "phoneNumbers[0].type: Field required",
                "errorParameters": [{"name": "phoneNumbers[0].type", "value": ""}],
            },
        ],
    )
    got = [(e.path, e.message) for e in field_errors_from_api(error, section("personal"))]
    assert got == [(("email",), NOT_EMAIL), (("phoneNumbers", 0, "type"), REQUIRED)]


def test_no_message_is_a_regex():
    data = {"email": "a b", "dob": {"iso8601": "x"}, "phoneNumbers": [{"countryCode": 1.5, "type": 3}]}
    for message in _errors(m.UserPersonalInfo, data).values():
        assert not re.search(r"[\^$\\]|\{\d", message), message
