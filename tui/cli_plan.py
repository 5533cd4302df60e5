"""``spotnana-tui bulk plan`` and ``bulk apply``: a spreadsheet of per-user values, planned into
a reviewable plan file, then applied as a job of the journal (resumable, undoable).

The work is UI-free: :mod:`tui.domain.csv_import` (the file into per-user changes, users found
in batches), :mod:`tui.domain.plan_file` (the JSON envelope and its digest) and
:mod:`tui.domain.plan_results` (results rows, the dry run); a confirmed plan runs as
``bulk undo`` runs its jobs (:func:`tui.cli_bulk.run_new_job`).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_bulk import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_SERVER,
    EXIT_USERS,
    add_connection_options,
    confirm,
    connect,
    connection_given,
    line_text,
    recorded_environment,
    run_new_job,
    scope_of,
)
from tui.cli_common import cli_environment, fail, section_named
from tui.cli_progress import ProgressPrinter

if TYPE_CHECKING:
    from tui.config import Environment
    from tui.domain.bulk_plan import Plan
    from tui.domain.csv_import import CsvPlan
    from tui.domain.plan_file import PlanFile
    from tui.domain.plan_results import ResultRow

__all__ = ["add_plan_parsers", "run_plan_command"]

EXIT_CODES = """\
exit codes: 0 every user changed or already as asked (plan: every row will change or is
already as asked); 1 some users failed, were skipped (changed since plan), cannot apply, or
the job did not finish (or the confirmation was declined); 2 bad input (file, columns, rows,
plan file, flags); 3 the server could not be reached or refused the credentials."""

PLAN_HELP = f"""\
Read a CSV of per-user values and plan it: every row checked (nothing is planned when one is
bad: each problem is listed with its row number), users found in batches, and each user's
section read to show what would change. Nothing is sent.

The header names one key column (userId, email, employeeId or externalId, as export writes
them; --key picks one, by default the first of them the file has; the others are ignored)
and fields of the section: paths (designation, officeRef.id), paths without Ref (office.id)
or the form's labels ("Job title"). An empty cell leaves the field as it is, <clear> clears
it. Excel's habits are fine: a byte order mark, ';' separators, quoted cells with commas or
line breaks, CRLF, trailing empty columns.

-o writes the plan file (JSON, 0600): the environment, the creation time, each user's change
with the value before of every field it touches, and a digest. Review it, then bulk apply it.

{EXIT_CODES}"""

APPLY_HELP = f"""\
Apply a plan file made by bulk plan: it is refused when it was made for another server or
TMC/company, or changed since (its digest). Shows the summary and asks (above 20 users, type
the number of users that will change) unless --yes. Runs as a bulk job of the journal: a
user whose touched fields changed since the plan is skipped ("changed since plan"), never
overwritten; an interrupted job finishes with bulk resume JOB, and bulk undo JOB reverses it.
Without connection options the plan's own environment is used. Progress goes to stderr.

--results writes one row per user (CSV, 0600): row, key, userId, outcome, httpStatus,
message, debugIdentifier. --dry-run reads every user again and says what would happen now,
sending nothing.

