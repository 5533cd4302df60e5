"""The apply loop of a bulk job: each planned user through the one commit path, journaled.

    job_id = journal.create_job(plan, env="prod", base_url=..., scope=...)
    runner = JobRunner(backend, journal, job_id, concurrency=4, audit=AuditTrail(log, "prod"))
    report = await runner.run()             # or run("failed") to retry the failed users
    runner.pause(); runner.resume(); runner.cancel()   # from the UI, while run() goes on

Per user: an ``intent`` row (committed), then :func:`tui.domain.commit.commit_section` with
base = the touched fields' values as planned and edited = their planned new values
(:func:`tui.domain.bulk.commit_docs`): a fresh GET, the three-way merge, the PUT of fresh copy
plus edits, the re-read; each write audited with the job's ID. Then a ``result`` row:

- ``changed``: written (a ``no_changes`` after an earlier intent too: that write had landed,
  nothing is sent twice);
- ``already``: the server held the planned values already and no write of ours was attempted;
- ``skipped``: a touched field no longer holds what the preview showed ("changed since
  preview"), or another change landed during the save and took our field; never overwritten;
- ``failed``: the server refused, or its errors outlasted the client's and the commit path's
  retries (the message and ``debugIdentifier`` say why); the job goes on.

Activate / deactivate go through ``backend.set_active`` (after a ``GET /v2/users/{id}`` shows
whether it is still needed), journaled and audited alike.

Concurrency is bounded (``concurrency`` workers, default ``bulk.concurrency`` from the config,
given by the caller) and every request passes one :class:`tui.domain.rate_gate.RateGate`: a
429 holds every worker. A user whose write got a 429 even after the client's own retries is
put back in the queue (up to :data:`MAX_REQUEUES` times) instead of failing.

Pause lets in-flight users finish and takes no new one; cancel does the same and leaves the job
resumable (state ``cancelled``). A job is run by one process at a time (a claim in the journal;
one left by a killed process is taken over). :meth:`JobRunner.run` on a job that was interrupted (kill -9)
runs its pending users and those with an intent but no result: the commit path re-reads them,
and one whose server copy holds the planned values already is counted done with no second PUT.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from tui.api.errors import ApiConnectionError, ApiError, ApiTimeout, SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.backend import ProfileBackend
from tui.domain.bulk import Change, Touched, commit_docs, describe_paths
from tui.domain.bulk_plan import Plan, PlanProgress, UserRef, plan
from tui.domain.commit import AuditTrail, CommitResult, commit_section, safe_error_text
from tui.domain.edits import ApplyError, json_equal
from tui.domain.jobs import JobState, JobUser, Journal, ResultStatus
from tui.domain.masking import redact_text
from tui.domain.paths import get
from tui.domain.rate_gate import GatedBackend, RateGate
from tui.domain.sections import Section

__all__ = [
    "MAX_REQUEUES",
    "DEFAULT_CONCURRENCY",
    "JobProgress",
    "JobReport",
    "JobRunner",
    "JobError",
    "plan_undo",
    "Which",
]

DEFAULT_CONCURRENCY = 4
MAX_REQUEUES = 5
"""How often a user whose request got a 429 after the client's retries goes back in the queue."""

Which = Literal["pending", "failed"]
"""``pending``: users not tried yet and those interrupted (resume); ``failed``: retry them."""


_Outcome = tuple[ResultStatus, int | None, str, str | None, tuple[Touched, ...]]
"""A user's result: status, HTTP status, message, debugIdentifier, touched fields as written."""


class JobError(ValueError):
    """A job cannot be run or undone as asked (``str()`` says why)."""


@dataclass(frozen=True)
class JobProgress:
    """Where a run is, sent to ``on_progress`` after every user and on pause / resume / cancel."""

    job_id: str
    total: int
    """Users this run tries."""
    done: int = 0
    changed: int = 0
    skipped: int = 0
    failed: int = 0
    already: int = 0
    elapsed: float = 0.0
    state: str = "running"
    """``running`` / ``paused`` / ``cancelling`` / ``finished`` / ``cancelled``."""
    in_flight: int = 0
    waiting: float = 0.0
    """Seconds every worker is held after a 429 (0 when not)."""

    @property
    def rate(self) -> float:
        """Users a second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far (None before the first user)."""
        return (self.total - self.done) / self.rate if self.done and self.rate > 0 else None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass(frozen=True)
