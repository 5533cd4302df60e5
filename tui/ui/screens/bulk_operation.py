"""One operation of a bulk change, in a modal: pick the field (fuzzy, by label or path, over
the fields the engine allows), then what to do with it (set, clear, add an item, remove the
items whose sub-field holds a value), then the value, entered with the profile form's widget
for that field (:class:`~tui.ui.widgets.bulk_value.ValueEditor`).

Ctrl+S (OK) checks the operation with the engine (:func:`tui.domain.bulk_rules.refusal` and
:func:`~tui.domain.bulk_rules.value_problems`): a refused operation shows the engine's reason,
an invalid value is marked in place under its field; a valid one dismisses with the
:class:`~tui.domain.bulk_ops.Operation`. Esc in a field leaves the field (to the buttons); Esc
again, or Cancel, dismisses with None, asking first when a value was typed (the item editor's
way; :attr:`OperationScreen.has_unsaved_changes` also makes quitting the app ask).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from tui.domain.bulk_ops import AddItem, Clear, Operation, RemoveWhere, Set, op_paths
from tui.domain.bulk_rules import BulkField, OpKind, bulk_fields, refusal, value_problems
from tui.domain.directory import ReferenceDirectory
from tui.domain.sections import Section
from tui.ui.screens.confirm import dismiss_asking
from tui.ui.widgets.bulk_value import ValueEditor
from tui.ui.widgets.field_picker import KIND_WORDS, FieldPicker

__all__ = ["OperationScreen", "kind_of"]


def kind_of(op: Operation) -> OpKind:
    if isinstance(op, Set):
        return "set"
    if isinstance(op, Clear):
        return "clear"
    if isinstance(op, AddItem):
        return "add"
    if isinstance(op, RemoveWhere):
        return "remove_where"
    raise TypeError(f"not a field operation: {op!r}")


class OperationScreen(ModalScreen[Operation | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "OK", id="bulkop.save"),
        Binding("escape", "cancel", "Cancel", tooltip="Leave the field first; then the operation", id="bulkop.cancel"),
        Binding("ctrl+o", "change_field", "Other field", show=False, id="bulkop.field"),
    ]
    DEFAULT_CSS = """
    OperationScreen { align: center middle; }
    OperationScreen > #op-box { width: 94%; max-width: 110; height: 92%; border: round $primary;
        background: $surface; padding: 0 1; }
    OperationScreen #op-slot { height: 1fr; }
    OperationScreen #op-field { text-style: bold; height: auto; }
    OperationScreen #op-kind-row { height: 1; margin-bottom: 1; }
    OperationScreen #op-kind-row > .op-label { width: 24; padding-left: 2; color: $foreground 80%; }
    OperationScreen #op-kind { width: 1fr; }
    OperationScreen #op-status { color: $error; height: auto; }
    OperationScreen #op-buttons { height: auto; align-horizontal: right; }
    OperationScreen #op-buttons Button { margin-left: 1; }
    """

    def __init__(
        self, section: Section, directory: ReferenceDirectory, *, op: Operation | None = None, number: int = 1
    ) -> None:
        super().__init__()
        self.section = section
        self.directory = directory
        self.op = op
        self.number = number
        self.field: BulkField | None = None
        self.kind: OpKind | None = None
        self.editor: ValueEditor | None = None
        self._opened: Any = None  # what the edited operation showed when the dialog opened
        self._fresh: Any = None  # what the current editor showed before anything was typed
        if op is not None:
            path = op_paths(op)
            self.field = next((f for f in bulk_fields(section) if f.path == path), None)
            self.kind = kind_of(op)

    def compose(self) -> ComposeResult:
        with Vertical(id="op-box") as box:
            box.border_title = f"Operation {self.number} · {self.section.title}"
            yield Vertical(id="op-slot")
            yield Static("", id="op-status", markup=False)
            with Horizontal(id="op-buttons"):
                yield Button("OK (ctrl+s)", id="op-ok", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="op-cancel", compact=True)

    async def on_mount(self) -> None:
        if self.field is None:
            await self._show_picker()
        else:
            await self._show_editor(self.op)

    @property
    def picking(self) -> bool:
        return bool(self.query(FieldPicker))

    async def _show_picker(self) -> None:
        slot = self.query_one("#op-slot")
        await slot.remove_children()
        self.editor = None
        picker = FieldPicker(self.section, id="op-picker")
        await slot.mount(picker)
        self._status("")
        picker.focus_search()

    async def _show_editor(self, op: Operation | None) -> None:
        field, kind = self.field, self.kind
        assert field is not None and kind is not None
        slot = self.query_one("#op-slot")
        await slot.remove_children()
        head = Static(f"{field.label}  ({field.path_text})   ctrl+o: another field", id="op-field", markup=False)
        options = [(KIND_WORDS[k], k) for k in field.kinds]
        choose = Horizontal(
            Static("Do", classes="op-label"),
            Select(options, value=kind, allow_blank=False, compact=True, id="op-kind"),
            id="op-kind-row",
        )
        self.editor = ValueEditor(self.section, field, kind, self.directory, op=op, id="op-value")
        await slot.mount_all([head, choose, self.editor])
        self._fresh = self._entered()
        if op is not None and self._opened is None:
            self._opened = self._fresh
        self._status("")
        self._focus_value()

    def _focus_value(self) -> None:
        editor = self.editor
        if editor is None:
            return
        if editor.reference is not None:
            editor.reference.focus()
            return
        for widget in editor.query("Input, Select, Switch, SelectionList, TextArea, DataTable"):
            if widget.focusable:
                widget.focus()
                return
        self.query_one("#op-ok", Button).focus()

    def _entered(self) -> Any:
        editor = self.editor
        if editor is None or self.field is None:
            return None
        return (self.field.path, self.kind, editor.entered())

    @property
    def has_unsaved_changes(self) -> bool:
        """A value was typed (an edited operation: it differs from what it was)."""
        now = self._entered()
        if now is None:
            return False
        return now != (self._opened if self.op is not None else self._fresh)

    @property
    def unsaved_noun(self) -> str:
        return f"operation {self.number}"

    def _status(self, text: str) -> None:
        self.query_one("#op-status", Static).update(text)

    # -- events ------------------------------------------------------------------------

    async def on_field_picker_picked(self, event: FieldPicker.Picked) -> None:
        event.stop()
        self.field = event.field
        keep = self.kind if self.kind in event.field.kinds else None
        self.kind = keep or event.field.kinds[0]
        await self._show_editor(None)

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "op-kind":
            return
        event.stop()
        if event.value == self.kind or self.field is None or self.editor is None:
            return
        kind: OpKind = event.value  # type: ignore[assignment]
        self.kind = kind
        old, self.editor = self.editor, ValueEditor(self.section, self.field, kind, self.directory, id="op-value")
        await old.remove()
        await self.query_one("#op-slot").mount(self.editor)
        self._fresh = self._entered()
        self._status("")
        self._focus_value()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "op-ok":
            self.action_save()
        else:
            self._leave()

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        editor = self.editor
        if editor is None:
            self._status("Pick a field first (type part of its name, Enter picks the highlighted one).")
            return
        editor.commit()
        op, problems = editor.operation()
        if op is not None:
            why = refusal(self.section, op)
            if why:
                self._status(f"⚠ Refused: {why}")
                return
            problems = value_problems(self.section, op)
        if problems:
            editor.show_problems(problems)
            n = len(problems)
            self._status(f"⚠ {n} value{'s' if n != 1 else ''} to fix (marked above) before this operation is kept.")
            return
        self.dismiss(op)

    async def action_change_field(self) -> None:
        if not self.picking:
            await self._show_picker()

    def action_cancel(self) -> None:
        focused = self.focused
        in_value = focused is not None and not isinstance(focused, Button) and not self.picking
        if in_value:
            if self.editor is not None:
                self.editor.commit()
            self.query_one("#op-ok", Button).focus()
            return
        self._leave()

    def _leave(self) -> None:
        """Dismiss with None, asking first when a value was typed."""
        if self.editor is not None:
            self.editor.commit()
        dismiss_asking(
            self,
            self.has_unsaved_changes,
            f"Drop the value typed for operation {self.number}?",
            title="Unsaved operation",
            yes="Drop it",
        )

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "change_field":
            return not self.picking
        return True
