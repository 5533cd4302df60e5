"""Spreadsheet columns of a section, and how one value is written in a cell and read back.

A file of users (``spotnana-tui export`` now, ``bulk plan --csv`` next) has the key columns
:data:`KEY_COLUMNS` first, then one column per scalar field of one section, named by its field
path from the section root (``designation``, ``officeRef.id``,
``preferences.airPref.homeAirport``). Lists are not columns (an item has no stable address),
nor deprecated fields, free-form maps or oneOf objects. A field whose path is a key column's
name (the business section's ``email`` and ``employeeId``) is named with the section's
profile key in front (``businessInfo.email``), so every header names one thing.

What an agent may type for a column (:func:`resolve_column`): the path; the path with each
step's ``Ref`` left out (``office.id``, ``costCenter.id``); either one with the section's key
or profile key in front (``businessInfo.designation``, ``business.designation``); or the
form's label (``Job title``, ``Office ID``; case and accents ignored). An object stands for
its scalar fields (``officeRef`` -> ``officeRef.id``, ``officeRef.name``).

Cells (:func:`format_cell`, :func:`parse_cell`): strings as they are, enums as their value,
booleans ``true``/``false``, numbers as JSON writes them; an absent field is an empty cell
(for the import, "leave as is"), and a cell holding exactly ``<clear>`` asks the import to
clear the field, so export never writes it for a value. Other spellings that would read as
something else are escaped, reversibly:

- the empty string is ``<empty>``;
- a string that is a marker (``<clear>``, ``<empty>``, or starts ``<json>``) after any number
  of leading backslashes gets one more backslash in front (``\\<clear>`` is the text
  ``<clear>``);
- a string starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or ``'`` gets a
  ``'`` in front, so a spreadsheet never runs it as a formula (OWASP's CSV injection advice);
- a value of another JSON type than the column's (a number in a text field, ``null``) is
  ``<json>`` followed by its JSON text.

So ``parse_cell(format_cell(v, c), c)`` is ``v`` (the same JSON value, types included) for
every JSON scalar ``v``. UI-free.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from tui.domain.directory import fold
from tui.domain.form_schema import SCALAR_KINDS, FieldSpec, Kind, form_fields
from tui.domain.paths import ABSENT, WILDCARD, Path, format_path, matches, parse_path, under_any
from tui.domain.sections import Section

__all__ = [
    "KEY_COLUMNS",
    "CLEAR",
    "Column",
    "ColumnError",
    "CellError",
    "section_columns",
    "resolve_column",
    "resolve_columns",
    "column_named",
    "format_cell",
    "parse_cell",
]

KEY_COLUMNS: tuple[str, ...] = ("userId", "email", "employeeId", "externalId")
"""Written first in every row, from the user list (``UserDetail``): the user ID, the email the
list shows (the business email), the employee ID and the external ID."""


class _Clear:
    """The import's "clear this field" (a cell holding exactly ``<clear>``)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Any = _Clear()
CLEAR_TEXT = "<clear>"
EMPTY_TEXT = "<empty>"
JSON_PREFIX = "<json>"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


class ColumnError(ValueError):
    """A column name that names no column of the section; ``str()`` says which and why."""


class CellError(ValueError):
    """A cell that cannot hold a value of its column's kind (``maybe`` for a boolean)."""


@dataclass(frozen=True)
class Column:
    """One field column of a section."""

    name: str
    """The header: the field path (see the module's notes on key-column names)."""
    path: Path
    label: str
    """The form's label, made unique within the section (``Office ID``)."""
    kind: Kind
    enum_values: tuple[str, ...] = ()
    pii: str | None = None
    """``IDENTIFIER`` / ``SENSITIVE`` when the spec marks the field (or an object it is in)
    ``x-pii``, or the section masks it on screen; None otherwise."""

    @property
    def is_pii(self) -> bool:
        return self.pii is not None


# --- the columns of a section -----------------------------------------------------------------


@dataclass(frozen=True)
class _Catalog:
    columns: tuple[Column, ...]
    nodes: dict[Path, FieldSpec]
    """Every field not inside a list (lists themselves included), by path."""
    by_alias: dict[str, Path]
    """Folded spellings (path, path without ``Ref``) -> path."""
    by_label: dict[str, tuple[Path, ...]]


def _pii_level(section: Section, path: Path) -> str | None:
    for pattern, level in section.pii_paths.items():
        if len(pattern) <= len(path) and matches(pattern, path[: len(pattern)]):
            return level
    return "SENSITIVE" if under_any(section.masked_paths, path) else None


def _unref(key: str) -> str:
    if key.endswith("Refs") and len(key) > 4:
        return key[:-4] + "s"
    if key.endswith("Ref") and len(key) > 3:
        return key[:-3]
    return key


