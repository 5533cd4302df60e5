"""Export users to a file: one row per user, the key columns then one section's fields.

    query = await resolve_query(backend, parse_query("persona:employee office:'Paris HQ'"), scope)
    result = await export_users(backend, "out.csv", section=section("business"),
                                columns=section_columns(section("business")), scope=scope, query=query)

The users come from ``POST /v3/users/list``: the pages of a typed query (the list screen's
language, :mod:`tui.domain.query`), or the rows of given user IDs (marked users, a job's
users) asked for in batches through the list's ``userIds`` filter. Each user's section is
read with bounded concurrency; rows are written in the list's order. The key columns
(:data:`~tui.domain.columns.KEY_COLUMNS`) come from the list rows, the field columns from the
section as the server sent it, written as :mod:`tui.domain.columns` says (CSV) or as JSON
values (JSON lines: one object per user, keyed by the same column names, absent fields left
out, no cell markers).

A file is written 0600 and appears whole or not at all (:func:`replace_private`). Columns that
hold personal data (:attr:`Column.is_pii`) need an :class:`AuditLog`: the export is recorded
before the first row and its outcome after (field names and counts, never a value). A user
whose section cannot be read is left out and reported in :attr:`ExportResult.failed`; a lost
connection or a refused token stops the export. UI-free: the command line calls it, and the
app's palette can (an async function over a :class:`ProfileBackend`).
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from tui.api.errors import (
    ApiConnectionError,
    ApiTimeout,
    AuthError,
    CredentialsError,
    InvalidUrlError,
    SpotnanaError,
)
from tui.domain.audit import AuditLog, scrub
from tui.domain.audit import Result as AuditResult
from tui.domain.backend import ProfileBackend
from tui.domain.columns import KEY_COLUMNS, Column, format_cell
from tui.domain.directory import ReferenceDirectory, is_id
from tui.domain.paths import ABSENT, get
from tui.domain.private_files import replace_private
from tui.domain.query import ID_FILTERS, UserQuery
from tui.domain.sections import Section

__all__ = [
    "FORMATS",
    "ListScope",
    "ExportProgress",
    "ExportResult",
    "QueryError",
    "key_values",
    "query_rows",
    "id_rows",
    "resolve_query",
    "export_users",
]

Format = Literal["csv", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "jsonl")
ID_BATCH = 100
"""User IDs asked for in one list call (``userIds`` filter)."""
_FATAL = (AuthError, ApiConnectionError, ApiTimeout, CredentialsError, InvalidUrlError)
"""Failures that stop an export: every other user would fail the same way."""
ProgressFn = Callable[["ExportProgress"], object]
Row = dict[str, Any]


class QueryError(ValueError):
    """A query that cannot be sent as asked (a name no reference has, a filter typo)."""


@dataclass(frozen=True)
class ListScope:
    """The TMC or the company whose users are listed (exactly one)."""

    tmc_id: str | None = None
    company_id: str | None = None

    def request(self, query: UserQuery, *, offset: int, limit: int, default_status: str) -> dict[str, Any]:
        return query.to_request(
            tmc_id=self.tmc_id,
            company_id=None if self.tmc_id else self.company_id,
            offset=offset,
            limit=limit,
            default_status=default_status,
        )


@dataclass
class ExportProgress:
    """How far a run is: ``done`` of ``total`` users (``failed`` among them)."""

    what: str = "export"
    done: int = 0
    total: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 and self.total >= self.done else None


@dataclass
class ExportResult:
    written: int
    """Rows written (users)."""
    columns: list[str]
    """The header, key columns first."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(user ID, why) of the users left out."""


# --- which users ----------------------------------------------------------------------------


def key_values(detail: Any) -> dict[str, Any]:
    """The key columns of one ``UserDetail`` row (``ABSENT`` where it has none)."""
    detail = detail if isinstance(detail, dict) else {}
    business = detail.get("businessDetail") if isinstance(detail.get("businessDetail"), dict) else {}
    return {
        "userId": get(detail, ("userId", "id")),
        "email": business.get("businessEmail", ABSENT),
        "employeeId": business.get("employeeId", ABSENT),
        "externalId": detail.get("externalId", ABSENT),
    }


def _user_id(detail: Any) -> str:
    value = get(detail, ("userId", "id"), "")
    return value if isinstance(value, str) else ""


