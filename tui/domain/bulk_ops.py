"""The operations of a bulk change and the change itself, as data (no I/O, no validation).

A :class:`Change` is one section plus a list of operations on field paths of that section's
form schema (paths as tuples, no list indices), or one user-level operation:

- :class:`Set` ``(path, value)``: the field becomes ``value`` (an object or a whole list too);
- :class:`Clear` ``(path)``: the field goes away;
- :class:`AddItem` ``(list_path, item)``: ``item`` is appended to the list, unless the user
  already has an item that holds every field ``item`` gives with the same value;
- :class:`RemoveWhere` ``(list_path, sub_path, value)``: every item whose ``sub_path`` holds
  ``value`` goes (``sub_path == ()`` compares the item itself, for lists of strings);
- :class:`Deactivate` / :class:`Activate`: the user's status (no section).

Everything here round-trips through JSON (:meth:`Change.to_json` / :meth:`Change.from_json`),
so a job journal or a plan file holds the change as it was confirmed. Validation against the
section's schema is :mod:`tui.domain.bulk_rules`; replaying a change on one user's copy is
:mod:`tui.domain.bulk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.domain.diff import format_value
from tui.domain.paths import Path, format_path, parse_path
from tui.domain.sections import Section, section

__all__ = [
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
    "op_paths",
    "describe_op",
]


@dataclass(frozen=True)
class Set:
    """The field at ``path`` becomes ``value`` (raw JSON, as the API stores it)."""

    path: Path
    value: Any


@dataclass(frozen=True)
class Clear:
    """The field at ``path`` is removed (the key goes; nothing is sent as ``null``)."""

    path: Path


@dataclass(frozen=True)
class AddItem:
    """Append ``item`` to the list at ``list_path`` (created when missing); skipped for a user
    who already has an item holding every field of ``item`` with the same value."""

    list_path: Path
    item: Any


@dataclass(frozen=True)
class RemoveWhere:
    """Remove every item of the list at ``list_path`` whose ``sub_path`` holds ``value``
    (``sub_path == ()``: the item itself equals ``value``)."""

    list_path: Path
    sub_path: Path
    value: Any


@dataclass(frozen=True)
class Deactivate:
    """The user is deactivated (``DELETE /v2/users/{id}``)."""


@dataclass(frozen=True)
class Activate:
    """The user is activated again (``POST /v2/users/{id}/activate``)."""


FieldOperation = Set | Clear | AddItem | RemoveWhere
UserOperation = Activate | Deactivate
Operation = Set | Clear | AddItem | RemoveWhere | Activate | Deactivate


@dataclass(frozen=True)
class Change:
    """One bulk change: ``operations`` on the section ``section_key`` (in order), or a single
    user-level operation with ``section_key=None``.

    The same change can be replayed on every user; per-user values (a spreadsheet row per
    user) are one :class:`Change` per user, see ``tui.domain.bulk_plan.UserRef``.
    """

    section_key: str | None
    operations: tuple[Operation, ...] = ()
    note: str = ""
    """How to describe a change that has no operations of its own because every user carries
    their own (a spreadsheet's rows): ``per-row values from people.csv: Job title``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "operations", tuple(self.operations))

    @property
    def section(self) -> Section | None:
        """The section described in :mod:`tui.domain.sections` (None for a user-level change;
        ``KeyError`` for an unknown key)."""
        return section(self.section_key) if self.section_key else None

    @property
    def user_level(self) -> bool:
        """True for an activate / deactivate change."""
        return any(isinstance(op, (Activate, Deactivate)) for op in self.operations)

    @property
    def field_operations(self) -> tuple[FieldOperation, ...]:
        return tuple(op for op in self.operations if isinstance(op, (Set, Clear, AddItem, RemoveWhere)))

    def describe(self) -> str:
        """The change in words, operations separated by ``"; "``: ``set Job title to Engineer;
        add loyalty BA 1234``. Values are shown as typed (a change holds no sensitive field)."""
        sec = self.section
        return "; ".join(describe_op(op, sec) for op in self.operations) or self.note or "no operations"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"section": self.section_key, "operations": [op_to_json(op) for op in self.operations]}
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_json(cls, data: Any) -> Change:
        """The inverse of :meth:`to_json`; ``ValueError`` on anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("operations", []), list):
            raise ValueError("a change is an object with a section and a list of operations")
        key = data.get("section")
        if key is not None and not isinstance(key, str):
            raise ValueError("a change's section is a section key such as 'business'")
        note = data.get("note", "")
        if not isinstance(note, str):
            raise ValueError("a change's note is text")
        return cls(key, tuple(op_from_json(op) for op in data.get("operations", [])), note)


def _path_json(path: Path) -> list[str | int]:
    return list(path)


def _path_of(raw: Any, what: str) -> Path:
    if isinstance(raw, str):
        return parse_path(raw) if raw else ()
    if isinstance(raw, list) and all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in raw):
        return tuple(raw)
    raise ValueError(f"{what} must be a field path")


def op_to_json(op: Operation) -> dict[str, Any]:
    """``{"op": "set", "path": [...], "value": ...}`` and so on (``clear``, ``add``,
    ``remove_where`` with ``sub_path``, ``activate``, ``deactivate``)."""
    if isinstance(op, Set):
        return {"op": "set", "path": _path_json(op.path), "value": op.value}
    if isinstance(op, Clear):
        return {"op": "clear", "path": _path_json(op.path)}
    if isinstance(op, AddItem):
        return {"op": "add", "path": _path_json(op.list_path), "item": op.item}
    if isinstance(op, RemoveWhere):
        return {
            "op": "remove_where",
            "path": _path_json(op.list_path),
            "sub_path": list(op.sub_path),
            "value": op.value,
        }
    if isinstance(op, Activate):
        return {"op": "activate"}
    if isinstance(op, Deactivate):
        return {"op": "deactivate"}
    raise TypeError(f"not a bulk operation: {op!r}")


def op_from_json(data: Any) -> Operation:
    if not isinstance(data, dict):
        raise ValueError("an operation is an object with an 'op'")
    kind = data.get("op")
    if kind == "set":
        if "value" not in data:
            raise ValueError("a set operation needs a value")
        return Set(_path_of(data.get("path"), "path"), data["value"])
    if kind == "clear":
        return Clear(_path_of(data.get("path"), "path"))
    if kind == "add":
        if "item" not in data:
            raise ValueError("an add operation needs an item")
        return AddItem(_path_of(data.get("path"), "path"), data["item"])
    if kind == "remove_where":
        if "value" not in data:
            raise ValueError("a remove_where operation needs a value")
        return RemoveWhere(
            _path_of(data.get("path"), "path"), _path_of(data.get("sub_path", []), "sub_path"), data["value"]
        )
    if kind == "activate":
        return Activate()
    if kind == "deactivate":
        return Deactivate()
    raise ValueError(f"unknown operation {kind!r} (set, clear, add, remove_where, activate, deactivate)")


def op_paths(op: Operation) -> Path | None:
    """The field an operation works on (the list for list operations; None for user level)."""
    if isinstance(op, (Set, Clear)):
        return op.path
    if isinstance(op, (AddItem, RemoveWhere)):
        return op.list_path
    return None


def _label(sec: Section | None, path: Path) -> str:
    if not path:
        return sec.title if sec else "(section)"
    return sec.label(path) if sec else format_path(path)


def describe_op(op: Operation, sec: Section | None = None) -> str:
    """One operation in words: ``set Job title to Engineer``, ``clear Cost center``,
    ``add to Loyalty programs: {...}``, ``remove Loyalty programs where Issued by is BA``."""
    if isinstance(op, Set):
        return f"set {_label(sec, op.path)} to {format_value(op.value, 60)}"
    if isinstance(op, Clear):
        return f"clear {_label(sec, op.path)}"
    if isinstance(op, AddItem):
        return f"add to {_label(sec, op.list_path)}: {format_value(op.item, 60)}"
    if isinstance(op, RemoveWhere):
        where = _label(sec, op.list_path + ("*",) + op.sub_path) if op.sub_path else "the item"
        return f"remove {_label(sec, op.list_path)} where {where} is {format_value(op.value, 40)}"
    if isinstance(op, Activate):
        return "activate"
    if isinstance(op, Deactivate):
        return "deactivate"
    raise TypeError(f"not a bulk operation: {op!r}")
