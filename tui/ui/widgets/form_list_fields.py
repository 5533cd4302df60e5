"""Field widgets for lists of values and free-form values (see :mod:`form_fields`).

- :class:`EnumListField`: a multi-select (SelectionList) for lists of enums;
- :class:`StrListField`: a small text area, one item per line, for plain-string lists;
- :class:`JsonField`: free-form values (maps, things this version cannot edit), read-only.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import SelectionList, Static, TextArea

from tui.domain.form_schema import FieldSpec
from tui.domain.masking import mask_for_screen
from tui.domain.paths import ABSENT, Path
from tui.ui.widgets.form_fields import FormField, FormHost, display_text

__all__ = ["EnumListField", "StrListField", "JsonField"]


class EnumListField(FormField):
    """A list of enum values as a multi-select; the list keeps its order, new picks go last."""

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        chosen = list(value) if isinstance(value, list) else []
        if self.read_only or self.host.is_hidden(self.rel):
            yield Static(", ".join(map(str, chosen)) or "—", classes="field-value", markup=False)
            return
        known = list(self.spec.enum_values)
        extra = [v for v in chosen if v not in known]
        yield SelectionList[str](
            *[(v, v, v in chosen) for v in known],
            *[(f"{v} (not known to this version)", v, True) for v in extra],
            compact=True,
        )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.apply_selected(list(event.selection_list.selected))

    def commit(self) -> None:
        for child in self.query_children(SelectionList):
            self.apply_selected(list(child.selected))

    def apply_selected(self, chosen: list) -> None:
        selected = set(chosen)
        current = self.host.state.get(self.rel)
        before = list(current) if isinstance(current, list) else []
        new = [v for v in before if v in selected] + [v for v in chosen if v not in before]
        if new == before:
            return
        base = self.host.state.base_get(self.rel)
        if not new and not self.spec.required and (base is ABSENT or base is None):
            self.set_json(ABSENT)
        else:
            self.set_json(new)


class StrListField(FormField):
    """A list of plain strings: one item per line (empty lines are dropped)."""

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        items = list(value) if isinstance(value, list) else []
        if self.read_only:
            yield Static("; ".join(map(str, items)) or "—", classes="field-value", markup=False)
            return
        yield TextArea("\n".join(items), compact=True, soft_wrap=False, show_line_numbers=False)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.apply_lines(event.text_area.text)

    def commit(self) -> None:
        for child in self.query_children(TextArea):
            self.apply_lines(child.text)

    def apply_lines(self, text: str) -> None:
        items = [line for line in text.split("\n") if line.strip()]
        current = self.host.state.get(self.rel)
        if isinstance(current, list) and items == current:
            return
        base = self.host.state.base_get(self.rel)
        if not items and not self.spec.required and (base is ABSENT or base is None):
            self.set_json(ABSENT)
        else:
            self.set_json(items)


class JsonField(FormField):
    """A value the form cannot edit field by field (free-form map, unexpected shape): kept."""

    def __init__(self, host: FormHost, spec: FieldSpec, rel: Path, **kw: Any) -> None:
        super().__init__(host, spec, rel, **kw)
        self.read_only = True
        self.add_class("-read-only")

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        if self.host.is_hidden(self.rel):
            value = mask_for_screen(self.host.section, self.path, value)
        text = display_text(value) or "—"
        yield Static(text if len(text) < 200 else text[:199] + "…", classes="field-value", markup=False)
