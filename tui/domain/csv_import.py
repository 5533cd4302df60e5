"""A spreadsheet of users into per-user bulk changes, checked row by row before anything is sent.

    imported = await load_csv(backend, "people.csv", section=section("business"), scope=scope, key="email")
    imported.refs()          # UserRef per row: the user's ID and the row's own Change
    result = await plan_csv(backend, "people.csv", section=..., scope=..., environment="prod")
    result.plan              # the engine's Plan, for the preview screen or a plan file

The file (:mod:`tui.domain.csv_read`) has one key column and field columns:

- the key column is ``userId``, ``email``, ``employeeId`` or ``externalId`` (as export writes
  them; ``key`` picks one, by default the first of those the header has); the other key
  columns are ignored;
- every other header names a field of the section as export and ``--fields`` do
  (:func:`tui.domain.columns.resolve_column`: paths, paths without ``Ref``, labels);
- a cell is read by :func:`tui.domain.columns.parse_cell`: empty leaves the field as it is,
  ``<clear>`` clears it, anything else is the field's new value (``<empty>``, ``<json>``, a
  leading ``'`` or ``\\`` as export writes them), so a row becomes that user's own
  :class:`~tui.domain.bulk.Change` of ``Set`` / ``Clear`` operations.

Every problem is collected with its row number (the header is row 1) and column, and nothing
is planned when there is one (:class:`ImportProblems`): a column that is unknown, names no
single field, appears twice or may not be edited in bulk (sensitive personal data, the
external ID, a list or an index inside one: :func:`tui.domain.bulk_rules.refusal`); a cell
that is no value of its field's type, or that the model or the spec's enum refuses (dates,
emails, UUIDs, enum values: :func:`tui.domain.bulk_rules.value_problems`); a required field
cleared; an empty key cell; a key that names no user or several; two rows for one user.
Problems in the header stop before any request. A value the checks refuse but that the user
holds already (a server's older data, exported and read back unchanged) is no problem: it
changes nothing, so it is dropped from that row's change (this reads those users' sections,
and only theirs).

Users are found in batches (:func:`tui.domain.user_keys.resolve_keys`). UI-free; the app's
"from a CSV file" calls :func:`plan_csv` and shows ``result.plan`` in the bulk preview.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import cast

from tui.api.errors import SpotnanaError
from tui.domain.backend import ProfileBackend
from tui.domain.bulk import Change, Clear, Operation, Set, refusal, value_problems
from tui.domain.bulk_plan import Plan, PlanProgress, UserRef, plan
from tui.domain.columns import CLEAR, KEY_COLUMNS, CellError, Column, ColumnError, parse_cell, resolve_column
from tui.domain.csv_read import Table, TableRow, column_letter, read_table
from tui.domain.edits import json_equal
from tui.domain.export import ListScope
from tui.domain.paths import ABSENT, Path, get
from tui.domain.sections import Section
from tui.domain.user_keys import KeyName, Resolved, key_of, normal_key, resolve_keys

__all__ = [
    "RowProblem",
    "ImportProblems",
    "ImportRow",
    "CsvImport",
    "CsvPlan",
    "Parsed",
    "parse_rows",
    "describe_key",
    "load_csv",
    "plan_csv",
    "SHOWN_PROBLEMS",
]

SHOWN_PROBLEMS = 50
"""Problems listed in :class:`ImportProblems`'s message (all of them are in ``problems``)."""
WAIVE_LIMIT = 200
"""Rows with refused values whose users are read to see whether they hold the value already;
above it the file is plainly wrong and its problems are reported without reading anyone."""


