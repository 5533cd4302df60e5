"""Reading a CSV file as spreadsheets write it: the header and the rows, with row numbers.

    table = read_table("people.csv")      # or bytes, or text
    table.header                           # ['email', 'designation', 'officeRef.id']
    for row in table.rows:                 # TableRow(number=2, line=2, cells=[...])
        ...

What spreadsheets do, and what is done about it:

- a UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped; a file that is not UTF-8 is
  refused with the line of the first bad byte (Excel's plain "CSV" is the locale's code page);
- the separator is ``,`` or, as Excel writes it in many European locales, ``;`` (or a tab):
  the one the header line holds most of, outside quotes;
- quoted cells may hold separators, quotes (doubled) and line breaks; a quote left open or a
  stray character after a closing quote is an error with its row, never a guess;
- Windows (CRLF) and old Mac (CR) line endings read as line ends;
- trailing empty columns (a header ending ``,,``, rows with fewer or more cells) are dropped
  when they hold nothing; a cell under no header that holds something is an error;
- blank rows (every cell empty) are skipped, but still count for the row numbers.

Row numbers are the spreadsheet's: the header is row 1, the first data row row 2, and a cell
with line breaks is still one row (:attr:`TableRow.line` is the text line it starts on, for
an editor). Header names are stripped of surrounding spaces; cells are kept as they are.
UI-free, stdlib only.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path as FsPath

__all__ = ["TableRow", "Table", "CsvFileError", "read_table", "decode", "sniff_delimiter", "column_letter"]

DELIMITERS = (",", ";", "\t")
MAX_CELL = 1 << 20
"""Characters in one cell (a quote left open swallows the rest of the file into one cell)."""


class CsvFileError(ValueError):
    """The file cannot be read as a CSV table; ``str()`` says where and why."""


@dataclass(frozen=True)
class TableRow:
    number: int
    """The spreadsheet's row number (the header is row 1)."""
    line: int
    """The text line the row starts on (differs from ``number`` after cells with line breaks)."""
    cells: list[str]
    """One per header column (missing ones as ``""``)."""

    def where(self) -> str:
        """``row 7`` or ``row 7 (line 9)``."""
        return f"row {self.number}" + (f" (line {self.line})" if self.line != self.number else "")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[TableRow]
    delimiter: str

    @property
    def columns(self) -> int:
        return len(self.header)


def column_letter(index: int) -> str:
    """The spreadsheet's name of column ``index`` (0-based): A, B, ..., Z, AA, AB ..."""
    out = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def decode(data: bytes) -> str:
    """The text of a UTF-8 file (a byte order mark dropped); :class:`CsvFileError` naming the
    line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(
            f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as 'CSV UTF-8'"
        ) from None


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or a tab: the one the first line (the header) holds most of outside quotes;
    ``,`` when it holds none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(start line, cells) of each record; :class:`CsvFileError` with the record's number."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number, line = 0, 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            what = f"row {number + 1}" + (f" (line {line})" if line != number + 1 else "")
            reason = str(exc)
            if "unexpected end of data" in reason:
                reason = 'a quoted cell is not closed (a " is missing)'
            elif "expected" in reason and "after" in reason:
                reason = 'text after a closing quote (write a " inside a quoted cell as "")'
            raise CsvFileError(f"{what}: {reason}") from None
        number += 1
        yield line, cells
        line = reader.line_num + 1


def read_table(source: str | bytes | os.PathLike[str], *, delimiter: str | None = None) -> Table:
    """The table in ``source``: a path, the file's bytes, or its text. Raises
    :class:`CsvFileError` (``OSError`` for a file that cannot be opened)."""
    if isinstance(source, bytes):
        text = decode(source)
    elif isinstance(source, os.PathLike):
        text = decode(FsPath(source).read_bytes())
    else:
        text = source[1:] if source.startswith("\ufeff") else source
    if "\x00" in text:
        raise CsvFileError("the file holds NUL bytes: not a text file (save it as 'CSV UTF-8')")
    sep = delimiter or sniff_delimiter(text)
    records = _records(text, sep)
    first = next(records, None)
    if first is None or not any(c.strip() for c in first[1]):
        raise CsvFileError("row 1: no header (the first row names the columns)")
    header = [c.strip() for c in first[1]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    rows: list[TableRow] = []
    for number, (line, cells) in enumerate(records, start=2):
        if any(len(c) > MAX_CELL for c in cells):
            raise CsvFileError(f"row {number}: a cell longer than {MAX_CELL} characters (a quote left open?)")
        if not any(c.strip() for c in cells):
            continue  # a blank row
        extra = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
        if extra is not None:
            raise CsvFileError(
                f"row {number}, column {column_letter(extra)}: a value under no header ({cells[extra][:40]!r})"
            )
        cells = cells[:width] + [""] * (width - len(cells))
        rows.append(TableRow(number, line, cells))
    return Table(header[:width], rows, sep)
