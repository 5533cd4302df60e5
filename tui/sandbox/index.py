"""The search index behind ``POST /v3/users/list``.

One row per user position (seeded users first, created users appended). Kept per row: a
lowercase search key (name, email, external ID, employee ID), the lowercase display name for
sorting, the active flag; per filter field an inverted map value -> positions. ``order`` holds
every position sorted by name, so a page is a filtered walk over it.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Request filter key -> (index field, value normaliser)
_LOWER = str.lower
FILTER_FIELDS: dict[str, tuple[str, Any]] = {
    "legalEntityIds": ("legalEntity", None),
    "officeIds": ("office", None),
    "departmentIds": ("department", None),
    "costCenterIds": ("costCenter", None),
    "userIds": ("userId", None),
    "emails": ("email", _LOWER),
    "externalIds": ("externalId", None),
    "personas": ("persona", None),
    "roles": ("role", None),
    "designations": ("designation", _LOWER),
    "tiers": ("tier", None),
}
_ENTITY_FILTERS = {"legalEntityIds", "officeIds", "departmentIds", "costCenterIds", "userIds"}
# Fields with (nearly) one user per value keep int-or-set values, to save memory at 100k users.
_UNIQUE = ("userId", "email", "externalId", "employeeId")
_GROUPED = ("company", "legalEntity", "office", "department", "costCenter", "persona", "tier",
            "designation", "role")
_EMPTY: frozenset[int] = frozenset()
_FLIP = bytes([1, 0]) + bytes(254)  # translate table: active flag 0 <-> 1


@dataclass(slots=True)
class Row:
    """What the list needs of one user. Same attribute names as the seeder's ``UserRow``,
    so either can be indexed and rendered; the ``*_name`` extras fill Reference names."""

    index: int
    user_id: str
    given: str = ""
    family: str = ""
    email: str = ""
    external_id: str = ""
    employee_id: str = ""
    persona: str = "EMPLOYEE"
    tier: str | None = None
    is_active: bool = True
    roles: tuple[str, ...] = ()
    company_id: str = ""
    organization_name: str = ""
    legal_entity_id: str = ""
    office_id: str = ""
    office_name: str = ""
    department_id: str = ""
    cost_center_id: str = ""
    designation: str = ""
    created_at: str = ""
    last_updated_at: str = ""
    manager_index: int | None = None
    names: dict[str, str] = field(default_factory=dict)  # Reference id -> name, when known
    other_emails: tuple[str, ...] = ()  # e.g. the business email when it differs


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def values_of(row: Any) -> dict[str, list[str]]:
    """The index values of a row, per index field."""
    return {
        "userId": [row.user_id],
        "email": list(dict.fromkeys(e.lower() for e in (row.email, *getattr(row, "other_emails", ()))
                                    if isinstance(e, str) and e)),
        "externalId": [row.external_id] if row.external_id else [],
        "employeeId": [row.employee_id] if row.employee_id else [],
        "company": [row.company_id] if row.company_id else [],
        "legalEntity": [row.legal_entity_id] if row.legal_entity_id else [],
        "office": [row.office_id] if row.office_id else [],
        "department": [row.department_id] if row.department_id else [],
        "costCenter": [row.cost_center_id] if row.cost_center_id else [],
        "persona": [row.persona] if row.persona else [],
        "tier": [row.tier or "BASIC"],
        "designation": [_s(row.designation).lower()] if row.designation else [],
        "role": list(dict.fromkeys(r for r in row.roles if isinstance(r, str))),
    }


def display_name(row: Any) -> str:
    return f"{_s(row.given)} {_s(row.family)}".strip()


def search_key(row: Any) -> str:
    parts = (display_name(row), _s(row.email), _s(row.external_id), _s(row.employee_id),
             *getattr(row, "other_emails", ()))
    return "\x00".join(parts).lower().replace("\n", " ").replace("\x01", " ")


class UserIndex:
    def __init__(self, rows: Iterable[Any] = ()) -> None:
        self.keys: list[str] = []
        self.names: list[str] = []
        self.active = bytearray()
        self.inv: dict[str, dict[str, Any]] = {f: {} for f in _UNIQUE + _GROUPED}
        self.order: list[int] = []
        self._rank: list[int] | None = None
        self.version = 0  # bumped by every change; caches compare it
        self._lines: list[str] = []  # per position: search key + "\x01" + position
        self._blob_version = -1
        self._blob = ""
        self._cache: OrderedDict[str, list[int]] = OrderedDict()
        self._cache_version = -1
        self._status_lists: dict[str, list[int]] = {}
        self._status_version = -1
        for row in rows:
            self._add_row(row, sort=False)
        self.order = sorted(range(len(self.keys)), key=self._sort_key)

    def __len__(self) -> int:
        return len(self.keys)

    # -- maintenance ---------------------------------------------------------------------
    def _sort_key(self, pos: int) -> tuple[str, int]:
        return (self.names[pos], pos)

    def _add_row(self, row: Any, sort: bool = True) -> int:
        pos = len(self.keys)
        key = search_key(row)
        self.keys.append(key)
        self._lines.append(f"{key}\x01{pos}")
        self.names.append(display_name(row).lower())
        self.active.append(1 if row.is_active is True else 0)
        self._link(pos, values_of(row))
        if sort:
            bisect.insort(self.order, pos, key=self._sort_key)
            self._rank = None
        self.version += 1
        return pos

    def append(self, row: Any) -> int:
        """Index a new user; returns its position."""
        return self._add_row(row)

    def update(self, pos: int, old: Any, new: Any) -> None:
        """Re-index position ``pos`` whose row changed from ``old`` to ``new``."""
        self._unlink(pos, values_of(old))
        self._link(pos, values_of(new))
        self.version += 1
        self.keys[pos] = key = search_key(new)
        self._lines[pos] = f"{key}\x01{pos}"
        self.active[pos] = 1 if new.is_active is True else 0
        name = display_name(new).lower()
        if name != self.names[pos]:
            at = bisect.bisect_left(self.order, self._sort_key(pos), key=self._sort_key)
            if at < len(self.order) and self.order[at] == pos:
                del self.order[at]
            else:  # should not happen; stay correct anyway
                self.order.remove(pos)
            self.names[pos] = name
            bisect.insort(self.order, pos, key=self._sort_key)
            self._rank = None

    def _link(self, pos: int, values: dict[str, list[str]]) -> None:
        for fld, vals in values.items():
            inv = self.inv[fld]
            for v in vals:
                cur = inv.get(v)
                if cur is None:
                    inv[v] = pos if fld in _UNIQUE else {pos}
                elif isinstance(cur, int):
                    inv[v] = {cur, pos}
                else:
                    cur.add(pos)

    def _unlink(self, pos: int, values: dict[str, list[str]]) -> None:
        for fld, vals in values.items():
            inv = self.inv[fld]
            for v in vals:
                cur = inv.get(v)
                if cur is None:
                    continue
                if isinstance(cur, int):
                    if cur == pos:
                        del inv[v]
                else:
                    cur.discard(pos)
                    if not cur:
                        del inv[v]

    # -- lookups ---------------------------------------------------------------------------
    def positions(self, fld: str, value: str) -> set[int] | frozenset[int]:
        cur = self.inv[fld].get(value)
        if cur is None:
            return _EMPTY
        return {cur} if isinstance(cur, int) else cur

    def position_of(self, user_id: str) -> int | None:
        cur = self.inv["userId"].get(user_id)
        if cur is None or isinstance(cur, int):
            return cur
        return min(cur)

    def _rank_list(self) -> list[int]:
        if self._rank is None:
            rank = [0] * len(self.order)
            for r, p in enumerate(self.order):
                rank[p] = r
            self._rank = rank
        return self._rank

    def _filter_set(self, flt: dict[str, Any]) -> set[int] | None:
        """Positions matching one filter (AND over its fields); None = no constraint."""
        sets = []
        for key, (fld, norm) in FILTER_FIELDS.items():
            vals = flt.get(key)
            if not vals:
                continue
            matched: set[int] = set()
            for v in vals:
                if key in _ENTITY_FILTERS:
                    v = v.get("id") if isinstance(v, dict) else None
                if not isinstance(v, str):
                    continue
                matched |= self.positions(fld, norm(v) if norm else v)
            sets.append(matched)
        if not sets:
            return None
        sets.sort(key=len)
        out = set(sets[0])
        for s in sets[1:]:
            out &= s
        return out

    def _by_status(self, status: str) -> list[int]:
        if self._status_version != self.version:
            self._status_lists.clear()
            self._status_version = self.version
        got = self._status_lists.get(status)
        if got is None:
            act, want = self.active, status == "ACTIVE"
            got = self._status_lists[status] = [p for p in self.order if bool(act[p]) == want]
        return got

    def _ensure_blob(self) -> None:
        """All search lines ("key\x01position") in name order, joined by newlines."""
        if self._blob_version != self.version:
            lines = self._lines
            self._blob = "\n".join([lines[p] for p in self.order])
            self._blob_version = self.version

    def search(self, token: str) -> list[int]:
        """Positions (in name order) whose search key contains ``token`` (lowercase).
        Recent results are cached until the next change; a token that extends a cached one
        (typing on) only filters the cached result."""
        token = token.replace("\x01", "").replace("\n", "")
        if self._cache_version != self.version:
            self._cache.clear()
            self._cache_version = self.version
        found = self._cache.get(token)
        if found is not None:
            self._cache.move_to_end(token)
            return found
        keys = self.keys
        base = min((r for t, r in self._cache.items() if t in token), key=len, default=None)
        if base is not None:
            found = [p for p in base if token in keys[p]]
        else:
            self._ensure_blob()
            pattern = re.compile(re.escape(token) + "[^\n\x01]*\x01(\\d+)")
            probe = self._blob[:100_000]
            if len(pattern.findall(probe)) > 0.7 * (probe.count("\n") + 1):
                found = [p for p in self.order if token in keys[p]]  # nearly everyone matches
            else:
                found = list(map(int, pattern.findall(self._blob)))
        self._cache[token] = found
        if len(self._cache) > 16:
            self._cache.popitem(last=False)
        return found

    def query(self, *, company: str | None = None, filters: list[dict] | None = None,
              status: str = "ACTIVE", search: str = "", descending: bool = False) -> list[int]:
        """All matching positions, sorted by name. Filters: AND inside one, OR across.
        Search: every whitespace-separated token is a case-insensitive substring of the
        user's name, email, external ID or employee ID."""
        cand: set[int] | frozenset[int] | None = None
        if company is not None:
            cand = self.positions("company", company)
        if filters:
            union: set[int] | None = set()
            for flt in filters:
                got = self._filter_set(flt)
                if got is None:  # an empty filter matches everyone
                    union = None
                    break
                union |= got
            if union is not None:
                cand = union if cand is None else (cand & union)
        tokens = sorted(set(search.lower().split()), key=len, reverse=True)
        keys, act = self.keys, self.active
        if cand is not None and len(cand) * 8 < len(self.order):
            res = sorted(cand, key=self._rank_list().__getitem__)
            for token in tokens:
                res = [p for p in res if token in keys[p]]
            if status != "ALL":
                want = status == "ACTIVE"
                res = [p for p in res if bool(act[p]) == want]
        else:
            res = self.search(tokens[0]) if tokens else self.order
            for token in tokens[1:]:
                res = [p for p in res if token in keys[p]]
            if cand is None and res is self.order and status != "ALL":
                res = self._by_status(status)  # plain browsing: cached until the next change
            elif cand is not None or status != "ALL":
                # one byte per position: 1 = wanted; status folded in with a big-int AND
                n = len(keys)
                if cand is None:
                    mask = bytes(act) if status == "ACTIVE" else act.translate(_FLIP)
                else:
                    marks = bytearray(n)
                    for p in cand:
                        marks[p] = 1
                    mask = bytes(marks)
                    if status != "ALL":
                        live = bytes(act) if status == "ACTIVE" else act.translate(_FLIP)
                        mask = (int.from_bytes(mask, "little") & int.from_bytes(live, "little")
                                ).to_bytes(n, "little")
                res = [p for p in res if mask[p]]
        if descending:
            return res[::-1]
        return list(res) if res is self.order or res is self._status_lists.get(status) else res