{EXIT_CODES}"""

KEY_CHOICES = ("user-id", "email", "employee-id", "external-id")
_LOST = re.compile(r"could not read: (401|403|ApiConnectionError|ApiTimeout|TlsError|CredentialsError)\b")
"""A user the plan could not read because the server, not the user, failed: plan again."""
SHOWN = 20


def add_plan_parsers(cmds: Any) -> None:
    """``bulk plan`` and ``bulk apply`` on the bulk parser's subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    p = cmds.add_parser("plan", help="plan a CSV of per-user values", description=PLAN_HELP, formatter_class=raw)
    p.add_argument("--csv", required=True, metavar="FILE", help="the spreadsheet, saved as CSV")
    p.add_argument("--section", default="business", metavar="KEY", help="the section (default business)")
    p.add_argument("--key", choices=KEY_CHOICES, help="the key column (default: the first the file has)")
    p.add_argument("-o", "--output", metavar="PLAN.json", help="write the plan file here (0600)")
    p.add_argument("--show-diffs", action="store_true", help="each user's diff (personal data masked)")
    p.add_argument("--concurrency", type=int, metavar="N", help="users read at the same time (bulk.concurrency)")
    add_connection_options(p)
    a = cmds.add_parser("apply", help="apply a plan file as a bulk job", description=APPLY_HELP, formatter_class=raw)
    a.add_argument("plan", metavar="PLAN.json", help="a plan file made by bulk plan -o")
    a.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    a.add_argument("--concurrency", type=int, metavar="N", help="users written at the same time (bulk.concurrency)")
    a.add_argument("--results", metavar="FILE.csv", help="write each user's outcome here (0600)")
    a.add_argument("--dry-run", action="store_true", help="read every user again and report; send nothing")
    add_connection_options(a)


def run_plan_command(args: argparse.Namespace) -> int:
    """``bulk plan`` or ``bulk apply``; every failure is one message on stderr and an exit code."""
    import sqlite3

    from tui.api.errors import (
        ApiConnectionError,
        ApiError,
        ApiTimeout,
        AuthError,
        CredentialsError,
        ForbiddenError,
        ServerError,
    )
    from tui.config import ConfigError
    from tui.domain.csv_read import CsvFileError
    from tui.domain.jobs import JobBusy
    from tui.domain.plan_file import PlanFileError

    try:
        if getattr(args, "concurrency", None) is not None and args.concurrency < 1:
            raise ValueError("--concurrency must be at least 1")
        return _plan(args) if args.bulk_command == "plan" else _apply(args)
    except FileNotFoundError as exc:
        return fail(f"{exc.filename}: no such file", EXIT_INPUT)
    except (CredentialsError, AuthError, ForbiddenError, ApiConnectionError, ApiTimeout, ServerError) as exc:
        return fail(str(exc), EXIT_SERVER)
    except (ApiError, CsvFileError, PlanFileError, ConfigError, JobBusy, ValueError, OSError) as exc:
        return fail(str(exc), EXIT_INPUT)
    except KeyError as exc:
        return fail(str(exc.args[0] if exc.args else exc), EXIT_INPUT)
    except sqlite3.Error as exc:
        return fail(f"the job journal cannot be used: {exc}", EXIT_INPUT)


def _writable(path: str | None, flag: str) -> None:
    if path and not Path(path).expanduser().resolve().parent.is_dir():
        raise ValueError(f"{flag} {path}: no such folder")


# --- bulk plan ----------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> int:
    from tui.domain.csv_import import describe_key, plan_csv
    from tui.domain.export import ListScope
    from tui.domain.plan_file import PlanFile, Target, write_plan_file
    from tui.domain.user_keys import KEY_FLAGS

    section = section_named(args.section)
    csv_path = Path(args.csv).expanduser()
    if not csv_path.is_file():
        raise ValueError(f"--csv {args.csv}: no such file")
    _writable(args.output, "-o")
    settings, env = cli_environment(args)
    n = args.concurrency or settings.bulk_concurrency
    scope = ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)
    client, backend, _ = connect(env, n)
    bar = ProgressPrinter("planning")

    async def go() -> CsvPlan:
        try:
            return await plan_csv(
                backend,
                csv_path,
                section=section,
                scope=scope,
                key=KEY_FLAGS[args.key] if args.key else None,
                environment=env.name,
                concurrency=n,
                on_progress=bar.update,
            )
        finally:
            await client.aclose()

    try:
        result = asyncio.run(go())
    finally:
        bar.close()
    imported, plan = result.imported, result.plan
    out = sys.stdout
    print(f"{imported.source}: {len(imported.rows)} rows · {section.noun} · {describe_key(imported)}", file=out)
    if imported.ignored:
        print(f"ignored key columns: {', '.join(imported.ignored)}", file=out)
    _table(plan, out)
    _cannot(plan, result, out)
    if args.show_diffs:
        _diffs(plan, result, out)
    lost = [u for u in plan.by_outcome("cannot_apply") if _LOST.match(u.reason)]
    if lost:
        return fail(
            f"{len(lost)} users could not be read (the server went away or refused the credentials: "
            f"{lost[0].reason.removeprefix('could not read: ')}); no plan written, plan again",
            EXIT_SERVER,
        )
    if args.output:
        target = Target(env.name, env.base_url, scope_of(env))
        digest = write_plan_file(Path(args.output).expanduser(), PlanFile.from_csv(result, target))
        print(f"plan written to {args.output} ({digest})", file=out)
        print(f"review it, then: spotnana-tui bulk apply {args.output}", file=sys.stderr)
    else:
        print("no plan file written (-o PLAN.json writes one)", file=sys.stderr)
    return EXIT_USERS if plan.by_outcome("cannot_apply") else EXIT_OK