async def query_rows(
    backend: ProfileBackend,
    query: UserQuery,
    scope: ListScope,
    *,
    page_size: int = 100,
    default_status: str = "ALL",
    on_total: Callable[[int], object] | None = None,
) -> AsyncIterator[Row]:
    """Every ``UserDetail`` the query matches, page after page (each user once)."""
    seen: set[str] = set()
    offset = 0
    while True:
        body = scope.request(query, offset=offset, limit=page_size, default_status=default_status)
        page = await backend.list_users(body)
        users = [u for u in page.get("users") or [] if isinstance(u, dict)]
        total = get(page, ("pagination", "totalNumResults"), None)
        if on_total is not None and isinstance(total, int):
            on_total(total)
        for user in users:
            uid = _user_id(user)
            if uid and uid not in seen:
                seen.add(uid)
                yield user
        offset += len(users)
        if len(users) < page_size or (isinstance(total, int) and offset >= total):
            return


async def id_rows(
    backend: ProfileBackend, user_ids: Sequence[str], scope: ListScope, *, batch: int = ID_BATCH
) -> AsyncIterator[tuple[str, Row | None]]:
    """``(user ID, UserDetail or None)`` in the order given, through the list's ``userIds``
    filter (one call per ``batch`` IDs, inactive users included); None: the list has no such
    user in this scope."""
    ids = list(dict.fromkeys(u.strip() for u in user_ids if u and u.strip()))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        body = scope.request(UserQuery(status="ALL"), offset=0, limit=len(chunk), default_status="ALL")
        body["filters"] = [{"userIds": [{"id": uid} for uid in chunk]}]
        page = await backend.list_users(body)
        found = {_user_id(u): u for u in page.get("users") or [] if isinstance(u, dict)}
        for uid in chunk:
            yield uid, found.get(uid)


def _named(query: UserQuery) -> list[str]:
    """The reference filters of ``query`` that hold names rather than IDs."""
    return [attr for attr in ID_FILTERS if any(not is_id(v) for v in getattr(query, attr))]


async def resolve_query(
    backend: ProfileBackend,
    query: UserQuery,
    scope: ListScope,
    *,
    directory: ReferenceDirectory | None = None,
    page_size: int = 100,
    default_status: str = "ALL",
    progress: ProgressFn | None = None,
) -> UserQuery:
    """``query`` with its reference names (``office:"Paris HQ"``) turned into IDs, as the list
    screen does: against ``directory`` when it knows them all, else against the names of the
    users that match the rest of the query (every such user carries the reference), learned
    by paging through them first. Raises :class:`QueryError` for the query's own warnings
    (a filter typo) and for names that match no reference, or several."""
    if query.warnings:
        raise QueryError("the query: " + "; ".join(w.replace(": searched as text", "") for w in query.warnings))
    if not _named(query):
        return query
    if directory is not None:
        resolved, errors = query.resolved(directory)
        if not errors:
            return resolved
    learned = ReferenceDirectory()
    broader = query.with_values(**{attr: () for attr in _named(query)})
    state = ExportProgress(what="learning names")
    total = [0]
    async for row in query_rows(
        backend,
        broader,
        scope,
        page_size=page_size,
        default_status=default_status,
        on_total=lambda n: total.__setitem__(0, n),
    ):
        learned.add([row])
        state.done, state.total = state.done + 1, max(total[0], state.done + 1)
        if progress is not None and (state.done % page_size == 0 or state.done == state.total):
            progress(state)
    resolved, errors = query.resolved(learned)
    if errors:
        raise QueryError("; ".join(errors))
    return resolved


# --- writing --------------------------------------------------------------------------------


class _Writer:
    """Rows as CSV (RFC 4180: CRLF, quotes where needed) or JSON lines. The CSV header goes out
    with the first row (or at :meth:`end`), so a stream gets nothing when the first list call
    fails."""

    def __init__(self, out: TextIO, fmt: Format, columns: Sequence[Column]) -> None:
        self.out, self.fmt, self.columns = out, fmt, list(columns)
        self.header = [*KEY_COLUMNS, *(c.name for c in self.columns)]
        self._csv = csv.writer(out, lineterminator="\r\n") if fmt == "csv" else None
        self._started = False

    def _start(self) -> None:
        if not self._started and self._csv is not None:
            self._csv.writerow(self.header)
        self._started = True

    def end(self) -> None:
        self._start()
        self.out.flush()

    def row(self, keys: dict[str, Any], doc: Any) -> None:
        self._start()
        values = [keys[k] for k in KEY_COLUMNS] + [get(doc, c.path) for c in self.columns]
        if self._csv is not None:
            kinds = ["text"] * len(KEY_COLUMNS) + [c.kind for c in self.columns]
            self._csv.writerow([format_cell(v, k) for v, k in zip(values, kinds, strict=True)])
            return
        obj = {name: v for name, v in zip(self.header, values, strict=True) if v is not ABSENT}
        self.out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


