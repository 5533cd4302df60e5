"""Pushing one draft from the app (:func:`push_draft`), for the profile tab that holds it and the
drafts screen alike, and what a save asks the agent (:class:`SaveDialogs`, which the screens
provide: the usual diff confirm and conflict view, never copies of them).

1. :func:`~tui.domain.drafts.plan_push`: the section read again, merged three ways (the draft's
   base, the fresh copy, the agent's edits); sends nothing;
2. the server already says what the draft says: "already as the draft says", the draft goes;
3. a conflict: the conflict view (mine / theirs per field, or "discard mine", which drops the
   draft), then :func:`~tui.domain.drafts.resolve`;
4. the diff confirm of what would change on the server now (fresh -> body);
5. confirmed: :func:`~tui.domain.drafts.finish_push` (the one commit path: GET, PUT, audit,
   re-read) and the draft is gone once it lands. Declined, refused or failed: the draft stays,
   and the outcome says so.

A read that fails (the server cannot be reached, a 404) is an outcome in words; anything
unexpected is left to the caller's worker, so the app's one handler reports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol

from tui.api.errors import SpotnanaError
from tui.domain.diff import DiffLine, summary
from tui.domain.merge import ConflictDecision, MergeResult
from tui.domain.paths import Path
from tui.domain.sections import Section
from tui.domain.warnings import ProfileWarning
from tui.ui.backend import ERROR_TITLES, classify_error

if TYPE_CHECKING:
    from tui.domain.commit import AuditTrail, CommitResult
    from tui.domain.drafts import Draft, PushPlan
    from tui.ui.drafts_wiring import AppDrafts

__all__ = ["SaveDialogs", "SaveMode", "SaveAnswer", "Reveal", "PushOutcome", "push_draft"]

log = logging.getLogger("tui.ui.drafts")

Reveal = Callable[[list[Path]], None]
SaveMode = Literal["send", "send_or_park", "draft"]
"""What the diff confirm offers: send (``y``); send or save as a draft (``y`` / ``d``); or,
offline, save as a draft only (``y`` says "Save as draft")."""
SaveAnswer = Literal["send", "draft"] | None


class SaveDialogs(Protocol):
    """What a save asks the agent (the screen that hosts a profile tab, or the drafts screen)."""

    async def confirm_save(
        self,
        section: Section,
        lines: list[DiffLine],
        target: str,
        on_reveal: Reveal,
        warnings: Sequence[ProfileWarning] = (),
        *,
        mode: SaveMode = "send",
        note: str = "",
    ) -> SaveAnswer: ...

    async def decide_conflict(
        self, section: Section, merge: MergeResult, on_reveal: Reveal
    ) -> ConflictDecision | None: ...


PushStatus = Literal["pushed", "unchanged", "declined", "dropped", "kept", "failed"]


@dataclass
class PushOutcome:
    status: PushStatus
    """``pushed`` (sent, the draft gone), ``unchanged`` (nothing to send, the draft gone),
    ``dropped`` (the agent discarded it at the conflict), ``declined`` (Esc / n: kept),
    ``kept`` (it cannot go as it is: kept), ``failed`` (the server refused or could not be
    reached: kept)."""
    message: str
    severity: str = "information"
    result: CommitResult | None = None
    fresh: Any = None
    """The server's copy the push was planned on (after "discard mine": what stands)."""

    @property
    def gone(self) -> bool:
        """The draft is no longer kept."""
        return self.status in ("pushed", "unchanged", "dropped")


def _error_text(draft: Draft, exc: BaseException, docs: Sequence[Any] = ()) -> str:
    from tui.domain.masking import redact_text

    error = classify_error(exc)
    sec = draft.section
    text = f"{ERROR_TITLES.get(error.kind, 'error')}: {error.message}"
    return redact_text(text, sec.model, [draft.base, *docs], sec.masked_paths)


