"""The one commit path: every write of a section goes through :func:`commit_section` (the
profile save now, bulk jobs and offline drafts next; only the way the edits are made differs).

    result = await commit_section(backend, section, user_id, base, edited, trail=trail)

1. fresh GET;
2. three-way merge of the agent's edits (``base`` -> ``edited``) with what changed on the
   server meanwhile; an unresolved conflict returns ``"conflict"`` and sends nothing (call
   again with ``resolutions`` once the agent chose per field; that reads the section again);
3. body = fresh copy + the agent's edits; when that changes nothing, ``"no_changes"``;
4. audit "attempted", PUT of exactly that body, audit outcome;
5. re-read, and check it: when it does not hold the agent's changes, or differs from
   fresh-plus-edits in fields the agent did not touch, another change landed during the save
   (Spotnana publishes no ETag, so that cannot be refused, only detected): ``"overtaken"``,
   with the re-read as the new base and the agent's edits kept to apply again.

A clean save is three requests (GET, PUT, GET). A PUT that fails with 5xx or a lost connection
is never resent as it was: the section is read again; if the write landed, that is success; if
nothing changed at all, the same body (still fresh + edits) is sent again; if anything else
changed, nothing more is sent and the agent sees what changed (``"overtaken"``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.api.errors import ApiConnectionError, ApiError, ApiTimeout, SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.audit import Result as AuditResult
from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.diff import format_value
from tui.domain.edits import EditSet, edits_from, json_equal
from tui.domain.field_errors import FieldError, field_errors_from_api
from tui.domain.masking import mask_for_screen, redact_text
from tui.domain.merge import Choice, MergeResult, merge, resolve
from tui.domain.paths import ABSENT, Path, get, overlaps
from tui.domain.sections import Section

__all__ = ["CommitStatus", "CommitResult", "AuditTrail", "commit_section", "describe_landed", "safe_error_text"]

CommitStatus = Literal["ok", "no_changes", "conflict", "overtaken", "error", "unknown"]

MAX_RESENDS = 2
"""How often a PUT cut off by 5xx / a lost connection is sent again (each time only after a
re-read shows that nothing changed)."""


@dataclass(frozen=True)
class AuditTrail:
    """Where a commit records itself: the audit log, the environment, an optional job ID."""

    log: AuditLog | None
    environment: str = ""
    job_id: str | None = None


@dataclass
class CommitResult:
    status: CommitStatus
    base: JsonDoc = None
    """The copy to continue from: after ``ok`` the re-read (or the body when the re-read
    failed), after ``overtaken`` the re-read, otherwise the old base (or fresh, see below)."""
    pending: JsonDoc = None
    """After ``overtaken``: ``base`` with the agent's edits applied again (to confirm again)."""
    applied: EditSet = field(default_factory=EditSet)
    """What the PUT changed relative to the fresh copy."""
    merge: MergeResult | None = None
    """The merge with the fresh copy; on ``conflict``, ``merge.conflicts`` to choose per field."""
    landed: list[str] = field(default_factory=list)
    """After ``overtaken``: what another change did, in words ("family name is back to Lat1")."""
    error: SpotnanaError | None = None
    field_errors: list[FieldError] = field(default_factory=list)
    """After a 400: the server's complaints, per field path."""
    refetch_failed: bool = False
    requests: int = 0
    """Requests made (GETs and PUTs)."""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "no_changes")

    @property
    def message(self) -> str:
        """``landed`` as one sentence."""
        return "another change landed during the save: " + ", ".join(self.landed) if self.landed else ""


_UNKNOWN_OUTCOME = (ApiConnectionError, ApiTimeout)


def _outcome_unknown(exc: SpotnanaError) -> bool:
    """The PUT may have been applied: a 5xx, a timeout or a connection lost mid-request."""
    return isinstance(exc, _UNKNOWN_OUTCOME) or (isinstance(exc, ApiError) and exc.status >= 500)


async def commit_section(
    backend: ProfileBackend,
    section: Section,
    user_id: str,
    base: JsonDoc,
    edited: JsonDoc,
    *,
    trail: AuditTrail | None = None,
    resolutions: Mapping[Path, Choice] | None = None,
) -> CommitResult:
    """Send the agent's edits of ``section`` (``base`` -> ``edited``); see the module doc."""
    if not section.editable or not section.put_method:
        raise ValueError(f"{section.title} is read-only")
    run = _Commit(backend, section, user_id, base, edited, trail or AuditTrail(None))
    return await run.go(dict(resolutions or {}))