def _table(plan: Plan, out: TextIO) -> None:
    from tui.domain.bulk_plan import OUTCOME_WORDS

    counts = plan.counts()
    width = max(len(w) for w in (*OUTCOME_WORDS.values(), "total"))
    print(f"  {'outcome':<{width}}  {'users':>7}", file=out)
    for key, words in OUTCOME_WORDS.items():
        print(f"  {words:<{width}}  {counts[key]:>7}", file=out)
    print(f"  {'total':<{width}}  {len(plan.users):>7}", file=out)
    fields: Counter[str] = Counter()
    for u in plan.will_change:
        for line in u.lines:
            fields[line.label or line.path_text] += 1
    if fields:
        print("fields that will change: " + ", ".join(f"{k} ({v})" for k, v in fields.most_common()), file=out)


def _who(u: Any, rows: dict[str, tuple[int, str]]) -> str:
    number, key = rows.get(u.user_id, (None, ""))
    return f"row {number}: {key}" if number else (u.email or u.user_id)


def _cannot(plan: Plan, result: CsvPlan, out: TextIO) -> None:
    rows = {r.user_id: (r.number, r.key) for r in result.imported.rows}
    stuck = plan.by_outcome("cannot_apply")
    if stuck:
        print("cannot apply (these users are left out when the plan is applied):", file=out)
    for u in stuck[:SHOWN]:
        print(f"  {_who(u, rows)}: {u.reason}", file=out)
    if len(stuck) > SHOWN:
        print(f"  ... and {len(stuck) - SHOWN} more", file=out)


def _diffs(plan: Plan, result: CsvPlan, out: TextIO) -> None:
    rows = {r.user_id: (r.number, r.key) for r in result.imported.rows}
    by_id = result.imported.key == "userId"
    for u in plan.will_change:
        print(f"{_who(u, rows)}{'' if by_id else f' ({u.user_id})'}: will change", file=out)
        for line in u.lines:
            print(f"    {line_text(line)}", file=out)
        for w in u.warnings:
            print(f"    warning: {w.message}", file=out)


# --- bulk apply ---------------------------------------------------------------------------


