"""``spotnana-tui bulk ...``: the jobs of the journal from the command line.

    bulk plan --csv FILE       plan a spreadsheet of per-user values (-o PLAN.json: a plan file)
    bulk apply PLAN.json       apply a plan file as a job (--dry-run: what would happen now)
    bulk list                  every job, newest first (unfinished ones say so)
    bulk show JOB [--json]     a job and each user's outcome (diffs masked as on screen)
    bulk resume JOB            finish an interrupted or cancelled job (--retry-failed: the failed users)
    bulk undo JOB [--yes]      plan the inverse, show it, confirm, run it as a new job

JOB is a job ID or a unique start of one. Exit codes: 0 every user done (changed or already as
asked), 1 users failed or were skipped (or the agent declined), 2 bad input (unknown job,
options, a job of another environment), 3 the server could not be reached or refused the
credentials. Progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_progress import ProgressPrinter

if TYPE_CHECKING:
    from tui.config import Environment, Settings
    from tui.domain.bulk_plan import Plan
    from tui.domain.jobs import Job, Journal
    from tui.domain.runner import JobReport

__all__ = [
    "add_bulk_parser",
    "add_connection_options",
    "run_bulk",
    "run_new_job",
    "connect",
    "confirm",
    "recorded_environment",
    "connection_given",
    "scope_of",
    "line_text",
    "CONFIRM_ABOVE",
    "EXIT_OK",
    "EXIT_USERS",
    "EXIT_INPUT",
    "EXIT_SERVER",
]

EXIT_OK, EXIT_USERS, EXIT_INPUT, EXIT_SERVER = 0, 1, 2, 3
CONFIRM_ABOVE = 20
"""Above this many users the agent types the count to confirm."""
SHOWN_USERS = 20


def add_connection_options(p: argparse.ArgumentParser) -> None:
    """The app's connection options on a subcommand (``SUPPRESS``: the top level's stay)."""
    s = argparse.SUPPRESS
    p.add_argument("--env", metavar="NAME", default=s, help="named environment from the config file")
    p.add_argument("--base-url", metavar="URL", default=s, help="Users API base URL")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--tmc-id", metavar="ID", default=s, help="the TMC the job's users belong to")
    scope.add_argument("--company-id", metavar="ID", default=s, help="the company the job's users belong to")
    p.add_argument("--insecure", action="store_true", default=s, help="allow plain http:// to a non-loopback host")
    p.add_argument("--config", metavar="FILE", default=s, help="config file to use instead of the default one")


def add_bulk_parser(sub: Any) -> Any:
    """The ``bulk`` parser; returns its subcommands (``tui/cli_plan.py`` adds plan and apply)."""
    bulk = sub.add_parser(
        "bulk",
        help="bulk jobs: plan and apply a CSV; list, show, resume, undo",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmds = bulk.add_subparsers(dest="bulk_command", metavar="ACTION", required=True)
    ls = cmds.add_parser("list", help="every job, newest first")
    add_connection_options(ls)
    show = cmds.add_parser("show", help="a job and each user's outcome")
    show.add_argument("job", metavar="JOB", help="job ID (or a unique start of one)")
    show.add_argument("--json", action="store_true", help="the job and its users as JSON")
    add_connection_options(show)
    res = cmds.add_parser("resume", help="finish an interrupted or cancelled job")
    res.add_argument("job", metavar="JOB", help="job ID (or a unique start of one)")
    res.add_argument("--retry-failed", action="store_true", help="try the users that failed again")
    res.add_argument("--concurrency", type=int, metavar="N", help="users written at the same time (bulk.concurrency)")
    add_connection_options(res)
    undo = cmds.add_parser("undo", help="undo a finished job (as a new job, after a preview)")
    undo.add_argument("job", metavar="JOB", help="job ID (or a unique start of one)")
    undo.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    undo.add_argument("--concurrency", type=int, metavar="N", help="users read and written at the same time")
    add_connection_options(undo)
    return cmds


def run_bulk(args: argparse.Namespace) -> int:
    import sqlite3

    from tui.api.errors import ApiConnectionError, ApiTimeout, AuthError, CredentialsError, ForbiddenError
    from tui.config import load_settings
    from tui.domain.jobs import JobBusy
    from tui.domain.runner import JobError

    settings = load_settings(getattr(args, "config", None), create=False)
    try:
        if args.bulk_command == "list":
            return _list(settings)
        with _journal(settings) as journal:
            job = journal.job(journal.find(args.job))
            if args.bulk_command == "show":
                return _show(journal, job, args.json)
            if args.bulk_command == "resume":
                return _resume(settings, args, journal, job)
            return _undo(settings, args, journal, job)
    except KeyError as exc:
        print(f"spotnana-tui: {exc.args[0]}", file=sys.stderr)
        return EXIT_INPUT
    except (JobError, JobBusy) as exc:
        print(f"spotnana-tui: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except sqlite3.Error as exc:
        print(f"spotnana-tui: the job journal {settings.paths.jobs_file} cannot be used: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (CredentialsError, AuthError, ForbiddenError, ApiConnectionError, ApiTimeout) as exc:
        print(f"spotnana-tui: {exc}", file=sys.stderr)
        return EXIT_SERVER


def _journal(settings: Settings) -> Journal:
    from tui.domain.jobs import Journal

    path = settings.paths.jobs_file
    if not path.exists():
        raise KeyError(f"no bulk jobs yet ({path})")
    return Journal(path)


def _list(settings: Settings) -> int:
    path = settings.paths.jobs_file
    if not path.exists():
        print(f"no bulk jobs yet ({path})", file=sys.stderr)
        return EXIT_OK
    with _journal(settings) as journal:
        jobs = journal.jobs()
    for job in jobs:
        state = "running" if job.busy else ("unfinished" if job.unfinished else job.state)
        print(
            f"{job.id}  {job.created[:19]}  {job.env}  {job.kind:5}  {state:10}  {job.counts.line()}  {job.describe()}"
        )
    if not jobs:
        print(f"no bulk jobs yet ({path})", file=sys.stderr)
    return EXIT_OK


def _show(journal: Journal, job: Job, as_json: bool) -> int:
    from tui.domain.diff import lines_from_edits

    users = journal.users(job.id)
    if as_json:
        print(json.dumps({**job.to_json(), "users": [u.to_json() for u in users]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"job {job.id} · {job.kind} · {job.env} ({job.base_url}) · created {job.created}")
    print(f"change: {job.describe()}")
    print(f"planned: {job.summary}")
    print(f"now: {job.counts.line()}" + (" · unfinished: bulk resume " + job.id if job.unfinished else ""))
    for u in users:
        who = u.email or u.user_id
        note = u.message or u.reason
        print(f"  {u.status:12} {who}  {u.user_id}" + (f"  {note}" if note else ""))
        if u.status in ("changed", "pending", "in_doubt", "failed", "skipped"):
            for line in lines_from_edits(u.edits, u.change.section):
                print(f"      {line_text(line)}")
    return EXIT_OK


def line_text(line: Any) -> str:
    """A diff line as the screen shows it (masked), naming the field by its label."""
    text = str(line.text())
    if not line.item and line.label and line.path_text:
        text = text.replace(line.path_text, line.label, 1)
    return text


def _job_environment(settings: Settings, args: argparse.Namespace, job: Job) -> Environment:
    return recorded_environment(settings, args, job.env, job.base_url, job.scope, f"job {job.id}")


def connection_given(args: argparse.Namespace) -> bool:
    """Whether any connection option was given (``--env``, ``--base-url``, a scope)."""
    return any(getattr(args, k, None) for k in ("env", "base_url", "tmc_id", "company_id"))


def recorded_environment(
    settings: Settings, args: argparse.Namespace, name: str, base_url: str, scope: str, what: str
) -> Environment:
    """The connection for something recorded against ``name`` / ``base_url`` / ``scope`` (a
    job, a plan file): the options given (they must name that server), else the recorded one:
    its environment's auth from the config file, its base URL and scope as recorded."""
    from dataclasses import replace

    from tui.config import Environment, load_settings

    given = {k: getattr(args, k, None) for k in ("base_url", "tmc_id", "company_id")}
    env_name = getattr(args, "env", None)
    if connection_given(args):
        env = load_settings(getattr(args, "config", None), {"env": env_name, **given}, create=False).environment(
            env_name
        )
    else:
        known = settings.environments.get(name)
        env = replace(known) if known is not None else Environment(name=name, base_url=base_url)
        env.base_url = base_url or env.base_url
        kind, _, scope_id = scope.partition(":")
        if scope_id:
            env.tmc_id = scope_id if kind == "tmc" else None
            env.company_id = scope_id if kind == "company" else None
    if getattr(args, "insecure", False):
        env.insecure = True
    if base_url and env.base_url.rstrip("/") != base_url.rstrip("/"):
        raise KeyError(f"{what} was made against {base_url}, not {env.base_url}")
    return env


