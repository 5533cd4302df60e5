"""The drafts part of a profile tab (:class:`~tui.ui.widgets.profile_section.SectionPane`, kept
apart to keep that file short).

- A tab whose section has a draft opens on it: the draft's base as the copy, its edits applied as
  pending edits (what the agent had typed), the tab's line saying so ("1 draft …").
- Offline, saving keeps the edits as a draft (the same diff first, "Save as draft" instead of
  "Send"): "Draft saved · push it when back online", the form stays as edited. Online, the
  diff's ``d`` parks them as a draft the same way; nothing is sent.
- Online, saving a tab that has a draft pushes it (:func:`~tui.ui.draft_push.push_draft`: fresh
  read, three-way merge, the conflict view if need be, the diff to confirm): the draft goes once
  it lands; declined or failed, it stays. Edits typed on top of the draft are kept in it first.

The form holding exactly the draft's edits counts as saved (no dirty mark, nothing asked when
leaving): the draft keeps them.
"""

from __future__ import annotations

import copy
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tui.domain.edits import json_equal
from tui.ui.draft_push import PushOutcome, SaveMode, push_draft
from tui.ui.drafts_wiring import AppDrafts, DraftsUnavailableError, drafts_for

if TYPE_CHECKING:
    from tui.domain.drafts import Draft

__all__ = ["DraftPaneMixin", "PaneDraftChanged"]

log = logging.getLogger("tui.ui.profile")

if TYPE_CHECKING:  # the widget it is mixed into
    from textual.widget import Widget as _Host
else:
    _Host = object


class PaneDraftChanged(Message):
    """A tab's section got a draft or lost it (the screen relabels its tabs)."""

    def __init__(self, pane: Any, has_draft: bool) -> None:
        super().__init__()
        self.pane = pane
        self.has_draft = has_draft


