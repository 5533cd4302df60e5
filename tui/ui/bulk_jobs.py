"""What the bulk screens need of the app, in one place (no screen here): the job journal
(where the engine keeps it: ``settings.paths.jobs_file``), the audit trail, the rate gate on the
app's client, and the words for progress.

Screens open the journal when they need it and close it when they go (``sqlite3`` in WAL mode:
several connections to one file are fine); tests point the settings at a tmp home.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from tui.domain.audit import AuditLog
from tui.domain.bulk_ops import Change, Operation, Set, describe_op
from tui.domain.commit import AuditTrail
from tui.domain.diff import format_value
from tui.domain.jobs import Job, Journal, unfinished_jobs
from tui.domain.rate_gate import RateGate
from tui.domain.sections import Section

__all__ = [
    "journal_of",
    "open_journal",
    "audit_trail",
    "scope_of",
    "concurrency_of",
    "gate_on_client",
    "unfinished_here",
    "clock",
    "rate_text",
    "STATE_WORDS",
    "describe",
    "change_text",
    "fit_words",
    "elsewhere",
]

STATE_WORDS = {
    "planned": "not started",
    "running": "running",
    "paused": "paused",
    "cancelled": "cancelled (resumable)",
    "finished": "finished",
}


def journal_of(app: Any) -> Journal:
    """A connection to the app's job journal (the caller closes it)."""
    return Journal(app.settings.paths.jobs_file)


@contextmanager
def open_journal(app: Any) -> Iterator[Journal]:
    journal = journal_of(app)
    try:
        yield journal
    finally:
        journal.close()


def audit_trail(app: Any) -> AuditTrail:
    """Where a job's writes are recorded: the app's audit log, its environment."""
    return AuditTrail(AuditLog(app.settings.paths.audit_file), app.env.name)


def scope_of(env: Any) -> str:
    """``tmc:<id>`` / ``company:<id>``: the scope a job is made in (kept in the journal)."""
    return f"tmc:{env.tmc_id}" if env.tmc_id else (f"company:{env.company_id}" if env.company_id else "")


def elsewhere(app: Any, job: Job) -> str:
    """Why ``job`` cannot run from here ("" when it can): it was made in another environment,
    against another server or for another TMC / company than the app talks to now."""
    env = app.env
    if job.env != env.name:
        return f"job {job.id} was made in environment {job.env!r}: switch to it to run or undo the job"
    if job.base_url and job.base_url.rstrip("/") != str(env.base_url).rstrip("/"):
        return f"job {job.id} was made against {job.base_url}, not {env.base_url}"
    if job.scope and job.scope != scope_of(env):
        return f"job {job.id} was made for {job.scope}, not {scope_of(env) or 'this scope'}"
    return ""


def concurrency_of(app: Any) -> int:
    """Users a job (and planning) reads and writes at once: ``[bulk] concurrency``."""
    return max(1, int(getattr(app.settings, "bulk_concurrency", 4) or 4))


@asynccontextmanager
async def gate_on_client(app: Any, gate: RateGate) -> Any:
    """While a job runs, the app's client tells ``gate`` about its own 429 retries, so one
    429 slows every worker (the client's hook is put back afterwards)."""
    client: Any = None
    try:
        client = await app.get_client()
    except Exception:  # no client yet (no token): the job's first request will say why
        client = None
    hooked = client is not None and hasattr(client, "on_retry") and client.on_retry is None
    if hooked:
        client.on_retry = gate.on_retry
    try:
        yield
    finally:
        if hooked and client is not None and client.on_retry == gate.on_retry:
            client.on_retry = None


def unfinished_here(app: Any) -> list[Job]:
    """Jobs of the current environment (same server and scope) with users still to try (for
    "1 unfinished job — resume?")."""
    try:
        return [j for j in unfinished_jobs(app.settings.paths.jobs_file, app.env.name) if not elsewhere(app, j)]
    except Exception as exc:  # an unreadable journal must not stop the app
        app.log_error("read the job journal", exc)
        return []


def clock(seconds: float | None) -> str:
    """``0:07``, ``1:02:03``; ``--:--`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def rate_text(done: int, total: int, rate: float, eta: float | None) -> str:
    """``"123 of 412 · 35.2 users/s · ETA 0:08"``."""
    return f"{done:,} of {total:,} · {rate:.1f} users/s · ETA {clock(eta)}"


def describe(op: Operation, sec: Section | None) -> str:
    """An operation in words (the engine's), a reference set by name showing its name."""
    if isinstance(op, Set) and isinstance(op.value, dict) and op.value.get("name") and sec is not None:
        return f"set {sec.label(op.path)} to {format_value(op.value['name'], 50)}"
    return describe_op(op, sec)


def change_text(change: Change, *, undo_of: str | None = None) -> str:
    """A change in words, operations joined by ``"; "`` (``undo of job …`` for an undo)."""
    if undo_of:
        return f"undo of job {undo_of}"
    sec = change.section
    return "; ".join(describe(op, sec) for op in change.operations) or "no operations"


def fit_words(text: str, width: int) -> str:
    """``text`` cut at a word boundary to fit ``width`` cells (`` …`` marks the cut)."""
    if len(text) <= width:
        return text
    cut = text[: max(0, width - 2)]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 3 else cut).rstrip(" ;,") + " …"
