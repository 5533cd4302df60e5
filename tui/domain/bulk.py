"""Bulk edits, UI-free: a change, its replay on one user's copy, and its inverse.

    change = Change("business", (Set(("designation",), "Engineer"), Clear(("costCenterRef",))))
    require_valid(change)                      # ChangeError with every Problem, or the change
    r = replay(change, current_copy)           # Replay: will_change / already / cannot_apply
    r.edits, r.new, r.touched                  # the EditSet, the new copy, pre/post per field
    base, edited = commit_docs(r.touched)      # what the commit path gets (see below)
    back = undo_change("business", r.touched, copy_now)  # UndoStep: the Change that restores, what moved

Where the rest lives (all UI-free, each importable alone):

- :mod:`tui.domain.bulk_ops`: the operations (:class:`Set`, :class:`Clear`, :class:`AddItem`,
  :class:`RemoveWhere`, :class:`Activate`, :class:`Deactivate`) and :class:`Change`, as JSON;
- :mod:`tui.domain.bulk_rules`: refusals and value checks (:func:`check_change`), the fields a
  picker offers (:func:`bulk_fields`, :func:`find_fields`);
- :mod:`tui.domain.bulk_plan`: ``plan(backend, change, users, ...)`` over a ProfileBackend
  (bounded concurrency, progress, cancel) -> ``Plan`` of ``UserPlan`` rows;
- :mod:`tui.domain.jobs`: the SQLite journal; :mod:`tui.domain.runner`: the apply loop,
  resume, retry of failed users, undo.

Touched fields. A change's effect on one user is recorded as :class:`Touched` fields: the
outermost paths whose value changes (a whole list for list operations), each with its value
before (``pre``, ``ABSENT`` when missing) and after (``post``). They are what the journal keeps
(never the whole copy), what undo restores, and what the commit path gets: ``commit_docs``
builds a base holding the ``pre`` values and an edited copy holding the ``post`` values, so the
commit's fresh GET and three-way merge keep every other field as the server has it and refuse
(``conflict``) a touched field that no longer holds what the preview showed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.domain.bulk_ops import (
    Activate,
    AddItem,
    Change,
    Clear,
    Deactivate,
    FieldOperation,
    Operation,
    RemoveWhere,
    Set,
    UserOperation,
    describe_op,
    op_from_json,
    op_to_json,
)
from tui.domain.bulk_rules import (
    BulkField,
    ChangeError,
    Problem,
    bulk_fields,
    check_change,
    find_fields,
    refusal,
    require_valid,
    value_problems,
)
from tui.domain.edits import Edit, EditSet, edits_from, json_equal
from tui.domain.form_schema import validation_errors
from tui.domain.paths import ABSENT, Path, delete, format_path, get, set_at
from tui.domain.sections import Section

__all__ = [
    # operations and the change (bulk_ops)
    "Set",
    "Clear",
    "AddItem",
    "RemoveWhere",
    "Activate",
    "Deactivate",
    "Operation",
    "FieldOperation",
    "UserOperation",
    "Change",
    "op_to_json",
    "op_from_json",
    "describe_op",
    # rules (bulk_rules)
    "BulkField",
    "Problem",
    "ChangeError",
    "bulk_fields",
    "find_fields",
    "refusal",
    "value_problems",
    "check_change",
    "require_valid",
    # replay and inverse (here)
    "STATUS_PATH",
    "Outcome",
    "Touched",
    "Replay",
    "UndoStep",
    "replay",
    "replay_status",
    "touched_fields",
    "commit_docs",
    "undo_change",
    "touched_to_json",
    "touched_from_json",
]

Outcome = Literal["will_change", "already", "cannot_apply"]
"""A user's planned outcome: the change would change the copy, it holds what was asked already
(no PUT), or the change cannot be applied to it (a reason says why)."""

STATUS_PATH: Path = ("isActive",)
"""The field of ``GET /v2/users/{id}`` a user-level change touches (activate / deactivate)."""


@dataclass(frozen=True)
class Touched:
    """One field a change touches on one user: the outermost changed path (a list as a whole
    for list operations), its value before and after (``ABSENT`` when missing)."""

    path: Path
    pre: Any
    post: Any

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": list(self.path)}
        if self.pre is not ABSENT:
            out["pre"] = self.pre
        if self.post is not ABSENT:
            out["post"] = self.post
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Touched:
        return cls(tuple(data["path"]), data.get("pre", ABSENT), data.get("post", ABSENT))


def touched_to_json(touched: Iterable[Touched]) -> list[dict[str, Any]]:
    return [t.to_json() for t in touched]


def touched_from_json(data: Iterable[dict[str, Any]]) -> tuple[Touched, ...]:
    return tuple(Touched.from_json(d) for d in data)


@dataclass(frozen=True)
class Replay:
    """A change replayed on one user's copy."""

    outcome: Outcome
    edits: EditSet = field(default_factory=EditSet)
    """current -> new, as field-path edits (empty unless ``will_change``)."""
    new: Any = None
    """The copy with the change applied (``will_change``; the current copy for ``already``)."""
    touched: tuple[Touched, ...] = ()
    reason: str = ""
    """For ``cannot_apply``: why, in the agent's words (no sensitive value in it)."""


