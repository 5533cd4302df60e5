"""Reading CSV files as spreadsheets save them: BOM, ';', quotes, CRLF, trailing columns, 10,000 rows."""

from __future__ import annotations

import time

import pytest

from tui.domain.csv_read import CsvFileError, column_letter, read_table, sniff_delimiter


def cells(data: bytes | str) -> list[list[str]]:
    return [r.cells for r in read_table(data if isinstance(data, bytes) else data.encode()).rows]


def test_excel_csv_utf8_with_bom_semicolons_crlf_and_trailing_empty_columns() -> None:
    data = "\ufeffemail;designation;;\r\nada@x.org;Ingénieure;;\r\nbo@x.org;Lead;;\r\n".encode()
    table = read_table(data)
    assert table.header == ["email", "designation"] and table.delimiter == ";"
    assert [r.cells for r in table.rows] == [["ada@x.org", "Ingénieure"], ["bo@x.org", "Lead"]]
    assert [r.number for r in table.rows] == [2, 3]


def test_quoted_cells_hold_separators_quotes_and_line_breaks_one_row_each() -> None:
    data = 'email,designation,accountingCode\r\n"a@x.org","Sales, EMEA","say ""hi"""\r\nb@x.org,"two\r\nlines",7\r\nc@x.org,x,8\r\n'
    table = read_table(data.encode())
    assert [r.cells for r in table.rows] == [
        ["a@x.org", "Sales, EMEA", 'say "hi"'],
        ["b@x.org", "two\r\nlines", "7"],
        ["c@x.org", "x", "8"],
    ]
    third = table.rows[2]
    assert (third.number, third.line) == (4, 5) and third.where() == "row 4 (line 5)"


def test_separator_is_the_headers_most_frequent_outside_quotes() -> None:
    assert sniff_delimiter('"a;b",c,d\n1;2;3') == ","
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("a\tb\n") == "\t"
    assert sniff_delimiter("email\n") == ","


def test_lf_and_old_mac_line_endings_blank_rows_and_short_rows() -> None:
    assert cells("a,b\n1,2\n\n3\n") == [["1", "2"], ["3", ""]]
    assert cells("a,b\r1,2\r3,4\r") == [["1", "2"], ["3", "4"]]
    table = read_table(b"a,b\n\n , \n5,6\n")
    assert [(r.number, r.cells) for r in table.rows] == [(4, ["5", "6"])]  # blank rows skipped, still counted


def test_header_names_are_stripped_cells_are_kept() -> None:
    table = read_table(b" email , designation\nada@x.org,  two spaces \n")
    assert table.header == ["email", "designation"] and table.rows[0].cells == ["ada@x.org", "  two spaces "]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b'a,b\n1,"open\n2,3\n', 'row 2: a quoted cell is not closed (a " is missing)'),
        (b'a,b\n1,"x"y\n', "row 2: text after a closing quote"),
        (b"a,b\n1,2\n3,4,5\n", "row 3, column C: a value under no header ('5')"),
        (b"a,b\n1,caf\xe9\n", "line 2: not UTF-8 text (byte 0xe9); save the file as 'CSV UTF-8'"),
        (b"a,b\n1,\x002\n", "NUL bytes"),
        (b"", "row 1: no header"),
        (b",,\n1,2,3\n", "row 1: no header"),
    ],
)
def test_broken_files_say_where(data: bytes, says: str) -> None:
    with pytest.raises(CsvFileError) as exc:
        read_table(data)
    assert says in str(exc.value)


def test_column_letters_as_spreadsheets_name_them() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_ten_thousand_rows_read_fast() -> None:
    lines = ["userId;email;designation;officeRef.id"]
    for i in range(10_000):
        lines.append(f'{i:08d}-0000-4000-8000-000000000000;u{i}@x.org;"Title, {i}";')
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
    started = time.perf_counter()
    table = read_table(data)
    elapsed = time.perf_counter() - started
    assert len(table.rows) == 10_000 and table.rows[-1].number == 10_001
    assert table.rows[-1].cells[2] == "Title, 9999" and table.rows[-1].cells[3] == ""
    assert elapsed < 1.0, f"{elapsed:.2f}s for 10,000 rows"
