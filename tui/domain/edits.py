"""The agent's changes as field-path edits against a base copy, and their replay.

``edits_from(base, edited)`` computes the edits; ``apply(edits, fresh)`` replays them on a
(possibly fresher) copy without dropping anything it does not touch. The PUT body is
``apply(edits_from(base, edited), fresh)``.

Kinds:
- ``set``: the value at ``path`` becomes ``new`` (``old`` is ABSENT when the key was missing,
  ``new`` is ABSENT when an object key was removed);
- ``add``: a list item ``new`` was inserted at ``path`` (last step an index);
- ``remove``: the list item ``old`` at ``path`` was removed.

Lists: when one list is the other with items only inserted or only removed, the edits are
exactly those adds / removes; otherwise items are compared by index (changed fields inside
items, then added items at the end or removed items from the end).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from tui.domain.paths import ABSENT, Path, delete, format_path, get, last_index, parse_path, set_at

__all__ = ["Edit", "EditSet", "EditKind", "ApplyError", "edits_from", "apply", "json_equal"]

EditKind = Literal["set", "add", "remove"]


class ApplyError(ValueError):
    """An edit cannot be replayed on this document (e.g. its container is gone)."""


@dataclass(frozen=True)
class Edit:
    path: Path
    old: Any
    new: Any
    kind: EditKind = "set"

    @property
    def label(self) -> str:
        return format_path(self.path)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": list(self.path), "kind": self.kind}
        if self.old is not ABSENT:
            out["old"] = self.old
        if self.new is not ABSENT:
            out["new"] = self.new
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Edit:
        raw = data["path"]
        path = parse_path(raw) if isinstance(raw, str) else tuple(raw)
        return cls(path, data.get("old", ABSENT), data.get("new", ABSENT), data.get("kind", "set"))


class EditSet:
    """An ordered, immutable collection of edits (replayable with :func:`apply`)."""

    __slots__ = ("_edits",)

    def __init__(self, edits: Iterable[Edit] = ()) -> None:
        self._edits: tuple[Edit, ...] = tuple(edits)

    def __iter__(self) -> Iterator[Edit]:
        return iter(self._edits)

    def __len__(self) -> int:
        return len(self._edits)

    def __bool__(self) -> bool:
        return bool(self._edits)

    def __getitem__(self, i: int) -> Edit:
        return self._edits[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EditSet) and self._edits == other._edits

    def __repr__(self) -> str:
        return f"EditSet({list(self._edits)!r})"

    @property
    def paths(self) -> list[Path]:
        return [e.path for e in self._edits]

    def apply(self, fresh: Any) -> Any:
        return apply(self, fresh)

    def to_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self._edits]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]]) -> EditSet:
        return cls(Edit.from_json(d) for d in data)


def edits_from(base: Any, edited: Any) -> EditSet:
    out: list[Edit] = []
    _diff((), base, edited, out)
    return EditSet(out)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality where types matter: True != 1 and 1 != 1.0 (scalars are strict)."""
    return _deep_same(a, b)


def _deep_same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _diff(path: Path, a: Any, b: Any, out: list[Edit]) -> None:
    if json_equal(a, b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key not in b:
                out.append(Edit(path + (key,), a[key], ABSENT, "set"))
            else:
                _diff(path + (key,), a[key], b[key], out)
        for key in b:
            if key not in a:
                out.append(Edit(path + (key,), ABSENT, b[key], "set"))
        return
    if isinstance(a, list) and isinstance(b, list) and path:
        _diff_list(path, a, b, out)
        return
    out.append(Edit(path, a, b, "set"))


def _subsequence(short: list, long: list) -> list[int] | None:
    """Indices in ``long`` of a greedy embedding of ``short``, or None."""
    picked: list[int] = []
    j = 0
    for item in short:
        while j < len(long) and not json_equal(long[j], item):
            j += 1
        if j == len(long):
            return None
        picked.append(j)
        j += 1
    return picked


def _diff_list(path: Path, a: list, b: list, out: list[Edit]) -> None:
    if len(b) < len(a):
        kept = _subsequence(b, a)
        if kept is not None:
            keep = set(kept)
            for i in range(len(a) - 1, -1, -1):
                if i not in keep:
                    out.append(Edit(path + (i,), a[i], ABSENT, "remove"))
            return
    elif len(b) > len(a):
        kept = _subsequence(a, b)
        if kept is not None:
            keep = set(kept)
            for i in range(len(b)):
                if i not in keep:
                    out.append(Edit(path + (i,), ABSENT, b[i], "add"))
            return
    n = min(len(a), len(b))
    for i in range(n):
        _diff(path + (i,), a[i], b[i], out)
    for i in range(n, len(b)):
        out.append(Edit(path + (i,), ABSENT, b[i], "add"))
    for i in range(len(a) - 1, n - 1, -1):
        out.append(Edit(path + (i,), a[i], ABSENT, "remove"))


def apply(edits: Iterable[Edit], fresh: Any) -> Any:
    """A deep copy of ``fresh`` with ``edits`` replayed; untouched (and unknown) fields stay."""
    doc = copy.deepcopy(fresh)
    if doc is None:
        doc = {}
    for edit in edits:
        _apply_one(doc, edit)
    return doc


def _apply_one(doc: Any, edit: Edit) -> None:
    path = edit.path
    if not path:
        raise ApplyError("an edit needs a non-empty path")
    try:
        if edit.kind == "set":
            if edit.new is ABSENT:
                delete(doc, path)
            else:
                set_at(doc, path, copy.deepcopy(edit.new))
        elif edit.kind == "add":
            _add_item(doc, path, edit.new)
        elif edit.kind == "remove":
            if isinstance(path[-1], int):
                _remove_item(doc, path, edit.old)
            else:
                delete(doc, path)
        else:
            raise ApplyError(f"unknown edit kind {edit.kind!r}")
    except (IndexError, TypeError) as exc:
        raise ApplyError(f"cannot apply {edit.kind} at {format_path(path)}: {exc}") from exc


def _add_item(doc: Any, path: Path, item: Any) -> None:
    index = path[-1]
    if not isinstance(index, int):
        raise ApplyError(f"add needs a list index, got {format_path(path)}")
    target = get(doc, path[:-1])
    if target is ABSENT or target is None:
        set_at(doc, path[:-1], [])
        target = get(doc, path[:-1])
    if not isinstance(target, list):
        raise ApplyError(f"{format_path(path[:-1])} is not a list")
    target.insert(min(index, len(target)), copy.deepcopy(item))


def _remove_item(doc: Any, path: Path, old: Any) -> None:
    """Remove the item equal to ``old``: at its index if still there, else the nearest equal one.

    When no equal item remains (already removed elsewhere), nothing happens.
    """
    target = get(doc, path[:-1])
    if not isinstance(target, list):
        return
    index = last_index(path)
    if 0 <= index < len(target) and json_equal(target[index], old):
        target.pop(index)
        return
    candidates = [i for i, item in enumerate(target) if json_equal(item, old)]
    if candidates:
        target.pop(min(candidates, key=lambda i: abs(i - index)))
