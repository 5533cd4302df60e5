"""What the app's screens call for spreadsheets: export the marked users or the current search,
and load a CSV into a plan for the bulk preview. Async, UI-free, over a ProfileBackend.

    path = export_file_name(section("business"), "marked")           # ./spotnana-business-marked-....csv
    result = await export_marked(backend, path, marked_ids, section=sec, scope=scope)
    result = await export_search(backend, path, query, section=sec, scope=scope, directory=app_directory)
    loaded = await plan_from_csv(backend, "people.csv", section=sec, scope=scope, environment=env.name,
                                 on_progress=bar.update, cancel=esc_event)
    loaded.plan           # the engine's Plan: the same preview screen as a bulk change built by hand

Failures: :class:`tui.domain.csv_read.CsvFileError` (not a CSV table),
:class:`tui.domain.csv_import.ImportProblems` (``.problems``: every bad row, with row and
column), :class:`tui.domain.export.QueryError` (a name in the search that names nothing), the
client's errors; a personal-data column without an audit log is a ``ValueError``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path as FsPath

from tui.domain.audit import AuditLog
from tui.domain.backend import ProfileBackend
from tui.domain.columns import Column, section_columns
from tui.domain.csv_import import CsvPlan, plan_csv
from tui.domain.directory import ReferenceDirectory
from tui.domain.export import ExportResult, Format, ListScope, ProgressFn, export_users, resolve_query
from tui.domain.query import UserQuery
from tui.domain.sections import Section

__all__ = ["export_file_name", "export_marked", "export_search", "plan_from_csv", "CsvPlan"]

plan_from_csv = plan_csv
"""``await plan_from_csv(backend, path, section=, scope=, key=None, environment=, concurrency=,
on_lookup=, on_progress=, cancel=)`` -> :class:`CsvPlan` (``.plan``, ``.imported``)."""


def export_file_name(
    section: Section, what: str, *, fmt: Format = "csv", folder: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
) -> FsPath:  # fmt: skip
    """Where the palette's export writes: ``spotnana-<section>-<what>-<YYYYmmdd-HHMMSS>.<fmt>``
    in ``folder`` (default: the current folder), a new name each second."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return FsPath(folder or os.getcwd()) / f"spotnana-{section.key}-{what}-{stamp}.{fmt}"


def _columns(section: Section, columns: Sequence[Column] | None, include_pii: bool) -> list[Column]:
    return list(columns) if columns is not None else section_columns(section, include_pii=include_pii)


async def export_marked(
    backend: ProfileBackend,
    target: str | os.PathLike[str],
    user_ids: Sequence[str],
    *,
    section: Section,
    scope: ListScope,
    columns: Sequence[Column] | None = None,
    include_pii: bool = False,
    audit: AuditLog | None = None,
    environment: str = "",
    fmt: Format = "csv",
    concurrency: int = 8,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """The marked users (in the order given) to ``target`` (0600, whole or not at all)."""
    return await export_users(
        backend,
        target,
        section=section,
        columns=_columns(section, columns, include_pii),
        scope=scope,
        user_ids=list(user_ids),
        fmt=fmt,
        concurrency=concurrency,
        progress=progress,
        audit=audit,
        environment=environment,
    )


async def export_search(
    backend: ProfileBackend,
    target: str | os.PathLike[str],
    query: UserQuery,
    *,
    section: Section,
    scope: ListScope,
    directory: ReferenceDirectory | None = None,
    columns: Sequence[Column] | None = None,
    include_pii: bool = False,
    audit: AuditLog | None = None,
    environment: str = "",
    fmt: Format = "csv",
    page_size: int = 100,
    default_status: str = "ALL",
    concurrency: int = 8,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Every user the list's current search matches (all pages) to ``target``; names in the
    query are resolved with the list's ``directory`` when it knows them (else learned)."""
    resolved = await resolve_query(
        backend, query, scope, directory=directory, page_size=page_size, default_status=default_status
    )
    return await export_users(
        backend,
        target,
        section=section,
        columns=_columns(section, columns, include_pii),
        scope=scope,
        query=resolved,
        fmt=fmt,
        concurrency=concurrency,
        page_size=page_size,
        default_status=default_status,
        progress=progress,
        audit=audit,
        environment=environment,
    )
