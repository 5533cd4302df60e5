"""Columns of a section and cells: what export writes, and what the import will read back."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.domain.columns import (
    CLEAR,
    KEY_COLUMNS,
    CellError,
    ColumnError,
    column_named,
    format_cell,
    parse_cell,
    resolve_column,
    resolve_columns,
    section_columns,
)
from tui.domain.edits import json_equal
from tui.domain.paths import ABSENT
from tui.domain.sections import editable_sections, section

BUSINESS = section("business")
PERSONAL = section("personal")
TRAVEL = section("travel")


def names(columns) -> list[str]:
    return [c.name for c in columns]


# --- which columns --------------------------------------------------------------------------


def test_business_columns_are_its_scalar_fields_in_form_order_without_pii() -> None:
    shown = names(section_columns(BUSINESS))
    assert shown[:2] == ["businessInfo.employeeId", "designation"]  # the form's order; a key name prefixed
    assert {"officeRef.id", "officeRef.name", "costCenterRef.id", "workerType", "countryCode"} <= set(shown)
    assert not any(n.startswith("phoneNumbers") or n.startswith("designatedApprover") for n in shown)  # lists
    assert "businessInfo.email" not in shown and "authorizerEmail" not in shown  # x-pii IDENTIFIER
    with_pii = names(section_columns(BUSINESS, include_pii=True))
    assert "businessInfo.email" in with_pii and "authorizerEmail" in with_pii
    assert not set(shown) & set(KEY_COLUMNS)


def test_nested_paths_are_dotted_and_lists_and_deprecated_fields_are_not_columns() -> None:
    travel = names(section_columns(TRAVEL))
    assert "preferences.airPref.homeAirport" in travel
    assert "preferences.hotelPref.roomPreference.roomType" in travel
    assert not any("[" in n or "airlinePrefs" in n or "mealPref.inclMealPrefs" in n for n in travel)
    personal = names(section_columns(PERSONAL, include_pii=True))
    assert not any(n.startswith("emergencyContactInfo") for n in personal)  # deprecated in the spec
    assert "emergencyContact.designation" not in personal  # deprecated field of a kept object


def test_personal_data_columns_follow_the_specs_x_pii_marks_and_the_screen_masks() -> None:
    columns = {c.name: c for c in section_columns(PERSONAL, include_pii=True)}
    assert columns["dob.iso8601"].pii == "SENSITIVE"  # inside a masked, x-pii object
    assert columns["name.given"].pii == "SENSITIVE"
    assert columns["personalInfo.email"].pii == "IDENTIFIER"
    assert columns["preferredLanguage"].pii is None
    default = names(section_columns(PERSONAL))
    assert "preferredLanguage" in default and "dob.iso8601" not in default and "name.given" not in default


def test_every_header_is_unique_and_reads_back_as_its_own_column() -> None:
    for sec in editable_sections():
        columns = section_columns(sec, include_pii=True)
        assert len(set(names(columns))) == len(columns), sec.key
        for column in columns:
            assert column_named(sec, column.name) == column
            assert resolve_column(sec, column.name) == [column]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("office.id", ["officeRef.id"]),
        ("costCenter.id", ["costCenterRef.id"]),
        ("businessInfo.designation", ["designation"]),
        ("business.designation", ["designation"]),
        ("Job title", ["designation"]),
        ("office id", ["officeRef.id"]),
        ("officeRef", ["officeRef.id", "officeRef.name"]),
        ("businessInfo.email", ["businessInfo.email"]),
        ("email", []),  # a key column: always written first
    ],
)
def test_what_an_agent_may_type_for_a_column(typed: str, expected: list[str]) -> None:
    assert names(resolve_column(BUSINESS, typed)) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("ofice.id", "unknown field 'ofice.id' in business info (did you mean officeRef.id?)"),
        ("phoneNumbers", "is a list"),
        ("phoneNumbers.type", "inside the list phoneNumbers"),
        ("phoneNumbers[0].type", "an index inside a list"),
        ("ID", "label of several fields"),
    ],
)
def test_a_bad_column_is_named_with_the_reason(typed: str, says: str) -> None:
    with pytest.raises(ColumnError) as err:
        resolve_column(BUSINESS, typed)
    assert says in str(err.value)


def test_a_deprecated_field_is_refused_by_name() -> None:
    with pytest.raises(ColumnError, match="deprecated"):
        resolve_column(PERSONAL, "emergencyContactInfo.designation")


def test_fields_keep_the_order_given_and_need_include_pii_for_personal_data() -> None:
    columns = resolve_columns(BUSINESS, ["office.id", "designation", "officeRef", "email"])
    assert names(columns) == ["officeRef.id", "designation", "officeRef.name"]
    with pytest.raises(ColumnError, match=r"'authorizerEmail' .*x-pii IDENTIFIER.*--include-pii"):
        resolve_columns(BUSINESS, ["designation", "authorizerEmail"])
    assert names(resolve_columns(BUSINESS, ["authorizerEmail"], include_pii=True)) == ["authorizerEmail"]


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "cell"),
    [
        ("Paris HQ", "text", "Paris HQ"),
        ("AISLE", "enum", "AISLE"),
        (True, "bool", "true"),
        (False, "bool", "false"),
        (3, "int", "3"),
        (2100.0, "int", "2100.0"),  # an integer for JSON Schema, kept as sent
        (-2.5, "number", "-2.5"),
        (ABSENT, "text", ""),
        ("", "text", "<empty>"),
        ("<clear>", "text", "\\<clear>"),
        ("\\<clear>", "text", "\\\\<clear>"),
        ("<json>x", "text", "\\<json>x"),
        ("=HYPERLINK(1)", "text", "'=HYPERLINK(1)"),
        ("+44 20 7946 0000", "text", "'+44 20 7946 0000"),
        ("'quoted'", "text", "''quoted'"),
        ("O'Neill", "text", "O'Neill"),
        (5, "text", "<json>5"),
        (None, "text", "<json>null"),
        ("yes", "bool", '<json>"yes"'),
    ],
)
def test_a_value_is_written_so_it_reads_back_as_itself(value, kind: str, cell: str) -> None:
    assert format_cell(value, kind) == cell
    back = parse_cell(cell, kind)
    assert back is ABSENT if value is ABSENT else json_equal(back, value)


def test_export_never_writes_the_clear_marker_for_a_value() -> None:
    assert format_cell("<clear>", "text") != "<clear>"
    assert parse_cell("<clear>", "text") is CLEAR
    assert parse_cell("<clear>", "int") is CLEAR


@pytest.mark.parametrize(
    ("cell", "kind", "value"),
    [
        ("TRUE", "bool", True),
        (" false ", "bool", False),
        ("'12", "int", 12),
        (" 7 ", "int", 7),
        ("1e3", "number", 1000.0),
    ],
)
def test_cells_as_spreadsheets_write_them(cell: str, kind: str, value) -> None:
    assert json_equal(parse_cell(cell, kind), value)


@pytest.mark.parametrize(
    ("cell", "kind"),
    [("maybe", "bool"), ("1.5", "int"), ("12abc", "number"), ("<json>{", "text"), ("\\<clear>", "int")],
)
def test_a_cell_that_cannot_be_a_value_of_its_kind_is_refused(cell: str, kind: str) -> None:
    with pytest.raises(CellError):
        parse_cell(cell, kind)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(["", "<clear>", "<empty>", "<json>", "\\<empty>", "'", "=1", "-", "\\"])
    | st.builds(lambda a, b: a + b, st.sampled_from(["\\", "\\\\", "'", "<json>", "="]), st.text(max_size=5))
)


@given(value=scalars, kind=st.sampled_from(["text", "enum", "bool", "int", "number"]))
def test_round_trip_of_any_json_scalar_in_any_column_kind(value, kind: str) -> None:
    cell = format_cell(value, kind)
    assert cell != "" and cell != "<clear>"
    back = parse_cell(cell, kind)
    assert json_equal(back, value), (value, kind, cell, back)
    if isinstance(value, float) and math.isfinite(value):
        assert json.dumps(back) == json.dumps(value)


@given(value=st.text(), kind=st.sampled_from(["text", "enum"]))
def test_strings_are_left_as_they_are_unless_they_would_read_as_something_else(value: str, kind: str) -> None:
    cell = format_cell(value, kind)
    risky = value == "" or value.lstrip("\\") in ("<clear>", "<empty>") or value.lstrip("\\").startswith("<json>")
    if not risky and not value.startswith(("=", "+", "-", "@", "\t", "\r", "'")):
        assert cell == value
