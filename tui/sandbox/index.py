"""The search index behind ``POST /v3/users/list``.

One row per user position (seeded users first, created users appended). Kept per row: a
lowercase search key (name, email, external ID, employee ID, joined by U+001F, which
``str.split`` treats as whitespace, so no search token spans two fields), the name's sort key
(``sort_name``), the user ID, the active flag; per filter field an inverted map value ->
positions. ``order`` holds every position sorted by name, then user ID (a tie-break any
server can keep, and the offline cache keeps too). Searches and large filters are answered with
the bitsets of a ``GramSnapshot`` (index_grams.py); users changed or created since it was taken
(``_delta``) are checked one by one and merged in, and the snapshot is retaken once they pile up.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .index_grams import GramSnapshot

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
_GROUPED = ("company", "legalEntity", "office", "department", "costCenter", "persona", "tier", "designation", "role")
_EMPTY: frozenset[int] = frozenset()
# Up to n / SMALL candidates, sets sorted by rank beat the snapshot's n-bit bitsets
SMALL = 32
Terms = list[tuple[str, list[str]]]  # one filter: (index field, normalised values) per request key


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
        "email": list(
            dict.fromkeys(e.lower() for e in (row.email, *getattr(row, "other_emails", ())) if isinstance(e, str) and e)
        ),
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


def _filter_terms(flt: dict[str, Any]) -> Terms:
    """The constraints of one request filter; [] = none (matches everyone). A key whose values
    are all unusable stays, with no values: it matches no one."""
    terms: Terms = []
    for key, (fld, norm) in FILTER_FIELDS.items():
        vals = flt.get(key)
        if not vals:
            continue
        got = []
        for v in vals:
            if key in _ENTITY_FILTERS:
                v = v.get("id") if isinstance(v, dict) else None
            if isinstance(v, str):
                got.append(norm(v) if norm else v)
        terms.append((fld, got))
    return terms


def display_name(row: Any) -> str:
    return f"{_s(row.given)} {_s(row.family)}".strip()


def sort_name(name: str) -> str:
    """Sort key of a display name: casefolded, accents stripped ("Céline" ~ "celine")."""
    if name.isascii():
        return name.lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_key(row: Any) -> str:
    parts = (
        display_name(row),
        _s(row.email),
        _s(row.external_id),
        _s(row.employee_id),
        *getattr(row, "other_emails", ()),
    )
    return "\x1f".join(parts).lower().replace("\n", " ")


class UserIndex:
    def __init__(self, rows: Iterable[Any] = ()) -> None:
        self.keys: list[str] = []
        self.names: list[str] = []
        self.ids: list[str] = []
        self.active = bytearray()
        self.inv: dict[str, dict[str, Any]] = {f: {} for f in _UNIQUE + _GROUPED}
        self.order: list[int] = []
        self._rank: list[int] | None = None
        self.version = 0  # bumped by every change; caches compare it
        self._status_lists: dict[str, list[int]] = {}
        self._status_version = -1
        for row in rows:
            self._add_row(row, sort=False)
        self.order = sorted(range(len(self.keys)), key=self._sort_key)
        self._delta: set[int] = set()  # positions changed or created since the snapshot
        self._snap_taken: GramSnapshot | None = None  # taken on first need (or by warm())

    def _snapshot(self) -> GramSnapshot:
        self._delta.clear()
        keys = self.keys
        return GramSnapshot(list(self.order), [keys[p] for p in self.order], self.active, len(keys))

    @property
    def _snap(self) -> GramSnapshot:
        """The bitsets of searches and large filters, taken the first time one needs them: an
        unfiltered first page (what a list shows first) is answered without them."""
        if self._snap_taken is None:
            self._snap_taken = self._snapshot()
        return self._snap_taken

    @_snap.setter
    def _snap(self, snap: GramSnapshot) -> None:
        self._snap_taken = snap

    @property
    def warmed(self) -> bool:
        return self._snap_taken is not None

    def warm(self) -> None:
        """Take the snapshot now if it is not taken yet (so the first search does not wait)."""
        self._snap  # noqa: B018

    @property
    def _cache(self):
        """The snapshot's cache of longer search tokens (cleared by the benchmark)."""
        return self._snap.cache

    def __len__(self) -> int:
        return len(self.keys)

    # -- maintenance ---------------------------------------------------------------------
    def _sort_key(self, pos: int) -> tuple[str, str]:
        return (self.names[pos], self.ids[pos])

    def _add_row(self, row: Any, sort: bool = True) -> int:
        pos = len(self.keys)
        key = search_key(row)
        self.keys.append(key)
        self.names.append(sort_name(display_name(row)))
        self.ids.append(row.user_id)
        self.active.append(1 if row.is_active is True else 0)
        self._link(pos, values_of(row))
        if sort:
            bisect.insort(self.order, pos, key=self._sort_key)
            self._rank = None
            self._delta.add(pos)
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
        self.keys[pos] = search_key(new)
        self.active[pos] = 1 if new.is_active is True else 0
        self._delta.add(pos)
        if self._snap_taken is not None:  # (one taken later sees the new row anyway)
            self._snap_taken.kill(pos)
        name = sort_name(display_name(new))
        if name != self.names[pos] or new.user_id != self.ids[pos]:
            at = bisect.bisect_left(self.order, self._sort_key(pos), key=self._sort_key)
            if at < len(self.order) and self.order[at] == pos:
                del self.order[at]
            else:  # should not happen; stay correct anyway
                self.order.remove(pos)
            self.names[pos], self.ids[pos] = name, new.user_id
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

    def _term_size(self, fld: str, vals: list[str]) -> int:
        """How many users one filter field matches (an upper bound when values overlap)."""
        inv = self.inv[fld]
        n = 0
        for v in vals:
            cur = inv.get(v)
            if cur is not None:
                n += 1 if isinstance(cur, int) else len(cur)
        return n

    def _filter_set(self, terms: Terms) -> set[int]:
        """Positions matching one filter (AND over its terms, OR over a term's values)."""
        sized = sorted(terms, key=lambda t: self._term_size(*t))
        fld, vals = sized[0]
        out: set[int] = set()
        for v in vals:
            out |= self.positions(fld, v)
        for fld, vals in sized[1:]:
            if not out:
                break
            sets = [self.positions(fld, v) for v in vals]
            if len(sets) == 1:
                out &= sets[0]  # iterates the smaller side
            else:
                out = {p for p in out if any(p in s for s in sets)}
        return out

    def _filter_bits(self, snap: GramSnapshot, terms: Terms) -> int:
        """``_filter_set`` as a snapshot bitset (right on ``snap.live`` ranks only)."""
        out = -1
        for fld, vals in sorted(terms, key=lambda t: self._term_size(*t)):
            bits = 0
            for v in vals:
                got = self.positions(fld, v)
                if got:
                    bits |= snap.positions_to_bits(got) if fld in _UNIQUE else snap.set_bits((fld, v), got)
            out &= bits
            if not out:
                break
        return out

    def _matches(self, pos: int, company: str | None, fterms: list[Terms] | None) -> bool:
        """Whether position ``pos`` is in the company and matches one of the filters."""
        if company is not None and pos not in self.positions("company", company):
            return False
        if fterms is None:
            return True
        return any(all(any(pos in self.positions(fld, v) for v in vals) for fld, vals in terms) for terms in fterms)

    def _by_status(self, status: str) -> list[int]:
        if self._status_version != self.version:
            self._status_lists.clear()
            self._status_version = self.version
        got = self._status_lists.get(status)
        if got is None:
            act, want = self.active, status == "ACTIVE"
            got = self._status_lists[status] = [p for p in self.order if bool(act[p]) == want]
        return got

    def _big_query(self, company: str | None, fterms: list[Terms] | None, tokens: list[str], status: str) -> list[int]:
        """Matching positions in name order via the snapshot's bitsets plus the delta."""
        if len(self._delta) > max(1000, len(self.keys) // 25):
            self._snap = self._snapshot()
        snap = self._snap
        bits = snap.live
        if status != "ALL":
            bits &= snap.active if status == "ACTIVE" else ~snap.active
        if company is not None and bits:
            bits &= snap.set_bits(("company", company), self.positions("company", company))
        if fterms is not None and bits:
            union = 0
            for terms in fterms:
                union |= self._filter_bits(snap, terms)
            bits &= union
        for token in tokens:
            if not bits:
                break
            bits &= snap.token_bits(token)
        res = snap.positions(bits) if bits else []
        if not self._delta:
            return res
        keys, act, want = self.keys, self.active, status == "ACTIVE"
        extra = sorted(
            (
                p
                for p in self._delta
                if (status == "ALL" or bool(act[p]) == want)
                and self._matches(p, company, fterms)
                and all(t in keys[p] for t in tokens)
            ),
            key=self._sort_key,
        )
        if not extra:
            return res
        out: list[int] = []
        at = 0
        for p in extra:  # merge: every kept snapshot row still sorts by its unchanged name
            i = bisect.bisect_left(res, self._sort_key(p), lo=at, key=self._sort_key)
            out += res[at:i]
            out.append(p)
            at = i
        out += res[at:]
        return out

    def query(
        self,
        *,
        company: str | None = None,
        filters: list[dict] | None = None,
        status: str = "ACTIVE",
        search: str = "",
        descending: bool = False,
    ) -> list[int]:
        """All matching positions, sorted by name. Filters: AND inside one, OR across.
        Search: every whitespace-separated token is a case-insensitive substring of the
        user's name, email, external ID or employee ID."""
        fterms: list[Terms] | None = None  # None: no filter constrains
        if filters:
            fterms = []
            for flt in filters:
                terms = _filter_terms(flt)
                if not terms:  # an empty filter matches everyone
                    fterms = None
                    break
                fterms.append(terms)
        n = len(self.order)
        bound = n  # at most this many candidates
        if company is not None:
            bound = min(bound, self._term_size("company", [company]))
        if fterms is not None:
            bound = min(bound, sum(min(self._term_size(*t) for t in terms) for terms in fterms))
        cand: set[int] | frozenset[int] | None = None
        if (company is not None or fterms is not None) and bound * SMALL < n:  # few: exact sets
            if company is not None:
                cand = self.positions("company", company)
            if fterms is not None:
                union: set[int] = set()
                for terms in fterms:
                    union |= self._filter_set(terms)
                cand = union if cand is None else (cand & union)
        tokens = sorted(set(search.lower().split()), key=len, reverse=True)
        keys, act = self.keys, self.active
        if cand is not None:
            res = sorted(cand, key=self._rank_list().__getitem__)
            for token in tokens:
                res = [p for p in res if token in keys[p]]
            if status != "ALL":
                want = status == "ACTIVE"
                res = [p for p in res if bool(act[p]) == want]
        elif not tokens and company is None and fterms is None:
            res = self.order if status == "ALL" else self._by_status(status)
        else:
            res = self._big_query(company, fterms, tokens, status)
        if descending:
            return res[::-1]
        return list(res) if res is self.order or res is self._status_lists.get(status) else res
