"""The references an agent knows by name: legal entities, offices, departments, cost centers.

The list API's ``UserDetail`` rows carry each user's references as ``{"id", "name"}``; a
:class:`ReferenceDirectory` collects them as list pages arrive (one directory per company/TMC
scope of an environment, see :class:`Directories`), so the filter panel, typed filters such as
``office:"Paris HQ"`` and bulk edits can pick a reference by (part of) its name:

    directory.add(rows)                       # UserRow-like objects, UserDetail dicts or models
    directory.search("offices", "paris")      # [("Paris HQ", "66d3…"), ("Paris Office", "…")]
    directory.by_name("offices", "paris hq")  # ("66d3…",): names are not unique across companies
    directory.name_of("offices", "66d3…")     # "Paris HQ"
    directory.resolve("offices", "toronto")   # (("…",), None), or ((), "no office named …")

Names match case- and accent-insensitively ("zurich" finds "Zürich Office"). UI-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Directories",
    "ReferenceDirectory",
    "fold",
    "is_id",
    "references_of",
]

# kind (the UserQuery attribute) -> (UserDetail.businessDetail key, singular, plural)
_KIND_INFO: dict[str, tuple[str, str, str]] = {
    "legal_entities": ("legalEntity", "legal entity", "legal entities"),
    "offices": ("office", "office", "offices"),
    "departments": ("department", "department", "departments"),
    "cost_centers": ("costCenter", "cost center", "cost centers"),
}
KINDS: tuple[str, ...] = tuple(_KIND_INFO)
KIND_LABELS: dict[str, tuple[str, str]] = {kind: (one, many) for kind, (_, one, many) in _KIND_INFO.items()}
_MODEL_ATTRS = {
    "legal_entities": "legal_entity",
    "offices": "office",
    "departments": "department",
    "cost_centers": "cost_center",
}

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

Reference = tuple[str, str, str]  # (kind, id, name)


def fold(text: str) -> str:
    """``text`` for matching: accents dropped, case folded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def is_id(value: str) -> bool:
    """A Spotnana entity ID (a UUID), as opposed to a name."""
    return bool(_UUID.match(value.strip()))


def _ref(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("id") or ""), str(value.get("name") or "")
    if value is None:
        return "", ""
    return str(getattr(value, "id", "") or ""), str(getattr(value, "name", "") or "")


def references_of(detail: Any) -> tuple[Reference, ...]:
    """The named references of one ``UserDetail`` (JSON dict or model)."""
    out: list[Reference] = []
    if isinstance(detail, dict):
        business = detail.get("businessDetail")
        if not isinstance(business, dict):
            return ()
        for kind, (key, _, _) in _KIND_INFO.items():
            ref_id, name = _ref(business.get(key))
            if ref_id and name:
                out.append((kind, ref_id, name))
        return tuple(out)
    business = getattr(detail, "business_detail", None)
    if business is None:
        return ()
    for kind, attr in _MODEL_ATTRS.items():
        ref_id, name = _ref(getattr(business, attr, None))
        if ref_id and name:
            out.append((kind, ref_id, name))
    return tuple(out)


class ReferenceDirectory:
    """Names and IDs of the references seen in one scope's list rows."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}  # kind -> id -> name
        self._ids: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}  # kind -> folded -> ids

    def add(self, rows: Iterable[Any]) -> int:
        """Learn the references of ``rows``: objects with a ``references`` attribute (``UserRow``)
        or ``UserDetail`` dicts/models. Returns how many (kind, id) pairs were new or renamed."""
        changed = 0
        for row in rows:
            refs = getattr(row, "references", None)
            for kind, ref_id, name in refs if refs is not None else references_of(row):
                changed += self._add_one(kind, ref_id, name)
        return changed

    def _add_one(self, kind: str, ref_id: str, name: str) -> int:
        names = self._names.get(kind)
        name = " ".join(name.split())
        if names is None or not ref_id or not name or names.get(ref_id) == name:
            return 0
        ids = self._ids[kind]
        old = names.get(ref_id)
        if old is not None:  # renamed since we saw it
            bucket = ids.get(fold(old), [])
            if ref_id in bucket:
                bucket.remove(ref_id)
            if not bucket:
                ids.pop(fold(old), None)
        names[ref_id] = name
        ids.setdefault(fold(name), []).append(ref_id)
        return 1

    def __len__(self) -> int:
        return sum(len(names) for names in self._names.values())

    def count(self, kind: str) -> int:
        return len(self._names.get(kind, {}))

    def names(self, kind: str) -> list[str]:
        """Every distinct name of ``kind``, sorted."""
        return sorted({name for name in self._names.get(kind, {}).values()}, key=fold)

    def search(self, kind: str, text: str, limit: int | None = None) -> list[tuple[str, str]]:
        """``(name, id)`` of the references whose name contains ``text`` (case- and
        accent-insensitive); names starting with it first, then by name. Empty text: all."""
        needle = fold(text)
        hits = []
        for ref_id, name in self._names.get(kind, {}).items():
            folded = fold(name)
            at = folded.find(needle)
            if at >= 0:
                hits.append((at != 0, folded, name, ref_id))
        hits.sort()
        out = [(name, ref_id) for _, _, name, ref_id in hits]
        return out if limit is None else out[:limit]

    def by_name(self, kind: str, name: str) -> tuple[str, ...]:
        """The IDs of the references named exactly ``name`` (case- and accent-insensitive).
        Several when companies of a TMC name an office alike."""
        return tuple(self._ids.get(kind, {}).get(fold(name), ()))

    def name_of(self, kind: str, ref_id: str) -> str | None:
        return self._names.get(kind, {}).get(ref_id)

    def resolve(self, kind: str, value: str) -> tuple[tuple[str, ...], str | None]:
        """The IDs a typed value stands for, or an error saying why there are none.

        An ID is taken as it is; else the references named exactly ``value``; else those of the
        one name that contains ``value`` ("toronto" for "Toronto HQ"). Several names containing
        it, or none, is an error that names the candidates."""
        value = value.strip()
        one, many = KIND_LABELS.get(kind, (kind, kind))
        if is_id(value):
            return (value,), None
        exact = self.by_name(kind, value)
        if exact:
            return exact, None
        candidates = list(dict.fromkeys(name for name, _ in self.search(kind, value)))
        if len(candidates) == 1:
            return self.by_name(kind, candidates[0]), None
        if not candidates:
            seen = self.count(kind)
            if not seen:
                return (), f"no {one} named {value!r}: no {many} seen yet (scroll the list, or use its ID)"
            return (), f"no {one} named {value!r} among the {seen} {many} seen in the list"
        shown = ", ".join(candidates[:3]) + (", …" if len(candidates) > 3 else "")
        return (), f"{value!r} matches {len(candidates)} {many} ({shown}): type more of the name"


class Directories:
    """One :class:`ReferenceDirectory` per environment and company/TMC scope."""

    def __init__(self) -> None:
        self._by_scope: dict[tuple[str, str, str], ReferenceDirectory] = {}

    def for_scope(self, env_name: str, tmc_id: str | None, company_id: str | None) -> ReferenceDirectory:
        key = (env_name, tmc_id or "", "" if tmc_id else company_id or "")
        directory = self._by_scope.get(key)
        if directory is None:
            directory = self._by_scope[key] = ReferenceDirectory()
        return directory
