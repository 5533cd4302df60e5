"""Showing :mod:`tui.domain.warnings`: a banner of every warning (above a form, in a dialog)
and the same messages next to the fields they name.

Warnings never block anything: they are shown in the warning colour, not the error one, and
wrap at word boundaries at any width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widget import MountError, Widget
from textual.widgets import Static

from tui.domain.warnings import ProfileWarning

__all__ = ["WarningsBanner", "warnings_text", "place_field_warnings", "FIELD_WARNING"]

MARK = "⚠ "
FIELD_WARNING = "field-warning"


def warnings_text(warnings: Iterable[ProfileWarning]) -> Text:
    """One ``⚠ message`` line per warning (wrapped lines keep the text clear of the mark)."""
    lines = [Text(MARK + w.message) for w in warnings]
    return Text("\n").join(lines)


class WarningsBanner(Static):
    """Every warning of a document, one a line; hidden when there is none."""

    DEFAULT_CSS = """
    WarningsBanner { height: auto; width: 1fr; color: $text-warning; background: $warning-muted;
        padding: 0 1; display: none; }
    WarningsBanner.-shown { display: block; }
    """

    def __init__(self, warnings: Sequence[ProfileWarning] = (), **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.warnings: tuple[ProfileWarning, ...] = ()
        self.show(warnings)

    def show(self, warnings: Sequence[ProfileWarning]) -> None:
        self.warnings = tuple(warnings)
        self.update(warnings_text(self.warnings))
        self.set_class(bool(self.warnings), "-shown")


class FieldWarning(Static):
    DEFAULT_CSS = """
    FieldWarning { height: auto; width: 1fr; color: $text-warning; padding-left: 2; }
    """


def _owner(form: Any, path: tuple) -> Widget | None:
    """The deepest mounted widget of ``form`` (a SectionForm) that shows ``path``."""
    for n in range(len(path), 0, -1):
        widget = form.field_widget(path[:n])
        if widget is not None and widget.parent is not None:
            return widget
    return None


def place_field_warnings(form: Any, warnings: Iterable[ProfileWarning]) -> None:
    """Put each warning with a path under the widget that shows it (the deepest one mounted:
    a collapsed group or a list when the field itself is not on screen), replacing the ones
    placed before. Warnings about the section as a whole stay in the banner only."""
    for old in form.query(f".{FIELD_WARNING}").results():
        old.remove()
    grouped: dict[int, tuple[Widget, list[ProfileWarning]]] = {}
    for warning in warnings:
        owner = _owner(form, tuple(warning.path)) if warning.path else None
        if owner is not None:
            grouped.setdefault(id(owner), (owner, []))[1].append(warning)
    for owner, found in grouped.values():
        parent = owner.parent
        if not isinstance(parent, Widget) or not owner.is_attached:
            continue
        try:
            parent.mount(FieldWarning(warnings_text(found), classes=FIELD_WARNING, markup=False), after=owner)
        except MountError:  # the form is being rebuilt: it places them again when done
            continue
