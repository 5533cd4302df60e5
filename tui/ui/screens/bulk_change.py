"""Building a bulk change for the marked users: the section, then its operations (or, for
the user's status, deactivate / activate), checked by the engine before anything is read.

``a`` adds an operation (:class:`~tui.ui.screens.bulk_operation.OperationScreen`: the field,
what to do, the value), Enter edits the highlighted one, ``d`` removes it. Ctrl+S checks the
whole change (:func:`tui.domain.bulk_rules.check_change`: refused operations with the engine's
reason, invalid values, two operations on one field), marks each problem under its operation,
and when there is none opens the plan and preview
(:class:`~tui.ui.screens.bulk_plan.PlanScreen`): nothing has been sent until that is confirmed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.domain.bulk_ops import Activate, Change, Deactivate, Operation, Set
from tui.domain.bulk_rules import Problem, bulk_fields, check_change, refusal
from tui.domain.sections import SECTIONS, Section, section
from tui.ui.bulk_jobs import describe
from tui.ui.list_model import UserRow
from tui.ui.screens.bulk_operation import OperationScreen
from tui.ui.services import AppServices
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.status_bar import StatusBar

__all__ = ["BulkChangeScreen", "STATUS", "targets_text"]

STATUS = "status"
"""The section choice for the user-level operations (deactivate, activate)."""
_STATUS_OPS = (("Deactivate every user", "deactivate"), ("Activate every user", "activate"))


def targets_text(rows: list[UserRow], width: int = 60) -> str:
    """``"3 users: Ada Quill, Bo Chen, Cy Dee"``, names while they fit, then ``+N more``."""
    n = len(rows)
    head = f"{n:,} user{'s' if n != 1 else ''}"
    names: list[str] = []
    for row in rows:
        rest = n - len(names) - 1
        trial = ", ".join([*names, row.name]) + (f", +{rest:,} more" if rest else "")
        if names and len(head) + 2 + len(trial) > width:
            break
        names.append(row.name)
    rest = n - len(names)
    return f"{head}: {', '.join(names)}" + (f", +{rest:,} more" if rest else "")


class BulkChangeScreen(Screen[None]):
    BINDINGS = [
        Binding("a", "add", "Add operation", id="bulk.add"),
        Binding("e", "edit", "Edit", id="bulk.edit"),
        Binding("d,delete", "remove", "Remove", id="bulk.remove"),
        Binding("ctrl+s", "plan", "Preview", id="bulk.plan"),
        Binding("o", "from_csv", "From CSV", id="bulk.csv"),
        Binding("escape", "back", "Back", id="bulk.back"),
    ]
    DEFAULT_CSS = """
    BulkChangeScreen #bulk-title { text-style: bold; padding: 0 1; background: $panel; height: 1; }
    BulkChangeScreen #bulk-targets { padding: 0 1; color: $text-muted; height: 1; }
    BulkChangeScreen .bulk-row { height: 1; margin: 1 0 0 0; padding: 0 1; }
    BulkChangeScreen .bulk-row > .bulk-label { width: 12; }
    BulkChangeScreen .bulk-row > Select { width: 1fr; }
    BulkChangeScreen #bulk-ops { height: 1fr; margin: 1 1 0 1; border: round $panel; padding: 0; }
    BulkChangeScreen #bulk-ops:focus { border: round $primary; }
    BulkChangeScreen #bulk-note { padding: 0 1; height: auto; color: $text-muted; }
    BulkChangeScreen #bulk-note.-error { color: $error; }
    """

    builds_bulk_change = True
    """What the preview looks for to leave the builder once a job is stored (no import of it)."""

    def __init__(self, targets: list[UserRow], *, section_key: str = "business") -> None:
        super().__init__()  # no id: the palette's "Bulk change" may open one while the last one is popping
        self.targets = list(targets)
        self.section_key = section_key
        self.ops: list[Operation] = []
        self.status_op: Operation = Deactivate()
        self.problems: list[Problem] = []
        self._reverting = False

    @property
    def spot(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    # -- what the app asks ---------------------------------------------------------------

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self.ops)

    @property
    def unsaved_noun(self) -> str:
        return "the bulk change being built"

    @property
    def section(self) -> Section | None:
        return None if self.section_key == STATUS else section(self.section_key)

    @property
    def change(self) -> Change:
        if self.section_key == STATUS:
            return Change(None, (self.status_op,))
        return Change(self.section_key, tuple(self.ops))

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("Bulk change", id="bulk-title")
        yield Static(targets_text(self.targets, max(self.app.size.width - 4, 30)), id="bulk-targets", markup=False)
        with Horizontal(classes="bulk-row"):
            yield Static("Section", classes="bulk-label")
            options = [(s.title, s.key) for s in SECTIONS] + [("User status (deactivate / activate)", STATUS)]
            yield Select(options, value=self.section_key, allow_blank=False, compact=True, id="bulk-section")
        with Horizontal(classes="bulk-row", id="bulk-status-row"):
            yield Static("Do", classes="bulk-label")
            yield Select(
                [(label, value) for label, value in _STATUS_OPS],
                value="deactivate",
                allow_blank=False,
                compact=True,
                id="bulk-status",
            )
        yield OptionList(id="bulk-ops")
        yield Static("", id="bulk-note")
        yield StatusBar(self.spot.env, id="status-bar")
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self._show()
        self.query_one("#bulk-ops", OptionList).focus()

    def _show(self) -> None:
        status = self.section_key == STATUS
        self.query_one("#bulk-status-row").display = status
        ops = self.query_one("#bulk-ops", OptionList)
        ops.display = not status
        highlighted = ops.highlighted
        ops.clear_options()
        sec = self.section
        for i, op in enumerate(self.ops):
            text = Text(f"{i + 1}. ", style="bold")
            text.append(describe(op, sec))
            for p in self.problems:
                if p.index == i:
                    text.append(f"\n   ⚠ {p.text}", style="red")
            ops.add_option(Option(text))
        if self.ops:
            ops.highlighted = min(highlighted or 0, len(self.ops) - 1)
        self.query_one(StatusBar).set_counts(
            f"{len(self.targets):,} user{'s' if len(self.targets) != 1 else ''} to change"
        )
        self._note()

    def _note(self) -> None:
        note = self.query_one("#bulk-note", Static)
        sec = self.section
        error = bool(self.problems)
        if sec is not None and not bulk_fields(sec):
            why = refusal(sec, Set((next(iter(sec.fields()), "x"),), None)) or "nothing here can be changed in bulk"
            text, error = f"⚠ {sec.title}: {why}", True
        elif self.problems and not [p for p in self.problems if p.index < len(self.ops)]:
            text = "⚠ " + "; ".join(p.text for p in self.problems)
        elif self.problems:
            text = "⚠ Fix the operations marked above (Enter edits one), then Ctrl+S again."
        elif self.section_key == STATUS:
            text = "Ctrl+S reads every user's status and shows what would change. Nothing is sent yet."
        elif not self.ops:
            text = "Press a to add an operation on this section."
        else:
            text = "a adds another operation, Enter edits, d removes; Ctrl+S previews. Nothing is sent yet."
        note.update(text)
        note.set_class(error, "-error")

    # -- events ------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "bulk-status":
            self.status_op = Activate() if event.value == "activate" else Deactivate()
            return
        if event.select.id != "bulk-section" or self._reverting:
            self._reverting = False
            return
        wanted = str(event.value)
        if wanted == self.section_key:
            return
        if not self.ops:
            self._switch_section(wanted)
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._switch_section(wanted)
            else:
                self._reverting = True
                event.select.value = self.section_key  # type: ignore[assignment]

        n = len(self.ops)
        sec = self.section
        question = f"Drop the {n} operation{'s' if n != 1 else ''} on {sec.title if sec else 'this section'}?"
        self.app.push_screen(ConfirmScreen(question, title="Another section", yes="Drop them", danger=True), answer)

    def _switch_section(self, key: str) -> None:
        self.section_key = key
        self.ops = []
        self.problems = []
        self._show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    # -- actions -----------------------------------------------------------------------

    def _open(self, index: int | None) -> None:
        sec = self.section
        if sec is None or not self.is_active:
            return
        if not bulk_fields(sec):
            self._note()
            return
        op = self.ops[index] if index is not None and 0 <= index < len(self.ops) else None
        number = (index + 1) if op is not None and index is not None else len(self.ops) + 1

        def done(result: Operation | None) -> None:
            if result is None:
                return
            if op is not None and index is not None:
                self.ops[index] = result
            else:
                self.ops.append(result)
            self.problems = []
            self._show()
            ops = self.query_one("#bulk-ops", OptionList)
            ops.highlighted = number - 1
            ops.focus()

        self.app.push_screen(OperationScreen(sec, self.spot.directory, op=op, number=number), done)

    def action_add(self) -> None:
        self._open(None)

    def action_edit(self) -> None:
        self._open(self.query_one("#bulk-ops", OptionList).highlighted)

    def action_remove(self) -> None:
        ops = self.query_one("#bulk-ops", OptionList)
        index = ops.highlighted
        if self.section_key == STATUS or index is None or not (0 <= index < len(self.ops)):
            return
        del self.ops[index]
        self.problems = []
        self._show()

    def action_plan(self) -> None:
        if not self.is_active:
            return
        change = self.change
        self.problems = check_change(change)
        self._show()
        if self.problems:
            return
        from tui.ui.screens.bulk_job import JobScreen
        from tui.ui.screens.bulk_plan import PlanScreen

        self.app.push_screen(PlanScreen.for_change(change, self.targets, JobScreen.runs))

    def action_from_csv(self) -> None:
        from tui.ui.screens.bulk_csv import start_csv_import  # every row of the file its own change

        start_csv_import(self.app, self.section_key)

    def action_back(self) -> None:
        if not self.ops:
            self.dismiss()
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.ops = []
                self.dismiss()

        n = len(self.ops)
        question = f"Drop this bulk change ({n} operation{'s' if n != 1 else ''})? Nothing has been sent."
        self.app.push_screen(ConfirmScreen(question, title="Leave the bulk change", yes="Drop it", danger=True), answer)

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action in ("add", "edit", "remove"):
            return self.section_key != STATUS
        return True
