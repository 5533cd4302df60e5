"""A CSV's header and cells into per-row changes, every problem with its row and column (no server)."""

from __future__ import annotations

import time

import pytest

from tui.domain.bulk import Change, Clear, Set
from tui.domain.csv_import import ImportProblems, RowProblem, parse_rows
from tui.domain.csv_read import read_table
from tui.domain.sections import section

BUSINESS = section("business")
OFFICE = "7d41b8db-aa37-473f-9d25-09f91760f4e0"


def parse(text: str, key=None, sec=BUSINESS):
    return parse_rows(read_table(text.encode()), sec, key, "people.csv")


def texts(parsed) -> list[str]:
    return [p.text() for p in parsed.problems]


def test_each_row_becomes_its_own_change_empty_cells_leave_fields_alone() -> None:
    parsed = parse(
        "email,designation,office.id,workerType,accountingCode\r\n"
        f"ada@x.org,Lead,{OFFICE},,\r\n"
        "bo@x.org,,,<clear>,'=1+2\r\n"
        "cy@x.org,<empty>,,,\\<clear>\r\n"
    )
    assert parsed.problems == [] and parsed.imported.key == "email"
    assert [c.name for c in parsed.imported.columns] == ["designation", "officeRef.id", "workerType", "accountingCode"]
    changes = [r.change for r in parsed.imported.rows]
    assert changes == [
        Change("business", (Set(("designation",), "Lead"), Set(("officeRef", "id"), OFFICE))),
        Change("business", (Clear(("workerType",)), Set(("accountingCode",), "=1+2"))),
        Change("business", (Set(("designation",), ""), Set(("accountingCode",), "<clear>"))),
    ]
    assert [(r.number, r.key) for r in parsed.imported.rows] == [(2, "ada@x.org"), (3, "bo@x.org"), (4, "cy@x.org")]


def test_the_key_is_the_first_key_column_unless_asked_and_the_others_are_ignored() -> None:
    text = "externalId,email,userId,designation\r\nEXT-1,ada@x.org,u-1,Lead\r\n"
    assert parse(text).imported.key == "userId"  # userId, email, employeeId, externalId: the first the file has
    assert parse("externalId,email\r\nEXT-1,a@x.org\r\n").imported.key == "email"
    asked = parse(text, key="externalId").imported
    assert asked.key == "externalId" and asked.rows[0].key == "EXT-1" and asked.ignored == ["email", "userId"]
    assert texts(parse("designation\r\nLead\r\n")) == [
        "row 1: no key column: the file needs one of userId, email, employeeId, externalId to find the users"
    ]
    assert texts(parse("email,designation\r\na@x.org,L\r\n", key="employeeId")) == [
        "row 1: no employeeId column (the key asked for); the header has email, designation"
    ]


def test_columns_that_cannot_be_imported_are_named_by_letter_and_header() -> None:
    parsed = parse(
        "email,ofice.id,phoneNumbers,phoneNumbers[0].type,officeRef,designation,Job title,,legalEntityRef.id\r\n"
        "a@x.org,,,,,,,,\r\n"
    )
    assert texts(parsed) == [
        "row 1, column B (ofice.id): unknown field 'ofice.id' in business info (did you mean officeRef.id?)",
        "row 1, column C (phoneNumbers): 'phoneNumbers' (phoneNumbers) is a list: lists are not columns",
        "row 1, column D (phoneNumbers[0].type): 'phoneNumbers[0].type': an index inside a list is not a column "
        "(lists are not exported)",
        "row 1, column E (officeRef): 'officeRef' names several fields (officeRef.id, officeRef.name): one column each",
        "row 1, column G (Job title): the same field as column F",
    ]


@pytest.mark.parametrize(
    ("sec", "header", "says"),
    [
        ("personal", "dob.iso8601", "Date of birth holds sensitive personal data"),
        ("personal", "name.given", "Given name holds sensitive personal data"),
        ("external_id", "externalId.externalId", "the external ID must stay unique for each user"),
    ],
)
def test_refused_columns_say_why_before_anything_is_read(sec: str, header: str, says: str) -> None:
    (problem,) = parse(f"userId,{header}\r\nu-1,x\r\n", sec=section(sec)).problems
    assert problem.row == 1 and problem.column == f"B ({header})"
    assert problem.message.startswith("cannot be changed in bulk: ") and says in problem.message


