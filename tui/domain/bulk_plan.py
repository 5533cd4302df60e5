"""Planning a bulk change: read every user's copy, replay the change on it, nothing sent.

    result = await plan(backend, change, [UserRef(uid, "Ada Quill <ada@x.org>"), ...],
                        concurrency=4, on_progress=show, cancel=stop_event)
    result.summary()     # "412 users · 398 will change · 11 already as asked · 3 cannot apply"
    result.users[0].lines  # masked DiffLines of that user (old -> new per field)

Each user's section is read once (``GET /v2/users/{id}`` for activate / deactivate), with at
most ``concurrency`` reads in flight. ``on_progress`` gets a :class:`PlanProgress` after each
user (count, rate, ETA). Cancelling the task (asyncio) stops it; setting ``cancel`` (an
``asyncio.Event``) stops sending reads and returns the plan so far with ``complete=False``.

Per-user values (a spreadsheet row per user): give a :class:`UserRef` its own ``change``.
Undo: give it ``undo_of`` (the touched fields a job recorded); its change is then derived from
the copy read now (:func:`tui.domain.bulk.undo_change`), and fields changed since the job are
reported in ``reason``.

A :class:`Plan` serialises to JSON (:meth:`Plan.to_json`) without the users' whole copies or
labels (a label may be a legal name): the change, and per user the ID, email, outcome, edits,
the touched fields' values before and after, the reason, and the warnings' codes, paths and
messages (masked as on screen).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from tui.api.errors import SpotnanaError
from tui.domain.backend import ProfileBackend
from tui.domain.bulk import (
    Change,
    Outcome,
    Replay,
    Touched,
    check_change,
    describe_paths,
    replay,
    replay_status,
    require_valid,
    touched_from_json,
    touched_to_json,
    undo_change,
)
from tui.domain.commit import safe_error_text
from tui.domain.diff import DiffLine, lines_from_edits
from tui.domain.edits import EditSet
from tui.domain.warnings import Lookups, ProfileWarning, warnings_for

__all__ = ["UserRef", "UserPlan", "Plan", "PlanProgress", "PlanKind", "plan", "OUTCOME_WORDS"]

PlanKind = Literal["apply", "undo"]

OUTCOME_WORDS: dict[str, str] = {
    "will_change": "will change",
    "already": "already as asked",
    "cannot_apply": "cannot apply",
}


@dataclass(frozen=True)
class UserRef:
    """One user to plan for."""

    user_id: str
    label: str = ""
    """How the preview names them (e.g. the list row's name); in memory only."""
    email: str = ""
    """Their email, kept in the journal so ``bulk show`` and the jobs screen can name them
    (identifier-level PII, as the audit log's user IDs; never a legal name)."""
    change: Change | None = None
    """This user's own change (per-user values); None: the plan's change."""
    undo_of: tuple[Touched, ...] | None = None
    """For an undo: the fields the job touched on this user (``pre`` / ``post``)."""


@dataclass
class UserPlan:
    """One user's planned outcome."""

    user_id: str
    label: str
    outcome: Outcome
    change: Change
    """What is replayed for this user (the plan's change, its own, or its undo)."""
    email: str = ""
    edits: EditSet = field(default_factory=EditSet)
    touched: tuple[Touched, ...] = ()
    lines: list[DiffLine] = field(default_factory=list)
    """The diff, one line per field path; ``line.text()`` is masked as on screen."""
    warnings: list[ProfileWarning] = field(default_factory=list)
    """Domain warnings of the new copy (document expiry, name mismatch ...), masked."""
    reason: str = ""
    """``cannot_apply``: why; for an undo also the fields that changed since the job."""
    current: Any = None
    """The copy read (in memory only; never serialised)."""
    new: Any = None
    """The copy with the change (in memory only)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "email": self.email,
            "outcome": self.outcome,
            "change": self.change.to_json(),
            "edits": self.edits.to_json(),
            "touched": touched_to_json(self.touched),
            "reason": self.reason,
            "warnings": [{"code": w.code, "path": list(w.path), "message": w.message} for w in self.warnings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UserPlan:
        change = Change.from_json(data["change"])
        edits = EditSet.from_json(data.get("edits", []))
        section = change.section
        return cls(
            user_id=str(data["user_id"]),
            label=str(data.get("label", "")) or str(data.get("email", "")),
            email=str(data.get("email", "")),
            outcome=data["outcome"],
            change=change,
            edits=edits,
            touched=touched_from_json(data.get("touched", [])),
            lines=lines_from_edits(edits, section),
            warnings=[ProfileWarning(w["code"], tuple(w["path"]), w["message"]) for w in data.get("warnings", [])],
            reason=str(data.get("reason", "")),
        )


@dataclass(frozen=True)
class PlanProgress:
    """Planning progress after each user."""

    done: int
    total: int
    elapsed: float
    """Seconds since planning started."""

    @property
    def rate(self) -> float:
        """Users a second so far (0 before the first)."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far (None before the first user)."""
        if not self.done or self.elapsed <= 0:
            return None
        return (self.total - self.done) / self.rate


@dataclass
class Plan:
    """Every user's planned outcome for one change (nothing has been sent)."""

    change: Change
    users: list[UserPlan]
    environment: str = ""
    created: str = ""
    """UTC ISO 8601."""
    kind: PlanKind = "apply"
    of_job: str | None = None
    """For an undo: the job it undoes."""
    complete: bool = True
    """False when planning was cancelled before every user was read."""

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOME_WORDS, 0)
        for u in self.users:
            out[u.outcome] += 1
        return out

    def summary(self) -> str:
        """``"412 users · 398 will change · 11 already as asked · 3 cannot apply"``."""
        counts = self.counts()
        n = len(self.users)
        parts = [f"{n} user{'s' if n != 1 else ''}"] + [f"{counts[k]} {w}" for k, w in OUTCOME_WORDS.items()]
        return " · ".join(parts)

    def by_outcome(self, outcome: Outcome) -> list[UserPlan]:
        return [u for u in self.users if u.outcome == outcome]

    @property
    def will_change(self) -> list[UserPlan]:
        return self.by_outcome("will_change")

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "created": self.created,
            "kind": self.kind,
            "of_job": self.of_job,
            "complete": self.complete,
            "change": self.change.to_json(),
            "users": [u.to_json() for u in self.users],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls(
            change=Change.from_json(data["change"]),
            users=[UserPlan.from_json(u) for u in data.get("users", [])],
            environment=str(data.get("environment", "")),
            created=str(data.get("created", "")),
            kind=data.get("kind", "apply"),
            of_job=data.get("of_job"),
            complete=bool(data.get("complete", True)),
        )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _user_change(ref: UserRef, change: Change, current: Any) -> tuple[Change, str]:
    if ref.undo_of is not None:
        step = undo_change(change.section_key, ref.undo_of, current)
        moved = describe_paths(change.section, step.moved)
        return step.change, (f"changed since the job: {moved}" if moved else "")
    return (ref.change or change), ""


