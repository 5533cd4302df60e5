"""The offline cache: what the app has seen of each environment's users, kept to review later.

:class:`ProfileCache` stores, per environment (:func:`tui.domain.cache_db.env_key`):

- list rows (``POST /v3/users/list`` items) with their search key and sort name (their filter
  values, :func:`index_values`, the same as the sandbox's index derives, are read from the row
  when the search's bitsets are computed: :mod:`tui.domain.cache_bits`);
- whole profiles (``GET /v2/users/{id}``) with their ``lastUpdatedAt``, and the filter values
  only a profile has (tier) or the roles section has (role), in ``facets``;
- sections (a section's GET), the newest copy per user and section.

Every document is stored without its sensitive values (:mod:`tui.domain.cache_crypto`): those
are sealed with the keyring key, or not stored, and come back as "not cached" paths.

Reads say how old each copy is (:class:`Cached`). Every write is one transaction; writes made
inside :meth:`ProfileCache.batch` share one (``cache sync`` stores a batch of profiles, their
roles and where it stands at once).
"""

from __future__ import annotations

import json
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from tui.domain.cache_crypto import Sealer, open_doc, seal_doc
from tui.domain.cache_db import env_id, env_key, transaction
from tui.domain.paths import Path
from tui.domain.sections import SECTIONS, Section

__all__ = [
    "Cached",
    "CacheEnv",
    "CacheStatus",
    "ProfileCache",
    "index_values",
    "row_group_values",
    "row_search_key",
    "sort_name",
    "sensitive_patterns",
    "PROFILE_MODEL",
]

PROFILE_MODEL = "UserProfile"
"""The model of ``GET /v2/users/{id}`` (its x-pii marks say what is sealed)."""


@dataclass(frozen=True)
class CacheEnv:
    """One environment's corner of the cache."""

    key: str
    name: str = ""

    @classmethod
    def of(cls, name: str, base_url: str, tmc_id: str | None = None, company_id: str | None = None) -> CacheEnv:
        return cls(env_key(base_url, tmc_id, company_id), name)


@dataclass
class Cached:
    """A stored document, put back together, and how old it is."""

    doc: Any
    fetched_at: float
    not_cached: list[Path] = field(default_factory=list)
    """Paths whose sensitive value is not in the cache (no key, or another key)."""

    def age_seconds(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.fetched_at)


@dataclass
class CacheStatus:
    """What ``spotnana-tui cache status`` says of one environment."""

    key: str
    name: str
    users: int
    profiles: int
    sections: int
    drafts: int
    oldest: float | None
    newest: float | None


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sort_name(name: str) -> str:
    """Sort key of a display name: casefolded, accents stripped (as the sandbox sorts)."""
    if name.isascii():
        return name.lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _row_parts(row: Mapping[str, Any]) -> tuple[str, str, str, str, list[str]]:
    """(display name, email, external ID, employee ID, other emails) of a list row."""
    name = _d(_d(row.get("personalDetail")).get("name"))
    display = f"{_s(name.get('given'))} {_s(name.get('family1'))}".strip()
    business = _d(row.get("businessDetail"))
    email = _s(business.get("businessEmail")) or _s(row.get("email"))
    others = [e for e in (_s(row.get("email")),) if e and e.lower() != email.lower()]
    return display, email, _s(row.get("externalId")), _s(business.get("employeeId")), others


def row_search_key(row: Mapping[str, Any]) -> str:
    """The lowercase text a search matches: name, email, external ID, employee ID, joined by
    U+001F (FTS5 stops at a NUL; Python's ``split()`` splits on U+001F, so no search token
    holds one and none matches across two fields)."""
    display, email, external, employee, others = _row_parts(row)
    return "\x1f".join((display, email, external, employee, *others)).lower().replace("\n", " ")


def _ref_id(value: Any) -> str:
    return _s(_d(value).get("id"))


