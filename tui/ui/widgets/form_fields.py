"""Field widgets of the section form, one per kind of leaf.

Every field widget is bound to its form (a :class:`FormHost`: the form's state, section and
path helpers) and a path relative to the form's root. It writes the agent's changes straight
into the form's :class:`~tui.ui.widgets.form_state.FormState` and tells the form, which marks
what changed and posts ``SectionForm.Changed``.

- :class:`FieldRow`: label + one editor for text / int / number / enum / bool; masked values
  show as a focusable read-only value until revealed. A required boolean is a Switch; an
  optional one is a tri-state Select ("—" not set / "yes" / "no") so an explicit false can
  be written and an absent value stays absent until the agent picks something;
- :class:`NotCachedField`: offline, a value the cache does not hold (a sensitive value kept
  out of it): "not cached", read-only, nothing to reveal;
- list and free-form fields are in :mod:`tui.ui.widgets.form_list_fields`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static, Switch

from tui.domain.form_schema import FieldSpec
from tui.domain.masking import mask_for_screen
from tui.domain.messages import NUMBER, REQUIRED, WHOLE_NUMBER
from tui.domain.paths import ABSENT, Path
from tui.ui.widgets.form_state import FormState

__all__ = [
    "FormHost",
    "FormField",
    "FieldRow",
    "MaskedValue",
    "NotCachedField",
    "NOT_CACHED_TEXT",
    "display_text",
    "parse_text",
]

CHANGED_MARK = "•"
NOT_CACHED_TEXT = "not cached"

BOOL_CHOICES = (("yes", "true"), ("no", "false"))
"""The options of an optional boolean's Select (its blank, "—", means not set)."""
_BOOL_OF = {"true": True, "false": False}


def bool_choice(value: Any) -> Any:
    """The Select value showing a JSON boolean (Select.NULL for absent / null)."""
    return "true" if value is True else "false" if value is False else Select.NULL


class FormHost(Protocol):
    """What a field needs from its form (implemented by ``SectionForm``)."""

    state: FormState
    section: Any

    def full(self, rel: Path) -> Path: ...
    def label_for(self, spec: FieldSpec, rel: Path) -> str: ...
    def is_hidden(self, rel: Path) -> bool: ...
    def masked_view(self, rel: Path, value: Any) -> Any: ...
    def error_for(self, rel: Path) -> str | None: ...
    def field_edited(self, widget: Widget, rel: Path) -> None: ...
    def request_reveal(self, rel: Path) -> None: ...
    def item_removed(self, rel: Path, index: int) -> None: ...
    def set(self, path: Path, value: Any) -> None: ...


# --- text <-> JSON ------------------------------------------------------------------------

_INT = re.compile(r"^[+-]?\d+$")


def display_text(value: Any) -> str:
    if value is ABSENT or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def parse_text(kind: str, text: str) -> tuple[Any, str | None]:
    """(JSON value, error) for what the agent typed into a text / int / number field."""
    if kind == "int":
        s = text.strip()
        return (int(s), None) if _INT.match(s) else (ABSENT, WHOLE_NUMBER)
    if kind == "number":
        s = text.strip()
        if _INT.match(s):
            return int(s), None
        try:
            value = float(s)
        except ValueError:
            return ABSENT, NUMBER
        if value != value or value in (float("inf"), float("-inf")):
            return ABSENT, NUMBER
        return value, None
    return text, None