async def export_users(
    backend: ProfileBackend,
    target: str | os.PathLike[str] | TextIO,
    *,
    section: Section,
    columns: Sequence[Column],
    scope: ListScope,
    query: UserQuery | None = None,
    user_ids: Sequence[str] | None = None,
    fmt: Format = "csv",
    concurrency: int = 8,
    page_size: int = 100,
    default_status: str = "ALL",
    progress: ProgressFn | None = None,
    audit: AuditLog | None = None,
    environment: str = "",
) -> ExportResult:
    """Write the users of ``query`` (IDs only: see :func:`resolve_query`) or of ``user_ids``
    (exactly one of them) to ``target``: a path (written 0600, whole or not at all) or an open
    text stream (CSV wants one opened with ``newline=""``)."""
    if (query is None) == (user_ids is None):
        raise ValueError("export needs a query or a list of user IDs (one of them)")
    if query is not None and _named(query):
        raise ValueError("resolve the query's reference names first (resolve_query)")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (csv or jsonl)")
    pii = [c.name for c in columns if c.is_pii]
    if pii and audit is None:
        raise ValueError("an export with personal data needs the audit log")
    where = str(target) if isinstance(target, str | os.PathLike) else getattr(target, "name", "a stream")
    attempt = AuditLog.new_attempt()

    def record(result: AuditResult, message: str) -> None:
        """The audit entry of an export with personal data (names of columns, never values)."""
        if pii and audit is not None:
            audit.record(
                environment=environment,
                user_id=None,
                section=section.key,
                action="export",
                result=result,
                fields=pii,
                message=message,
                attempt=attempt,
            )

    record("attempted", f"{section.noun} with personal data to {where}")
    opened = replace_private(target, newline="") if isinstance(target, str | os.PathLike) else nullcontext(target)
    try:
        with opened as out:
            source = _source(backend, scope, query, user_ids, page_size, default_status)
            result = await _export(backend, out, section, columns, source, fmt, concurrency, progress)
    except BaseException as exc:
        record("error", f"not written ({type(exc).__name__})")
        raise
    record("ok", f"{result.written} users' {section.noun} with personal data to {where}")
    return result


async def _source(
    backend: ProfileBackend,
    scope: ListScope,
    query: UserQuery | None,
    user_ids: Sequence[str] | None,
    page_size: int,
    default_status: str,
) -> AsyncIterator[tuple[str, Row | None, int | None]]:
    """(user ID, its list row or None, the total when known) in the order to write."""
    if user_ids is not None:
        count = len(set(user_ids))
        async for uid, row in id_rows(backend, user_ids, scope):
            yield uid, row, count
        return
    assert query is not None
    total: list[int | None] = [None]
    async for row in query_rows(
        backend,
        query,
        scope,
        page_size=page_size,
        default_status=default_status,
        on_total=lambda n: total.__setitem__(0, n),
    ):
        yield _user_id(row), row, total[0]


async def _export(
    backend: ProfileBackend,
    out: TextIO,
    section: Section,
    columns: Sequence[Column],
    source: AsyncIterator[tuple[str, Row | None, int | None]],
    fmt: Format,
    concurrency: int,
    progress: ProgressFn | None,
) -> ExportResult:
    writer = _Writer(out, fmt, columns)
    result = ExportResult(written=0, columns=list(writer.header))
    state = ExportProgress()
    gate = asyncio.Semaphore(max(1, concurrency))
    pending: deque[tuple[str, Row | None, asyncio.Future[Any] | None]] = deque()

    async def read(user_id: str) -> Any:
        async with gate:
            return await backend.read_section(section, user_id)

    async def settle() -> None:
        uid, row, task = pending.popleft()
        state.done += 1
        if row is None or task is None:
            result.failed.append((uid, "no such user in this TMC or company"))
        else:
            try:
                doc = await task
            except _FATAL:
                raise
            except SpotnanaError as exc:
                result.failed.append((uid, scrub(str(exc))[:300]))
            else:
                writer.row(key_values(row), doc)
                result.written += 1
        state.failed = len(result.failed)
        state.total = max(state.total, state.done)
        if progress is not None:
            progress(state)

    window = max(1, concurrency) * 4
    try:
        async for uid, row, total in source:
            if total is not None:
                state.total = max(total, state.done)
            pending.append((uid, row, asyncio.ensure_future(read(uid)) if row is not None else None))
            while len(pending) >= window:
                await settle()
        while pending:
            await settle()
    finally:
        left = [task for _, _, task in pending if task is not None]
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
    writer.end()
    if progress is not None and state.done == 0:
        progress(state)
    return result
