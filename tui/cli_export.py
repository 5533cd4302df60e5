"""``spotnana-tui export``: users to a CSV or JSON-lines file, one row each.

The work is :func:`tui.domain.export.export_users`; this module turns the command line into
its arguments, shows progress on stderr and maps failures to exit codes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli_common import cli_environment, fail, section_named
from tui.cli_progress import ProgressPrinter

if TYPE_CHECKING:
    from tui.config import Environment, Settings

__all__ = [
    "add_export_parser",
    "run_export",
    "JobUsers",
    "job_users",
    "journal_users",
    "EXIT_OK",
    "EXIT_USERS",
    "EXIT_INPUT",
]

EXIT_OK, EXIT_USERS, EXIT_INPUT, EXIT_SERVER = 0, 1, 2, 3
SHOWN_FAILURES = 10

DESCRIPTION = """\
Write users to a file, one row each: the key columns userId, email, employeeId and
externalId first, then field paths of one section (default: every single-value field of it
that is not personal data). CSV cells: strings as they are, true/false, numbers; an empty cell
is a field the user does not have; <empty> is the empty string; a leading ' or \\ keeps a
cell from reading as a formula or a marker. JSON lines: one object a line, the same keys.

Fields are paths from the section (designation, officeRef.id, preferences.airPref.homeAirport);
"Ref" may be left out (office.id), a section prefix given (businessInfo.email), or the form's
label used ("Job title"); an object stands for its fields (officeRef). Lists are not columns.
Personal data (x-pii in the spec) is left out unless --include-pii, which the audit log records.

--query takes the list screen's search: filters and free text. Names of offices, departments,
cost centers and legal entities are looked up among the users matching the rest of the query
(paged through first); IDs are used as they are.

exit codes: 0 every user written; 1 some users could not be read (left out, listed on stderr);
2 bad input (fields, query, options, file); 3 the server could not be reached or refused the
credentials."""


JobUsers = Callable[[str, Path], Sequence[str]]
"""The user IDs of a bulk job, by job ID (or a unique start of one) and the journal's path;
raises ``LookupError`` ("no such job ...") when there is none."""


def journal_users(job_id: str, jobs_file: Path) -> Sequence[str]:
    """Every user of the job in the bulk-job journal, in its order."""
    from tui.domain.jobs import Journal

    if not jobs_file.exists():
        raise LookupError(f"no such job: {job_id!r} (no bulk jobs are recorded on this machine)")
    with Journal(jobs_file) as journal:
        try:
            return [u.user_id for u in journal.users(journal.find(job_id))]
        except KeyError as exc:
            raise LookupError(
                f"no such job: {job_id!r} ({exc.args[0] if exc.args else 'not in the journal'})"
            ) from None


job_users: JobUsers = journal_users
"""Where ``--marked-from`` finds a job's users: the bulk-job journal."""