def _fits(kind: str, value: Any) -> bool:
    """Whether a current value can be shown (and edited) by a field of ``kind``."""
    if value is ABSENT or value is None:
        return True
    if kind in ("text", "enum"):
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("enum_list", "str_list"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return True


# --- the common part ------------------------------------------------------------------------


class FormField(Vertical):
    """Base of every field widget: label line, editor, error line, change mark."""

    DEFAULT_CSS = """
    FormField { height: auto; width: 1fr; layout: grid; grid-size: 2; grid-columns: 24 1fr;
        grid-rows: auto; }
    FormField > .field-label { width: 24; height: 1; padding-right: 1; color: $foreground 80%;
        text-wrap: nowrap; text-overflow: ellipsis; }
    FormField.-changed > .field-label { color: $warning; text-style: bold; }
    FormField.-error > .field-label { color: $error; }
    FormField > .field-error { column-span: 2; color: $error; padding-left: 24; height: auto; }
    FormField.-read-only > .field-label { color: $foreground 50%; }
    FormField > Input, FormField > Select, FormField > .field-value { width: 1fr; }
    FormField > .field-value { height: 1; color: $foreground 70%; }
    FormField.-changed > Input { background: $warning 15%; }
    FormField.-error > Input { background: $error 20%; }
    FormField > Switch { border: none; height: 1; width: auto; padding: 0 1; }
    FormField > Switch:focus { border: none; background: $boost; text-style: reverse; }
    FormField > SelectionList { height: auto; max-height: 8; width: 1fr; }
    FormField > TextArea { height: auto; max-height: 6; min-height: 2; width: 1fr; }
    """

    def __init__(
        self, host: FormHost, spec: FieldSpec, rel: Path, *, read_only: bool = False, label: str | None = None
    ) -> None:
        super().__init__()
        self.host = host
        self.spec = spec
        self.rel = rel
        self.read_only = read_only or spec.read_only or spec.deprecated
        self._label = label if label is not None else host.label_for(spec, rel)
        self._shown_label = ""
        self._shown_error: str | None = None
        if not _fits(spec.kind, host.state.get(rel)):
            self.read_only = True  # a value of a shape this version does not edit: kept as is
        self.set_class(self.read_only, "-read-only")

    @property
    def path(self) -> Path:
        """The field's path from the section root."""
        return self.host.full(self.rel)

    def label_text(self) -> str:
        mark = f"{CHANGED_MARK} " if self.host.state.changed(self.rel) else "  "
        req = " *" if self.spec.required and not self.read_only else ""
        return f"{mark}{self._label}{req}"

    def compose(self) -> ComposeResult:
        yield Static(self.label_text(), classes="field-label", markup=False)
        yield from self.compose_editor()
        error = self.host.error_for(self.rel)
        self._shown_error = error
        self.set_class(bool(error), "-error")
        if error:
            yield Static(f"⚠ {error}", classes="field-error", markup=False)

    def compose_editor(self) -> ComposeResult:
        yield from ()

    def refresh_mark(self) -> None:
        self.set_class(self.host.state.changed(self.rel), "-changed")
        text = self.label_text()
        if text != self._shown_label:
            self._shown_label = text
            for label in self.query_children(".field-label").results(Static):
                label.update(text, layout=False)

    def on_mount(self) -> None:
        self._shown_label = self.label_text()
        self.set_class(self.host.state.changed(self.rel), "-changed")

    def show_error(self, message: str | None) -> None:
        """Show (or with None, clear) the message under the field."""
        if message == self._shown_error:
            return
        self._shown_error = message
        self.set_class(bool(message), "-error")
        current = self.query_children(".field-error")
        if message:
            text = f"⚠ {message}"
            if current:
                current.first(Static).update(text)
            else:
                self.mount(Static(text, classes="field-error", markup=False))
        else:
            current.remove()

    def refresh_mask(self) -> None:
        """Called after a reveal: rebuild when this field was masked and no longer is."""

    def commit(self) -> None:
        """Apply what the editor widget shows now. Its change message may still be queued
        behind the key that asks for the value (Ctrl+S right after typing)."""

    def edited(self) -> None:
        self.host.field_edited(self, self.rel)

    def set_json(self, value: Any) -> None:
        """Apply a new JSON value (ABSENT clears); restores the base when equal to it."""
        state = self.host.state
        base = state.base_get(self.rel)
        self.show_error(None)
        if value is ABSENT:
            if base is ABSENT or base is None:
                state.restore(self.rel)
            else:
                state.clear(self.rel)
        elif type(value) is type(base) and value == base:
            state.restore(self.rel)
        else:
            state.set(self.rel, value)
        self.edited()


class MaskedValue(Static, can_focus=True):
    """A masked value: read-only and focusable; ``r`` asks to reveal it."""

    BINDINGS = [Binding("r", "reveal", "Reveal", id="form.reveal_value")]
    DEFAULT_CSS = """
    MaskedValue { width: 1fr; height: 1; color: $foreground 60%; }
    MaskedValue:focus { background: $boost; text-style: reverse; }
    """

    def __init__(self, text: str, field: FormField) -> None:
        super().__init__(text + "   (r: reveal)", classes="field-value", markup=False)
        self.field = field

    def action_reveal(self) -> None:
        self.field.host.request_reveal(getattr(self.field, "owner_rel", None) or self.field.rel)


class NotCachedField(FormField):
    """A value (a field, an object, a list) the offline cache does not hold: its sensitive
    content was kept out of the file. Read-only; there is nothing to reveal."""

    def __init__(self, host: FormHost, spec: FieldSpec, rel: Path, **kw: Any) -> None:
        super().__init__(host, spec, rel, **kw)
        self.read_only = True
        self.add_class("-read-only")

    def compose_editor(self) -> ComposeResult:
        yield Static(f"{NOT_CACHED_TEXT} (offline copy)", classes="field-value", markup=False)


class FieldRow(FormField):
    """A label and one editor: Input (text, int, number), Select (enum, optional bool) or
    Switch (required bool)."""

    def __init__(
        self,
        host: FormHost,
        spec: FieldSpec,
        rel: Path,
        *,
        read_only: bool = False,
        label: str | None = None,
        owner: FieldSpec | None = None,
        owner_rel: Path | None = None,
    ) -> None:
        super().__init__(host, spec, rel, read_only=read_only, label=label)
        self.owner = owner
        """For a one-field object shown inline (a date): the object, removed when cleared."""
        self.owner_rel = owner_rel
        self._masked = host.is_hidden(rel)

    def label_text(self) -> str:
        if self.owner is None:
            return super().label_text()
        mark = f"{CHANGED_MARK} " if self.host.state.changed(self.owner_rel) else "  "
        req = " *" if self.owner.required and not self.read_only else ""
        return f"{mark}{self._label}{req}"

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        kind = self.spec.kind
        if self._masked:
            shown = mask_for_screen(self.host.section, self.path, value)
            yield MaskedValue(display_text(shown) or "(empty)", self)
        elif self.read_only:
            yield Static(display_text(value) or "—", classes="field-value", markup=False)
        elif kind == "bool" and self.tri_state:
            yield Select(
                BOOL_CHOICES,
                value=bool_choice(value),
                allow_blank=True,
                compact=True,
                prompt="— (not set)",
                classes="bool-select",
            )
        elif kind == "bool":
            yield Switch(value=value is True)
        elif kind == "enum":
            options = [(v, v) for v in self.spec.enum_values]
            if isinstance(value, str) and value not in self.spec.enum_values:
                options.append((f"{value} (not known to this version)", value))
            current = value if isinstance(value, str) else Select.NULL
            yield Select(options, value=current, allow_blank=True, compact=True, prompt="—")
        else:
            placeholder = {"int": "whole number", "number": "number"}.get(kind, "")
            yield Input(display_text(value), placeholder=placeholder, compact=True, select_on_focus=False)

    @property
    def tri_state(self) -> bool:
        """An optional boolean: not set / true / false (a Select rather than a Switch)."""
        if self.spec.kind != "bool":
            return False
        return not (self.spec.required and (self.owner is None or self.owner.required))

    def refresh_mask(self) -> None:
        if self._masked and not self.host.is_hidden(self.rel):
            self._masked = False
            self.refresh(recompose=True)

    # -- editor events ---------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply_text(event.value)

    def apply_text(self, text: str) -> None:
        state = self.host.state
        if text == display_text(state.get(self.rel)) and self.rel not in state.parse_errors:
            return  # nothing new (also: the event an Input sends when it mounts)
        if text == display_text(state.base_get(self.rel)):
            self.show_error(None)
            state.restore(self.rel)
            if self.owner_rel is not None and state.base_get(self.owner_rel) is ABSENT:
                state.restore(self.owner_rel)
            self.edited()
            return
        if text.strip() == "" and self.spec.kind != "text" or text == "":
            self._clear()
            return
        value, error = parse_text(self.spec.kind, text)
        if error:
            state.set_parse_error(self.rel, error)
            self.show_error(error)
            self.edited()
            return
        self.set_json(value)

    def _clear(self) -> None:
        state = self.host.state
        self.show_error(None)
        if self.owner is not None and self.spec.required and self.owner_rel is not None:
            if self.owner.required:
                state.clear(self.rel)
                state.set_parse_error(self.rel, REQUIRED)
                self.show_error(REQUIRED)
            else:
                state.clear(self.rel, owner=self.owner_rel)
        elif self.spec.required:
            state.clear(self.rel)
            state.set_parse_error(self.rel, REQUIRED)
            self.show_error(REQUIRED)
        else:
            self.set_json(ABSENT)
            return
        self.edited()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply_choice(event.value)

    def apply_choice(self, value: Any) -> None:
        if self.spec.kind == "bool" and value != Select.NULL:
            value = _BOOL_OF.get(str(value), value)
        current = self.host.state.get(self.rel)
        if value == Select.NULL:
            if current is ABSENT or current is None:
                return
            self._clear()
            return
        if type(value) is type(current) and value == current:
            return
        self.set_json(value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self.apply_switch(event.value)

    def apply_switch(self, on: bool) -> None:
        current = self.host.state.get(self.rel)
        if on == (current is True):
            return
        base = self.host.state.base_get(self.rel)
        if not on and (base is ABSENT or base is None):
            self.host.state.restore(self.rel)  # off again: back to "not set"
            self.edited()
            return
        self.set_json(on)

    def commit(self) -> None:
        """Apply the editor's current text / choice / switch now; an open drop-down's
        highlighted option counts as chosen (as Enter would choose it)."""
        if self.read_only or self._masked:
            return
        for child in self.children:
            if isinstance(child, Input):
                self.apply_text(child.value)
            elif isinstance(child, Select):
                if child.expanded:
                    choose_highlighted(child)
                self.apply_choice(child.value)
            elif isinstance(child, Switch):
                self.apply_switch(child.value)


def choose_highlighted(select: Select) -> None:
    """Close an open drop-down, taking its highlighted option as the value."""
    overlays = select.query_children(OptionList)  # the Select's SelectOverlay
    index = overlays.first().highlighted if overlays else None
    options = getattr(select, "_options", None)  # [(prompt, value)], the blank first (Textual 8)
    if index is not None and isinstance(options, list) and 0 <= index < len(options):
        value = options[index][1]
        if value != select.value:
            select.value = value
    select.expanded = False
    select.focus()