def _header(section: Section, path: Path) -> str:
    text = format_path(path)
    return f"{_prefix(section)}.{text}" if text in KEY_COLUMNS else text


def _prefix(section: Section) -> str:
    return section.profile_key or section.key


@cache
def _catalog(section: Section) -> _Catalog:
    root = form_fields(section.model, section.label)
    order = {key: i for i, key in enumerate(section.fields())}
    tops = sorted(root.children, key=lambda c: order.get(c.key, len(order)))  # deprecated ones last
    nodes: dict[Path, FieldSpec] = {}
    scalars: list[FieldSpec] = []

    def walk(spec: FieldSpec) -> None:
        nodes[spec.path] = spec
        if spec.kind == "object":
            for child in spec.children:
                walk(child)
        elif spec.kind in SCALAR_KINDS and not spec.deprecated and not _deprecated_above(nodes, spec.path):
            scalars.append(spec)

    for top in tops:
        walk(top)
    labels = _unique_labels(section, [s.path for s in scalars])
    columns = tuple(
        Column(
            name=_header(section, s.path),
            path=s.path,
            label=labels[s.path],
            kind=s.kind,
            enum_values=s.enum_values,
            pii=_pii_level(section, s.path),
        )
        for s in scalars
    )
    by_alias: dict[str, Path] = {}
    for path in nodes:
        for spelling in (format_path(path), ".".join(_unref(str(k)) for k in path)):
            by_alias.setdefault(fold(spelling), path)
    by_label: dict[str, tuple[Path, ...]] = {}
    for column in columns:
        for text in {column.label, section.label(column.path)}:
            by_label[fold(text)] = by_label.get(fold(text), ()) + (column.path,)
    return _Catalog(columns, nodes, by_alias, by_label)


def _deprecated_above(nodes: dict[Path, FieldSpec], path: Path) -> bool:
    return any(nodes[path[:i]].deprecated for i in range(1, len(path)) if path[:i] in nodes)


def _unique_labels(section: Section, paths: Sequence[Path]) -> dict[Path, str]:
    """The form's label of each path, with its parents' labels in front until it is unique."""

    def label(path: Path, depth: int) -> str:
        parts = [section.label(path[:i]) for i in range(max(1, len(path) - depth), len(path) + 1)]
        return " ".join(parts)

    out: dict[Path, str] = {}
    depth = {p: 0 for p in paths}
    while True:
        shown = {p: label(p, depth[p]) for p in paths}
        seen: dict[str, list[Path]] = {}
        for p, text in shown.items():
            seen.setdefault(fold(text), []).append(p)
        clashes = [p for group in seen.values() if len(group) > 1 for p in group if depth[p] < len(p) - 1]
        if not clashes:
            out.update(shown)
            return out
        for p in clashes:
            depth[p] += 1


def section_columns(section: Section, *, include_pii: bool = False) -> list[Column]:
    """The section's columns in form order (every scalar field outside lists, deprecated ones
    left out); PII columns only with ``include_pii``."""
    return [c for c in _catalog(section).columns if include_pii or not c.is_pii]


def column_named(section: Section, header: str) -> Column | None:
    """The column whose header is exactly ``header`` (what export writes), or None."""
    return next((c for c in _catalog(section).columns if c.name == header), None)


def resolve_column(section: Section, text: str) -> list[Column]:
    """The columns ``text`` names (one, or an object's scalar fields); ``[]`` for a key column.
    Raises :class:`ColumnError` naming ``text`` and the reason (unknown, a list, an index
    inside a list, deprecated, not a single value)."""
    cat = _catalog(section)
    name = text.strip()
    if not name:
        raise ColumnError("an empty field name")
    if name in KEY_COLUMNS:
        return []
    exact = column_named(section, name)
    if exact is not None:
        return [exact]
    bare = name
    for prefix in {_prefix(section), section.key}:
        if fold(bare).startswith(fold(prefix) + "."):
            bare = bare[len(prefix) + 1 :]
            break
    path = _lookup(cat, bare)
    if path is None:
        hits = cat.by_label.get(fold(name), ())
        if len(hits) == 1:
            path = hits[0]
        elif len(hits) > 1:
            names = ", ".join(format_path(p) for p in hits)
            raise ColumnError(f"{name!r} is the label of several fields of {section.noun} ({names}): use the path")
    if path is None:
        raise ColumnError(_unknown(section, cat, name, bare))
    node = cat.nodes[path]
    if node.deprecated or _deprecated_above(cat.nodes, path):
        raise ColumnError(f"{name!r} ({format_path(path)}) is deprecated in the spec: not a column")
    if node.kind in SCALAR_KINDS:
        return [c for c in cat.columns if c.path == path]
    if node.kind == "object":
        found = [c for c in cat.columns if c.path[: len(path)] == path]
        if found:
            return found
        raise ColumnError(f"{name!r} ({format_path(path)}) has no single-value fields outside lists")
    if node.is_list:
        raise ColumnError(f"{name!r} ({format_path(path)}) is a list: lists are not columns")
    raise ColumnError(f"{name!r} ({format_path(path)}) is not a single value (a choice of objects or a free map)")


