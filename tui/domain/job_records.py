"""What the job journal reads back: jobs, their users and per-status counts (rows in, records out).

:mod:`tui.domain.jobs` stores them; the statuses are those of :data:`UserStatus`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.domain.bulk import Change, Touched, touched_from_json, touched_to_json
from tui.domain.edits import EditSet

__all__ = [
    "JobKind",
    "JobState",
    "ResultStatus",
    "UserStatus",
    "Job",
    "JobUser",
    "JobCounts",
    "JobBusy",
    "alive",
    "job_from_row",
    "job_user_from_row",
    "status_of",
]

JobKind = Literal["apply", "undo"]
JobState = Literal["planned", "running", "paused", "cancelled", "finished"]
ResultStatus = Literal["changed", "skipped", "failed", "already"]
UserStatus = Literal["changed", "skipped", "failed", "already", "pending", "in_doubt", "cannot_apply"]
"""A user's status in a job: a result's status; ``pending`` (planned to change, not tried
yet), ``in_doubt`` (an intent without a result: interrupted), or ``already`` /
``cannot_apply`` as planned (nothing to send)."""


@dataclass(frozen=True)
class JobCounts:
    """Users per status (see :data:`UserStatus`)."""

    total: int = 0
    changed: int = 0
    skipped: int = 0
    failed: int = 0
    already: int = 0
    pending: int = 0
    in_doubt: int = 0
    cannot_apply: int = 0

    @property
    def to_send(self) -> int:
        """Users still to try: pending and interrupted ones."""
        return self.pending + self.in_doubt

    def line(self) -> str:
        """``"200 users · 180 changed · 5 skipped · 3 failed · 12 already as asked"`` (zeros left out
        but for changed)."""
        parts = [f"{self.total} user{'s' if self.total != 1 else ''}", f"{self.changed} changed"]
        for name, words in (
            ("skipped", "skipped"),
            ("failed", "failed"),
            ("already", "already as asked"),
            ("cannot_apply", "cannot apply"),
            ("pending", "not sent yet"),
            ("in_doubt", "interrupted"),
        ):
            n = getattr(self, name)
            if n:
                parts.append(f"{n} {words}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Job:
    id: str
    env: str
    base_url: str
    scope: str
    """``"tmc:<id>"`` or ``"company:<id>"`` (empty when unknown)."""
    created: str
    kind: JobKind
    of_job: str | None
    change: Change
    state: JobState
    summary: str
    """The plan's summary line, as confirmed."""
    updated: str
    counts: JobCounts = field(default_factory=JobCounts)
    busy: bool = False
    """Another live process is running it now (see :meth:`Journal.claim`)."""

    @property
    def unfinished(self) -> bool:
        """Users are still to be tried (pending or interrupted)."""
        return self.counts.to_send > 0

    def describe(self) -> str:
        return f"undo of job {self.of_job}" if self.kind == "undo" else self.change.describe()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "env": self.env,
            "base_url": self.base_url,
            "scope": self.scope,
            "created": self.created,
            "kind": self.kind,
            "of_job": self.of_job,
            "change": self.change.to_json(),
            "state": self.state,
            "summary": self.summary,
            "updated": self.updated,
            "busy": self.busy,
            "counts": self.counts.__dict__.copy(),
        }


@dataclass(frozen=True)
class JobUser:
    """One user of a job: the plan and the latest event."""

    user_id: str
    email: str
    seq: int
    outcome: str
    """As planned: will_change / already / cannot_apply."""
    change: Change
    """This user's change (the job's unless it has its own)."""
    edits: EditSet
    touched: tuple[Touched, ...]
    """As planned (before / after each touched field)."""
    reason: str
    status: UserStatus
    http: int | None = None
    message: str = ""
    debug: str = ""
    applied: tuple[Touched, ...] = ()
    """For ``changed``: the touched fields as the server had them before and after the write."""
    intents: int = 0
    """How many times a write was attempted (intent rows)."""
    time: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "email": self.email,
            "planned": self.outcome,
            "status": self.status,
            "http": self.http,
            "message": self.message or self.reason,
            "debugIdentifier": self.debug or None,
            "edits": self.edits.to_json(),
            "touched": touched_to_json(self.touched),
            "intents": self.intents,
            "time": self.time,
        }


class JobBusy(RuntimeError):
    """Another process is running the job (``str()`` says which)."""


def alive(owner: str) -> bool:
    """Whether the process that claimed a job still runs (only known on this host)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True  # another machine's claim: assume it is alive (the agent can wait)
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # another runner in this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def status_of(outcome: str, last: sqlite3.Row | None) -> UserStatus:
    if last is not None:
        if last["kind"] == "result":
            status: UserStatus = last["status"]
            return status
        return "in_doubt"
    if outcome == "will_change":
        return "pending"
    return "already" if outcome == "already" else "cannot_apply"


def job_from_row(row: sqlite3.Row, counts: JobCounts) -> Job:
    return Job(
        id=row["id"],
        env=row["env"],
        base_url=row["base_url"],
        scope=row["scope"],
        created=row["created"],
        kind=row["kind"],
        of_job=row["of_job"],
        change=Change.from_json(json.loads(row["change"])),
        state=row["state"],
        summary=row["summary"],
        updated=row["updated"],
        counts=counts,
        busy=bool(row["owner"]) and alive(row["owner"]),
    )


def job_user_from_row(row: sqlite3.Row, last: sqlite3.Row | None, intents: int, job_change: dict[str, Any]) -> JobUser:
    change = Change.from_json(json.loads(row["change"]) if row["change"] else job_change)
    is_result = last is not None and last["kind"] == "result"
    return JobUser(
        user_id=row["user_id"],
        email=row["email"],
        seq=row["seq"],
        outcome=row["outcome"],
        change=change,
        edits=EditSet.from_json(json.loads(row["edits"])),
        touched=touched_from_json(json.loads(row["touched"])),
        reason=row["reason"],
        status=status_of(row["outcome"], last),
        http=last["http"] if is_result and last is not None else None,
        message=(last["message"] or "") if is_result and last is not None else "",
        debug=(last["debug"] or "") if is_result and last is not None else "",
        applied=touched_from_json(json.loads(last["touched"])) if is_result and last and last["touched"] else (),
        intents=intents,
        time=last["time"] if last is not None else "",
    )