@dataclass(frozen=True)
class UndoStep:
    """What undoing a job means for one user now: ``change`` restores the touched fields that
    still hold what the job wrote; ``moved`` lists those that changed since the job."""

    change: Change
    moved: tuple[Path, ...] = ()

    @property
    def nothing_to_undo(self) -> bool:
        return not self.change.operations


class _CannotApply(Exception):
    pass


def _holds(existing: Any, wanted: Any) -> bool:
    """``existing`` has every field ``wanted`` gives, with the same value (deeply for objects)."""
    if isinstance(wanted, dict):
        return isinstance(existing, dict) and all(k in existing and _holds(existing[k], v) for k, v in wanted.items())
    return json_equal(existing, wanted)


def _list_at(doc: Any, path: Path, sec: Section, create: bool) -> list | None:
    value = get(doc, path)
    if value is ABSENT or value is None:
        if not create:
            return None
        try:
            set_at(doc, path, [])
        except (TypeError, IndexError):
            raise _CannotApply(f"{sec.label(path)} cannot be created on this profile") from None
        return get(doc, path)
    if not isinstance(value, list):
        raise _CannotApply(f"{sec.label(path)} is not a list on this profile")
    return value


def _apply_op(doc: Any, op: FieldOperation, sec: Section) -> None:
    if isinstance(op, Set):
        try:
            set_at(doc, op.path, copy.deepcopy(op.value))
        except (TypeError, IndexError):
            raise _CannotApply(
                f"{sec.label(op.path)} cannot be set on this profile (its parent is not an object)"
            ) from None
    elif isinstance(op, Clear):
        delete(doc, op.path)
    elif isinstance(op, AddItem):
        items = _list_at(doc, op.list_path, sec, create=True)
        assert items is not None
        if not any(_holds(item, op.item) for item in items):
            items.append(copy.deepcopy(op.item))
    elif isinstance(op, RemoveWhere):
        items = _list_at(doc, op.list_path, sec, create=False)
        if items is not None:
            items[:] = [item for item in items if not json_equal(get(item, op.sub_path), op.value)]


def touched_fields(current: Any, new: Any) -> tuple[Touched, ...]:
    """The outermost changed fields from ``current`` to ``new``: each edit's path cut before
    its first list index (the list is the field), once each, outer paths first."""
    out: dict[Path, None] = {}
    for e in edits_from(current, new):
        cut = next((i for i, k in enumerate(e.path) if isinstance(k, int)), len(e.path))
        out.setdefault(tuple(e.path[:cut]), None)
    paths = [p for p in out if not any(q != p and p[: len(q)] == q for q in out)]
    return tuple(Touched(p, copy.deepcopy(get(current, p)), copy.deepcopy(get(new, p))) for p in paths)


def _validation_news(sec: Section, current: Any, new: Any) -> list[tuple[Path, str]]:
    """Problems of ``new`` that ``current`` does not have already (a copy the server holds as
    it is is not the change's fault)."""
    before = set(validation_errors(sec.model, current if current is not None else {}))
    return [p for p in validation_errors(sec.model, new) if p not in before]