async def push_draft(
    drafts: AppDrafts,
    draft: Draft,
    dialogs: SaveDialogs,
    trail: AuditTrail,
    *,
    target: str = "",
    on_reveal: Reveal | None = None,
    today: Callable[[], date] = date.today,
    note: str = "",
) -> PushOutcome:
    """Push ``draft`` through its plan, the agent's choices and confirm (see the module doc)."""
    from tui.domain.drafts import DraftError, plan_push, resolve
    from tui.domain.editing import SectionEditor
    from tui.ui.drafts_wiring import DraftsUnavailableError

    sec = draft.section
    backend = drafts.backend
    reveal = on_reveal or SectionEditor(backend, sec, draft.user_id, trail).record_reveal
    kept = "the draft is kept"
    try:
        store = await drafts.store()
        plan = await plan_push(backend, draft)
    except DraftsUnavailableError as exc:
        return PushOutcome("failed", f"{exc}: nothing was sent.", "error")
    except SpotnanaError as exc:
        why = _error_text(draft, exc)
        return PushOutcome("failed", f"Could not read {sec.noun} from the server ({why}): {kept}.", "error")
    if plan.problem:
        return PushOutcome("kept", f"{_sentence(plan.problem)} Nothing was sent.", "warning")
    body = plan.body
    lines = plan.lines
    if plan.unchanged:
        done = f"Already as the draft says: the server's {sec.noun} need nothing sent; the draft is gone."
        return await _finish(drafts, store, draft, plan, plan.body, trail, done=done)
    if body is None:  # a conflict: the agent chooses per field
        assert plan.merge is not None
        decision = await dialogs.decide_conflict(sec, plan.merge, reveal)
        if decision is None:
            return PushOutcome("declined", f"Nothing was sent; {kept}.")
        if decision.action == "discard":
            await drafts.delete(draft.id)
            return PushOutcome(
                "dropped", f"Draft dropped: the server's {sec.noun} stand, nothing was sent.", fresh=plan.fresh
            )
        try:
            body = resolve(plan, decision.choices)
        except DraftError as exc:
            return PushOutcome("kept", f"{_sentence(str(exc))} Nothing was sent; {kept}.", "warning")
        lines = plan.lines_for(body)
    if not lines:  # every field the server's way: nothing left to send, the draft goes
        done = f"Nothing left to send: the server's {sec.noun} stand as you chose; the draft is gone."
        return await _finish(drafts, store, draft, plan, body, trail, done=done)
    from tui.domain.warnings import warnings_for

    answer = await dialogs.confirm_save(sec, lines, target, reveal, warnings_for(sec, body, today=today()), note=note)
    if answer != "send":
        return PushOutcome("declined", f"Nothing was sent; {kept}.")
    return await _finish(drafts, store, draft, plan, body, trail, what=summary(sec, lines))


async def _finish(
    drafts: AppDrafts,
    store: Any,
    draft: Draft,
    plan: PushPlan,
    body: Any,
    trail: AuditTrail,
    *,
    done: str = "",
    what: str = "",
) -> PushOutcome:
    from tui.domain.drafts import DraftError, finish_push

    sec = draft.section
    kept = "the draft is kept"
    try:
        result = await finish_push(drafts.backend, store, draft, plan, body, trail)
    except DraftError as exc:
        return PushOutcome("kept", f"{_sentence(str(exc))} Nothing was sent; {kept}.", "warning")
    log.info("draft #%d push: %s", draft.id, result.status)
    if result.status == "no_changes":
        text = done or f"Already as the draft says: the server's {sec.noun} need nothing sent; the draft is gone."
        return PushOutcome("unchanged", text, result=result)
    if result.status == "ok":
        merged = result.merge.server_changes if result.merge is not None else ()
        also = ""
        if merged:
            fields = ", ".join(dict.fromkeys(sec.label(e.path).lower() for e in merged))
            also = f" Kept what changed on the server meanwhile: {fields}."
        warn = " (re-reading failed: showing what was sent)" if result.refetch_failed else ""
        text = f"Pushed: {what or summary(sec, draft.lines())}{warn}; the draft is gone.{also}"
        return PushOutcome("pushed", text, result=result)
    if result.status == "conflict":
        return PushOutcome(
            "failed",
            f"The {sec.noun} changed on the server again while you reviewed: nothing was sent; {kept}. Push it again.",
            "warning",
            result=result,
        )
    if result.status == "overtaken":
        return PushOutcome(
            "failed",
            f"Sent, but {result.message}: {kept}; push it again to review what is left.",
            "warning",
            result=result,
        )
    error = _error_text(draft, result.error, [body]) if result.error is not None else "unknown error"
    if result.status == "unknown":
        return PushOutcome(
            "failed",
            f"The push may or may not have reached the server ({error}): {kept}; push it again to check (it reads first).",
            "error",
            result=result,
        )
    return PushOutcome("failed", f"Not sent: {error}. The draft is kept.", "error", result=result)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""