def _lookup(cat: _Catalog, text: str) -> Path | None:
    try:
        steps = parse_path(text)
    except ValueError:
        return None
    if any(isinstance(k, int) or k == WILDCARD for k in steps):
        raise ColumnError(f"{text!r}: an index inside a list is not a column (lists are not exported)")
    path = cat.by_alias.get(fold(text))
    if path is not None:
        return path
    for i in range(1, len(steps)):  # phoneNumbers.type: inside a list
        head = cat.by_alias.get(fold(".".join(str(k) for k in steps[:i])))
        if head is not None and cat.nodes[head].is_list:
            raise ColumnError(f"{text!r} is inside the list {format_path(head)}: lists are not columns")
    return None


def _unknown(section: Section, cat: _Catalog, name: str, bare: str) -> str:
    names = [c.name for c in cat.columns] + [c.label for c in cat.columns]
    close = difflib.get_close_matches(bare, names, n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown field {name!r} in {section.noun}{hint}"


def resolve_columns(section: Section, names: Iterable[str], *, include_pii: bool = False) -> list[Column]:
    """The columns of a comma list such as ``--fields`` gives, in the order given, each once.
    A PII column without ``include_pii`` is a :class:`ColumnError` saying so."""
    out: list[Column] = []
    for text in names:
        for column in resolve_column(section, text):
            if column.is_pii and not include_pii:
                raise ColumnError(
                    f"{text.strip()!r} ({column.name}) is personal data (x-pii {column.pii}): "
                    "give --include-pii to export it"
                )
            if column not in out:
                out.append(column)
    return out


# --- cells ----------------------------------------------------------------------------------


def _is_marker(text: str) -> bool:
    return text in (CLEAR_TEXT, EMPTY_TEXT) or text.startswith(JSON_PREFIX)


def _fits(value: Any, kind: str) -> bool:
    if kind in ("text", "enum"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer())
    if kind == "number":
        return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    return False


def _kind_of(column: Column | str) -> str:
    return column if isinstance(column, str) else column.kind


def format_cell(value: Any, column: Column | str = "text") -> str:
    """The cell text for a JSON ``value`` of ``column`` (a :class:`Column` or a kind)."""
    if value is ABSENT:
        return ""
    kind = _kind_of(column)
    if not _fits(value, kind):
        return JSON_PREFIX + json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if value == "":
        return EMPTY_TEXT
    if _is_marker(value.lstrip("\\")):
        return "\\" + value
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def parse_cell(text: str, column: Column | str = "text") -> Any:
    """The value a cell asks for: ``ABSENT`` for an empty cell (leave as is), :data:`CLEAR` for
    ``<clear>``, else a JSON value. Raises :class:`CellError` when the text cannot be a value of
    the column's kind. Enum values are taken as written (a value the spec does not list is the
    import's validation to refuse); ``TRUE``/``False`` as spreadsheets write them are booleans."""
    kind = _kind_of(column)
    if text == "":
        return ABSENT
    if text == CLEAR_TEXT:
        return CLEAR
    if text == EMPTY_TEXT:
        return ""
    if text.startswith(JSON_PREFIX):
        try:
            return json.loads(text[len(JSON_PREFIX) :])
        except ValueError:
            raise CellError(f"{text[:40]!r} is not valid JSON after {JSON_PREFIX}") from None
    if text.startswith("\\") and _is_marker(text.lstrip("\\")):
        return _string(text[1:], kind)
    if text.startswith("'"):  # a spreadsheet's "this is text" mark
        if kind in ("text", "enum"):
            return text[1:]
        text = text[1:]
    if kind in ("text", "enum"):
        return text
    word = text.strip()
    if kind == "bool":
        if word.lower() in ("true", "false"):
            return word.lower() == "true"
        raise CellError(f"{text!r} is not true or false")
    if kind in ("int", "number") and _NUMBER.match(word):
        number = json.loads(word)
        if kind == "int" and isinstance(number, float) and not number.is_integer():
            raise CellError(f"{text!r} is not a whole number")
        return number
    raise CellError(f"{text!r} is not a {'whole number' if kind == 'int' else 'number'}")


def _string(text: str, kind: str) -> str:
    if kind not in ("text", "enum"):
        raise CellError(f"{text!r} is text, not a value of this {kind} field")
    return text