@dataclass(frozen=True)
class RowProblem:
    """One problem of the file: its row (1 is the header), column and what is wrong."""

    row: int
    message: str
    column: str = ""
    """``C (designation)``: the column's letter and header; empty for the whole row."""
    line: int | None = None
    """The text line the row starts on, when it differs from the row number."""

    def text(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line and self.line != self.row else "")
        return f"{where}, column {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportProblems(ValueError):
    """The file cannot be planned; ``problems`` lists every problem, row by row."""

    def __init__(self, source: str, problems: Sequence[RowProblem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        n = len(self.problems)
        lines = [p.text() for p in self.problems[:SHOWN_PROBLEMS]]
        if n > SHOWN_PROBLEMS:
            lines.append(f"... and {n - SHOWN_PROBLEMS} more")
        head = f"{source or 'the file'}: {n} problem{'s' if n != 1 else ''}, nothing planned or sent"
        super().__init__(head + ":\n  " + "\n  ".join(lines))


@dataclass
class ImportRow:
    """One row of the file: its number, key value and change; the user once resolved."""

    number: int
    line: int
    key: str
    change: Change
    user_id: str = ""
    email: str = ""


@dataclass
class CsvImport:
    """A file read, checked and matched to users."""

    source: str
    sha256: str
    """Of the file's bytes (or text, UTF-8), so a plan names exactly what it was made from."""
    section: Section
    key: KeyName
    columns: list[Column]
    """The field columns, in file order."""
    ignored: list[str]
    """Key columns of the file that are not the key (not used)."""
    rows: list[ImportRow]
    list_calls: int = 0
    """``POST /v3/users/list`` calls made to find the users."""
    scanned: int = 0
    """Users paged through to match employee IDs (0 for the other keys)."""
    reads: int = 0
    """Sections read to see whether refused values are what users hold already."""

    def change(self, touched: Sequence[Path] | None = None) -> Change:
        """The plan's change: none of its own (every row has its own), described by the file
        and the columns it changes (those of ``touched`` when given, else every column)."""

        def hit(c: Column) -> bool:  # a touched path is the column's field, or an object around it
            return touched is None or any(c.path[: len(p)] == p[: len(c.path)] for p in touched)

        columns = [c for c in self.columns if hit(c)]
        labels = [c.label for c in columns[:6]] + ([f"{len(columns) - 6} more"] if len(columns) > 6 else [])
        what = ", ".join(labels) or "nothing to change"
        return Change(self.section.key, (), note=f"per-row values from {self.source}: {what}")

    def refs(self) -> list[UserRef]:
        return [UserRef(r.user_id, f"row {r.number}: {r.key}", r.email, r.change) for r in self.rows]


@dataclass
class CsvPlan:
    imported: CsvImport
    plan: Plan


@dataclass
class Parsed:
    imported: CsvImport
    problems: list[RowProblem] = field(default_factory=list)
    refused: dict[int, list[tuple[int, RowProblem, Set]]] = field(default_factory=dict)
    """Row index -> (op index, problem, op) for values the checks refuse (maybe held already)."""


def _scope_words(scope: ListScope) -> str:
    return "this TMC" if scope.tmc_id else "this company"


def _header(
    table: Table, section: Section, key: KeyName | None, parsed: list[RowProblem]
) -> tuple[KeyName | None, int | None, list[tuple[int, Column]], list[str]]:
    present = {name: i for i, name in enumerate(table.header) if name in KEY_COLUMNS}
    chosen = key or cast(KeyName | None, next((k for k in KEY_COLUMNS if k in present), None))
    if chosen is None:
        parsed.append(RowProblem(1, f"no key column: the file needs one of {', '.join(KEY_COLUMNS)} to find the users"))
    elif chosen not in present:
        parsed.append(
            RowProblem(1, f"no {chosen} column (the key asked for); the header has {', '.join(table.header)}")
        )
    columns: list[tuple[int, Column]] = []
    seen: dict[Column, int] = {}
    names: dict[str, int] = {}
    for i, name in enumerate(table.header):
        where = f"{column_letter(i)} ({name})" if name else column_letter(i)
        if name in names:
            parsed.append(RowProblem(1, f"the same header as column {column_letter(names[name])}", where))
            continue
        names[name] = i
        if not name:
            used = next((r for r in table.rows if r.cells[i].strip()), None)
            if used is not None:
                parsed.append(RowProblem(used.number, "a value in a column without a header", where, used.line))
            continue
        if name in KEY_COLUMNS:
            continue
        try:
            found = resolve_column(section, name)
        except ColumnError as exc:
            parsed.append(RowProblem(1, str(exc), where))
            continue
        if len(found) != 1:
            fields = ", ".join(c.name for c in found)
            parsed.append(RowProblem(1, f"{name!r} names several fields ({fields}): one column each", where))
            continue
        column = found[0]
        if column in seen:
            parsed.append(RowProblem(1, f"the same field as column {column_letter(seen[column])}", where))
            continue
        seen[column] = i
        why = refusal(section, Set(column.path, None))
        if why:
            parsed.append(RowProblem(1, f"cannot be changed in bulk: {why}", where))
            continue
        columns.append((i, column))
    ignored = [k for k in present if k != chosen]
    return chosen, (present.get(chosen) if chosen else None), columns, ignored


def parse_rows(table: Table, section: Section, key: KeyName | None = None, source: str = "") -> Parsed:
    """The file's rows as changes, with every problem found without the server (no I/O)."""
    problems: list[RowProblem] = []
    chosen, key_at, columns, ignored = _header(table, section, key, problems)
    imported = CsvImport(source, "", section, chosen or "userId", [c for _, c in columns], ignored, [])
    parsed = Parsed(imported, problems)
    if problems or key_at is None:
        return parsed
    checked: dict[tuple[int, str], list[str]] = {}
    cleared: dict[int, str | None] = {}
    where = {i: f"{column_letter(i)} ({c.name})" for i, c in columns}
    first_of: dict[str, int] = {}
    for row in table.rows:
        key_text = row.cells[key_at]
        value = _key_value(row, key_text, chosen or "userId", key_at, problems, table.header[key_at])
        ops: list[Operation] = []
        refused: list[tuple[int, RowProblem, Set]] = []
        for i, column in columns:
            text = row.cells[i]
            try:
                cell = parse_cell(text, column)
            except CellError as exc:
                problems.append(RowProblem(row.number, str(exc), where[i], row.line))
                continue
            if cell is ABSENT:
                continue
            if cell is CLEAR:
                if i not in cleared:
                    cleared[i] = refusal(section, Clear(column.path))
                if cleared[i]:
                    problems.append(RowProblem(row.number, str(cleared[i]), where[i], row.line))
                else:
                    ops.append(Clear(column.path))
                continue
            op = Set(column.path, cell)
            memo = (i, text)
            if memo not in checked:
                checked[memo] = [m for _, m in value_problems(section, op)]
            if checked[memo]:
                problem = RowProblem(row.number, f"{text[:60]!r}: {'; '.join(checked[memo])}", where[i], row.line)
                refused.append((len(ops), problem, op))
            ops.append(op)
        norm = normal_key(imported.key, value) if value is not None else None
        if norm is not None and norm in first_of:
            problems.append(
                RowProblem(row.number, f"the same {imported.key} as row {first_of[norm]} ({value})", line=row.line)
            )
        if value is None or norm is None or norm in first_of:
            problems.extend(p for _, p, _ in refused)  # no user to read: a refused value stays a problem
            continue
        first_of[norm] = row.number
        if refused:
            parsed.refused[len(imported.rows)] = refused
        imported.rows.append(ImportRow(row.number, row.line, value, Change(section.key, tuple(ops))))
    return parsed


def _key_value(row: TableRow, text: str, key: KeyName, at: int, problems: list[RowProblem], name: str) -> str | None:
    where = f"{column_letter(at)} ({name})"
    try:
        value = parse_cell(text, "text")
    except CellError as exc:
        problems.append(RowProblem(row.number, str(exc), where, row.line))
        return None
    if value is ABSENT or not isinstance(value, str) or not value.strip():
        problems.append(RowProblem(row.number, f"the {key} cell is empty: the row names no user", where, row.line))
        return None
    return value.strip()


def _match(parsed: Parsed, found: Resolved, scope: ListScope, problems: list[RowProblem]) -> None:
    imported = parsed.imported
    by_user: dict[str, int] = {}
    for row in imported.rows:
        users = found.of(row.key)
        if not users:
            problems.append(RowProblem(row.number, f"no user with {imported.key} {row.key!r} in {_scope_words(scope)}"))
            continue
        if len(users) > 1:
            ids = ", ".join(key_of("userId", u) for u in users[:3])
            problems.append(
                RowProblem(
                    row.number, f"{imported.key} {row.key!r} names {len(users)} users ({ids}): use the userId column"
                )
            )
            continue
        row.user_id = key_of("userId", users[0])
        row.email = get(users[0], ("businessDetail", "businessEmail"), "") or ""
        if row.user_id in by_user:
            problems.append(RowProblem(row.number, f"the same user as row {by_user[row.user_id]} ({row.user_id})"))
            continue
        by_user[row.user_id] = row.number


async def _waive(backend: ProfileBackend, parsed: Parsed, concurrency: int, problems: list[RowProblem]) -> None:
    """Drop refused values the user holds already; the others stay problems."""
    imported = parsed.imported
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, refused: list[tuple[int, RowProblem, Set]]) -> None:
        row = imported.rows[index]
        try:
            async with gate:
                current = await backend.read_section(imported.section, row.user_id)
            imported.reads += 1
        except SpotnanaError:
            problems.extend(p for _, p, _ in refused)
            return
        drop = {at for at, _, op in refused if json_equal(get(current, op.path), op.value)}
        problems.extend(p for at, p, _ in refused if at not in drop)
        ops = tuple(op for at, op in enumerate(row.change.operations) if at not in drop)
        row.change = Change(row.change.section_key, ops)

    await asyncio.gather(*(one(i, r) for i, r in parsed.refused.items() if imported.rows[i].user_id))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(source: str | bytes | os.PathLike[str], name: str | None) -> tuple[Table, str, str]:
    if isinstance(source, bytes):
        return read_table(source), name or "the file", _digest(source)
    path = FsPath(source)
    data = path.read_bytes()
    return read_table(data), name or path.name, _digest(data)


async def load_csv(
    backend: ProfileBackend,
    source: str | bytes | os.PathLike[str],
    *,
    section: Section,
    scope: ListScope,
    key: KeyName | None = None,
    name: str | None = None,
    concurrency: int = 4,
    on_lookup: Callable[[Resolved], object] | None = None,
) -> CsvImport:
    """Read ``source`` (a path, or the file's bytes named ``name``), check every row
    and find its user. Raises :class:`tui.domain.csv_read.CsvFileError` for a file that is no
    CSV table, :class:`ImportProblems` for everything else the module doc lists, and the
    client's errors when the server cannot be asked. Sends no write."""
    table, label, digest = _open(source, name)
    parsed = parse_rows(table, section, key, label)
    imported = parsed.imported
    imported.sha256 = digest
    problems = list(parsed.problems)
    if any(p.row == 1 for p in problems):
        raise ImportProblems(label, problems)  # the header: nothing else can be read right
    if not imported.rows and not problems:
        raise ImportProblems(label, [RowProblem(1, "no rows under the header")])
    found = await resolve_keys(
        backend, scope, imported.key, [r.key for r in imported.rows], concurrency=concurrency, on_call=on_lookup
    )
    imported.list_calls, imported.scanned = found.list_calls, found.scanned
    _match(parsed, found, scope, problems)
    if parsed.refused and not problems and len(parsed.refused) <= WAIVE_LIMIT:
        await _waive(backend, parsed, concurrency, problems)
    else:
        problems += [p for refused in parsed.refused.values() for _, p, _ in refused]
    if problems:
        raise ImportProblems(label, problems)
    return imported


async def plan_csv(
    backend: ProfileBackend,
    source: str | bytes | os.PathLike[str],
    *,
    section: Section,
    scope: ListScope,
    key: KeyName | None = None,
    name: str | None = None,
    environment: str = "",
    concurrency: int = 4,
    on_lookup: Callable[[Resolved], object] | None = None,
    on_progress: Callable[[PlanProgress], object] | None = None,
    cancel: asyncio.Event | None = None,
) -> CsvPlan:
    """:func:`load_csv`, then the engine's plan of every row's change on the user's copy as
    read now (will change / already as asked / cannot apply, with diffs): what the bulk
    preview shows. Nothing is sent."""
    imported = await load_csv(
        backend, source, section=section, scope=scope, key=key, name=name, concurrency=concurrency, on_lookup=on_lookup
    )
    planned = await plan(
        backend,
        imported.change(),
        imported.refs(),
        concurrency=concurrency,
        on_progress=on_progress,
        cancel=cancel,
        environment=environment,
        validate=False,  # every row was checked above
    )
    planned.change = imported.change([t.path for u in planned.will_change for t in u.touched])
    return CsvPlan(imported, planned)


def describe_key(imported: CsvImport) -> str:
    """``users found by email (1 list call)`` for a summary line."""
    calls = f"{imported.list_calls} list call{'s' if imported.list_calls != 1 else ''}"
    if imported.key == "employeeId":
        return f"users found by employeeId ({calls}, {imported.scanned} users paged through: no employee-ID filter)"
    return f"users found by {imported.key} ({calls})"
