"""Masking: what the screen hides until revealed, and what logs never hold in clear.

Two sets of paths:
- a section's ``masked_paths`` (identity-document numbers, date of birth): hidden on screen
  until the agent reveals them (see :func:`is_masked`, :func:`mask_for_screen`,
  :func:`mask_unrevealed`), and in the files the app writes (see :mod:`tui.domain.editor_doc`);
- every field the spec marks ``x-pii`` (found by :func:`pii_paths` walking the models): never
  written to a log or the audit trail in clear (see :func:`redact_for_log`).

Patterns hold ``"*"`` for any list index.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from tui.domain.edits import json_equal
from tui.domain.paths import ABSENT, WILDCARD, Path, get, matches, under_any

__all__ = [
    "BULLETS",
    "DATE_MASK",
    "mask_value",
    "is_masked",
    "is_revealed",
    "revealed_after_removal",
    "revealed_kept",
    "mask_for_screen",
    "mask_unrevealed",
    "pii_paths",
    "marked_paths",
    "is_pii",
    "redact_for_log",
    "redact_at",
    "mask_matching",
    "redact_text",
]

BULLET = "•"
BULLETS = BULLET * 4
DATE_MASK = "••••-••-••"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
Masker = Callable[[Any], Any]
"""What stands in for a value that is not shown (:func:`mask_value` by default)."""


def mask_value(value: Any, keep_last: int = 4) -> Any:
    """Mask a JSON value: ``"X12345678"`` -> ``"••••5678"``, short strings -> ``"••••"``,
    dates -> ``"••••-••-••"``; numbers and booleans -> ``"••••"``; objects and lists are
    masked leaf by leaf; ``None`` stays ``None`` (nothing to hide).

    ``keep_last=0`` masks strings completely.
    """
    if value is None or value is ABSENT:
        return value
    if isinstance(value, dict):
        return {k: mask_value(v, keep_last) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, keep_last) for v in value]
    if isinstance(value, str):
        if _DATE.match(value):
            return DATE_MASK
        if keep_last and len(value) > 6:
            return BULLETS + value[-keep_last:]
        return BULLETS
    return BULLETS


def is_masked(section: Any, path: Path) -> bool:
    """True when ``path`` is (inside) one of the section's masked paths."""
    return under_any(section.masked_paths, tuple(path))


def _concrete(doc: Any, pattern: Path, prefix: Path = ()) -> list[Path]:
    """The concrete paths in ``doc`` that ``pattern`` matches."""
    if not pattern:
        return [prefix]
    head, rest = pattern[0], pattern[1:]
    if head == WILDCARD:
        if isinstance(doc, list):
            return [p for i, item in enumerate(doc) for p in _concrete(item, rest, prefix + (i,))]
        return []
    if isinstance(head, int):
        if isinstance(doc, list) and 0 <= head < len(doc):
            return _concrete(doc[head], rest, prefix + (head,))
        return []
    if isinstance(doc, dict) and head in doc:
        return _concrete(doc[head], rest, prefix + (head,))
    return []


def mask_matching(doc: Any, patterns: Iterable[Path], masker: Masker = mask_value) -> Any:
    """A copy of ``doc`` with every value at a path matching a pattern masked."""
    out = copy.deepcopy(doc)
    for pattern in patterns:
        out = _mask_in_place(out, tuple(pattern), masker)
    return out


def _mask_in_place(doc: Any, pattern: Path, masker: Masker) -> Any:
    if not pattern:
        return masker(doc)
    for path in _concrete(doc, pattern):
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = masker(parent[path[-1]])
    return doc


def is_revealed(path: Path, revealed: Iterable[Path]) -> bool:
    """True when ``path`` is (inside) a path the agent revealed. Revealed paths are concrete
    (list indices, no ``"*"``), from the section root."""
    path = tuple(path)
    return any(path[: len(r)] == tuple(r) for r in revealed)


def revealed_after_removal(revealed: Iterable[Path], list_path: Path, index: int) -> set[Path]:
    """The revealed paths once the item at ``index`` of the list at ``list_path`` is gone: its
    own reveals are dropped, those of the items after it move up with them."""
    list_path, n = tuple(list_path), len(list_path)
    out: set[Path] = set()
    for r in map(tuple, revealed):
        if len(r) > n and r[:n] == list_path and isinstance(k := r[n], int):
            if k == index:
                continue
            if k > index:
                r = r[:n] + (k - 1,) + r[n + 1 :]
        out.add(r)
    return out


def revealed_kept(revealed: Iterable[Path], old_doc: Any, new_doc: Any) -> set[Path]:
    """The revealed paths that still show what was revealed when ``old_doc`` is replaced by
    ``new_doc`` (e.g. the server's copy after a save): a reveal through a list index is kept
    only where that index holds the same item in both."""
    out: set[Path] = set()
    for r in map(tuple, revealed):
        steps = [k for k, key in enumerate(r) if isinstance(key, int)]
        if all(json_equal(get(old_doc, r[: k + 1]), get(new_doc, r[: k + 1])) for k in steps):
            out.add(r)
    return out


def mask_unrevealed(
    section: Any, path: Path, value: Any, revealed: Iterable[Path] = (), masker: Masker = mask_value
) -> Any:
    """A copy of ``value`` (found at ``path``) with every part at one of the section's masked
    paths passed through ``masker``, unless the agent revealed it (see :func:`is_revealed`).
    ``None`` and ``ABSENT`` stay as they are (nothing to hide)."""
    revealed = [tuple(r) for r in revealed]
    return _mask_walk(section, tuple(path), value, revealed, masker)


