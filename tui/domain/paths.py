"""Field paths into raw JSON documents.

A path is a tuple of object keys (str) and list indices (int), e.g.
``("identityDocs", 0, "passport", "docId")``. Patterns (used for masking and PII) may hold
``"*"`` in place of a list index.

Everything here works on plain JSON values (dict / list / str / int / float / bool / None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ABSENT",
    "loc_to_path",
    "Path",
    "WILDCARD",
    "get",
    "has",
    "set_at",
    "delete",
    "last_index",
    "format_path",
    "parse_path",
    "matches",
    "under_any",
    "overlaps",
]

Path = tuple[str | int, ...]
WILDCARD = "*"


class _Absent:
    """Marks "no value here" (a missing key), as opposed to JSON null."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Absent:
        return self

    def __deepcopy__(self, memo: dict) -> _Absent:
        return self


ABSENT: Any = _Absent()


def _step(node: Any, key: str | int) -> Any:
    if isinstance(key, int) and not isinstance(key, bool):
        if isinstance(node, list) and 0 <= key < len(node):
            return node[key]
        return ABSENT
    if isinstance(node, dict):
        return node.get(key, ABSENT)
    return ABSENT


def get(doc: Any, path: Path, default: Any = ABSENT) -> Any:
    """The value at ``path``, or ``default`` when any step is missing."""
    node = doc
    for key in path:
        node = _step(node, key)
        if node is ABSENT:
            return default
    return node


def has(doc: Any, path: Path) -> bool:
    return get(doc, path) is not ABSENT


def set_at(doc: Any, path: Path, value: Any) -> None:
    """Set ``value`` at ``path`` in place, creating missing objects on the way.

    A list index equal to the list's length appends. Other missing list slots raise
    ``IndexError``; a non-container in the way raises ``TypeError``.
    """
    if not path:
        raise ValueError("cannot set the root")
    node = doc
    for i, key in enumerate(path[:-1]):
        nxt = _step(node, key)
        if nxt is ABSENT or nxt is None:
            nxt = [] if isinstance(path[i + 1], int) else {}
            _put(node, key, nxt)
        node = nxt
    _put(node, path[-1], value)


def _put(node: Any, key: str | int, value: Any) -> None:
    if isinstance(key, int) and not isinstance(key, bool):
        if not isinstance(node, list):
            raise TypeError(f"expected a list at index {key}, found {type(node).__name__}")
        if key == len(node):
            node.append(value)
        elif 0 <= key < len(node):
            node[key] = value
        else:
            raise IndexError(f"index {key} out of range for a list of {len(node)}")
        return
    if not isinstance(node, dict):
        raise TypeError(f"expected an object at key {key!r}, found {type(node).__name__}")
    node[key] = value


def delete(doc: Any, path: Path) -> Any:
    """Remove the key or list item at ``path`` in place; return what was there (or ABSENT)."""
    if not path:
        raise ValueError("cannot delete the root")
    parent = get(doc, path[:-1])
    key = path[-1]
    if isinstance(key, int) and isinstance(parent, list):
        if 0 <= key < len(parent):
            return parent.pop(key)
        return ABSENT
    if isinstance(parent, dict) and key in parent:
        return parent.pop(key)
    return ABSENT


def last_index(path: Path) -> int:
    """The list index ``path`` ends in (an added or removed item's path); ``TypeError`` when it
    ends in an object key, as arithmetic on that key would raise."""
    key = path[-1]
    if not isinstance(key, int):
        raise TypeError(f"{format_path(path)} does not end in a list index")
    return key


def format_path(path: Path) -> str:
    """``("identityDocs", 0, "passport", "docId")`` -> ``identityDocs[0].passport.docId``."""
    out = ""
    for key in path:
        if isinstance(key, int) or key == WILDCARD:
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


_TOKEN = re.compile(r"\[(\d+|\*)\]|\.?([^.\[\]]+)")


def parse_path(text: str) -> Path:
    """Inverse of :func:`format_path`; also accepts ``a.0.b`` and ``a/0/b`` and ``/a/0/b``."""
    text = text.strip()
    if "/" in text and "." not in text and "[" not in text:
        parts = [p for p in text.split("/") if p]
        return tuple(int(p) if p.isdigit() else p for p in parts)
    out: list[str | int] = []
    for m in _TOKEN.finditer(text):
        idx, name = m.group(1), m.group(2)
        if idx is not None:
            out.append(WILDCARD if idx == WILDCARD else int(idx))
        elif name.isdigit():
            out.append(int(name))
        else:
            out.append(name)
    return tuple(out)


def matches(pattern: Path, path: Path) -> bool:
    """Same length and equal step by step, ``"*"`` in the pattern matching any list index."""
    if len(pattern) != len(path):
        return False
    return all(_key_match(p, k) for p, k in zip(pattern, path))


def _key_match(p: str | int, k: str | int) -> bool:
    if p == WILDCARD:
        return isinstance(k, int) or k == WILDCARD
    return p == k and type(p) is type(k)


def under_any(patterns: Iterable[Path], path: Path) -> bool:
    """True when some pattern equals ``path`` or is an ancestor of it."""
    return any(len(p) <= len(path) and matches(p, path[: len(p)]) for p in patterns)


def overlaps(a: Path, b: Path) -> bool:
    """True when one path is a prefix of (or equal to) the other."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def loc_to_path(loc: tuple, data: Any) -> Path:
    """A pydantic error location -> the JSON field path, leaving out union branch tags."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            out.append(part)
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
            continue
        if part and (part[0].isupper() or "[" in part or "-" in part or part in _TYPE_TAGS):
            continue  # a union branch tag, not a key
        out.append(part)
        node = None
    return tuple(out)


_TYPE_TAGS = {"str", "int", "float", "bool", "list", "dict", "none", "literal"}