def row_group_values(row: Mapping[str, Any]) -> dict[str, str]:
    """The filter values of a list row that many users share (one per field, when set):
    company, legal entity, office, department, cost center, persona, designation (lowercase)."""
    business = _d(row.get("businessDetail"))
    out = {
        "company": _ref_id(row.get("organization")),
        "legalEntity": _ref_id(business.get("legalEntity")),
        "office": _ref_id(business.get("office")),
        "department": _ref_id(business.get("department")),
        "costCenter": _ref_id(business.get("costCenter")),
        "persona": _s(row.get("persona")),
        "designation": _s(business.get("designation")).lower(),
    }
    return {k: v for k, v in out.items() if v}


def index_values(
    row: Mapping[str, Any], profile: Mapping[str, Any] | None = None, roles: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """The filter values of a user, per field (the sandbox index's field names): from the list
    row, and the tier (profile) and roles (roles section, else the profile's) when known."""
    _, email, external, employee, others = _row_parts(row)
    out: dict[str, list[str]] = {
        "userId": [_ref_id(row.get("userId")) or _s(row.get("userId"))],
        "email": list(dict.fromkeys(e.lower() for e in (email, *others) if e)),
        "externalId": [external] if external else [],
        "employeeId": [employee] if employee else [],
        **{k: [v] for k, v in row_group_values(row).items()},
    }
    if profile is not None:
        out["tier"] = [_s(profile.get("tier")) or "BASIC"]
    role_doc = roles if roles is not None else (_d(profile.get("roles")) if profile is not None else None)
    if role_doc is not None:
        listed = role_doc.get("roles")
        items: list[Any] = listed if isinstance(listed, list) else []
        out["role"] = list(dict.fromkeys(t for r in items if (t := _s(_d(r).get("roleType")))))
    return {k: [v for v in vals if v] for k, vals in out.items()}


def _stamp(doc: Mapping[str, Any]) -> str | None:
    """A document's ``lastUpdatedAt`` as sent (string or ``{"iso8601": ...}``), as text."""
    value = doc.get("lastUpdatedAt")
    if isinstance(value, dict):
        value = value.get("iso8601")
    return value if isinstance(value, str) else None


_PATTERNS: dict[str, tuple[Path, ...]] = {}


def sensitive_patterns(model_name: str, extra: Iterable[Path] = ()) -> tuple[Path, ...]:
    """The paths of a model's documents that are never stored in clear: what the spec marks
    ``x-pii: SENSITIVE``, and ``extra`` (a section's masked paths)."""
    key = model_name + repr(tuple(extra))
    if key not in _PATTERNS:
        from tui.api import models
        from tui.domain.masking import pii_paths

        found = [p for p, level in pii_paths(getattr(models, model_name)).items() if level == "SENSITIVE"]
        _PATTERNS[key] = tuple(dict.fromkeys([*found, *extra]))
    return _PATTERNS[key]


def _profile_patterns() -> tuple[Path, ...]:
    """The profile's own marks, plus each section's masked paths under its profile key."""
    extra = [(s.profile_key, *p) for s in SECTIONS if s.profile_key for p in s.masked_paths]
    return sensitive_patterns(PROFILE_MODEL, extra)


class ProfileCache:
    """One environment's view of the cache file (``db`` from :func:`tui.domain.cache_db.connect`).

    ``sealer`` encrypts sensitive values (None: they are not stored). ``clock`` is for tests."""

    def __init__(self, db: sqlite3.Connection, env: CacheEnv, sealer: Sealer | None, clock: Any = time.time) -> None:
        self.db = db
        self.env = env
        self.sealer = sealer
        self.clock = clock
        self._id: int | None = env_id(db, env.key, env.name, create=False)
        self._batched = False

    def reload(self) -> None:
        """Look the environment's row up again when it was not there (another connection, a
        ``cache sync``, may have made it since)."""
        if self._id is None:
            self._id = env_id(self.db, self.env.key, self.env.name, create=False)

    @property
    def env_id(self) -> int:
        """The environment's row id (made on the first write)."""
        if self._id is None:
            self._id = env_id(self.db, self.env.key, self.env.name)
        assert self._id is not None
        return self._id

    def _context(self, user_id: str, what: str) -> str:
        return f"{self.env.key}\x00{user_id}\x00{what}"

    @contextmanager
    def batch(self) -> Iterator[sqlite3.Connection]:
        """One transaction for every write made inside (the ``store_*`` calls join it): whole
        or absent, and one commit instead of one per call."""
        if self._batched:
            yield self.db
            return
        self.env_id  # noqa: B018 (made before the transaction: a rollback never undoes it)
        with transaction(self.db) as db:
            self._batched = True
            try:
                yield db
            finally:
                self._batched = False

    def _tx(self) -> Any:
        return nullcontext(self.db) if self._batched else transaction(self.db)

    # -- writing ---------------------------------------------------------------------------
    def store_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Keep list rows (one transaction); returns how many. A user's profile-only filter
        values (tier, role) stay as they were. A row the same as the one kept only has its
        ``seen_at`` moved (its search key and filter values are the ones already kept)."""
        now = self.clock()
        count = 0
        env = self.env_id
        texts: dict[str, tuple[Mapping[str, Any], str]] = {}
        for row in rows:
            user_id = _ref_id(row.get("userId")) or _s(row.get("userId"))
            if user_id:
                texts[user_id] = (row, json.dumps(row, ensure_ascii=False))
        kept = self._row_texts(list(texts))
        same = [(now, env, uid) for uid, (_, text) in texts.items() if kept.get(uid) == text]
        with self._tx() as db:
            db.executemany("UPDATE users SET seen_at = ? WHERE env = ? AND user_id = ?", same)
            count += len(same)
            for user_id, (row, text) in texts.items():
                if kept.get(user_id) == text:
                    continue
                display = _row_parts(row)[0]
                db.execute(
                    "INSERT INTO users (env, user_id, row_json, search, sort_name, is_active, last_updated_at, seen_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (env, user_id) DO UPDATE SET"
                    " row_json = excluded.row_json, search = excluded.search, sort_name = excluded.sort_name,"
                    " is_active = excluded.is_active, last_updated_at = excluded.last_updated_at,"
                    " seen_at = excluded.seen_at",
                    (
                        env,
                        user_id,
                        text,
                        row_search_key(row),
                        sort_name(display),
                        1 if row.get("isActive", True) is not False else 0,
                        _stamp(row),
                        now,
                    ),
                )
                count += 1
        return count

    def _row_texts(self, user_ids: list[str]) -> dict[str, str]:
        """The kept ``row_json`` of these users (those with one)."""
        out: dict[str, str] = {}
        if self._id is None:
            return out
        for start in range(0, len(user_ids), 500):
            chunk = user_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for user_id, text in self.db.execute(
                f"SELECT user_id, row_json FROM users WHERE env = ? AND user_id IN ({marks})", (self._id, *chunk)
            ):
                out[user_id] = text
        return out

    def _replace_facet(self, db: sqlite3.Connection, user_id: str, fld: str, values: list[str]) -> None:
        """Set a user's values of one profile-only field, writing only what changes (a
        write marks the user's search bits for recomputing)."""
        env = self.env_id
        had = {
            v
            for (v,) in db.execute(
                "SELECT value FROM facets WHERE env = ? AND user_id = ? AND field = ?", (env, user_id, fld)
            )
        }
        want = set(values)
        db.executemany(
            "DELETE FROM facets WHERE env = ? AND user_id = ? AND field = ? AND value = ?",
            [(env, user_id, fld, v) for v in had - want],
        )
        db.executemany(
            "INSERT OR IGNORE INTO facets (env, user_id, field, value) VALUES (?, ?, ?, ?)",
            [(env, user_id, fld, v) for v in want - had],
        )

    def store_profile(self, user_id: str, profile: Mapping[str, Any], last_updated_at: str | None = None) -> None:
        """Keep ``GET /v2/users/{id}`` (its tier and roles become filter values). Its
        ``lastUpdatedAt`` is kept as the stamp (:meth:`updated_at`) unless ``last_updated_at``
        is given (``cache sync`` gives the list row's, what its next run compares)."""
        stripped, sealed = seal_doc(profile, _profile_patterns(), self.sealer, self._context(user_id, "profile"))
        values = index_values({}, profile, None)
        stamp = last_updated_at if last_updated_at is not None else _stamp(profile)
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO profiles (env, user_id, doc_json, sealed, last_updated_at, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.env_id, user_id, json.dumps(stripped, ensure_ascii=False), sealed, stamp, self.clock()),
            )
            for fld in ("tier", "role"):
                if fld in values and (fld != "role" or isinstance(profile.get("roles"), dict)):
                    self._replace_facet(db, user_id, fld, values[fld])

    def store_section(self, section: Section, user_id: str, doc: Any) -> None:
        """Keep a section's GET (the newest copy replaces the one before)."""
        patterns = sensitive_patterns(section.model_name, section.masked_paths)
        stripped, sealed = seal_doc(doc, patterns, self.sealer, self._context(user_id, section.key))
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO sections (env, user_id, section, doc_json, sealed, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.env_id, user_id, section.key, json.dumps(stripped, ensure_ascii=False), sealed, self.clock()),
            )
            if section.key == "roles" and isinstance(doc, dict):
                self._replace_facet(db, user_id, "role", index_values({}, None, doc).get("role", []))

    def store_profiles(self, items: Iterable[tuple[str, Mapping[str, Any], str | None]]) -> int:
        """Keep several profiles in one transaction: ``(user ID, profile, stamp)`` each (stamp
        as :meth:`store_profile`'s ``last_updated_at``). Returns how many."""
        count = 0
        with self.batch():
            for user_id, profile, stamp in items:
                self.store_profile(user_id, profile, stamp)
                count += 1
        return count

    # -- reading ---------------------------------------------------------------------------
    def row(self, user_id: str) -> dict[str, Any] | None:
        if self._id is None:
            return None
        hit = self.db.execute(
            "SELECT row_json FROM users WHERE env = ? AND user_id = ?", (self._id, user_id)
        ).fetchone()
        return json.loads(hit[0]) if hit else None

    def profile(self, user_id: str) -> Cached | None:
        if self._id is None:
            return None
        hit = self.db.execute(
            "SELECT doc_json, sealed, fetched_at FROM profiles WHERE env = ? AND user_id = ?", (self._id, user_id)
        ).fetchone()
        if hit is None:
            return None
        doc, missing = open_doc(json.loads(hit[0]), hit[1], self.sealer, self._context(user_id, "profile"))
        return Cached(doc, float(hit[2]), missing)

    def section(self, section: Section, user_id: str) -> Cached | None:
        """The newest copy of a section: its own GET, else the part of a cached profile that
        holds it (``section.profile_key``), whichever is newer. None: never cached."""
        if self._id is None:
            return None
        hit = self.db.execute(
            "SELECT doc_json, sealed, fetched_at FROM sections WHERE env = ? AND user_id = ? AND section = ?",
            (self._id, user_id, section.key),
        ).fetchone()
        own = None
        if hit is not None:
            doc, missing = open_doc(json.loads(hit[0]), hit[1], self.sealer, self._context(user_id, section.key))
            own = Cached(doc, float(hit[2]), missing)
        if section.profile_key:
            whole = self.profile(user_id)
            if whole is not None and isinstance(whole.doc, dict) and section.profile_key in whole.doc:
                if own is None or whole.fetched_at > own.fetched_at:
                    prefix = (section.profile_key,)
                    missing = [p[1:] for p in whole.not_cached if p[:1] == prefix]
                    return Cached(whole.doc[section.profile_key], whole.fetched_at, missing)
        return own

    def updated_at(self, user_ids: Iterable[str]) -> dict[str, str | None]:
        """``lastUpdatedAt`` of the cached profile per user (users with no profile left out)."""
        ids = list(user_ids)
        if self._id is None or not ids:
            return {}
        out: dict[str, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for user_id, stamp in self.db.execute(
                f"SELECT user_id, last_updated_at FROM profiles WHERE env = ? AND user_id IN ({marks})",
                (self._id, *chunk),
            ):
                out[user_id] = stamp
        return out

    def counts(self) -> tuple[int, float | None]:
        """(users cached, newest copy's time) of this environment: what "work offline" names."""
        if self._id is None:
            return 0, None
        users, newest = self.db.execute(
            "SELECT count(*), max(seen_at) FROM users WHERE env = ?", (self._id,)
        ).fetchone()
        newer = self.db.execute(
            "SELECT max(t) FROM (SELECT max(fetched_at) AS t FROM profiles WHERE env = ?"
            " UNION ALL SELECT max(fetched_at) FROM sections WHERE env = ?)",
            (self._id, self._id),
        ).fetchone()[0]
        stamps = [t for t in (newest, newer) if t is not None]
        return int(users), (max(stamps) if stamps else None)


# -- the whole file ------------------------------------------------------------------------
def status(db: sqlite3.Connection) -> list[CacheStatus]:
    """Per environment: users, profiles, sections, drafts, the oldest and newest copy."""
    out = []
    for env in db.execute("SELECT id, key, name FROM envs ORDER BY name, key").fetchall():
        eid = env["id"]
        users, u_old, u_new = db.execute(
            "SELECT count(*), min(seen_at), max(seen_at) FROM users WHERE env = ?", (eid,)
        ).fetchone()
        profiles, p_old, p_new = db.execute(
            "SELECT count(*), min(fetched_at), max(fetched_at) FROM profiles WHERE env = ?", (eid,)
        ).fetchone()
        sections, s_old, s_new = db.execute(
            "SELECT count(*), min(fetched_at), max(fetched_at) FROM sections WHERE env = ?", (eid,)
        ).fetchone()
        drafts = db.execute("SELECT count(*) FROM drafts WHERE env = ?", (eid,)).fetchone()[0]
        olds = [t for t in (u_old, p_old, s_old) if t is not None]
        news = [t for t in (u_new, p_new, s_new) if t is not None]
        out.append(
            CacheStatus(
                env["key"],
                env["name"],
                users,
                profiles,
                sections,
                drafts,
                min(olds) if olds else None,
                max(news) if news else None,
            )
        )
    return out


def purge(db: sqlite3.Connection, max_age_days: float, now: float | None = None) -> int:
    """Drop every copy older than ``max_age_days`` (list rows, profiles, sections; drafts
    never). Returns how many rows went."""
    cutoff = (time.time() if now is None else now) - max_age_days * 86400
    gone = 0
    with transaction(db):
        gone += db.execute("DELETE FROM sections WHERE fetched_at < ?", (cutoff,)).rowcount
        gone += db.execute("DELETE FROM profiles WHERE fetched_at < ?", (cutoff,)).rowcount
        old = db.execute("SELECT env, user_id FROM users WHERE seen_at < ?", (cutoff,)).fetchall()
        db.executemany("DELETE FROM facets WHERE env = ? AND user_id = ?", [tuple(r) for r in old])
        gone += db.execute("DELETE FROM users WHERE seen_at < ?", (cutoff,)).rowcount
    return gone


def clear(db: sqlite3.Connection, key: str | None = None, *, drafts: bool = False) -> int:
    """Drop an environment's copies (every environment's when ``key`` is None); its drafts only
    with ``drafts`` (the caller asks the agent first). Returns how many rows went."""
    where, args = ("WHERE env = (SELECT id FROM envs WHERE key = ?)", (key,)) if key else ("", ())
    gone = 0
    with transaction(db):
        for table in ("facets", "users", "profiles", "sections", "syncs") + (("drafts",) if drafts else ()):
            gone += db.execute(f"DELETE FROM {table} {where}", args).rowcount
        for table in ("search_bits", "search_dirty"):  # derived from the users: not counted
            db.execute(f"DELETE FROM {table} {where}", args)
        if drafts:
            db.execute(f"DELETE FROM envs {'WHERE key = ?' if key else ''}", args)
    return gone


def drafts_count(db: sqlite3.Connection, key: str | None = None) -> int:
    if key:
        return int(
            db.execute(
                "SELECT count(*) FROM drafts WHERE env = (SELECT id FROM envs WHERE key = ?)", (key,)
            ).fetchone()[0]
        )
    return int(db.execute("SELECT count(*) FROM drafts").fetchone()[0])
