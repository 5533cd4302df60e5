"""What applying a plan file did to each user, or would do now, as rows for a results CSV.

    rows = job_results(plan_file, journal.users(job_id))          # after bulk apply
    rows = await recheck(backend, plan_file, concurrency=8)        # bulk apply --dry-run
    write_results("results.csv", plan_file.key, rows)               # 0600

A results file has one row per user of the plan: the CSV row number and key value it came
from, the user ID, the outcome, the HTTP status and message of an error, and the server's
``debugIdentifier`` (what support asks for). Outcomes: ``changed``, ``already as asked``,
``skipped`` (``changed since plan: <fields>``: a touched field no longer held the value the
plan showed, so nothing was written), ``failed``, ``cannot apply`` (so planned: not sent),
``not sent`` / ``interrupted`` (the job was cancelled or killed: ``bulk resume`` finishes it);
a dry run says ``would change`` instead of ``changed``. Messages hold field labels and error
codes, never values. UI-free.
"""

from __future__ import annotations

import asyncio
import csv
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeout,
    AuthError,
    CredentialsError,
    ForbiddenError,
    SpotnanaError,
)
from tui.domain.backend import ProfileBackend
from tui.domain.bulk import STATUS_PATH, describe_paths
from tui.domain.bulk_plan import PlanProgress, UserPlan
from tui.domain.commit import safe_error_text
from tui.domain.edits import json_equal
from tui.domain.jobs import JobUser
from tui.domain.paths import get
from tui.domain.plan_file import PlanFile
from tui.domain.private_files import replace_private

__all__ = ["ResultRow", "RESULT_HEADER", "STATUS_WORDS", "job_results", "recheck", "write_results", "since_plan"]

RESULT_HEADER = ("row", "key", "userId", "outcome", "httpStatus", "message", "debugIdentifier")
STATUS_WORDS = {
    "changed": "changed",
    "already": "already as asked",
    "skipped": "skipped",
    "failed": "failed",
    "cannot_apply": "cannot apply",
    "pending": "not sent",
    "in_doubt": "interrupted",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FATAL = (AuthError, ForbiddenError, ApiConnectionError, ApiTimeout, CredentialsError)
"""Errors every other read would meet too: they stop the dry run."""


@dataclass(frozen=True)
class ResultRow:
    row: int | None
    key: str
    user_id: str
    outcome: str
    http: int | None = None
    message: str = ""
    debug: str = ""

    @property
    def ok(self) -> bool:
        """Changed, already as asked, or would change (a dry run)."""
        return self.outcome in ("changed", "already as asked", "would change")


def since_plan(message: str) -> str:
    """The runner's "changed since preview" said as a plan file's user reads it."""
    stale = "changed since preview"
    return "changed since plan" + message[len(stale) :] if message.startswith(stale) else message


def _row(pf: PlanFile, user_id: str, outcome: str, http: int | None, message: str, debug: str) -> ResultRow:
    number, key = pf.rows.get(user_id, (None, ""))
    return ResultRow(number, key, user_id, outcome, http, since_plan(message), debug)


def job_results(pf: PlanFile, users: Iterable[JobUser]) -> list[ResultRow]:
    """One row per user of the job made from ``pf``, in plan order."""
    return [
        _row(pf, u.user_id, STATUS_WORDS.get(u.status, u.status), u.http, u.message or u.reason, u.debug) for u in users
    ]


async def _now(backend: ProfileBackend, u: UserPlan) -> object:
    section = u.change.section
    if section is None:
        profile = await backend.get_user(u.user_id)
        return {STATUS_PATH[0]: profile.get("isActive") is not False}
    return await backend.read_section(section, u.user_id)


def _judge(pf: PlanFile, u: UserPlan, current: object) -> ResultRow:
    moved = [
        t.path
        for t in u.touched
        if not json_equal(get(current, t.path), t.pre) and not json_equal(get(current, t.path), t.post)
    ]
    if moved:
        fields = describe_paths(u.change.section, moved)
        return _row(pf, u.user_id, "skipped", None, f"changed since plan: {fields}", "")
    if all(json_equal(get(current, t.path), t.post) for t in u.touched):
        return _row(pf, u.user_id, "already as asked", None, "holds the planned values now", "")
    return _row(pf, u.user_id, "would change", None, "", "")


async def recheck(
    backend: ProfileBackend,
    pf: PlanFile,
    *,
    concurrency: int = 4,
    on_progress: Callable[[PlanProgress], object] | None = None,
) -> list[ResultRow]:
    """What applying ``pf`` would do now (``bulk apply --dry-run``): every user that will
    change is read again (nothing is sent) and judged as apply would: ``would change``,
    ``already as asked``, ``skipped`` (changed since plan) or ``failed`` (cannot be read).
    The plan's other users keep their planned outcome. Raises the client's error for a refused
    token or a lost connection on the first read (every read would fail alike)."""
    users = pf.plan.users
    todo = [i for i, u in enumerate(users) if u.outcome == "will_change"]
    out: dict[int, ResultRow] = {
        i: _row(pf, u.user_id, STATUS_WORDS.get(u.outcome, u.outcome), None, u.reason, "")
        for i, u in enumerate(users)
        if u.outcome != "will_change"
    }
    gate = asyncio.Semaphore(max(1, concurrency))
    started, done = time.monotonic(), [0]

    async def one(i: int) -> None:
        u = users[i]
        try:
            async with gate:
                current = await _now(backend, u)
        except _FATAL:
            raise
        except SpotnanaError as exc:
            http = exc.status if isinstance(exc, ApiError) else None
            debug = getattr(exc, "debug_identifier", None) or ""
            out[i] = _row(pf, u.user_id, "failed", http, f"could not read: {safe_error_text(exc)}", debug)
        else:
            out[i] = _judge(pf, u, current)
        done[0] += 1
        if on_progress is not None:
            on_progress(PlanProgress(done[0], len(todo), time.monotonic() - started))

    tasks = [asyncio.ensure_future(one(i)) for i in todo]
    try:
        await asyncio.gather(*tasks)
    finally:  # a refused token: stop the other reads too
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return [out[i] for i in range(len(users))]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_results(path: str | os.PathLike[str], rows: Sequence[ResultRow]) -> None:
    """The results CSV (0600, whole or not at all; CRLF; a cell that a spreadsheet would run as
    a formula gets a leading ``'``)."""
    with replace_private(path, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(RESULT_HEADER)
        for r in rows:
            writer.writerow([_cell(v) for v in (r.row, r.key, r.user_id, r.outcome, r.http, r.message, r.debug)])