class DraftPaneMixin(_Host):
    """The pane gives ``editor``, ``section``, ``form``, ``dialogs``, ``target_name``, ``today``,
    ``offline``, ``cached_note``, ``_status``, ``_set_dirty``, ``_typed_since``, ``_show_copy``,
    ``_record_reveal`` and ``Saved``."""

    editor: Any
    section: Any
    form: Any
    dialogs: Any
    target_name: str
    today: Any
    offline: bool
    cached_note: str
    Saved: Any
    section_draft: Draft | None = None
    """The draft of this user and section (None: none, or not looked for yet)."""
    user_label = ""
    """How the draft names the user ("Ann Lee <ann@example.org>"), set by the screen."""

    def _status(self, text: Any, error: bool = False, retry: bool | None = None, note: bool = False) -> None:
        raise NotImplementedError

    def _set_dirty(self) -> None:
        raise NotImplementedError

    def _typed_since(self, shown: Any) -> Any:
        raise NotImplementedError

    def _show_copy(self, base: Any, pending: Any = None, typed: Any = None) -> list[str]:
        raise NotImplementedError

    def _record_reveal(self, paths: Any) -> None:
        raise NotImplementedError

    # -- what the tab holds ------------------------------------------------------------------
    @property
    def drafts(self) -> AppDrafts | None:
        """The app's drafts (None: this backend keeps none, or the section is read-only)."""
        return drafts_for(self.editor.backend) if self.section.editable else None

    def save_mode(self) -> SaveMode:
        if self.drafts is None:
            return "send"
        return "draft" if self.offline else "send_or_park"

    def matches_draft(self, value: Any) -> bool:
        """``value`` is exactly what the draft keeps (nothing unsaved)."""
        return self.section_draft is not None and json_equal(value, self.section_draft.edited)

    def draft_value(self) -> Any:
        """What the form shows when nothing is typed: the draft's edits, or the base (None)."""
        return copy.deepcopy(self.section_draft.edited) if self.section_draft is not None else None

    def _set_draft(self, draft: Draft | None) -> None:
        self.section_draft = draft
        self.post_message(PaneDraftChanged(self, draft is not None))

    async def find_draft(self) -> Draft | None:
        """The section's draft, before loading (a cache that cannot say: no draft, logged)."""
        drafts = self.drafts
        draft = None
        if drafts is not None:
            try:  # (which sections have one needs no keyring: the key is asked for only to read one)
                if self.section.key in await drafts.sections_with_drafts(self.editor.user_id):
                    draft = await drafts.get(self.section, self.editor.user_id)
            except (DraftsUnavailableError, sqlite3.Error) as exc:
                log.info("drafts of %s not read: %s", self.section.key, exc)
        if draft is not None or self.section_draft is not None:
            self._set_draft(draft)
        return draft

    def status_note(self) -> str:
        """The tab's quiet line: its draft, else (offline) how old the cached copy is."""
        draft = self.section_draft
        if draft is None:
            return self.cached_note if self.offline else ""
        from tui.domain.drafts import age_text

        made = "made offline" if draft.offline else "parked"
        head = f"1 draft ({made} {age_text(draft.age_seconds())}), not sent"  # (the form's • marks its edits)
        if self.offline:
            return f"{head} · push it when back online"
        return f"{head} · Ctrl+S pushes it"

    def _show_note(self) -> None:
        self._status(self.status_note(), note=True)

    # -- keeping and pushing -----------------------------------------------------------------
    async def keep_as_draft(self, edited: Any, *, offline: bool) -> bool:
        """Keep the form's edits (on the copy they were made on) as the section's draft."""
        from tui.domain.drafts import DraftError

        drafts = self.drafts
        if drafts is None:
            self.notify("No drafts here: nothing was kept.", title=self.section.title, severity="error")
            return False
        label = self.user_label or self.target_name
        try:
            draft = await drafts.save(
                self.section, self.editor.user_id, self.editor.base, edited, user_label=label, offline=offline
            )
        except (DraftError, DraftsUnavailableError) as exc:
            self.notify(
                f"Not kept as a draft: {exc}. Your edits stay in the form.",
                title=self.section.title,
                severity="error",
                timeout=12,
            )
            return False
        if self.form is not None and not json_equal(self.form.value, edited):  # ($EDITOR's edits)
            self.form.reset(copy.deepcopy(self.editor.base), copy.deepcopy(edited))
        self._set_draft(draft)
        self._set_dirty()
        self._show_note()
        where = "push it when back online" if offline else "nothing sent · Ctrl+S pushes it"
        self.notify(f"Draft saved · {where}", title=self.section.title)
        return True

    async def push_from_form(self, edited: Any) -> bool:
        """Online, a save of a tab that has a draft: the draft (with what was typed on top of
        it) goes through the draft push path. True once it is gone."""
        from tui.domain.drafts import DraftError

        draft, drafts = self.section_draft, self.drafts
        assert draft is not None and drafts is not None
        if not json_equal(edited, draft.edited):
            try:
                draft = await drafts.save(
                    self.section,
                    self.editor.user_id,
                    self.editor.base,
                    edited,
                    user_label=self.user_label or draft.user_label or self.target_name,
                    offline=draft.offline,
                )
            except (DraftError, DraftsUnavailableError) as exc:
                self.notify(
                    f"Not sent: {exc}. Your edits stay in the form.", title=self.section.title, severity="error"
                )
                return False
            self._set_draft(draft)
            self._set_dirty()
        shown = self.form.value if self.form is not None else edited
        self._status("Pushing the draft… (you can keep typing: it stays as pending edits)")
        try:
            outcome = await push_draft(
                drafts,
                draft,
                self.dialogs,
                self.editor.trail,
                target=self.target_name,
                on_reveal=self._record_reveal,
                today=self.today,
            )
        finally:
            self._show_note()
        return self.after_push(outcome, shown)

    def after_push(self, outcome: PushOutcome, shown: Any) -> bool:
        """Say how the push went; once the draft is gone, the tab shows the server's copy (and
        what was typed meanwhile, as pending edits)."""
        self.notify(outcome.message, title=self.section.title, severity=outcome.severity, timeout=12)  # type: ignore[arg-type]
        if not outcome.gone:
            return False
        base = outcome.result.base if outcome.result is not None else outcome.fresh
        typed = self._typed_since(shown)
        self.editor.base = copy.deepcopy(base)
        self._set_draft(None)
        self._show_copy(base, typed=typed)
        self._show_note()
        if outcome.status == "pushed" and outcome.result is not None:
            self.post_message(self.Saved(self, outcome.result))
        return True
