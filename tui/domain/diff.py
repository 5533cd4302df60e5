"""What the agent is about to change, one line per field path (for the confirm screen)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.domain.edits import Edit, EditKind, edits_from
from tui.domain.masking import is_masked, mask_for_screen
from tui.domain.paths import ABSENT, Path, format_path, under_any

__all__ = ["DiffLine", "diff", "lines_from_edits", "summary", "format_value"]

ARROW = "→"


def format_value(value: Any, limit: int = 80) -> str:
    """A short, one-line rendering of a JSON value (``(none)`` for a missing one)."""
    if value is ABSENT:
        return "(none)"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class DiffLine:
    path: Path
    old: Any
    new: Any
    kind: EditKind
    """"set" (a field changed, appeared or went away), "add" / "remove" (a list item)."""
    masked: bool = False
    """True when the screen must hide (part of) the values until the agent reveals them."""
    shown_old: Any = None
    shown_new: Any = None
    label: str = ""

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    @property
    def change(self) -> str:
        """ "changed" / "added" / "removed" (added / removed also for object fields)."""
        if self.kind == "add" or (self.kind == "set" and self.old is ABSENT):
            return "added"
        if self.kind == "remove" or (self.kind == "set" and self.new is ABSENT):
            return "removed"
        return "changed"

    def old_text(self, reveal: bool = False) -> str:
        return format_value(self.old if reveal or not self.masked else self.shown_old)

    def new_text(self, reveal: bool = False) -> str:
        return format_value(self.new if reveal or not self.masked else self.shown_new)

    def text(self, reveal: bool = False) -> str:
        where = self.path_text
        if self.change == "added":
            return f"+ {where}: {self.new_text(reveal)}"
        if self.change == "removed":
            return f"- {where}: {self.old_text(reveal)}"
        return f"~ {where}: {self.old_text(reveal)} {ARROW} {self.new_text(reveal)}"


def _line(edit: Edit, section: Any | None) -> DiffLine:
    if section is None:
        return DiffLine(edit.path, edit.old, edit.new, edit.kind, False, edit.old, edit.new, format_path(edit.path))

    def shown(v: Any) -> Any:
        return v if v is ABSENT else mask_for_screen(section, edit.path, v)

    old, new = shown(edit.old), shown(edit.new)
    masked = is_masked(section, edit.path) or old != edit.old or new != edit.new
    return DiffLine(edit.path, edit.old, edit.new, edit.kind, masked, old, new, section.label(edit.path))


def lines_from_edits(edits: Iterable[Edit], section: Any | None = None) -> list[DiffLine]:
    return [_line(e, section) for e in edits]


def diff(base: Any, edited: Any, section: Any | None = None) -> list[DiffLine]:
    """One line per changed field path, base -> edited. With a ``section``, lines know whether
    they are masked (identity-document numbers, date of birth) and carry masked renderings."""
    return lines_from_edits(edits_from(base, edited), section)


def summary(section: Any, lines: Iterable[Any]) -> str:
    """``"3 changes to business info"``, ``"1 change to roles"``, ``"No changes to ..."``."""
    n = len(list(lines))
    noun = getattr(section, "noun", None) or getattr(section, "title", str(section)).lower()
    if n == 0:
        return f"No changes to {noun}"
    return f"{n} change{'s' if n != 1 else ''} to {noun}"


def touches_masked(section: Any, paths: Iterable[Path]) -> bool:
    return any(under_any(section.masked_paths, tuple(p)) for p in paths)
