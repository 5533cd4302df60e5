"""One tab of the profile screen: a section's own load (loading / error + retry / form or
read-only tree) and its way of an edit (validate -> diff -> confirm -> merge -> PUT ->
re-read), also for a JSON edit made in $EDITOR."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.api.errors import SpotnanaError
from tui.domain.diff import summary
from tui.domain.editing import CommitResult, SectionEditor
from tui.domain.edits import json_equal
from tui.domain.merge import merge
from tui.domain.paths import Path
from tui.ui.backend import ERROR_TITLES, classify_error
from tui.ui.screens.conflict import ConflictDecision, ConflictScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.profile_editor import parse_edited, run_editor, strip_header, with_header
from tui.ui.widgets.profile_json import JsonView
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["SectionPane"]

MAX_CONFLICT_ROUNDS = 5
log = logging.getLogger("tui.ui.profile")


def _form_class() -> type:
    if SectionPane.form_class is None:
        from tui.ui.widgets.section_form import SectionForm

        SectionPane.form_class = SectionForm
    return SectionPane.form_class


class SectionPane(ReportsWorkerErrors, Vertical):
    """States: ``idle`` (never shown), ``loading``, ``error``, ``ready``."""

    form_class: type | None = None
    """The form widget (``SectionForm`` unless replaced); resolved on first use."""

    DEFAULT_CSS = """
    SectionPane { height: 1fr; }
    SectionPane > .pane-status { height: auto; padding: 1 2; }
    SectionPane > .pane-status.-error { color: $error; }
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

    def __init__(self, section: Any, editor: SectionEditor, *, target_name: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.section = section
        self.editor = editor
        self.target_name = target_name
        self.state = "idle"
        self.busy = False
        self.form: Any = None
        self.view: JsonView | None = None
        self._dirty = False
        self._draft: tuple[str, Any] | None = None  # (editor text, form value it was based on)

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-status", id="pane-status")
        yield Button("Retry", id="retry")
        yield Vertical(id="pane-body")

    def on_mount(self) -> None:
        self.query_one("#retry").display = False

    # -- state -----------------------------------------------------------------------------
    @property
    def has_changes(self) -> bool:
        return bool(self.form is not None and self.form.has_changes)

    def _status(self, text: str | Text, error: bool = False) -> None:
        status = self.query_one("#pane-status", Static)
        status.update(text)
        status.set_class(error, "-error")
        status.display = bool(text)
        self.query_one("#retry").display = error

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
            base = await self.editor.load()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure becomes the pane's error state
            self.state = "error"
            err = classify_error(exc)
            self._status(Text.assemble(
                (f"Could not load {self.section.noun}: {ERROR_TITLES.get(err.kind, 'error')}\n", "bold"),
                err.message, "\nPress Retry (or r) to try again.",
            ), error=True)
            return
        await self._show(base)

    async def _show(self, base: Any) -> None:
        body = self.query_one("#pane-body", Vertical)
        if self.section.editable:
            if self.form is None:
                self.form = _form_class()(self.section, base)
                await body.mount(self.form)
            else:
                self.form.reset(base)
        elif self.view is None:
            self.view = JsonView(self.section, base)
            await body.mount(self.view)
        else:
            self.view.set_data(base)
        self.state = "ready"
        self._status("")
        self._set_dirty()

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
            self.form.reset(copy.deepcopy(self.editor.base))
        self._draft = None
        self._set_dirty()

    def _can_edit(self, what: str) -> bool:
        if not self.section.editable:
            self.notify(f"{self.section.title} is read-only.", severity="warning")
            return False
        if self.state != "ready" or self.form is None:
            self.notify(f"{self.section.title} is not loaded yet.", severity="warning")
            return False
        if self.busy:
            self.notify(f"Still busy with {self.section.noun}: {what} after it.", severity="warning")
            return False
        return True

    # -- saving ----------------------------------------------------------------------------
    @work(group="save", exit_on_error=False)
    async def save(self) -> None:
        if not self._can_edit("save"):
            return
        self.busy = True
        try:
            edited = self.form.value
            problems = [(tuple(p), m) for p, m in self.form.validate()]
            problems += [(e.path, e.message) for e in self.editor.validate(edited)]
            if problems:
                self._show_field_errors(problems)
                self.notify(f"{len(problems)} field{'s' if len(problems) != 1 else ''} to fix before saving.",
                            title=self.section.title, severity="error")
                return
            await self._confirm_and_commit(edited)
        except Exception as exc:  # noqa: BLE001 - a bug must not cost the agent the edits
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
                text = json.dumps(current, indent=2, ensure_ascii=False) + "\n"
            messages: list[str] = []
            while True:
                run = await run_editor(self.app, with_header(text, messages) if messages else text,
                                       name=self.section.key)
                if run.text is None:
                    self.notify(run.error, title="Editor", severity="error")
                    return
                text = run.text
                if run.returncode != 0:
                    self._draft = (strip_header(text), current)
                    self.notify(f"The editor exited with status {run.returncode}: nothing was used. "
                                "Press e to reopen your text.", title="Editor", severity="warning")
                    return
                doc, error = parse_edited(text)
                if doc is None and error is None:
                    self._draft = None
                    self.notify("The file was empty: nothing changed.", title="Editor")
                    return
                if error is None:
                    problems = self.editor.validate(doc)
                    if not problems:
                        break
                    messages = [f"{e.label}: {e.message}" for e in problems[:12]]
                else:
                    messages = [error]
            self._draft = (strip_header(text), current)
            if await self._confirm_and_commit(doc):
                self._draft = None
        except Exception as exc:  # noqa: BLE001
            self._unexpected("edit", exc)
        finally:
            self.busy = False

    def _unexpected(self, what: str, exc: Exception) -> None:
        log.exception("%s of %s failed", what, self.section.key)
        self.notify(f"Could not {what} {self.section.noun}: {type(exc).__name__}: {str(exc)[:200]}. "
                    "Your edits are kept.", title=self.section.title, severity="error", timeout=12)

    async def _confirm_and_commit(self, edited: Any) -> bool:
        """Diff -> confirm -> commit. True once sent (or nothing to send)."""
        lines = self.editor.prepare(edited)
        if not lines:
            self.notify(f"No changes to {self.section.noun}.", title=self.section.title)
            return True
        ok = await self.app.push_screen_wait(
            DiffConfirmScreen(self.section, lines, target=self.target_name, on_reveal=self._record_reveal)
        )
        if not ok:
            self.editor.record_cancel(edited)
            self.notify("Nothing was sent; your edits are kept.", title=self.section.title)
            return False
        return await self._commit(edited, summary(self.section, lines))

    async def _decide(self, result: Any) -> ConflictDecision | None:
        return await self.app.push_screen_wait(
            ConflictScreen(self.section, result, on_reveal=self._record_reveal)
        )

    async def _commit(self, edited: Any, what: str) -> bool:
        try:
            fresh = await self.editor.fetch()
        except SpotnanaError as exc:
            self._audit_failure(edited, exc)
            self.notify(f"Nothing was sent: could not re-read {self.section.noun}: {exc}. Your edits are kept.",
                        title=self.section.title, severity="error", timeout=10)
            return False
        choices: dict[Path, Any] = {}
        preview = merge(self.editor.base, fresh, edited)
        if preview.server_changes:
            decision = await self._decide(preview)
            if decision is None or decision.action == "discard":
                return self._after_decline(decision, fresh)
            choices = dict(decision.choices)
        result = await self.editor.commit(edited, choices)
        for _ in range(MAX_CONFLICT_ROUNDS):
            if result.status != "conflict":
                break
            decision = await self._decide(result.merge)
            if decision is None or decision.action == "discard":
                return self._after_decline(decision, result.merge.fresh)
            choices.update(decision.choices)
            result = await self.editor.commit(edited, choices)
        return self._after_commit(result, what)

    def _after_decline(self, decision: ConflictDecision | None, fresh: Any) -> bool:
        if decision is None:
            self.notify("Nothing was sent; your edits are kept.", title=self.section.title)
            return False
        self.editor.base = copy.deepcopy(fresh)
        self.form.reset(copy.deepcopy(fresh))
        self._draft = None
        self._set_dirty()
        self.notify(f"Your edits were dropped; showing the server's {self.section.noun}.", title=self.section.title)
        return True

    def _after_commit(self, result: CommitResult, what: str) -> bool:
        if result.status == "ok":
            self.form.reset(copy.deepcopy(result.base))
            self._set_dirty()
            if result.refetch_failed:
                self.notify(f"Saved ({what}), but re-reading failed: showing what was sent.",
                            title=self.section.title, severity="warning")
            else:
                self.notify(f"Saved: {what}.", title=self.section.title)
            self.post_message(self.Saved(self, result))
            return True
        if result.status == "no_changes":
            # e.g. every conflict resolved as "theirs": the server's copy is the new base
            if result.base is not None:
                self.form.reset(copy.deepcopy(result.base))
                self._set_dirty()
            self.notify(f"Nothing left to send: the {self.section.noun} show the server's values.",
                        title=self.section.title)
            return True
        if result.status == "conflict":
            self.notify("The section kept changing on the server: nothing was sent. Try again.",
                        title=self.section.title, severity="error")
            return False
        error = result.error
        if result.field_errors:
            self._show_field_errors([(e.path, e.message) for e in result.field_errors])
        self.notify(f"Not saved: {error}. Your edits are kept.", title=self.section.title,
                    severity="error", timeout=12)
        return False

    def _show_field_errors(self, problems: list[tuple[Path, str]]) -> None:
        """Next to their fields; errors about the whole section (path ``()``) or about no
        field on screen go to the form's banner."""
        if self.form is not None:
            self.form.set_errors(problems)

    def _audit_failure(self, edited: Any, exc: SpotnanaError) -> None:
        audit = self.editor.audit
        if audit is None:
            return
        audit.record_edit(
            environment=self.editor.env_name, user_id=self.editor.user_id, section=self.section,
            edits=self.editor.edits(edited), result="error", status=getattr(exc, "status", None),
            debug_identifier=getattr(exc, "debug_identifier", None), message=str(exc),
        )