def scope_of(env: Environment) -> str:
    return f"tmc:{env.tmc_id}" if env.tmc_id else (f"company:{env.company_id}" if env.company_id else "")


def connect(env: Environment, concurrency: int) -> tuple[Any, Any, Any]:
    """``(client, backend, gate)`` for ``env``: the client's own 429 retries close the gate."""
    from tui.api._transport import check_base_url
    from tui.api.errors import InsecureUrlError
    from tui.domain.backend import OnlineBackend
    from tui.domain.rate_gate import RateGate
    from tui.ui.backend import default_client_factory

    try:
        check_base_url(env.base_url, insecure=env.insecure)
    except InsecureUrlError as exc:
        raise KeyError(f"{exc}; pass --insecure to allow it") from None
    client = default_client_factory(env)
    gate = RateGate(concurrency)
    client.on_retry = gate.on_retry
    return client, OnlineBackend(client), gate


def _drive(make: Callable[[], Coroutine[Any, Any, Any]], on_interrupt: Callable[[], None] | None = None) -> Any:
    """Run a coroutine; the first Ctrl+C calls ``on_interrupt`` (a graceful stop)."""

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        if on_interrupt is not None:
            try:
                loop.add_signal_handler(signal.SIGINT, on_interrupt)
            except (NotImplementedError, RuntimeError):
                pass
        return await make()

    return asyncio.run(main())