def test_bad_cells_and_keys_are_reported_with_row_and_column() -> None:
    parsed = parse(
        "email,workerType,office.id,businessInfo.email,legalEntity.id,designation\r\n"
        "a@x.org,INTERN,,,,\r\n"  # fine
        "b@x.org,BOSS,,,,\r\n"
        "c@x.org,,not-a-uuid,,,\r\n"
        "d@x.org,,,nope,,\r\n"
        "e@x.org,,,,<clear>,\r\n"
        ",,,,,Lead\r\n"
        "A@X.org,,,,,\r\n"
        "f@x.org,<json>{bad,,,,\r\n"
    )
    by_row = {p.row: p for p in parsed.problems}
    assert set(by_row) == {6, 7, 8, 9}  # value problems wait: a user may hold that value already
    assert "ID is required: it cannot be cleared" in by_row[6].message
    assert by_row[7].text() == "row 7, column A (email): the email cell is empty: the row names no user"
    assert by_row[8].text() == "row 8: the same email as row 2 (A@X.org)"
    assert by_row[9].text() == "row 9, column B (workerType): '<json>{bad' is not valid JSON after <json>"
    refused = {parsed.imported.rows[i].number: [p.text() for _, p, _ in r] for i, r in parsed.refused.items()}
    assert refused == {
        3: ["row 3, column B (workerType): 'BOSS': one of: EMPLOYEE, CONTINGENT, SEASONAL, INTERN, GUEST"],
        4: ["row 4, column C (officeRef.id): 'not-a-uuid': not a UUID (8-4-4-4-12 hex digits)"],
        5: ["row 5, column D (businessInfo.email): 'nope': not an email address"],
    }


def test_a_value_under_a_column_without_header_is_a_problem_an_empty_one_is_not() -> None:
    assert texts(parse("email,,designation\r\na@x.org,,Lead\r\n")) == []
    assert texts(parse("email,,designation\r\na@x.org,oops,Lead\r\n")) == [
        "row 2, column B: a value in a column without a header"
    ]


def test_problems_read_as_one_message_sorted_by_row() -> None:
    err = ImportProblems("people.csv", [RowProblem(9, "late"), RowProblem(2, "early", "B (designation)", 3)])
    assert str(err) == (
        "people.csv: 2 problems, nothing planned or sent:\n"
        "  row 2 (line 3), column B (designation): early\n"
        "  row 9: late"
    )


def test_ten_thousand_rows_parse_fast() -> None:
    lines = ["userId,designation,officeRef.id,workerType,accountingCode"]
    for i in range(10_000):
        lines.append(f"{i:08d}-0000-4000-8000-000000000000,Title {i % 50},{OFFICE},EMPLOYEE,AC-{i}")
    table = read_table(("\r\n".join(lines) + "\r\n").encode())
    started = time.perf_counter()
    parsed = parse_rows(table, BUSINESS)
    elapsed = time.perf_counter() - started
    assert parsed.problems == [] and len(parsed.imported.rows) == 10_000
    assert len(parsed.imported.rows[-1].change.operations) == 4
    assert elapsed < 3.0, f"{elapsed:.2f}s to check 10,000 rows"


def test_a_change_of_per_row_values_describes_itself_by_its_note() -> None:
    change = Change("business", (), note="per-row values from people.csv: Job title")
    assert change.describe() == "per-row values from people.csv: Job title"
    assert Change.from_json(change.to_json()) == change and "note" not in Change("business", ()).to_json()
    with pytest.raises(ValueError, match="note"):
        Change.from_json({"section": "business", "operations": [], "note": 3})


def test_a_row_without_a_user_still_reports_its_bad_values() -> None:
    parsed = parse("email,workerType\r\n,BOSS\r\na@x.org,\r\nA@x.org,BOSS\r\n")
    assert texts(parsed) == [
        "row 2, column A (email): the email cell is empty: the row names no user",
        "row 2, column B (workerType): 'BOSS': one of: EMPLOYEE, CONTINGENT, SEASONAL, INTERN, GUEST",
        "row 4: the same email as row 3 (A@x.org)",
        "row 4, column B (workerType): 'BOSS': one of: EMPLOYEE, CONTINGENT, SEASONAL, INTERN, GUEST",
    ]
