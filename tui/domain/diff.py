"""What the agent is about to change, one line per field path (for the confirm screen)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.domain.edits import Edit, EditKind, edits_from
from tui.domain.items import describe_item, item_root
from tui.domain.masking import is_masked, mask_for_screen
from tui.domain.paths import ABSENT, Path, format_path, get, under_any

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
    item: str = ""
    """For a line in (or of) a list item: how the item is named, masked (``passport GB ••••1234``)."""
    item_clear: str = ""
    """The same, unmasked (shown once the agent reveals)."""
    field: str = ""
    """For a line inside a list item: the field's label (``expiry``); ``""`` for the item itself."""

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

    def item_text(self, reveal: bool = False) -> str:
        return self.item_clear if reveal else self.item

    def text(self, reveal: bool = False) -> str:
        if self.item:
            return self._item_line(reveal)
        where = self.path_text
        if self.change == "added":
            return f"+ {where}: {self.new_text(reveal)}"
        if self.change == "removed":
            return f"- {where}: {self.old_text(reveal)}"
        return f"~ {where}: {self.old_text(reveal)} {ARROW} {self.new_text(reveal)}"

    def _item_line(self, reveal: bool) -> str:
        """``+ phone LANDLINE +44 20 7946 0000``, ``~ passport GB ••••1234: expiry 2026-02-22 → 2031-02-22``."""
        item = self.item_text(reveal)
        if not self.field:
            mark = {"added": "+", "removed": "-"}.get(self.change, "~")
            return f"{mark} {item}"
        where = f"{item}: {self.field}"
        if self.change == "added":
            return f"+ {where} {self.new_text(reveal)}"
        if self.change == "removed":
            return f"- {where} {self.old_text(reveal)}"
        return f"~ {where} {self.old_text(reveal)} {ARROW} {self.new_text(reveal)}"


def _line(edit: Edit, section: Any | None, docs: tuple[Any, ...] = ()) -> DiffLine:
    if section is None:
        return DiffLine(edit.path, edit.old, edit.new, edit.kind, False, edit.old, edit.new, format_path(edit.path))

    def shown(v: Any) -> Any:
        return v if v is ABSENT else mask_for_screen(section, edit.path, v)

    old, new = shown(edit.old), shown(edit.new)
    masked = is_masked(section, edit.path) or old != edit.old or new != edit.new
    item = item_clear = field = ""
    root = item_root(section, edit.path)
    if root is not None:
        value = _item_value(edit, root, docs)
        item = describe_item(section, root, value)
        item_clear = describe_item(section, root, value, reveal=True)
        masked = masked or item != item_clear
        if len(edit.path) > len(root):
            field = section.label(edit.path).lower()
    return DiffLine(
        edit.path, edit.old, edit.new, edit.kind, masked, old, new, section.label(edit.path), item, item_clear, field
    )


def _item_value(edit: Edit, root: Path, docs: tuple[Any, ...]) -> Any:
    if len(edit.path) <= len(root):  # the item itself: what was added / removed
        value = edit.new if edit.old is ABSENT else edit.old
        return get(value, root[len(edit.path) :]) if len(root) > len(edit.path) else value
    for doc in docs:  # a field inside it: the item as it was (else as it is now)
        value = get(doc, root) if doc is not None else ABSENT
        if value is not ABSENT:
            return value
    return ABSENT


def lines_from_edits(
    edits: Iterable[Edit], section: Any | None = None, base: Any = None, edited: Any = None
) -> list[DiffLine]:
    """Lines for ``edits``; with the documents (``base``, ``edited``), lines inside a list item
    name the item by its fields (the section's item-summary hint)."""
    docs = tuple(d for d in (base, edited) if d is not None)
    return [_line(e, section, docs) for e in edits]


def diff(base: Any, edited: Any, section: Any | None = None) -> list[DiffLine]:
    """One line per changed field path, base -> edited. With a ``section``, lines know whether
    they are masked (identity-document numbers, date of birth) and carry masked renderings."""
    return lines_from_edits(edits_from(base, edited), section, base, edited)


def summary(section: Any, lines: Iterable[Any]) -> str:
    """``"3 changes to business info"``, ``"1 change to roles"``, ``"No changes to ..."``."""
    n = len(list(lines))
    noun = getattr(section, "noun", None) or getattr(section, "title", str(section)).lower()
    if n == 0:
        return f"No changes to {noun}"
    return f"{n} change{'s' if n != 1 else ''} to {noun}"


def touches_masked(section: Any, paths: Iterable[Path]) -> bool:
    return any(under_any(section.masked_paths, tuple(p)) for p in paths)
