"""One tab of the profile screen: a section's own load (loading / error + retry / form or
read-only tree) and its way of an edit: validate -> diff -> confirm -> the one commit path
(:mod:`tui.domain.commit`), also for a JSON edit made in $EDITOR.

The pane asks the agent through :class:`SaveDialogs` (the profile screen provides them), so
this widget imports no screen. Whatever the agent types while a save is in flight is kept:
after the save it stays as pending edits on the new copy.
Offline, it shows the cached copy and sends nothing (see section_offline.py); saving keeps a
draft, and a tab with a draft opens on it and pushes it (see section_drafts.py).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.domain.cache_backend import NotCachedError
from tui.domain.diff import summary
from tui.domain.editing import CommitResult, SectionEditor
from tui.domain.editor_doc import editor_note, mask_for_editor, unmask_from_editor
from tui.domain.edits import ApplyError, EditSet, edits_from, json_equal
from tui.domain.masking import redact_text
from tui.domain.messages import by_field, fields_to_fix
from tui.domain.paths import Path
from tui.domain.sections import Section
from tui.domain.warnings import Lookups, ProfileWarning, emails_to_look_up, warnings_for
from tui.ui.backend import ERROR_TITLES, classify_error
from tui.ui.draft_push import Reveal, SaveDialogs
from tui.ui.widgets.profile_editor import parse_edited, run_editor, strip_header, with_header, with_note
from tui.ui.widgets.profile_json import JsonView
from tui.ui.widgets.section_drafts import DraftPaneMixin
from tui.ui.widgets.section_form import SectionForm
from tui.ui.widgets.section_offline import OfflinePaneMixin
from tui.ui.widgets.warnings_view import WarningsBanner
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["SectionPane", "SaveDialogs", "Reveal"]

MAX_CONFLICT_ROUNDS = 5
LOOKUP_DELAY = 0.3  # s after the last edit before an email is looked up
log = logging.getLogger("tui.ui.profile")

EmailOwners = Callable[[str], Awaitable["tuple[str, ...] | None"]]
"""The other users that have an email (None: cannot tell)."""


class SectionPane(DraftPaneMixin, OfflinePaneMixin, ReportsWorkerErrors, Vertical):
    """States: ``idle`` (never shown), ``loading``, ``error``, ``ready``, ``uncached`` (offline,
    never cached)."""

    DEFAULT_CSS = """
    SectionPane { height: 1fr; }
    SectionPane > .pane-status { height: auto; padding: 1 2; }
    SectionPane > .pane-status.-error { color: $error; }
    SectionPane > .pane-status.-note { padding: 0 2; color: $text-muted; }
    SectionPane > #retry { margin: 0 2; }
    SectionPane > #pane-body { height: 1fr; }
    """

    class Saved(Message):
        def __init__(self, pane: SectionPane, result: CommitResult) -> None:
            super().__init__()
            self.pane = pane
            self.result = result

    class DirtyChanged(Message):
        def __init__(self, pane: SectionPane, dirty: bool) -> None:
            super().__init__()
            self.pane = pane
            self.dirty = dirty

    def __init__(
        self,
        section: Section,
        editor: SectionEditor,
        dialogs: SaveDialogs,
        *,
        target_name: str = "",
        today: Callable[[], date] = date.today,
        email_owners: EmailOwners | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.section = section
        self.editor = editor
        self.dialogs = dialogs
        self.target_name = target_name
        self.state = "idle"
        self.busy = False
        self.form: SectionForm | None = None
        self.view: JsonView | None = None
        self._dirty = False
        self._draft: tuple[str, Any] | None = None  # (editor text, form value it was based on)
        self.today = today
        self.email_owners = email_owners
        self._owners: dict[str, tuple[str, ...]] = {}  # email looked up -> the other users that have it
        self._looking_up: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-status", id="pane-status")
        yield WarningsBanner(id="pane-warnings")
        yield Button("Retry", id="retry")
        yield Vertical(id="pane-body")

    def on_mount(self) -> None:
        self.query_one("#retry").display = False

    # -- state -----------------------------------------------------------------------------
    @property
    def has_changes(self) -> bool:
        """Edits not kept anywhere (a form holding exactly its draft's edits has none)."""
        return bool(self.form is not None and self.form.has_changes and not self.matches_draft(self.form.value))

    def _status(self, text: str | Text, error: bool = False, retry: bool | None = None, note: bool = False) -> None:
        """The line above the form; ``retry`` (default: ``error``) shows the Retry button;
        ``note``: one quiet line (the cached copy's age)."""
        status = self.query_one("#pane-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        status.set_class(note and not error, "-note")
        status.display = bool(text)
        self.query_one("#retry").display = error if retry is None else retry

    # -- loading ---------------------------------------------------------------------------
    def ensure_loaded(self) -> None:
        if self.state == "idle":
            self.load()

    def load(self) -> None:
        self.state = "loading"
        self._status(f"Loading {self.section.noun}…")
        self.run_worker(self._load(), group="load", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        try:
            draft = await self.find_draft()
            if draft is not None:  # the copy the draft was made on, its edits as pending edits
                self.editor.base = copy.deepcopy(draft.base)
                await self._show(copy.deepcopy(draft.base), draft.edited)
                return
            base = await self.editor.load()
        except asyncio.CancelledError:
            raise
        except NotCachedError:
            self.show_uncached()
            return
        except Exception as exc:
            self.state = "error"
            err = classify_error(exc)
            self._status(
                Text.assemble(
                    (f"Could not load {self.section.noun}: {ERROR_TITLES.get(err.kind, 'error')}\n", "bold"),
                    err.message,
                    "\nPress Retry (or r) to try again.",
                ),
                error=True,
            )
            return
        await self._show(base)

    async def _show(self, base: Any, value: Any = None) -> None:
        body = self.query_one("#pane-body", Vertical)
        if self.section.editable:
            if self.form is None:
                self.form = SectionForm(self.section, base)
                if value is not None:
                    self.form.state.reset(base, copy.deepcopy(value))
                await body.mount(self.form)
            else:
                self.form.reset(base, copy.deepcopy(value) if value is not None else None)
        elif self.view is None:
            self.view = JsonView(self.section, base)
            await body.mount(self.view)
        else:
            self.view.set_data(base)
        self.state = "ready"
        self._show_note()
        self._set_dirty()
        self._show_warnings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retry":
            event.stop()
            self.load()

    # -- form events -----------------------------------------------------------------------
    def _set_dirty(self) -> None:
        dirty = self.has_changes
        if dirty != self._dirty:
            self._dirty = dirty
            self.post_message(self.DirtyChanged(self, dirty))

    def on_section_form_changed(self, event: Message) -> None:
        self._set_dirty()
        self._show_warnings()

    # -- warnings (never a block) ----------------------------------------------------------
    def warnings(self, doc: Any = None) -> list[ProfileWarning]:
        """The warnings of ``doc`` (default: what the form holds now)."""
        if doc is None:
            doc = self.form.value if self.form is not None else None
        if doc is None:
            return []
        return warnings_for(self.section, doc, today=self.today(), lookups=Lookups(emails=self._owners))

    def _show_warnings(self) -> None:
        found = self.warnings()
        missing = [
            e for e in emails_to_look_up(self.section, self.form.value if self.form else None) if e not in self._owners
        ]
        if missing and self.email_owners is not None and missing != self._looking_up:
            self._looking_up = missing
            self.run_worker(partial(self._look_up, missing), group="warn-lookup", exclusive=True, exit_on_error=False)
        self.query_one("#pane-warnings", WarningsBanner).show(found)
        if self.form is not None:
            self.form.set_warnings(found)

    def on_section_form_reveal_requested(self, event: Any) -> None:
        path = tuple(getattr(event, "path", ()))
        self._record_reveal([path])
        if self.form is not None:
            self.form.reveal(path)

    def _record_reveal(self, paths: list[Path]) -> None:
        self.editor.record_reveal(paths)

    def discard(self) -> None:
        """Drop the agent's edits: the form shows the base copy again."""
        if self.form is not None and self.editor.base is not None:
            self.form.reset(copy.deepcopy(self.editor.base), self.draft_value())
        self._draft = None
        self._set_dirty()

    def _can_edit(self, what: str) -> bool:
        if not self.section.editable:
            self.notify(f"{self.section.title} is read-only.", severity="warning")
            return False
        if self.state == "uncached":
            self.notify(f"{self.section.title} is not cached: there is nothing to {what} offline.", severity="warning")
            return False
        if self.state != "ready" or self.form is None:
            self.notify(f"{self.section.title} is not loaded yet.", severity="warning")
            return False
        if self.busy:
            self.notify(f"Still busy with {self.section.noun}: {what} after it.", severity="warning")
            return False
        return True

    async def _look_up(self, emails: list[str]) -> None:
        owners_of = self.email_owners
        if owners_of is None:
            return
        await asyncio.sleep(LOOKUP_DELAY)  # a newer edit cancels this one (exclusive worker)
        for email in emails:
            try:
                owners = await owners_of(email)
            except Exception:
                log.info("email lookup for the %s warnings failed", self.section.key, exc_info=True)
                return
            if owners is not None:
                self._owners[email] = owners
        self._looking_up = []
        self._show_warnings()

    # -- saving ----------------------------------------------------------------------------
    @work(group="save", exit_on_error=False)
    async def save(self) -> None:
        if not self._can_edit("save"):
            return
        self.busy = True
        try:
            edited = self.form.value
            problems = [(tuple(p), m) for p, m in self.form.validate()]
            problems = by_field(problems + [(e.path, e.message) for e in self.editor.validate(edited)])
            problems = self.without_not_cached(problems)
            if problems:
                self._show_field_errors(problems)
                self.notify(f"{fields_to_fix(problems)} before saving.", title=self.section.title, severity="error")
                return
            await self._confirm_and_commit(edited)
        except Exception as exc:
            self._unexpected("save", exc)
        finally:
            self.busy = False

    @work(group="external", exit_on_error=False)
    async def edit_externally(self) -> None:
        if not self._can_edit("edit"):
            return
        self.busy = True
        try:
            current = self.form.value
            if self._draft is not None and json_equal(self._draft[1], current):
                text = self._draft[0]  # the unsent text from the last round
            else:
                shown = mask_for_editor(self.section, current, getattr(self.form, "revealed", ()))
                text = json.dumps(shown, indent=2, ensure_ascii=False) + "\n"
            messages: list[str] = []
            while True:
                body = with_header(text, messages) if messages else text
                run = await run_editor(self.app, with_note(body, editor_note(body)), name=self.section.key)
                if run.text is None:
                    self.notify(run.error, title="Editor", severity="error")
                    return
                text = run.text
                if run.returncode != 0:
                    self._draft = (strip_header(text), current)
                    self.notify(
                        f"The editor exited with status {run.returncode}: nothing was used. "
                        "Press e to reopen your text.",
                        title="Editor",
                        severity="warning",
                    )
                    return
                doc, error = parse_edited(text)
                if doc is None and error is None:
                    self._draft = None
                    self.notify("The file was empty: nothing changed.", title="Editor")
                    return
                if error is None:
                    doc, problems = unmask_from_editor(self.section, doc, current)  # placeholders back
                    problems = problems or self.editor.validate(doc)
                    if not problems:
                        break
                    messages = [f"{e.label}: {e.message}" for e in problems[:12]]
                else:
                    messages = [error]
            self._draft = (strip_header(text), current)
            if await self._confirm_and_commit(doc):
                self._draft = None
        except Exception as exc:
            self._unexpected("edit", exc)
        finally:
            self.busy = False

    def _unexpected(self, what: str, exc: Exception) -> None:
        log.exception("%s of %s failed", what, self.section.key)
        self.notify(
            f"Could not {what} {self.section.noun}: {type(exc).__name__}: {str(exc)[:200]}. Your edits are kept.",
            title=self.section.title,
            severity="error",
            timeout=12,
        )

    async def _confirm_and_commit(self, edited: Any) -> bool:
        """Diff -> confirm -> commit. True once sent (or nothing to send)."""
        lines = self.editor.prepare(edited)
        if not lines:
            kept = " (its draft stays: x on the drafts screen drops it)" if self.section_draft is not None else ""
            self.notify(f"No changes to {self.section.noun}{kept}.", title=self.section.title)
            return True
        if self.section_draft is not None and not self.offline:
            return await self.push_from_form(edited)  # the draft goes through its push path
        if self.section_draft is not None and self.matches_draft(edited):
            self.notify("Already kept as a draft · push it when back online.", title=self.section.title)
            return True
        mode = self.save_mode()
        if mode == "send" and self.refuse_offline_save():
            return False
        answer = await self.dialogs.confirm_save(
            self.section, lines, self.target_name, self._record_reveal, warnings=self.warnings(edited), mode=mode
        )
        if answer is None:
            self.editor.record_cancel(edited)
            self.notify("Nothing was sent; your edits are kept.", title=self.section.title)
            return False
        if answer == "draft":
            return await self.keep_as_draft(edited, offline=self.offline)
        return await self._commit(edited, summary(self.section, lines))

    async def _commit(self, edited: Any, what: str) -> bool:
        shown = self.form.value if self.form is not None else edited  # what the form held when sent
        self._status(f"Saving {self.section.noun}… (you can keep typing: it stays as pending edits)")
        try:
            result = await self.editor.commit(edited)
            for _ in range(MAX_CONFLICT_ROUNDS):
                if result.status != "conflict" or result.merge is None:
                    break
                decision = await self.dialogs.decide_conflict(self.section, result.merge, self._record_reveal)
                if decision is None:
                    self.notify("Nothing was sent; your edits are kept.", title=self.section.title)
                    return False
                if decision.action == "discard":
                    return self._take_theirs(result.merge.fresh, shown)
                result = await self.editor.commit(edited, decision.choices)
        finally:
            self._status("")
        return self._after_commit(result, shown, what)

    def _typed_since(self, shown: Any) -> EditSet:
        """What the agent typed after the save started."""
        return edits_from(shown, self.form.value) if self.form is not None else EditSet()

    def _show_copy(self, base: Any, pending: Any = None, typed: EditSet | None = None) -> list[str]:
        """Show ``base`` with ``pending`` (default: the base) plus what was ``typed`` meanwhile
        on top; returns the labels of the typed edits kept."""
        value = copy.deepcopy(base if pending is None else pending)
        kept: list[str] = []
        if typed:
            try:
                value = typed.apply(value)
                kept = list(dict.fromkeys(self.section.label(e.path) for e in typed))
            except ApplyError:
                value = self.form.value if self.form is not None else value  # keep what is on screen
                kept = ["everything on screen"]
        if self.form is not None:
            self.form.reset(copy.deepcopy(base), value)
        self._draft = None
        self._set_dirty()
        return kept

    def _take_theirs(self, fresh: Any, shown: Any) -> bool:
        typed = self._typed_since(shown)
        self.editor.base = copy.deepcopy(fresh)
        kept = self._show_copy(fresh, typed=typed)
        self.notify(
            f"Your edits were dropped; showing the server's {self.section.noun}."
            + (f" Kept what you typed since: {', '.join(kept)}." if kept else ""),
            title=self.section.title,
        )
        return True

    def _after_commit(self, result: CommitResult, shown: Any, what: str) -> bool:
        typed = self._typed_since(shown)
        note = ""
        if result.status in ("ok", "no_changes", "overtaken"):
            kept = self._show_copy(result.base, result.pending, typed)
            if kept:
                note = f" What you typed during the save is kept as pending edits: {', '.join(kept)}."
                self._status(
                    Text.assemble(
                        ("Pending: ", "bold"), f"{', '.join(kept)} (typed during the save). Ctrl+S saves them."
                    )
                )
        if result.status == "ok":
            if result.refetch_failed:
                self.notify(
                    f"Saved ({what}), but re-reading failed: showing what was sent.{note}",
                    title=self.section.title,
                    severity="warning",
                )
            else:
                merged = result.merge.server_changes if result.merge is not None else ()
                if merged:
                    fields = ", ".join(dict.fromkeys(self.section.label(e.path).lower() for e in merged))
                    note = f" Kept what changed on the server meanwhile: {fields}.{note}"
                self.notify(f"Saved: {what}.{note}", title=self.section.title)
            self.post_message(self.Saved(self, result))
            return True
        if result.status == "no_changes":
            self.notify(
                f"Nothing left to send: the {self.section.noun} show the server's values.{note}",
                title=self.section.title,
            )
            return True
        if result.status == "overtaken":
            self._status(
                Text.assemble(
                    ("Another change landed during the save. ", "bold"),
                    "; ".join(result.landed) + ". Your edits are shown again: Ctrl+S to review and send them.",
                ),
                error=True,
                retry=False,
            )
            self.notify(
                f"{result.message[:1].upper()}{result.message[1:]}. Your edits are kept to apply again.",
                title=self.section.title,
                severity="warning",
                timeout=15,
            )
            self.post_message(self.Saved(self, result))
            return False
        if result.status == "conflict":
            self.notify(
                "The section kept changing on the server: nothing was sent. Try again.",
                title=self.section.title,
                severity="error",
            )
            return False
        if result.field_errors:
            self._show_field_errors([(e.path, e.message) for e in result.field_errors])
        error = self._error_text(result.error)
        if result.status == "unknown":
            self.notify(
                f"The save may or may not have reached the server ({error}). Your edits are kept; "
                "reload (r) to check before saving again.",
                title=self.section.title,
                severity="error",
                timeout=15,
            )
            return False
        self.notify(f"Not saved: {error}. Your edits are kept.", title=self.section.title, severity="error", timeout=12)
        return False

    def _error_text(self, exc: Any) -> str:
        """An error for the screen, with any PII value it quotes masked."""
        docs = [d for d in (self.editor.base, self.form.value if self.form is not None else None) if d is not None]
        return redact_text(str(exc), self.section.model, docs, self.section.masked_paths)

    def _show_field_errors(self, problems: list[tuple[Path, str]]) -> None:
        """Next to their fields; errors about the whole section (path ``()``) or about no
        field on screen go to the form's banner."""
        if self.form is not None:
            self.form.set_errors(problems)
