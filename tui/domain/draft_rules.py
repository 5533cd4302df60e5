"""What a draft may hold, and what stands in for a value that is not cached (UI-free helpers of
:mod:`tui.domain.drafts`).

A value that is not cached is :data:`~tui.domain.cache_crypto.NOT_CACHED` in a stored document
(a "hole"). Outside lists, the server's value can stand in for it when a draft is pushed (an
object key names the same field in both copies). Inside a list it cannot: an index names an item
only by values we do not have, so edits tangled with such a hole are refused.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from tui.domain.backend import JsonDoc
from tui.domain.cache_crypto import NOT_CACHED, Sealer, concrete_paths
from tui.domain.edits import EditSet
from tui.domain.paths import ABSENT, Path, get, matches, set_at
from tui.domain.sections import Section

__all__ = [
    "DraftError",
    "holes",
    "in_list",
    "tangled",
    "list_label",
    "check_keepable",
    "edit_seal_paths",
    "seal_at",
    "open_at",
    "fill",
]


class DraftError(ValueError):
    """A draft that cannot be kept or pushed as asked; ``str()`` says why, in words."""


def holes(value: Any, prefix: Path = ()) -> list[Path]:
    """Where ``value`` holds :data:`NOT_CACHED` (paths from ``prefix``)."""
    if isinstance(value, str):
        return [prefix] if value == NOT_CACHED else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in holes(v, prefix + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in holes(v, prefix + (i,))]
    return []


def _real(value: Any) -> bool:
    """Whether ``value`` holds anything worth hiding (not only nulls and placeholders)."""
    if isinstance(value, dict):
        return any(_real(v) for v in value.values())
    if isinstance(value, list):
        return any(_real(v) for v in value)
    return value is not None and value is not ABSENT and value != NOT_CACHED


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """The paths none of the others holds, in path order."""
    unique = sorted(set(paths), key=lambda p: tuple(str(k) for k in p))
    return [p for p in unique if not any(q != p and p[: len(q)] == q for q in unique)]


def _within(path: Path, value: Any, patterns: Iterable[Path]) -> list[Path]:
    """The sensitive parts of ``value`` (found at ``path`` of a section), relative to it."""
    if value is ABSENT or value is None:
        return []
    found: list[Path] = []
    n = len(path)
    for pattern in patterns:
        if len(pattern) <= n and matches(pattern, path[: len(pattern)]):
            return [()]
        if len(pattern) > n and matches(pattern[:n], path):
            found += concrete_paths(value, [pattern[n:]])
    return _outermost(found)


def tangled(edit_path: Path, hole: Path) -> bool:
    """Whether an edit at ``edit_path`` depends on the value at ``hole``, which sits inside a
    list: one holds the other, or both are in the same list (its indices tell its items apart
    only by values we do not have)."""
    n = 0
    while n < min(len(edit_path), len(hole)) and edit_path[n] == hole[n]:
        n += 1
    if n in (len(edit_path), len(hole)):
        return True
    return any(isinstance(k, int) for k in edit_path[:n]) or isinstance(edit_path[n], int) or isinstance(hole[n], int)


def in_list(path: Path) -> bool:
    return any(isinstance(k, int) for k in path)


def list_label(section: Section, path: Path) -> str:
    head = path[: next(i for i, k in enumerate(path) if isinstance(k, int))]
    return section.label(head).lower() if head else section.noun


def _a(label: str) -> str:
    if label.endswith("s"):
        return label
    return ("an " if label[:1] in "aeiou" else "a ") + label


def check_keepable(
    section: Section, base: JsonDoc, edits: EditSet, patterns: tuple[Path, ...], sealer: Sealer | None
) -> None:
    """Refuse (:class:`DraftError`) edits that cannot be kept safely: a sensitive value with no
    key; a placeholder moved by the edits; an edit tangled with a not-cached value in a list."""
    gaps = holes(base) + (concrete_paths(base, patterns) if sealer is None else [])
    in_lists = [h for h in gaps if in_list(h)]
    where = "no keyring here: " if sealer is None else ""
    for e in edits:
        if sealer is None:
            for value in (e.old, e.new):
                for rel in _within(e.path, value, patterns):
                    if _real(get(value, rel)):
                        label = section.label(e.path + rel).lower()
                        raise DraftError(
                            f"no keyring here: a draft cannot hold {_a(label)}; send it online or leave that field"
                        )
        if holes(e.new):
            label = section.label(e.path).lower()
            raise DraftError(f"{where}{label} is not cached, so a draft cannot change it; send it online")
        for hole in in_lists:
            if tangled(e.path, hole):
                label = list_label(section, hole)
                raise DraftError(
                    f"{where}{label} hold values that are not cached, so a draft cannot change them;"
                    " send it online or leave them"
                )


def edit_seal_paths(edits: EditSet, patterns: tuple[Path, ...]) -> list[Path]:
    """Where the sensitive values are in ``edits.to_json()`` (concrete paths)."""
    out: list[Path] = []
    for i, e in enumerate(edits):
        for key, value in (("old", e.old), ("new", e.new)):
            out += [(i, key, *rel) for rel in _within(e.path, value, patterns) if get(value, rel) is not None]
    return out


def seal_at(doc: Any, paths: list[Path], sealer: Sealer | None, context: str) -> tuple[Any, bytes | None]:
    """``doc`` with :data:`NOT_CACHED` at ``paths`` (concrete: list indices as ints, which
    :func:`~tui.domain.cache_crypto.seal_doc`'s patterns do not take) and the blob holding
    their values (sealed with ``context`` as associated data; only the paths without a key)."""
    if not paths:
        return doc, None
    stripped = copy.deepcopy(doc)
    values = [get(doc, p) for p in paths]
    for p in paths:
        set_at(stripped, p, NOT_CACHED)
    header = json.dumps({"paths": [list(p) for p in paths], "sealed": sealer is not None}).encode()
    body = sealer.seal(json.dumps(values).encode(), context.encode()) if sealer is not None else b""
    return stripped, header + b"\n" + body


def open_at(stripped: Any, blob: bytes | None, sealer: Sealer | None, context: str) -> Any:
    """The document :func:`seal_at` stripped, with its values back where the key opens them
    (else the :data:`NOT_CACHED` placeholders stay)."""
    if not blob:
        return stripped
    header_raw, _, body = blob.partition(b"\n")
    try:
        header = json.loads(header_raw)
        paths = [tuple(p) for p in header["paths"]]
    except (ValueError, KeyError, TypeError):
        return stripped
    opened = sealer.open(body, context.encode()) if sealer is not None and header.get("sealed") and body else None
    values = json.loads(opened) if opened is not None else None
    if not isinstance(values, list) or len(values) != len(paths):
        return stripped
    doc = copy.deepcopy(stripped)
    for p, v in zip(paths, values, strict=True):
        set_at(doc, p, v)
    return doc


def fill(base: JsonDoc, fresh: JsonDoc, gaps: Iterable[Path]) -> JsonDoc:
    """``base`` with the fresh copy's value at each not-cached path outside a list (an object
    key names the same field in both; a list index may not name the same item)."""
    out = copy.deepcopy(base)
    for hole in gaps:
        if not hole or in_list(hole):
            continue
        value = get(fresh, hole)
        if value is not ABSENT:
            set_at(out, hole, copy.deepcopy(value))
    return out
