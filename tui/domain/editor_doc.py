"""A section as the agent's own editor sees it ($VISUAL / $EDITOR): masked values stay masked.

    doc = mask_for_editor(section, current, revealed)   # written to the temporary file
    edited, errors = unmask_from_editor(section, parsed, current)

The file never holds a masked value (the section's ``masked_paths``: identity-document numbers,
date of birth) that the agent has not revealed on screen: each of its values is written as
:data:`PLACEHOLDER` (``"<masked: unchanged>"``, a text no document number or date can be).
Values revealed on screen are written in clear (that reveal was audited when it happened).
:func:`editor_note` explains the placeholder in the file's comment header. On return:

- a placeholder left in place keeps the value of the copy the file was made from;
- anything typed over it is the new value;
- a placeholder where that copy has no masked value to keep (moved to another field, in a new
  or duplicated list item), or a damaged one (``"<masked: unchanged>x"``), is a
  :class:`~tui.domain.editing.FieldError`, never a value that gets sent.

List items may have been reordered, removed or added in the file. Each item of a list that
holds masked values is matched to an item of the same list in the copy, each used at most
once: first the item that is the same (masked values aside, the same position preferred),
then among items that have a masked value wherever the item in the file has a placeholder,
the most alike one (equal leaves), the same position breaking ties. When an item was removed
that looks just like a kept one apart from its masked values, nobody can tell which of the
two was kept: the kept item's placeholders are then an error too (reveal first, or type them).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from tui.domain.editing import FieldError
from tui.domain.edits import json_equal
from tui.domain.masking import is_masked, mask_unrevealed
from tui.domain.paths import ABSENT, WILDCARD, Path, get, matches

__all__ = ["PLACEHOLDER", "mask_for_editor", "unmask_from_editor", "editor_note"]

PLACEHOLDER = "<masked: unchanged>"
_MARK = "<masked"


def _placeholders(value: Any) -> Any:
    """Every leaf of ``value`` replaced by the placeholder (``None`` stays: nothing to hide)."""
    if value is None or value is ABSENT:
        return value
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    return PLACEHOLDER


def mask_for_editor(section: Any, doc: Any, revealed: Iterable[Path] = ()) -> Any:
    """A copy of ``doc`` (a whole section) for the editor's file: every masked value the agent
    has not revealed (concrete paths from the section root, as the form keeps them) replaced
    by :data:`PLACEHOLDER`, leaf by leaf (``{"dob": {"iso8601": "<masked: unchanged>"}}``)."""
    return mask_unrevealed(section, (), doc, revealed, masker=_placeholders)


def editor_note(text: str) -> list[str]:
    """Lines (without the comment mark) explaining the placeholder, when ``text`` holds one."""
    if PLACEHOLDER not in text:
        return []
    return [
        f'spotnana-tui: "{PLACEHOLDER}" stands for a masked value (document number, date of birth)',
        "that is not written to this file. Leave it as it is to keep the value; replace the whole",
        "string, quotes kept, to set a new one. Lines starting with // are ignored.",
    ]


def unmask_from_editor(section: Any, edited: Any, original: Any) -> tuple[Any, list[FieldError]]:
    """``edited`` (the parsed file) with its placeholders replaced by the values of
    ``original`` (the copy the file was made from, in clear); errors at paths of ``edited``."""
    errors: list[FieldError] = []
    return _unmask(section, (), edited, original, errors), errors


def _unmask(section: Any, path: Path, edited: Any, original: Any, errors: list[FieldError]) -> Any:
    if isinstance(edited, dict):
        fields: dict[str, Any] = original if isinstance(original, dict) else {}
        return {k: _unmask(section, path + (k,), v, fields.get(k, ABSENT), errors) for k, v in edited.items()}
    if isinstance(edited, list):
        src: list[Any] = original if isinstance(original, list) else []
        pairs: dict[int, int]
        ambiguous: set[int]
        if not _holds_masked_items(section, path):
            pairs, ambiguous = {i: i for i in range(min(len(edited), len(src)))}, set()
        else:
            pairs, ambiguous = _pair(section, path, edited, src)
        out = []
        for i, item in enumerate(edited):
            if i in ambiguous:
                errors.append(
                    FieldError(
                        path + (i,),
                        "cannot tell which item this is: another one that looks the "
                        "same apart from its masked values was removed. Reveal them on screen (r) "
                        "first, or type the masked values",
                        "placeholder",
                    )
                )
                out.append(item)
                continue
            out.append(_unmask(section, path + (i,), item, src[pairs[i]] if i in pairs else ABSENT, errors))
        return out
    if edited == PLACEHOLDER:
        if is_masked(section, path) and original is not ABSENT and original is not None:
            return copy.deepcopy(original)
        errors.append(
            FieldError(
                path,
                f'"{PLACEHOLDER}" keeps a masked value, and there is none here to keep: '
                "type the value, or remove the field",
                "placeholder",
            )
        )
        return edited
    if isinstance(edited, str) and _MARK in edited.lower():
        errors.append(
            FieldError(
                path,
                f'looks like a changed "{PLACEHOLDER}": leave it exactly as it was to keep '
                "the value, or replace it all with the new value",
                "placeholder",
            )
        )
    return edited


def _holds_masked_items(section: Any, path: Path) -> bool:
    """Some masked path runs through the items of the list at ``path``."""
    n = len(path)
    return any(len(p) > n and p[n] == WILDCARD and matches(p[:n], path) for p in section.masked_paths)


# --- matching list items ----------------------------------------------------------------------


_PH_LEAF = json.dumps(PLACEHOLDER)


def _leaves(value: Any, prefix: Path = ()) -> dict[Path, str]:
    """Every leaf of ``value`` by relative path, as JSON text (types kept apart: 1 vs true)."""
    if isinstance(value, dict):
        return {p: v for k, item in value.items() for p, v in _leaves(item, prefix + (k,)).items()}
    if isinstance(value, list):
        return {p: v for i, item in enumerate(value) for p, v in _leaves(item, prefix + (i,)).items()}
    return {prefix: json.dumps(value, sort_keys=True)}


def _pair(section: Any, path: Path, edited: list, original: list) -> tuple[dict[int, int], set[int]]:
    """Which item of ``original`` each item of ``edited`` stands for (index -> index), and the
    items whose placeholders could as well stand for the values of an item that was removed."""
    norm_o = [_normal(section, path, i, o) for i, o in enumerate(original)]
    norm_e = [_normal(section, path, j, e) for j, e in enumerate(edited)]
    leaves_o = [_leaves(n) for n in norm_o]
    leaves_e = [_leaves(n) for n in norm_e]
    wanted = [
        {p for p, v in _leaves(e).items() if v == _PH_LEAF and is_masked(section, path + (j,) + p)}
        for j, e in enumerate(edited)
    ]

    def fits(i: int, j: int) -> bool:
        return all(leaves_o[i].get(p) == _PH_LEAF for p in wanted[j])

    def alike(i: int, j: int) -> int:
        return sum(1 for p, v in leaves_e[j].items() if leaves_o[i].get(p) == v)

    free = set(range(len(original)))
    pairs: dict[int, int] = {}
    for j, e in enumerate(norm_e):  # the same item, at the same position
        if j in free and json_equal(norm_o[j], e):
            pairs[j] = j
            free.discard(j)
    for j, e in enumerate(norm_e):  # the same item, moved
        if j not in pairs:
            same = next((i for i in sorted(free) if json_equal(norm_o[i], e)), None)
            if same is not None:
                pairs[j] = same
                free.discard(same)
    # changed items: the most alike of those that can keep every placeholder, ties by position
    scored = [
        (alike(i, j), i == j, -i, -j, i, j)
        for j in range(len(edited))
        if j not in pairs and wanted[j]
        for i in free
        if fits(i, j)
    ]
    for *_, i, j in sorted(scored, reverse=True):
        if i in free and j not in pairs:
            pairs[j] = i
            free.discard(i)
    ambiguous = set()
    for j, i in pairs.items():
        for r in free:  # removed in the file: was it this one?
            if (
                wanted[j]
                and fits(r, j)
                and alike(r, j) >= alike(i, j)
                and any(not json_equal(get(original[r], p), get(original[i], p)) for p in wanted[j])
            ):
                ambiguous.add(j)
    return pairs, ambiguous


def _normal(section: Any, path: Path, index: int, item: Any) -> Any:
    """``item`` with every masked value as a placeholder, for comparing items."""
    return mask_unrevealed(section, path + (index,), item, (), masker=_placeholders)
