"""A fuzzy picker over the fields a bulk change may target: type part of a label or a path
(``office``, ``cc``, ``airPref.home``), Up/Down move through the matches, Enter picks one.

The fields and the matching are the engine's (:func:`tui.domain.bulk_rules.find_fields`):
every field of the section's form schema that a bulk change may touch, none it refuses.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.bulk_ops import Set
from tui.domain.bulk_rules import BulkField, find_fields, full_label, refusal
from tui.domain.form_schema import form_fields
from tui.domain.paths import WILDCARD, format_path, parse_path
from tui.domain.sections import Section

__all__ = ["FieldPicker", "KIND_WORDS"]

KIND_WORDS = {"set": "set", "clear": "clear", "add": "add an item", "remove_where": "remove items"}
"""How the picker and the operation editor name the operation kinds."""


def _prompt(field: BulkField) -> Text:
    text = Text(field.label, style="bold")
    text.append(f"  {field.path_text}", style="dim")
    text.append("  " + " · ".join(KIND_WORDS[k] for k in field.kinds), style="italic dim")
    return text


class _PickerInput(Input):
    """The picker's search box: Up/Down move through the matches below it."""

    BINDINGS = [
        Binding("down", "move(1)", "Next field", show=False, id="picker.next"),
        Binding("up", "move(-1)", "Previous field", show=False, id="picker.previous"),
    ]

    def action_move(self, delta: int) -> None:
        picker = self.parent
        if isinstance(picker, FieldPicker):
            picker.move(delta)


class FieldPicker(Vertical):
    """Search box + matching fields; posts :class:`FieldPicker.Picked`."""

    DEFAULT_CSS = """
    FieldPicker { height: 1fr; }
    FieldPicker > Input { margin-bottom: 0; }
    FieldPicker > OptionList { height: 1fr; border: none; padding: 0; }
    FieldPicker > .picker-count { color: $text-muted; height: 1; }
    """

    class Picked(Message):
        def __init__(self, picker: FieldPicker, field: BulkField) -> None:
            super().__init__()
            self.picker = picker
            self.field = field

        @property
        def control(self) -> FieldPicker:
            return self.picker

    def __init__(self, section: Section, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.section = section
        self.matches: list[BulkField] = []

    def compose(self) -> ComposeResult:
        yield _PickerInput(placeholder="type part of a field's name or path", compact=True, id="picker-input")
        yield Static("", classes="picker-count")
        yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._search("")

    @property
    def input(self) -> Input:
        return self.query_one(_PickerInput)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def _search(self, text: str) -> None:
        self.matches = find_fields(self.section, text)
        options = self.options
        options.clear_options()
        options.add_options([Option(_prompt(f)) for f in self.matches])
        if self.matches:
            options.highlighted = 0
        n = len(self.matches)
        words = f"{n} field{'s' if n != 1 else ''} of {self.section.title}"
        self.query_one(".picker-count", Static).update(words if n else self.refused(text))

    def refused(self, text: str) -> str:
        """Why nothing matches ``text``: the engine's reason for a field it refuses (typed by
        path, ``phoneNumbers[0].type``, or by label, ``date of birth``), else "no field"."""
        needle = " ".join(text.lower().split())
        sec = self.section
        try:
            path = parse_path(text.strip()) if text.strip() else ()
        except ValueError:
            path = ()
        if path:
            why = refusal(sec, Set(path, None))
            if why and "has no field" not in why:
                return f"⚠ {format_path(path)}: {why}"
        for spec in form_fields(sec.model, sec.label).walk():
            if not spec.path or WILDCARD in spec.path:
                continue
            label = full_label(sec, spec.path)
            if needle and (needle in label.lower() or needle in format_path(spec.path).lower()):
                why = refusal(sec, Set(spec.path, None))
                if why:
                    return f"⚠ {label}: {why}"
        return f"no field of {sec.title} matches"

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick(self.options.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option_index)

    def move(self, delta: int) -> None:
        options = self.options
        if not self.matches:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.matches) - 1, current + delta))

    def pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.matches):
            self.post_message(self.Picked(self, self.matches[index]))

    def focus_search(self) -> None:
        self.input.focus()
