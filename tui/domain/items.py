"""How a list item is named on screen and in diffs: ``phone LANDLINE +44 20 7946 0000``,
``passport GB ••••1234``, ``loyalty BA 12345678``.

The section description says which fields name an item (``FormHint.names`` and ``noun``);
lists without a hint are named by their required, then plain-text fields. Masked values stay
masked (``mask_for_screen``) unless ``reveal``.
"""

from __future__ import annotations

from typing import Any

from tui.domain.masking import mask_for_screen
from tui.domain.paths import ABSENT, Path
from tui.domain.phones import phone_text

__all__ = ["item_root", "item_noun", "describe_item"]

_MAX_PARTS = 3


def item_root(section: Any, path: Path) -> Path | None:
    """The path of the list item (or the hinted object inside it, e.g. ``identityDocs[0].passport``)
    that ``path`` is in or is; None when ``path`` is in no list item."""
    last = max((i for i, k in enumerate(path) if isinstance(k, int)), default=None)
    if last is None:
        return None
    root = tuple(path[: last + 1])
    if len(path) > last + 1 and section is not None and section.hint(root + (path[last + 1],)) is not None:
        root = root + (path[last + 1],)  # a oneOf wrapper's document: {"passport": {...}}
    return root


def item_noun(section: Any, root: Path, value: Any = ABSENT) -> str:
    hint = section.hint(root) if section is not None else None
    if hint is not None and hint.noun:
        return hint.noun
    if isinstance(value, dict) and len(value) == 1:  # a wrapper item not hinted: its key
        inner = root + (next(iter(value)),)
        hint = section.hint(inner) if section is not None else None
        if hint is not None and hint.noun:
            return hint.noun
    label = section.label(root[:-1]) if section is not None else str(root[-2] if len(root) > 1 else "item")
    word = label.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def describe_item(section: Any, root: Path, value: Any, reveal: bool = False) -> str:
    """``"<noun> <naming values>"`` for the item at ``root`` holding ``value``."""
    hint = section.hint(root) if section is not None else None
    if hint is None and isinstance(value, dict) and len(value) == 1 and section is not None:
        key = next(iter(value))
        if section.hint(root + (key,)) is not None:
            root, value = root + (key,), value[key]
            hint = section.hint(root)
    noun = item_noun(section, root, value)
    if not isinstance(value, dict):
        return noun
    parts: list[str] = []
    names = hint.names if hint is not None else _default_names(value)
    for key in names:
        v = value.get(key, ABSENT)
        if v is ABSENT or v is None or v == "" or v == []:
            continue
        if not reveal and section is not None:
            v = mask_for_screen(section, root + (key,), v)
        parts.append(_short(v))
    if hint is not None and hint.phone:
        number = phone_text(value)
        if number:
            parts.append(number)
    return " ".join([noun, *parts[: _MAX_PARTS + 1]])


def _default_names(value: dict) -> tuple[str, ...]:
    keys = [k for k, v in value.items() if isinstance(v, (str, int)) and not isinstance(v, bool)]
    return tuple(keys[:_MAX_PARTS])


def _short(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(_short(x) for x in v[:2]) + (" …" if len(v) > 2 else "")
    if isinstance(v, dict):
        inner = [x for x in v.values() if isinstance(x, (str, int)) and not isinstance(x, bool)]
        return _short(inner[0]) if inner else "…"
    text = " ".join(str(v).split())
    return text if len(text) <= 32 else text[:31] + "…"
