"""Three-way merge of the agent's edits with what changed on the server meanwhile.

``merge(base, fresh, edited)``: ``base`` is the copy the agent started from, ``fresh`` the
server's copy now, ``edited`` the agent's result. The agent's edits (base -> edited) are replayed
on ``fresh`` unless the server changed the same field to something else.

Conflict rules (``P`` is the conflicting path shown to the agent):
- both sides touched overlapping paths (one equal to or inside the other) and the results at
  the shorter path differ -> conflict at the shorter path (both removing the same list item,
  or setting the same value, is no conflict);
- the server inserted or removed items of a list (anything but appending) and the agent
  changed anything inside that list other than appending -> conflict on the whole list, since
  the item indices no longer mean the same items;
- both sides appended items to the same list -> no conflict, both are kept (an item the server
  already appended is not added twice).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.domain.edits import Edit, EditSet, apply, edits_from, json_equal
from tui.domain.paths import ABSENT, Path, delete, format_path, get, last_index, overlaps, set_at

__all__ = ["Conflict", "ConflictDecision", "MergeResult", "merge", "resolve", "Choice"]

Choice = Literal["mine", "theirs"]


@dataclass(frozen=True)
class Conflict:
    path: Path
    base: Any
    theirs: Any
    mine: Any

    @property
    def label(self) -> str:
        return format_path(self.path)


@dataclass
class ConflictDecision:
    """The agent's answer to a conflict: "apply" (with a choice per conflicting path) or
    "discard" (drop the agent's edits, take the server's copy)."""

    action: Literal["apply", "discard"]
    choices: dict[Path, Choice] = field(default_factory=dict)


@dataclass
class MergeResult:
    clean: bool
    merged: Any
    """fresh + the agent's edits; when not clean, fresh + only the non-conflicting edits."""
    server_changes: EditSet
    mine: EditSet
    conflicts: list[Conflict] = field(default_factory=list)
    fresh: Any = None
    edited: Any = None

    @property
    def conflict_paths(self) -> list[Path]:
        return [c.path for c in self.conflicts]


def _is_append(edit: Edit, base: Any) -> bool:
    if edit.kind != "add":
        return False
    lst = get(base, edit.path[:-1])
    return not isinstance(lst, list) or last_index(edit.path) >= len(lst)


def _after_server_appends(m: Edit, base: Any, fresh: Any) -> Edit:
    """An agent's append lands after whatever the server appended meanwhile."""
    if not _is_append(m, base):
        return m
    old_list, new_list = get(base, m.path[:-1]), get(fresh, m.path[:-1])
    if not isinstance(old_list, list) or not isinstance(new_list, list):
        return m
    index = last_index(m.path) - len(old_list) + len(new_list)
    return Edit(m.path[:-1] + (max(index, 0),), m.old, m.new, m.kind)


def _value_at(doc: Any, edits: EditSet, path: Path) -> Any:
    for e in edits:
        if e.path == path and e.kind == "remove":
            return ABSENT
    return get(doc, path)


def _same_result(m: Edit, t: Edit, edited: Any, fresh: Any, mine: EditSet, theirs: EditSet) -> bool:
    if m.path == t.path:
        if m.kind != t.kind:
            return False
        if m.kind == "remove":
            return json_equal(m.old, t.old)
        return json_equal(m.new, t.new)
    shorter = m if len(m.path) < len(t.path) else t
    if shorter.kind in ("add", "remove"):
        return False
    p = shorter.path
    return json_equal(_value_at(edited, mine, p), _value_at(fresh, theirs, p))


def merge(base: Any, fresh: Any, edited: Any) -> MergeResult:
    mine = edits_from(base, edited)
    theirs = edits_from(base, fresh)

    conflict_paths: list[Path] = []
    dropped: set[int] = set()  # indices into mine of appends the server already made

    # Lists the server restructured (inserted before the end, or removed items).
    shifted = {t.path[:-1] for t in theirs if t.kind == "remove" or (t.kind == "add" and not _is_append(t, base))}

    for i, m in enumerate(mine):
        for lst in shifted:
            if len(m.path) > len(lst) and m.path[: len(lst)] == lst and not _is_append(m, base):
                conflict_paths.append(lst)
        for t in theirs:
            if not overlaps(m.path, t.path):
                continue
            if m.kind == "add" and t.kind == "add" and _is_append(m, base) and _is_append(t, base):
                if json_equal(m.new, t.new):
                    dropped.add(i)
                continue
            if m.path == t.path and m.kind == "add" and t.kind == "add":
                continue  # two inserts at the same place: both kept
            if not _same_result(m, t, edited, fresh, mine, theirs):
                conflict_paths.append(m.path if len(m.path) <= len(t.path) else t.path)

    # Keep only outermost conflict paths, once each, in first-seen order.
    outer: list[Path] = []
    for p in conflict_paths:
        if any(len(q) <= len(p) and p[: len(q)] == q for q in outer):
            continue
        outer = [q for q in outer if not (len(q) > len(p) and q[: len(p)] == p)]
        outer.append(p)

    conflicts = [Conflict(p, get(base, p), _value_at(fresh, theirs, p), _value_at(edited, mine, p)) for p in outer]
    keep = EditSet(
        _after_server_appends(m, base, fresh)
        for i, m in enumerate(mine)
        if i not in dropped and not any(overlaps(m.path, p) for p in outer)
    )
    merged = apply(keep, fresh)
    return MergeResult(
        clean=not conflicts,
        merged=merged,
        server_changes=theirs,
        mine=mine,
        conflicts=conflicts,
        fresh=fresh,
        edited=edited,
    )


def resolve(result: MergeResult, choices: Mapping[Path, Choice]) -> Any:
    """The document to PUT once every conflict has a choice ("mine" or "theirs").

    Starts from ``result.merged`` (fresh + the non-conflicting edits) and, per conflict, keeps
    the server's value ("theirs") or puts the agent's value ("mine", removing the field or list
    item when the agent removed it).
    """
    missing = [c.label for c in result.conflicts if c.path not in choices]
    if missing:
        raise ValueError(f"no choice for: {', '.join(missing)}")
    doc = copy.deepcopy(result.merged)
    # Deepest and highest-index first, so list positions stay valid while we work.
    for c in sorted(result.conflicts, key=_sort_key, reverse=True):
        choice = choices[c.path]
        if choice == "theirs":
            continue
        if choice != "mine":
            raise ValueError(f"choice for {c.label} must be 'mine' or 'theirs', not {choice!r}")
        _put_mine(doc, c)
    return doc


def _sort_key(c: Conflict) -> tuple:
    return tuple((0, k) if isinstance(k, int) else (1, str(k)) for k in c.path)


def _put_mine(doc: Any, c: Conflict) -> None:
    path = c.path
    last = path[-1]
    if isinstance(last, int):
        lst = get(doc, path[:-1])
        if not isinstance(lst, list):
            if c.mine is not ABSENT:
                set_at(doc, path[:-1], [c.mine])
            return
        # find the server's item by value (indices may have moved), else by position
        at = next((i for i, item in enumerate(lst) if c.theirs is not ABSENT and json_equal(item, c.theirs)), None)
        if c.mine is ABSENT:
            if at is not None:
                lst.pop(at)
        elif at is not None:
            lst[at] = copy.deepcopy(c.mine)
        else:
            lst.insert(min(last, len(lst)), copy.deepcopy(c.mine))
        return
    if c.mine is ABSENT:
        delete(doc, path)
    else:
        set_at(doc, path, copy.deepcopy(c.mine))