class JobReport:
    """How a run ended: its last progress and whether the job has users left to try."""

    progress: JobProgress
    unfinished: bool

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing was skipped, nothing is left."""
        p = self.progress
        return not (p.failed or p.skipped or self.unfinished)


def _labels(section: Section | None, paths: Iterable[Any]) -> str:
    return describe_paths(section, [tuple(p) for p in paths])


class JobRunner:
    """Runs one job of ``journal`` over ``backend`` (see the module doc)."""

    def __init__(
        self,
        backend: ProfileBackend,
        journal: Journal,
        job_id: str,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        audit: AuditTrail | None = None,
        gate: RateGate | None = None,
        on_progress: Callable[[JobProgress], object] | None = None,
    ) -> None:
        self.journal = journal
        self.job = journal.job(job_id)
        self.concurrency = max(1, int(concurrency))
        self.gate = gate or RateGate(self.concurrency)
        self.backend = GatedBackend(backend, self.gate)
        trail = audit or AuditTrail(None)
        self.trail = AuditTrail(trail.log, trail.environment or self.job.env, job_id)
        self.on_progress = on_progress
        self._go = asyncio.Event()
        self._go.set()
        self._cancelled = False
        self._progress = JobProgress(job_id, 0)
        self._started = time.monotonic()

    # -- control (from the UI, while run() goes on) ---------------------------------------

    @property
    def progress(self) -> JobProgress:
        return replace(
            self._progress,
            elapsed=time.monotonic() - self._started,
            in_flight=self.gate.in_flight,
            waiting=self.gate.waiting,
        )

    def pause(self) -> None:
        """Take no new user; in-flight ones finish."""
        if not self._cancelled and self._go.is_set():
            self._go.clear()
            self.journal.set_state(self.job.id, "paused")
            self._emit(state="paused")

    def resume(self) -> None:
        if not self._cancelled and not self._go.is_set():
            self.journal.set_state(self.job.id, "running")
            self._go.set()
            self._emit(state="running")

    def cancel(self) -> None:
        """Stop sending: in-flight users finish, the others stay pending (resumable)."""
        if not self._cancelled:
            self._cancelled = True
            self._go.set()
            self._emit(state="cancelling")

    @property
    def paused(self) -> bool:
        return not self._go.is_set()

    def _emit(self, **changes: Any) -> None:
        self._progress = replace(self._progress, **changes)
        if self.on_progress is not None:
            self.on_progress(self.progress)

    # -- the loop --------------------------------------------------------------------------

    async def run(self, which: Which = "pending") -> JobReport:
        """Try the job's users that ``which`` names, ``concurrency`` at a time; returns once
        every one has a result, or after a cancel (the rest stay pending)."""
        claim = self.journal.claim(self.job.id)  # JobBusy when another process runs it
        try:
            return await self._run(which)
        finally:
            self.journal.release(self.job.id, claim)

    async def _run(self, which: Which) -> JobReport:
        statuses = ("pending", "in_doubt") if which == "pending" else ("failed",)
        users = self.journal.users(self.job.id, statuses)
        self._started = time.monotonic()
        self._progress = JobProgress(self.job.id, len(users))
        if users:
            self.journal.set_state(self.job.id, "running")
        queue: deque[tuple[JobUser, int]] = deque((u, 0) for u in users)
        self._emit(state="running")

        async def worker() -> None:
            while queue:
                await self._go.wait()
                if self._cancelled or not queue:
                    return
                user, requeues = queue.popleft()
                status = await self._one(user, requeues < MAX_REQUEUES)
                if status is None:  # a 429 outlasted the client's retries: later again
                    queue.append((user, requeues + 1))
                    continue
                self._count(status)

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, max(1, len(users))))))
        left = self.journal.job(self.job.id).unfinished
        state: JobState = "cancelled" if self._cancelled and left else ("finished" if not left else "paused")
        self.journal.set_state(self.job.id, state)
        self._emit(state=state)
        return JobReport(self.progress, left)

    def _count(self, status: ResultStatus) -> None:
        p = self._progress
        self._emit(done=p.done + 1, **{status: getattr(p, status) + 1})

    async def _one(self, user: JobUser, may_requeue: bool) -> ResultStatus | None:
        """One user's write: intent, commit, result. None: put back in the queue (429)."""
        had_intent = user.intents > 0
        self.journal.intent(self.job.id, user.user_id)
        outcome: _Outcome | None
        if user.change.section is None:
            outcome = await self._status(user, had_intent)
        else:
            outcome = await self._section(user, user.change.section, had_intent)
        if outcome is None and may_requeue:
            return None
        gave_up: _Outcome = ("failed", 429, "the server kept answering 429 (too many requests)", None, ())
        status, http, message, debug, applied = outcome if outcome is not None else gave_up
        self.journal.result(self.job.id, user.user_id, status, http=http, message=message, debug=debug, applied=applied)
        return status

    async def _section(self, user: JobUser, section: Section, had_intent: bool) -> _Outcome | None:
        base, edited = commit_docs(user.touched)
        try:
            result = await commit_section(self.backend, section, user.user_id, base, edited, trail=self.trail)
        except ApplyError:
            return (
                "skipped",
                None,
                "changed since preview: a field around the change is no longer an object",
                None,
                (),
            )
        return self._judge(user, section, result, had_intent, (base, edited))

    def _judge(
        self, user: JobUser, section: Section, r: CommitResult, had_intent: bool, docs: tuple[Any, Any]
    ) -> _Outcome | None:
        paths = [t.path for t in user.touched]
        if r.status == "ok":
            fresh = r.merge.fresh if r.merge is not None else base_of(user.touched)
            applied = tuple(Touched(p, get(fresh, p), get(r.base, p)) for p in paths)
            return ("changed", None, "", None, applied)
        if r.status == "no_changes":
            if had_intent:
                return ("changed", None, "the write before the interruption had landed", None, ())
            return ("already", None, "already as asked when applied", None, ())
        if r.status == "conflict":
            where = _labels(section, r.merge.conflict_paths if r.merge else paths)
            return ("skipped", None, f"changed since preview: {where}", None, ())
        if r.status == "overtaken":
            now = r.base
            if all(json_equal(get(now, t.path), t.post) for t in user.touched):
                return ("changed", None, "written; another change landed during the save", None, ())
            return ("skipped", None, "another change landed during the save and changed the same fields", None, ())
        exc = r.error
        if isinstance(exc, ApiError) and exc.status == 429:
            return None
        http = exc.status if isinstance(exc, ApiError) else None
        debug = getattr(exc, "debug_identifier", None)
        text = safe_error_text(exc) or r.status
        if r.status == "unknown":
            text = f"the write may have landed, the section could not be read after it ({text}); retry checks"
        text = redact_text(text, section.model, docs, section.masked_paths)
        return ("failed", http, text, debug, ())

    async def _status(self, user: JobUser, had_intent: bool) -> _Outcome | None:
        want = bool(user.touched[0].post) if user.touched else True
        action = "activate" if want else "deactivate"
        try:
            profile = await self.backend.get_user(user.user_id)
        except SpotnanaError as exc:
            return self._status_error(exc)
        if (profile.get("isActive") is not False) == want:
            if had_intent:
                return ("changed", None, "the write before the interruption had landed", None, ())
            return ("already", None, "already as asked when applied", None, ())
        log = self.trail.log
        attempt = AuditLog.new_attempt() if log is not None else None
        self._audit_status(user.user_id, action, "attempted", attempt)
        try:
            await self.backend.set_active(user.user_id, want)
        except SpotnanaError as exc:
            landed = await self._landed(user.user_id, want, exc)
            if landed:
                self._audit_status(user.user_id, action, "ok", attempt)
                return ("changed", None, "", None, user.touched)
            self._audit_status(user.user_id, action, "error", attempt, exc)
            return self._status_error(exc)
        self._audit_status(user.user_id, action, "ok", attempt)
        return ("changed", None, "", None, user.touched)

    async def _landed(self, user_id: str, want: bool, exc: SpotnanaError) -> bool:
        if not (isinstance(exc, (ApiConnectionError, ApiTimeout)) or (isinstance(exc, ApiError) and exc.status >= 500)):
            return False
        try:
            profile = await self.backend.get_user(user_id)
        except SpotnanaError:
            return False
        return (profile.get("isActive") is not False) == want

    @staticmethod
    def _status_error(exc: SpotnanaError) -> _Outcome | None:
        if isinstance(exc, ApiError) and exc.status == 429:
            return None
        http = exc.status if isinstance(exc, ApiError) else None
        return ("failed", http, safe_error_text(exc) or "failed", getattr(exc, "debug_identifier", None), ())

    def _audit_status(
        self, user_id: str, action: Any, result: Any, attempt: str | None, exc: SpotnanaError | None = None
    ) -> None:
        log = self.trail.log
        if log is None:
            return
        log.record(
            environment=self.trail.environment,
            user_id=user_id,
            section=None,
            action=action,
            result=result,
            fields=["isActive"],
            status=getattr(exc, "status", None),
            debug_identifier=getattr(exc, "debug_identifier", None),
            message=safe_error_text(exc),
            attempt=attempt,
            job_id=self.trail.job_id,
        )


def base_of(touched: Iterable[Touched]) -> Any:
    return commit_docs(touched)[0]


async def plan_undo(
    backend: ProfileBackend,
    journal: Journal,
    job_id: str,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Callable[[PlanProgress], object] | None = None,
    cancel: asyncio.Event | None = None,
    today: date | None = None,
) -> Plan:
    """The inverse of a finished job, as a plan (kind ``undo``) to preview, confirm and store
    with :meth:`Journal.create_job`: only the users the job changed, and on each only the
    fields that still hold what the job wrote (the others: "changed since the job").
    :class:`JobError` when the job still has users to try."""
    job = journal.job(job_id)
    if job.unfinished:
        n = job.counts.to_send
        raise JobError(f"job {job_id} is not finished ({n} user{'s' if n != 1 else ''} not sent yet): resume it first")
    users = journal.users(job_id, ("changed",))
    refs = [UserRef(u.user_id, email=u.email, undo_of=u.applied or u.touched) for u in users]
    change = Change(job.change.section_key, ())
    return await plan(
        backend,
        change,
        refs,
        concurrency=concurrency,
        on_progress=on_progress,
        cancel=cancel,
        environment=job.env,
        kind="undo",
        of_job=job_id,
        validate=False,
        today=today,
    )
