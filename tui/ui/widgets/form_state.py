"""The document behind a section form: the base copy and the agent's edits, UI-free.

Edits are applied in place at field paths on a deep copy of the base; nothing goes through
the model, so unknown fields, untouched fields and their exact JSON types survive. Objects
created by typing into an absent optional group are removed again when emptied.
"""

from __future__ import annotations

import copy
from typing import Any

from tui.domain.edits import edits_from, json_equal
from tui.domain.paths import ABSENT, Path, delete, get, set_at

__all__ = ["FormState"]


class FormState:
    def __init__(self, base: Any) -> None:
        self.base: dict = copy.deepcopy(base) if isinstance(base, dict) else {}
        self.doc: dict = copy.deepcopy(self.base)
        self.parse_errors: dict[Path, str] = {}
        """Field text that could not become a JSON value (the doc keeps the last good one)."""

    # -- reading -----------------------------------------------------------------------

    def get(self, path: Path) -> Any:
        return get(self.doc, path)

    def base_get(self, path: Path) -> Any:
        return get(self.base, path)

    def changed(self, path: Path) -> bool:
        return not json_equal(get(self.base, path), get(self.doc, path))

    @property
    def value(self) -> dict:
        return copy.deepcopy(self.doc)

    @property
    def changed_paths(self) -> set[Path]:
        return set(edits_from(self.base, self.doc).paths)

    @property
    def has_changes(self) -> bool:
        return not json_equal(self.base, self.doc)

    # -- writing -----------------------------------------------------------------------

    def set(self, path: Path, value: Any) -> bool:
        """Set a value (``ABSENT`` removes the key); True when the document changed."""
        self.parse_errors.pop(path, None)
        if value is ABSENT:
            return self.clear(path)
        before = get(self.doc, path)
        if json_equal(before, value):
            return False
        set_at(self.doc, path, copy.deepcopy(value))
        return True

    def clear(self, path: Path, owner: Path | None = None) -> bool:
        """Remove the key at ``path`` (or, when given, the whole optional ``owner`` object)."""
        self.parse_errors.pop(path, None)
        target = owner if owner is not None else path
        if get(self.doc, target) is ABSENT:
            return False
        base_value = get(self.base, target)
        if base_value is None:
            set_at(self.doc, target, None)  # it was null: back to null, not a new key
        else:
            delete(self.doc, target)
        self._prune(target[:-1])
        return True

    def restore(self, path: Path) -> bool:
        """Put back the base value at ``path`` (removing the key when the base had none)."""
        self.parse_errors.pop(path, None)
        base_value = get(self.base, path)
        if json_equal(base_value, get(self.doc, path)):
            return False
        if base_value is ABSENT:
            delete(self.doc, path)
            self._prune(path[:-1])
        else:
            set_at(self.doc, path, copy.deepcopy(base_value))
        return True

    def insert(self, list_path: Path, item: Any, index: int | None = None) -> int:
        current = get(self.doc, list_path)
        if not isinstance(current, list):
            set_at(self.doc, list_path, [])
            current = get(self.doc, list_path)
        index = len(current) if index is None else max(0, min(index, len(current)))
        current.insert(index, copy.deepcopy(item))
        return index

    def remove(self, list_path: Path, index: int) -> Any:
        current = get(self.doc, list_path)
        if not isinstance(current, list) or not 0 <= index < len(current):
            return ABSENT
        item = current.pop(index)
        if not current and get(self.base, list_path) is ABSENT:
            delete(self.doc, list_path)
            self._prune(list_path[:-1])
        return item

    def set_parse_error(self, path: Path, message: str) -> None:
        self.parse_errors[path] = message

    def reset(self, base: Any, value: Any = None) -> None:
        """Start over from ``base``; ``value`` (default: the base) is the document shown, so
        edits can be kept as pending on a new base."""
        self.__init__(base)  # type: ignore[misc]
        if isinstance(value, dict):
            self.doc = copy.deepcopy(value)

    def _prune(self, path: Path) -> None:
        """Drop objects left empty that the base did not have (or had as null)."""
        while path and not isinstance(path[-1], int):  # list items stay
            node = get(self.doc, path)
            if not (isinstance(node, dict) and not node):
                return
            base_value = get(self.base, path)
            if base_value is ABSENT:
                delete(self.doc, path)
            elif base_value is None:
                set_at(self.doc, path, None)
            else:
                return
            path = path[:-1]