def replay(change: Change, current: Any, *, check_result: bool = True) -> Replay:
    """``change`` (a section change) replayed on one user's ``current`` copy of its section.

    Untouched fields, unknown ones included, stay exactly as they are. Outcomes: ``already``
    when the copy holds what was asked (no PUT), ``cannot_apply`` when an operation has no
    meaning on this copy or the result would not validate (the reason names the fields), else
    ``will_change``. The change is assumed valid (:func:`require_valid`). An undo passes
    ``check_result=False``: it puts back what the server held, valid by our model or not."""
    sec = change.section
    if sec is None:
        raise ValueError("replay() takes a section change; see replay_status() for activate / deactivate")
    new = copy.deepcopy(current) if current is not None else {}
    try:
        for op in change.field_operations:
            _apply_op(new, op, sec)
    except _CannotApply as exc:
        return Replay("cannot_apply", reason=str(exc))
    base = current if current is not None else {}
    if json_equal(new, base):
        return Replay("already", new=new)
    problems = _validation_news(sec, current, new) if check_result else []
    if problems:
        text = "; ".join(f"{sec.label(p) if p else sec.title}: {m}" for p, m in problems[:3])
        return Replay("cannot_apply", reason=f"the result would not validate: {text}")
    return Replay("will_change", edits_from(base, new), new, touched_fields(base, new))


def replay_status(change: Change, active: bool | None) -> Replay:
    """A user-level change (activate / deactivate) on a user whose status is ``active``
    (``None``: unknown, counted as active, as the API does)."""
    op = change.operations[0] if change.operations else None
    if not isinstance(op, (Activate, Deactivate)):
        raise ValueError("replay_status() takes an activate or deactivate change")
    now = active is not False
    wanted = isinstance(op, Activate)
    if now == wanted:
        return Replay("already", new={"isActive": now})
    touched = (Touched(STATUS_PATH, now, wanted),)
    return Replay("will_change", EditSet([Edit(STATUS_PATH, now, wanted)]), {"isActive": wanted}, touched)


def _skeleton(touched: Iterable[Touched], side: str) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for t in touched:
        parent = t.path[:-1]
        for n in range(1, len(parent) + 1):
            if get(doc, parent[:n]) is ABSENT:
                set_at(doc, parent[:n], {})
        value = t.pre if side == "pre" else t.post
        if value is not ABSENT:
            set_at(doc, t.path, copy.deepcopy(value))
    return doc


def commit_docs(touched: Iterable[Touched]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(base, edited)`` for :func:`tui.domain.commit.commit_section`: the touched fields'
    ``pre`` values and their ``post`` values (objects on the way kept as objects).

    The commit path replays base -> edited on its fresh GET: every other field stays as the
    server has it, and a touched field the server changed since (to anything but ``post``) is
    a ``conflict``, so nothing is sent for that user."""
    touched = tuple(touched)
    return _skeleton(touched, "pre"), _skeleton(touched, "post")


def undo_change(section_key: str | None, touched: Iterable[Touched], current: Any) -> UndoStep:
    """The inverse of a change on one user, from the journal's touched fields and the user's
    ``current`` copy: every field that still holds what the job wrote (``post``) is set back
    to ``pre`` (cleared when it was missing); the others are ``moved`` (changed since the job)
    and left alone."""
    ops: list[Operation] = []
    moved: list[Path] = []
    if section_key is None:  # activate / deactivate: the status is the one touched field
        for t in touched:
            if not json_equal(get(current, t.path), t.post):
                moved.append(t.path)
            else:
                ops.append(Activate() if t.pre is not False else Deactivate())
        return UndoStep(Change(None, tuple(ops)), tuple(moved))
    for t in touched:
        if not json_equal(get(current, t.path), t.post):
            moved.append(t.path)
        elif t.pre is ABSENT:
            ops.append(Clear(t.path))
        else:
            ops.append(Set(t.path, copy.deepcopy(t.pre)))
    return UndoStep(Change(section_key, tuple(ops)), tuple(moved))


def describe_paths(sec: Section | None, paths: Iterable[Path]) -> str:
    """``"Job title, Cost center"`` (field labels; paths when no section)."""
    return ", ".join(sec.label(p) if sec else format_path(p) for p in paths)