def _mask_walk(section: Any, path: Path, value: Any, revealed: list[Path], masker: Masker) -> Any:
    if value is None or value is ABSENT:
        return value
    if is_masked(section, path):
        return copy.deepcopy(value) if is_revealed(path, revealed) else masker(value)
    if isinstance(value, dict):
        return {k: _mask_walk(section, path + (k,), v, revealed, masker) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_walk(section, path + (i,), v, revealed, masker) for i, v in enumerate(value)]
    return value


def mask_for_screen(section: Any, path: Path, value: Any, revealed: Iterable[Path] = ()) -> Any:
    """``value`` (found at ``path``) as the screen shows it: masked parts masked with
    :func:`mask_value` until revealed."""
    return mask_unrevealed(section, path, value, revealed)


# --- x-pii ------------------------------------------------------------------------------


def _models_in(annotation: Any) -> Iterable[tuple[Path, type[BaseModel]]]:
    """(relative path, model class) pairs reachable in an annotation: through Optional,
    unions, Annotated and lists (list steps become ``"*"``)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models_in(get_args(annotation)[0])
        return
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _models_in(arg)
        return
    if origin in (list, tuple, set, frozenset) or (origin is not None and origin in (list, typing.Sequence)):
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                for rel, model in _models_in(arg):
                    yield (WILDCARD,) + rel, model
        return
    if origin is dict:
        return  # free-form maps: no x-pii inside known to the spec
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield (), annotation


@cache
def marked_paths(model_cls: type[BaseModel], mark: str) -> dict[Path, Any]:
    """Every path (JSON names, ``"*"`` for list items) whose field carries ``mark`` in its
    ``json_schema_extra`` (e.g. "x-pii", "deprecated"), with the mark's value; found through
    nested models, lists and unions. Below a marked field nothing more is collected."""
    found: dict[Path, Any] = {}
    _walk(model_cls, mark, (), found, ())
    return found


def pii_paths(model_cls: type[BaseModel]) -> dict[Path, str]:
    """Every path the spec marks ``x-pii``, with its level ("IDENTIFIER" / "SENSITIVE")."""
    return {p: str(v) for p, v in marked_paths(model_cls, "x-pii").items()}


def _walk(model_cls: type[BaseModel], mark: str, prefix: Path, found: dict[Path, Any], stack: tuple) -> None:
    if model_cls in stack:
        return
    stack = stack + (model_cls,)
    for name, info in model_cls.model_fields.items():
        key = info.alias or name
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        here = prefix + (key,)
        value = extra.get(mark)
        if value:
            found.setdefault(here, value)
            continue  # everything below goes with it
        for rel, sub in _models_in(info.annotation):
            _walk(sub, mark, here + rel, found, stack)


def is_pii(model_cls: type[BaseModel], path: Path) -> bool:
    return under_any(pii_paths(model_cls), tuple(path))


def _log_masker(level: str) -> Masker:
    keep = 4 if level == "IDENTIFIER" else 0
    return lambda v: mask_value(v, keep_last=keep)


def redact_at(model_cls: type[BaseModel], path: Path, value: Any, extra_paths: Iterable[Path] = ()) -> Any:
    """``value`` found at ``path`` of a ``model_cls`` document, with its x-pii parts masked
    (all of it when ``path`` itself is x-pii). ``extra_paths`` count as SENSITIVE."""
    path = tuple(path)
    marks = dict(pii_paths(model_cls))
    for p in extra_paths:
        marks.setdefault(tuple(p), "SENSITIVE")
    out = copy.deepcopy(value)
    for pattern, level in marks.items():
        if len(pattern) <= len(path) and matches(pattern, path[: len(pattern)]):
            return _log_masker(level)(out)
    for pattern, level in marks.items():
        if len(pattern) > len(path) and matches(pattern[: len(path)], path):
            out = _mask_in_place(out, pattern[len(path) :], _log_masker(level))
    return out


def redact_for_log(model_cls: type[BaseModel], data: Any, extra_paths: Iterable[Path] = ()) -> Any:
    """A copy of ``data`` (raw JSON of ``model_cls``) with every x-pii value masked.

    IDENTIFIER values keep their last 4 characters (enough to tell documents apart), SENSITIVE
    ones are masked completely. ``extra_paths`` are masked too (e.g. a section's masked paths).
    """
    out = copy.deepcopy(data)
    for pattern, level in pii_paths(model_cls).items():
        out = _mask_in_place(out, pattern, _log_masker(level))
    for pattern in extra_paths:
        out = _mask_in_place(out, tuple(pattern), _log_masker("SENSITIVE"))
    return out


def _leaves(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    elif value is not None and not isinstance(value, bool):
        yield value


def redact_text(text: str, model_cls: type[BaseModel], docs: Iterable[Any], extra_paths: Iterable[Path] = ()) -> str:
    """``text`` (say a server's error message, which may quote the value it rejected) with
    every x-pii value found in ``docs`` (and at ``extra_paths``) masked as a log masks it."""
    marks = dict(pii_paths(model_cls))
    for p in extra_paths:
        marks.setdefault(tuple(p), "SENSITIVE")
    found: dict[str, str] = {}
    for doc in docs:
        for pattern, level in marks.items():
            for path in _concrete(doc, tuple(pattern)):
                node: Any = doc
                for key in path:
                    node = node[key]
                for leaf in _leaves(node):
                    shown = str(leaf)
                    if len(shown) >= 3:
                        found[shown] = str(_log_masker(level)(leaf))
    for value in sorted(found, key=len, reverse=True):  # longest first: a value inside another
        text = text.replace(value, found[value])
    return text