def run_new_job(
    settings: Settings,
    env: Environment,
    plan: Plan,
    *,
    concurrency: int | None = None,
    journal: Journal | None = None,
    client: Any = None,
    backend: Any = None,
    gate: Any = None,
    on_created: Callable[[str], object] | None = None,
    err: TextIO | None = None,
    words: Callable[[str], str] | None = None,
) -> int:
    """Store a confirmed ``plan`` as a job and run it to the end (the path ``bulk undo`` takes,
    and ``bulk apply`` next); the exit code."""
    from tui.domain.jobs import Journal

    own = journal is None
    journal = journal or Journal(settings.paths.jobs_file)
    try:
        job_id = journal.create_job(plan, env=env.name, base_url=env.base_url, scope=scope_of(env))
        if on_created is not None:
            on_created(job_id)
        print(f"job {job_id}: {plan.summary()}", file=err or sys.stderr, flush=True)
        job = journal.job(job_id)
        return _run(settings, env, journal, job, "pending", concurrency, client, backend, gate, err, words)
    finally:
        if own:
            journal.close()


def _run(
    settings: Settings,
    env: Environment,
    journal: Journal,
    job: Job,
    which: Any,
    concurrency: int | None,
    client: Any = None,
    backend: Any = None,
    gate: Any = None,
    err: TextIO | None = None,
    words: Callable[[str], str] | None = None,
) -> int:
    from tui.domain.audit import AuditLog
    from tui.domain.commit import AuditTrail
    from tui.domain.runner import JobRunner

    n = concurrency or settings.bulk_concurrency
    if backend is None:
        client, backend, gate = connect(env, n)
    printer = ProgressPrinter(f"job {job.id}", err)
    trail = AuditTrail(AuditLog(settings.paths.audit_file), env.name)
    runner = JobRunner(backend, journal, job.id, concurrency=n, audit=trail, gate=gate, on_progress=printer.update)

    async def go() -> JobReport:
        try:
            return await runner.run(which)
        finally:
            if client is not None:
                await client.aclose()

    try:
        report = _drive(go, runner.cancel)
    finally:
        printer.close()
    return _finish(journal, journal.job(job.id), report.unfinished, words)