def add_export_parser(sub: Any) -> None:
    s = argparse.SUPPRESS
    p = sub.add_parser(
        "export",
        help="write users to a CSV or JSON-lines file",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--query", metavar="Q", default="", help="the list screen's search (default: every user)")
    which.add_argument("--marked-from", metavar="JOB", help="the users of this bulk job")
    p.add_argument("--section", default="business", metavar="KEY", help="the section (default business)")
    p.add_argument("--fields", metavar="F,F", help="comma-separated field paths or labels (default: all)")
    p.add_argument("--format", choices=("csv", "jsonl"), help="csv or jsonl (default: from -o's suffix, else csv)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here, mode 0600 (default: stdout)")
    p.add_argument("--include-pii", action="store_true", help="include personal-data columns (audited)")
    p.add_argument("--concurrency", type=int, default=8, metavar="N", help="sections read at once (default 8)")
    p.add_argument("--env", metavar="NAME", default=s, help="named environment from the config file")
    p.add_argument("--base-url", metavar="URL", default=s, help="Users API base URL")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--tmc-id", metavar="ID", default=s, help="the users of this TMC")
    scope.add_argument("--company-id", metavar="ID", default=s, help="the users of this company")
    p.add_argument("--insecure", action="store_true", default=s, help="allow plain http:// to a non-loopback host")
    p.add_argument("--config", metavar="FILE", default=s, help="config file to use instead of the default one")


def run_export(args: argparse.Namespace) -> int:
    from tui.api.errors import (
        ApiConnectionError,
        ApiError,
        ApiTimeout,
        AuthError,
        CredentialsError,
        ForbiddenError,
        ServerError,
    )
    from tui.domain.columns import ColumnError

    try:
        return _run(args)
    except (ColumnError, LookupError) as exc:
        return fail(str(exc.args[0] if isinstance(exc, LookupError) and exc.args else exc), EXIT_INPUT)
    except (CredentialsError, AuthError, ForbiddenError, ApiConnectionError, ApiTimeout, ServerError) as exc:
        return fail(str(exc), EXIT_SERVER)
    except ApiError as exc:
        return fail(str(exc), EXIT_INPUT)


def _run(args: argparse.Namespace) -> int:
    from tui.domain.columns import resolve_columns, section_columns
    from tui.domain.query import parse_query

    section = section_named(args.section)
    if args.concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    if args.fields is not None:
        names = [n for n in args.fields.split(",") if n.strip()]
        if not names:
            raise ValueError("--fields is empty")
        columns = resolve_columns(section, names, include_pii=args.include_pii)
    else:
        columns = section_columns(section, include_pii=args.include_pii)
    fmt = args.format or ("jsonl" if str(args.output or "").lower().endswith((".jsonl", ".ndjson")) else "csv")
    settings, env = cli_environment(args, "page_size")
    user_ids = list(job_users(args.marked_from, settings.paths.jobs_file)) if args.marked_from else None
    query = parse_query(args.query) if user_ids is None else None
    if args.output:
        Path(args.output).expanduser().parent.resolve(strict=True)  # a missing folder: exit 2 before any request
    return asyncio.run(_export(settings, env, args, section, columns, query, user_ids, fmt))


async def _export(
    settings: Settings,
    env: Environment,
    args: argparse.Namespace,
    section: Any,
    columns: list[Any],
    query: Any,
    user_ids: list[str] | None,
    fmt: Any,
) -> int:
    from tui.domain.audit import AuditLog
    from tui.domain.backend import OnlineBackend
    from tui.domain.columns import section_columns
    from tui.domain.export import ListScope, export_users, resolve_query
    from tui.ui.backend import default_client_factory

    scope = ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)
    client = default_client_factory(env)
    backend = OnlineBackend(client)
    try:
        if query is not None:
            names = ProgressPrinter("learning names")
            try:
                query = await resolve_query(
                    backend,
                    query,
                    scope,
                    page_size=settings.page_size,
                    default_status=settings.default_status,
                    progress=names.update,
                )
            finally:
                names.close()
        bar = ProgressPrinter("export")
        try:
            result = await export_users(
                backend,
                Path(args.output).expanduser() if args.output else sys.stdout,
                section=section,
                columns=columns,
                scope=scope,
                query=query,
                user_ids=user_ids,
                fmt=fmt,
                concurrency=args.concurrency,
                page_size=settings.page_size,
                default_status=settings.default_status,
                progress=bar.update,
                audit=AuditLog(settings.paths.audit_file) if any(c.is_pii for c in columns) else None,
                environment=env.name,
            )
        finally:
            bar.close()
    finally:
        await client.aclose()
    where = args.output or "stdout"
    print(f"wrote {result.written} users to {where} ({fmt}, {len(result.columns)} columns)", file=sys.stderr)
    hidden = [c.name for c in section_columns(section, include_pii=True) if c.is_pii and c not in columns]
    if hidden and args.fields is None:
        print(f"left out personal data ({', '.join(hidden)}): --include-pii adds it", file=sys.stderr)
    if not result.failed:
        return EXIT_OK
    print(f"{len(result.failed)} users left out (could not be read):", file=sys.stderr)
    for uid, why in result.failed[:SHOWN_FAILURES]:
        print(f"  {uid}: {why}", file=sys.stderr)
    if len(result.failed) > SHOWN_FAILURES:
        print(f"  ... and {len(result.failed) - SHOWN_FAILURES} more", file=sys.stderr)
    return EXIT_USERS