def _plan_of(ref: UserRef, outcome: Outcome, change: Change, **kw: Any) -> UserPlan:
    return UserPlan(ref.user_id, ref.label, outcome, change, email=ref.email, **kw)


def plan_one(
    ref: UserRef,
    change: Change,
    current: Any,
    *,
    validate: bool = True,
    today: date | None = None,
    lookups: Lookups | None = None,
) -> UserPlan:
    """One user's outcome for ``change`` on the ``current`` copy read for them (for a
    user-level change, ``{"isActive": ...}``)."""
    mine, note = _user_change(ref, change, current)
    if validate and ref.change is not None:
        problems = check_change(mine)
        if problems:
            return _plan_of(ref, "cannot_apply", mine, reason="; ".join(p.text for p in problems))
    if ref.undo_of is not None and not mine.operations:
        return _plan_of(ref, "cannot_apply", mine, reason=note or "nothing to undo", current=current)
    result: Replay
    if mine.user_level:
        result = replay_status(mine, current.get("isActive") if isinstance(current, dict) else None)
    else:
        result = replay(mine, current, check_result=ref.undo_of is None)
    section = mine.section
    reason = "; ".join(x for x in (result.reason, note) if x)
    out = _plan_of(ref, result.outcome, mine, edits=result.edits, touched=result.touched, reason=reason)
    out.current, out.new = current, result.new
    if result.outcome == "will_change":
        out.lines = lines_from_edits(result.edits, section, current, result.new)
        if section is not None:
            out.warnings = warnings_for(section, result.new, today=today, lookups=lookups)
    return out


async def _read(backend: ProfileBackend, change: Change, user_id: str) -> Any:
    section = change.section
    if section is None:
        profile = await backend.get_user(user_id)
        return {"isActive": profile.get("isActive") is not False}
    return await backend.read_section(section, user_id)


async def plan(
    backend: ProfileBackend,
    change: Change,
    users: Sequence[UserRef | str],
    *,
    concurrency: int = 4,
    on_progress: Callable[[PlanProgress], object] | None = None,
    cancel: asyncio.Event | None = None,
    environment: str = "",
    kind: PlanKind = "apply",
    of_job: str | None = None,
    validate: bool = True,
    today: date | None = None,
    lookups: Lookups | None = None,
) -> Plan:
    """Plan ``change`` for ``users`` (see the module doc). Raises
    :class:`tui.domain.bulk.ChangeError` when ``validate`` and the change is not valid; a
    user whose copy cannot be read is ``cannot_apply`` with the error (status and codes only).
    Users are listed in the order given, each once."""
    if validate and not any(isinstance(u, UserRef) and u.change is not None for u in users):
        require_valid(change)
    refs = list({r.user_id: r for r in (u if isinstance(u, UserRef) else UserRef(u) for u in users)}.values())
    results: dict[int, UserPlan] = {}
    started = time.monotonic()
    total = len(refs)
    queue = iter(enumerate(refs))

    async def worker() -> None:
        for i, ref in queue:
            if cancel is not None and cancel.is_set():
                return
            mine = ref.change or change
            try:
                current = await _read(backend, mine, ref.user_id)
            except SpotnanaError as exc:
                reason = f"could not read: {safe_error_text(exc)}"
                results[i] = _plan_of(ref, "cannot_apply", mine, reason=reason)
            else:
                results[i] = plan_one(ref, change, current, validate=validate, today=today, lookups=lookups)
            if on_progress is not None:
                on_progress(PlanProgress(len(results), total, time.monotonic() - started))

    await asyncio.gather(
        *(worker() for _ in range(max(1, min(concurrency, total or 1))))
    )  # a shared iterator: no user twice
    done = [results[i] for i in sorted(results)]
    return Plan(
        change=change,
        users=done,
        environment=environment,
        created=now_iso(),
        kind=kind,
        of_job=of_job,
        complete=len(done) == total,
    )