class _Commit:
    def __init__(
        self, backend: ProfileBackend, section: Section, user_id: str, base: JsonDoc, edited: JsonDoc, trail: AuditTrail
    ) -> None:
        self.backend, self.section, self.user_id, self.trail = backend, section, user_id, trail
        self.base, self.edited = base, edited
        self.requests = 0

    async def _read(self) -> JsonDoc:
        self.requests += 1
        return await self.backend.read_section(self.section, self.user_id)

    def _result(self, status: CommitStatus, **kw: Any) -> CommitResult:
        kw.setdefault("base", copy.deepcopy(self.base))
        return CommitResult(status, requests=self.requests, **kw)

    async def go(self, chosen: dict[Path, Choice]) -> CommitResult:
        mine = edits_from(self.base, self.edited)
        if not mine:
            return self._result("no_changes")
        try:
            fresh = await self._read()
        except SpotnanaError as exc:
            self._audit(mine, "error", exc)
            return self._result("error", error=exc)

        result = merge(self.base, fresh, self.edited)
        if not result.clean:
            if any(c.path not in chosen for c in result.conflicts):
                self._audit(
                    mine,
                    "conflict",
                    message="changed on the server meanwhile: " + ", ".join(c.label for c in result.conflicts),
                )
                return self._result("conflict", merge=result)
            body = resolve(result, chosen)
        else:
            body = result.merged
        applied = edits_from(fresh, body)
        if not applied:  # e.g. every conflict resolved as "theirs": nothing left to write
            return self._result("no_changes", base=copy.deepcopy(fresh), merge=result)
        return await self._put(fresh, body, applied, result)

    async def _put(self, fresh: JsonDoc, body: JsonDoc, applied: EditSet, result: MergeResult) -> CommitResult:
        trail = self.trail
        attempt = AuditLog.new_attempt() if trail.log is not None else None
        self._audit(applied, "attempted", attempt=attempt)
        for resend in range(MAX_RESENDS + 1):
            try:
                self.requests += 1
                await self.backend.write_section(self.section, self.user_id, body)
            except SpotnanaError as exc:
                if not _outcome_unknown(exc):
                    self._audit(applied, "error", exc, attempt=attempt)
                    errors = (
                        field_errors_from_api(exc, self.section)
                        if isinstance(exc, ApiError) and exc.status == 400
                        else []
                    )
                    return self._result("error", merge=result, applied=applied, error=exc, field_errors=errors)
                try:  # did it land? never resend a body that may be stale
                    now = await self._read()
                except SpotnanaError:
                    self._audit(applied, "unknown", exc, attempt=attempt)
                    return self._result("unknown", merge=result, applied=applied, error=exc)
                if json_equal(now, body):
                    return self._done(body, now, applied, result, attempt)
                if json_equal(now, fresh) and resend < MAX_RESENDS:
                    continue  # nothing changed: the same body is still fresh + edits
                if json_equal(now, fresh):
                    self._audit(applied, "error", exc, attempt=attempt)
                    return self._result("error", merge=result, applied=applied, error=exc)
                return self._overtaken(fresh, body, now, applied, result, attempt, exc)
            else:
                break
        try:
            now = await self._read()
        except SpotnanaError:
            self._audit(applied, "ok", attempt=attempt)
            return self._result("ok", base=copy.deepcopy(body), applied=applied, merge=result, refetch_failed=True)
        if not json_equal(now, body):
            return self._overtaken(fresh, body, now, applied, result, attempt)
        return self._done(body, now, applied, result, attempt)

    def _done(
        self, body: JsonDoc, now: JsonDoc, applied: EditSet, result: MergeResult, attempt: str | None
    ) -> CommitResult:
        self._audit(applied, "ok", attempt=attempt)
        return self._result("ok", base=copy.deepcopy(now), applied=applied, merge=result)

    def _overtaken(
        self,
        fresh: JsonDoc,
        body: JsonDoc,
        now: JsonDoc,
        applied: EditSet,
        result: MergeResult,
        attempt: str | None,
        exc: SpotnanaError | None = None,
    ) -> CommitResult:
        landed = describe_landed(self.section, fresh, body, now, applied)
        self._audit(applied, "overtaken", exc, attempt=attempt, message="; ".join(landed))
        again = merge(self.base, now, self.edited)
        pending = resolve(again, {c.path: "mine" for c in again.conflicts}) if again.conflicts else again.merged
        return self._result(
            "overtaken",
            base=copy.deepcopy(now),
            pending=pending,
            applied=applied,
            merge=result,
            landed=landed,
            error=exc,
        )

    def _audit(
        self,
        edits: EditSet,
        outcome: AuditResult,
        exc: SpotnanaError | None = None,
        *,
        attempt: str | None = None,
        message: str | None = None,
    ) -> None:
        log = self.trail.log
        if log is None:
            return
        text = message or safe_error_text(exc)
        if text:
            text = redact_text(text, self.section.model, (self.base, self.edited), self.section.masked_paths)
        log.record_edit(
            environment=self.trail.environment,
            user_id=self.user_id,
            section=self.section,
            edits=edits,
            result=outcome,
            status=getattr(exc, "status", None),
            debug_identifier=getattr(exc, "debug_identifier", None),
            message=text,
            attempt=attempt,
            job_id=self.trail.job_id,
        )


def describe_landed(section: Section, fresh: JsonDoc, sent: JsonDoc, now: JsonDoc, applied: EditSet) -> list[str]:
    """What the server holds that differs from what was sent, in words, masked where the
    section masks: "family name is back to Lat1" (an edit of the agent's undone), "middle
    name changed" (a field the agent did not touch)."""
    out: list[str] = []
    for e in edits_from(sent, now):
        label = section.label(e.path).lower() if e.path else section.noun
        if any(overlaps(e.path, a.path) for a in applied):
            value = get(now, e.path)
            if value is ABSENT:
                out.append(f"{label} was removed")
                continue
            shown = _shown(section, e.path, value)
            back = json_equal(value, get(fresh, e.path))
            out.append(f"{label} is {'back to' if back else 'now'} {shown}")
        else:
            out.append(f"{label} changed")
    return list(dict.fromkeys(out))


def _shown(section: Section, path: Path, value: Any) -> str:
    return format_value(mask_for_screen(section, path, value), 40)


def safe_error_text(exc: SpotnanaError | None) -> str | None:
    """An error line for the audit log: for API errors only status and error codes (a server
    message may quote the rejected value, which may be PII)."""
    if exc is None:
        return None
    if isinstance(exc, ApiError):
        codes = ", ".join(exc.error_codes)
        return f"{exc.status} {exc.reason}" + (f" [{codes}]" if codes else "")
    return f"{type(exc).__name__}: {exc}"