def _apply(args: argparse.Namespace) -> int:
    from tui.config import load_settings
    from tui.domain.plan_file import read_plan_file

    _writable(args.results, "--results")
    pf = read_plan_file(Path(args.plan).expanduser())
    settings = load_settings(getattr(args, "config", None), create=False)
    t = pf.target
    env = recorded_environment(settings, args, t.name, t.base_url, t.scope, f"the plan {args.plan}")
    why = t.differs(env.base_url, scope_of(env)) if connection_given(args) else None
    if why:
        raise ValueError(f"{args.plan}: {why}: refused (make a plan against this environment)")
    n = args.concurrency or settings.bulk_concurrency
    plan = pf.plan
    print(
        f"plan {args.plan}: made {plan.created} from {pf.source.get('file', '?')} against {t.name} "
        f"({t.base_url}, {t.scope}) · digest {pf.digest}"
    )
    _summary(pf, sys.stdout)
    if args.dry_run:
        return _dry_run(env, pf, n, args.results)
    _preflight(env)
    count = len(plan.will_change)
    if not count:
        print("nothing to send: no user will change", file=sys.stderr)
        _results(args.results, pf, None)
        return EXIT_USERS if plan.by_outcome("cannot_apply") else EXIT_OK
    if not args.yes and not confirm(count, "Apply the plan to"):
        print("nothing sent", file=sys.stderr)
        return EXIT_USERS
    from tui.domain.jobs import Journal
    from tui.domain.plan_results import since_plan

    with Journal(settings.paths.jobs_file) as journal:
        made: list[str] = []
        code = run_new_job(
            settings, env, plan, concurrency=n, journal=journal, on_created=made.append, words=since_plan
        )
        if made:
            _results(args.results, pf, journal.users(made[0]))
    return EXIT_USERS if plan.by_outcome("cannot_apply") else code


def _summary(pf: PlanFile, out: TextIO) -> None:
    plan = pf.plan
    print(plan.summary(), file=out)
    shown = 0
    others = [u for u in plan.users if u.outcome != "already"]
    for u in others[:SHOWN]:
        shown += 1
        note = f"  ({u.reason})" if u.reason else ""
        print(f"  {u.outcome.replace('_', ' ')}: {_who(u, pf.rows)}{note}", file=out)
        for line in u.lines:
            print(f"      {line_text(line)}", file=out)
    if len(others) > shown:
        print(f"  ... and {len(others) - shown} more", file=out)


def _preflight(env: Environment) -> None:
    """One list call: the server answers and takes the credentials (else exit 3, no job)."""
    from tui.domain.export import ListScope
    from tui.domain.query import UserQuery

    client, backend, _ = connect(env, 1)
    scope = ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)

    async def go() -> None:
        try:
            await backend.list_users(scope.request(UserQuery(), offset=0, limit=1, default_status="ALL"))
        finally:
            await client.aclose()

    asyncio.run(go())


def _results(path: str | None, pf: PlanFile, users: Any) -> None:
    from tui.domain.plan_results import job_results, write_results

    if not path:
        return
    if users is None:
        from tui.domain.plan_results import STATUS_WORDS, ResultRow

        rows: list[ResultRow] = [
            ResultRow(
                *pf.rows.get(u.user_id, (None, "")), u.user_id, STATUS_WORDS.get(u.outcome, u.outcome), None, u.reason
            )
            for u in pf.plan.users
        ]
    else:
        rows = job_results(pf, users)
    write_results(Path(path).expanduser(), rows)
    print(f"results written to {path}", file=sys.stderr)


def _dry_run(env: Environment, pf: PlanFile, n: int, results: str | None) -> int:
    from tui.domain.plan_results import recheck, write_results

    client, backend, _ = connect(env, n)
    bar = ProgressPrinter("re-reading")

    async def go() -> list[ResultRow]:
        try:
            return await recheck(backend, pf, concurrency=n, on_progress=bar.update)
        finally:
            await client.aclose()

    try:
        rows = asyncio.run(go())
    finally:
        bar.close()
    counts = Counter(r.outcome for r in rows)
    order = ("would change", "already as asked", "skipped", "failed", "cannot apply")
    print("dry run, nothing sent: " + " · ".join([f"{len(rows)} users"] + [f"{counts[k]} {k}" for k in order]))
    bad = [r for r in rows if not r.ok]
    for r in bad[:SHOWN]:
        print(f"  {r.outcome}: row {r.row}: {r.key} ({r.user_id}): {r.message}")
    if len(bad) > SHOWN:
        print(f"  ... and {len(bad) - SHOWN} more")
    if results:
        write_results(Path(results).expanduser(), rows)
        print(f"results written to {results}", file=sys.stderr)
    return EXIT_USERS if bad else EXIT_OK
