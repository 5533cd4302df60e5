"""``POST /v3/users/list`` answered from the cache: the same body, the same answer's shape.

Semantics as the sandbox's index (``tui/sandbox/index.py``) and so the server's:

- scope: a ``companyId`` keeps that company's users; a ``tmcId`` keeps all of the environment;
- ``userStatusFilter``: ACTIVE (the default, also for a value the server would refuse),
  INACTIVE or ALL;
- ``searchText``: every whitespace-separated token is a case-insensitive substring (Python's
  ``str.lower``) of the name, email, external ID or employee ID;
- ``filters``: within one filter every key must match (any of its values); across filters any
  one will do; an empty filter matches everyone; a key whose values are all unusable matches
  no one;
- sorted by name (``sort_name``, ties by user ID), ascending or descending; ``pagination``.

Where the cache cannot know what the server knows, it answers from what it has:

- tier and role are filter values once the user's profile (tier; fetched with
  ``includeInactive`` for an inactive user) and roles are cached; before, no tier or role
  filter matches the user (the server treats a user without a tier as BASIC);
- the server also matches a business email that differs from the personal one (the sandbox
  keeps both once a profile was edited); a list row carries only one email, so that one is
  what the cache searches and filters by;
- a body the server refuses (a value outside an enum, a wrong type) is answered all the same,
  never with an error: its unusable parts match no one, or are left out (paging, sort).

How (:mod:`tui.domain.cache_bits`): the status, the company, tokens of up to three
characters and the filter values many users share are bitsets, ANDed and ORed, so the count
(``totalNumResults``) costs about the same for a broad match as for a narrow one. A longer
token narrows to the users having all its triples of characters, then is checked on each
candidate (few) or found by the case-sensitive FTS5 trigram index over the lowercase key
(many). Emails, external IDs and user IDs (one user each) are checked on the rows of their
candidates. The page comes from the environment's name order (rowids, read from the name
index once per change of the users and kept in memory): the matches sorted by their place in
it (few), or it walked from its nearer end keeping the matches (many).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from itertools import compress, islice
from operator import add
from typing import Any, TypeVar

from tui.domain import cache_bits
from tui.domain.cache import index_values
from tui.domain.cache_bits import ACTIVE, GROUPED, HAS_NUL, INACTIVE, Bits, facet_key, gram_key
from tui.domain.cache_db import transaction

__all__ = ["FILTER_FIELDS", "search_users", "prepare"]

FILTER_FIELDS: dict[str, tuple[str, bool]] = {
    "legalEntityIds": ("legalEntity", True),
    "officeIds": ("office", True),
    "departmentIds": ("department", True),
    "costCenterIds": ("costCenter", True),
    "userIds": ("userId", True),
    "emails": ("email", False),
    "externalIds": ("externalId", False),
    "personas": ("persona", False),
    "roles": ("role", False),
    "designations": ("designation", False),
    "tiers": ("tier", False),
}
"""Request filter key -> (index field, whether its values are ``{"id": ...}`` references)."""
_LOWERED = {"email", "designation"}
VERIFY_MAX = 1000
"""Up to this many candidates, a long token is checked on each one rather than looked up."""
SORT_COST = 8
"""How many places of the name order are walked in the time one match is placed and sorted."""

Terms = list[tuple[str, list[str]]]
T = TypeVar("T")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _encodable(text: str) -> bool:
    """Whether SQLite can be given ``text`` (no lone surrogates; no stored text has one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def _filter_terms(flt: Mapping[str, Any]) -> Terms:
    """One filter's constraints ([]: none, it matches everyone)."""
    terms: Terms = []
    for key, (fld, is_ref) in FILTER_FIELDS.items():
        raw = flt.get(key)
        if not raw:
            continue
        values = []
        for v in raw if isinstance(raw, list) else [raw]:
            if is_ref:
                v = v.get("id") if isinstance(v, dict) else None
            if isinstance(v, str) and _encodable(v):
                values.append(v.lower() if fld in _LOWERED else v)
        terms.append((fld, values))  # no usable value: it matches no one
    return terms


def _gram_keys(text: str) -> set[str]:
    """The keys whose users are candidates for holding ``text``: ``text`` itself when it is
    one key (up to three characters), else its triples; per whitespace-separated part."""
    keys = set()
    for part in text.split():
        if len(part) <= 3:
            keys.add(gram_key(part))
        else:
            keys.update(map(gram_key, map(add, map(add, part, part[1:]), part[2:])))
    return keys


def _cursor(db: sqlite3.Connection) -> sqlite3.Cursor:
    cur = db.cursor()
    cur.row_factory = None  # plain tuples: no Row per row read
    return cur


def prepare(db: sqlite3.Connection, env: int) -> int:
    """Bring the search's bitsets of ``env`` up to date now (a search does it anyway; after a
    sync of many users this moves the wait, about 1 s per 10,000 new users, off the first
    search). Returns how many users' bits were computed."""
    with transaction(db):
        return cache_bits.refresh(db, env)


def search_users(db: sqlite3.Connection, env: int | None, body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ListUsersV3Response`` the server would give for ``body``, from the cached rows."""
    page = _obj(body.get("pagination"))
    offset = max(0, _int(page.get("offset", 0), 0))
    limit = _int(page.get("limit", 100), 100)
    if limit <= 0:
        limit = 100
    if env is None:
        return {"users": [], "pagination": {"totalNumResults": 0}}
    return _consistent(db, env, lambda: _answer(db, env, body, offset, limit))


def _consistent(db: sqlite3.Connection, env: int, run: Callable[[], T]) -> T:
    """``run`` in one transaction over bits that are up to date."""
    if db.in_transaction:
        if cache_bits.dirty(db, env):
            cache_bits.refresh(db, env)
        return run()
    while True:
        if cache_bits.dirty(db, env):
            with transaction(db):
                cache_bits.refresh(db, env)
                return run()
        db.execute("BEGIN")
        try:
            if not cache_bits.dirty(db, env):  # (nobody wrote since the check)
                return run()
        finally:
            db.execute("COMMIT")


def _answer(db: sqlite3.Connection, env: int, body: Mapping[str, Any], offset: int, limit: int) -> dict[str, Any]:
    status = body.get("userStatusFilter")
    wanted = {"INACTIVE": [INACTIVE], "ALL": [ACTIVE, INACTIVE]}.get(
        status if isinstance(status, str) else "", [ACTIVE]
    )
    company = _obj(body.get("companyId")).get("id")
    text = body.get("searchText")
    tokens = sorted(set((text if isinstance(text, str) else "").lower().split()), key=len, reverse=True)
    if not all(map(_encodable, tokens)) or (
        company is not None and not (isinstance(company, str) and _encodable(company))
    ):
        return {"users": [], "pagination": {"totalNumResults": 0}}
    short = [t for t in tokens if len(t) <= 3]  # one key each: exact
    long = [t for t in tokens if len(t) > 3]
    filters = body.get("filters")
    alternatives: list[Terms] | None = None  # None: the filters constrain nothing
    if isinstance(filters, list) and filters:
        alternatives = []
        for flt in filters:
            terms = _filter_terms(flt if isinstance(flt, dict) else {})
            if not terms:  # an empty filter matches everyone
                alternatives = None
                break
            alternatives.append(terms)

    keys = [ACTIVE, INACTIVE, HAS_NUL]
    if company is not None:
        keys.append(facet_key("company", company))
    keys += [gram_key(t) for t in short]
    keys += [k for t in long for k in _gram_keys(t)]
    for terms in alternatives or ():
        keys += [facet_key(fld, v) for fld, vals in terms if fld in GROUPED for v in vals]
    bits = cache_bits.load(db, env, keys)

    everyone = bits[ACTIVE] | bits[INACTIVE]
    cand = bits[wanted[0]] if len(wanted) == 1 else everyone
    if company is not None:
        cand = cand & bits[facet_key("company", company)]
    for t in short:
        cand = cand & bits[gram_key(t)]
    if alternatives is not None and cand:
        union = Bits()
        for terms in alternatives:
            union = union | _filter_bits(db, env, terms, bits)
        cand = cand & union
    if long and cand:
        cand = _long_tokens(db, cand, long, bits)
    total = len(cand)
    sort = _obj(body.get("sort"))
    rowids = _page(db, env, cand, total, offset, limit, sort.get("sortOrder") == "DESCENDING")
    return {"users": _rows(db, rowids), "pagination": {"totalNumResults": total}}


def _filter_bits(db: sqlite3.Connection, env: int, terms: Terms, bits: dict[str, Bits]) -> Bits:
    """The users one filter matches (every term, any of a term's values)."""
    out: Bits | None = None
    for fld, vals in sorted(terms, key=lambda t: t[0] not in GROUPED):  # the bits first
        if fld in GROUPED:
            got = Bits()
            for v in vals:
                got = got | bits[facet_key(fld, v)]
        else:
            got = _unique_values(db, env, fld, vals)
        out = got if out is None else out & got
        if not out:
            break
    return out if out is not None else Bits()


def _unique_values(db: sqlite3.Connection, env: int, fld: str, vals: list[str]) -> Bits:
    """Users whose ``fld`` (userId, email, externalId: about one user per value) is in ``vals``."""
    if not vals:
        return Bits()
    if fld == "userId":
        return Bits.of_rowids(r for chunk in _chunks(vals) for (r,) in _in_query(db, env, "user_id", chunk))
    found: set[int] = set()
    for v in set(vals) - {""}:
        keys = _gram_keys(v.lower())  # the value is in the user's search key
        got = cache_bits.load(db, env, [ACTIVE, INACTIVE, *keys])
        cands = got[ACTIVE] | got[INACTIVE]
        for k in keys:
            cands = cands & got[k]
        for rowid, row_json in _row_json(db, list(cands.rowids())):
            if v in index_values(_load(row_json)).get(fld, ()):
                found.add(rowid)
    return Bits.of_rowids(sorted(found))


def _in_query(db: sqlite3.Connection, env: int, column: str, values: list[str]) -> list[tuple[int]]:
    marks = ",".join("?" * len(values))
    sql = f"SELECT rowid FROM users WHERE env = ? AND {column} IN ({marks})"
    return _cursor(db).execute(sql, (env, *values)).fetchall()


def _chunks(items: list[T], size: int = 500) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _long_tokens(db: sqlite3.Connection, cand: Bits, tokens: list[str], bits: dict[str, Bits]) -> Bits:
    """``cand`` narrowed to the users whose key holds every token of four characters or more."""
    for t in tokens:
        for k in _gram_keys(t):
            cand = cand & bits[k]
            if not cand:
                return cand
    if len(cand) <= VERIFY_MAX or any("\x00" in t for t in tokens):
        return _verify(db, cand, tokens)
    query = " AND ".join(_phrase(t) for t in tokens)
    hits = Bits.of_rowids(
        r for (r,) in _cursor(db).execute("SELECT rowid FROM users_fts WHERE users_fts MATCH ?", (query,))
    )
    out = cand & hits
    nul = cand & bits[HAS_NUL]  # FTS5 reads a key only up to a NUL: those are checked here
    return out | _verify(db, nul, tokens) if nul else out


def _verify(db: sqlite3.Connection, cand: Bits, tokens: list[str]) -> Bits:
    ids = list(cand.rowids())
    keep = []
    for chunk in _chunks(ids, 5000):
        for rowid, key in _cursor(db).execute(
            "SELECT rowid, search FROM users WHERE rowid IN (SELECT value FROM json_each(?))", (json.dumps(chunk),)
        ):
            if all(t in key for t in tokens):
                keep.append(rowid)
    keep.sort()
    return Bits.of_rowids(keep)


class _Order:
    """The users of an environment in name order (rowids), and each rowid's place in it."""

    def __init__(self, rowids: array[int]) -> None:
        self.rowids = rowids
        size = max(rowids, default=0) + 1
        self.rank = array("q", bytes(8 * size))
        deque(map(self.rank.__setitem__, rowids, range(len(rowids))), maxlen=0)


_ORDERS: OrderedDict[bytes, _Order] = OrderedDict()
"""By :func:`cache_bits.version` (a token that changes with the users): the last few orders."""
_ORDERS_LOCK = threading.Lock()


def _order(db: sqlite3.Connection, env: int) -> _Order:
    token = cache_bits.version(db, env)
    if token is not None:
        with _ORDERS_LOCK:
            got = _ORDERS.get(token)
            if got is not None:
                _ORDERS.move_to_end(token)
                return got
    sql = "SELECT rowid FROM users INDEXED BY users_sort WHERE env = ? ORDER BY sort_name, user_id"
    got = _Order(array("q", (r for (r,) in _cursor(db).execute(sql, (env,)))))
    if token is not None:
        with _ORDERS_LOCK:
            _ORDERS[token] = got
            while len(_ORDERS) > 4:
                _ORDERS.popitem(last=False)
    return got


def _page(db: sqlite3.Connection, env: int, cand: Bits, total: int, offset: int, limit: int, desc: bool) -> list[int]:
    """The rowids of the page, in order: the matches sorted by their place in the name order
    (few matches), or the name order walked, keeping the matches (many; from the nearer end)."""
    take = min(limit, total - offset)
    if take <= 0:
        return []
    order = _order(db, env)
    from_end = total - offset < offset + take
    need = total - offset if from_end else offset + take
    if total * SORT_COST <= need * len(order.rowids) / total:
        ranks = sorted(map(order.rank.__getitem__, cand.rowids()), reverse=desc)
        return [order.rowids[r] for r in ranks[offset : offset + take]]
    flags = cand.flags(len(order.rank))
    seq: Iterable[int] = reversed(order.rowids) if desc != from_end else order.rowids
    again: Iterable[int] = reversed(order.rowids) if desc != from_end else order.rowids
    skip = total - offset - take if from_end else offset
    page = list(islice(compress(seq, map(flags.__getitem__, again)), skip, skip + take))
    return page[::-1] if from_end else page


def _row_json(db: sqlite3.Connection, rowids: list[int]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for chunk in _chunks(rowids, 5000):
        out += (
            _cursor(db)
            .execute(
                "SELECT rowid, row_json FROM users WHERE rowid IN (SELECT value FROM json_each(?))",
                (json.dumps(chunk),),
            )
            .fetchall()
        )
    return out


def _load(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _rows(db: sqlite3.Connection, rowids: list[int]) -> list[dict[str, Any]]:
    got = dict(_row_json(db, rowids))
    return [_load(got[r]) for r in rowids if r in got]