def _finish(journal: Journal, job: Job, unfinished: bool, words: Callable[[str], str] | None = None) -> int:
    print(f"job {job.id}: {job.counts.line()}")
    for u in journal.users(job.id, ("failed", "skipped")):
        extra = f" (HTTP {u.http})" if u.http else ""
        debug = f" [debug {u.debug}]" if u.debug else ""
        message = words(u.message) if words is not None else u.message
        print(f"  {u.status} {u.email or u.user_id}: {message}{extra}{debug}")
    if unfinished:
        print(f"not finished: spotnana-tui bulk resume {job.id}", file=sys.stderr)
    c = job.counts
    return EXIT_USERS if (c.failed or c.skipped or unfinished) else EXIT_OK


def _resume(settings: Settings, args: argparse.Namespace, journal: Journal, job: Job) -> int:
    env = _job_environment(settings, args, job)
    which = "failed" if args.retry_failed else "pending"
    if which == "pending" and not job.unfinished:
        print(f"job {job.id} has nothing left to send ({job.counts.line()})", file=sys.stderr)
        return _finish(journal, job, False)
    return _run(settings, env, journal, job, which, args.concurrency)


def _print_plan(plan: Plan, out: TextIO) -> None:
    print(plan.summary(), file=out)
    shown = 0
    for u in plan.users:
        if u.outcome == "already":
            continue
        if shown >= SHOWN_USERS:
            rest = sum(1 for x in plan.users if x.outcome != "already") - shown
            print(f"  … and {rest} more", file=out)
            break
        shown += 1
        note = f"  ({u.reason})" if u.reason else ""
        print(f"  {u.outcome.replace('_', ' ')}: {u.email or u.user_id}{note}", file=out)
        for line in u.lines:
            print(f"      {line_text(line)}", file=out)


def confirm(count: int, what: str, inp: TextIO | None = None, out: TextIO | None = None) -> bool:
    """Ask on ``out`` (stderr), read ``inp`` (stdin): above :data:`CONFIRM_ABOVE` users the
    count must be typed, otherwise ``y``. End of input declines."""
    inp, out = inp or sys.stdin, out or sys.stderr
    if count > CONFIRM_ABOVE:
        out.write(f"{what} {count} users: type {count} to confirm: ")
    else:
        out.write(f"{what} {count} user{'s' if count != 1 else ''}? [y/N] ")
    out.flush()
    answer = inp.readline().strip()
    return answer == str(count) if count > CONFIRM_ABOVE else answer.lower() in ("y", "yes")


def _undo(settings: Settings, args: argparse.Namespace, journal: Journal, job: Job) -> int:
    from tui.domain.runner import plan_undo

    env = _job_environment(settings, args, job)
    n = args.concurrency or settings.bulk_concurrency
    client, backend, gate = connect(env, n)
    printer = ProgressPrinter("planning the undo")

    async def go() -> Plan:
        try:
            return await plan_undo(backend, journal, job.id, concurrency=n, on_progress=printer.update)
        finally:
            await client.aclose()  # one event loop per client: the run makes its own

    try:
        plan = _drive(go)
    finally:
        printer.close()
    _print_plan(plan, sys.stdout)
    count = len(plan.will_change)
    if not count:
        print("nothing to undo", file=sys.stderr)
        return EXIT_USERS if plan.by_outcome("cannot_apply") else EXIT_OK
    if not args.yes and not confirm(count, "Undo job " + job.id + " for"):
        print("nothing sent", file=sys.stderr)
        return EXIT_USERS
    return run_new_job(settings, env, plan, concurrency=n, journal=journal)
