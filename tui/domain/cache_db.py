"""The offline cache's file: one SQLite database for the list rows, profiles, sections and
drafts of every environment the agent works in.

``cache.sqlite3`` in the app's data dir (``Paths.cache_file``; not the cache dir, which the OS
may clean, since drafts live here), 0600 in a 0700 folder, WAL, ``synchronous=NORMAL`` (a
killed process loses nothing committed). ``PRAGMA user_version`` is the schema version;
:data:`MIGRATIONS` takes an older file forward step by step in one transaction each, and a file
from a newer version of the app is refused (:class:`CacheVersionError`) rather than guessed at.

Everything is kept per environment (:func:`env_key`: base URL and TMC or company scope), as a
row of ``envs``; every other table names its ``env``, so a sandbox row never shows in
production and back. Tables (version 2; :data:`MIGRATIONS`):

- ``envs``: id, key, the environment's name, base URL and scope;
- ``users``: one list row per user (``row_json``, the raw ``ListUsersV3Response`` item), with
  what the offline list searches and sorts by: ``search`` (lowercase name, emails, external ID,
  employee ID, as the sandbox's index), ``sort_name``, ``is_active``, ``last_updated_at``
  (the row's ``lastUpdatedAt`` as sent) and ``seen_at``; ``users_fts`` (FTS5, trigram,
  case-sensitive over the lowercase key) indexes ``search``, kept in step by triggers;
- ``facets``: the filter values a list row does not carry (``tier`` from the profile, ``role``
  from the roles section or the profile), per user;
- ``search_bits`` / ``search_dirty``: the list search's bitsets and which of their blocks are
  out of date (:mod:`tui.domain.cache_bits`);
- ``profiles``: ``GET /v2/users/{id}`` per user, its ``lastUpdatedAt`` and when it was fetched;
- ``sections``: a section's GET per user and section key, when it was fetched;
- ``drafts``: an agent's unsent edits of one section (the base they were made on and the
  field-path edits), see :mod:`tui.domain.drafts`;
- ``syncs``: where a ``cache sync`` of a query stands, so an interrupted one picks up.

Documents are stored as JSON text without their sensitive values; those are in the ``sealed``
column, encrypted (:mod:`tui.domain.cache_crypto`), or absent when no key can be kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path as FsPath

from tui.domain.private_files import private_dir, private_file, tighten

__all__ = [
    "CACHE_FILE",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "CacheVersionError",
    "connect",
    "env_key",
    "env_id",
    "transaction",
]

CACHE_FILE = "cache.sqlite3"

_V1 = """
CREATE TABLE envs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    base_url TEXT NOT NULL,
    scope TEXT NOT NULL
);
CREATE TABLE users (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    row_json TEXT NOT NULL,
    search TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    last_updated_at TEXT,
    seen_at REAL NOT NULL,
    UNIQUE (env, user_id)
);
CREATE INDEX users_sort ON users (env, sort_name, user_id);
CREATE INDEX users_seen ON users (seen_at);
CREATE VIRTUAL TABLE users_fts USING fts5 (search, content='users', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER users_ad AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
CREATE TRIGGER users_au AFTER UPDATE OF search ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO users_fts (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TABLE facets (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (env, field, value, user_id)
) WITHOUT ROWID;
CREATE INDEX facets_user ON facets (env, user_id);
CREATE TABLE profiles (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    sealed BLOB,
    last_updated_at TEXT,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (env, user_id)
);
CREATE INDEX profiles_fetched ON profiles (fetched_at);
CREATE TABLE sections (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    section TEXT NOT NULL,
    doc_json TEXT NOT NULL,
    sealed BLOB,
    fetched_at REAL NOT NULL,
    PRIMARY KEY (env, user_id, section)
);
CREATE INDEX sections_fetched ON sections (fetched_at);
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    section TEXT NOT NULL,
    user_label TEXT NOT NULL DEFAULT '',
    base_json TEXT NOT NULL,
    base_sealed BLOB,
    edits_json TEXT NOT NULL,
    edits_sealed BLOB,
    offline INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (env, user_id, section)
);
CREATE TABLE syncs (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    query TEXT NOT NULL,
    state_json TEXT NOT NULL,
    started_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    PRIMARY KEY (env, query)
);
"""

_V2 = """
CREATE TABLE facets_v2 (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (env, user_id, field, value)
) WITHOUT ROWID;
INSERT INTO facets_v2 SELECT env, user_id, field, value FROM facets WHERE field IN ('tier', 'role');
DROP TABLE facets;
ALTER TABLE facets_v2 RENAME TO facets;
DROP TRIGGER users_ai;
DROP TRIGGER users_ad;
DROP TRIGGER users_au;
DROP TABLE users_fts;
CREATE VIRTUAL TABLE users_fts USING fts5 (
    search, content='users', content_rowid='rowid', tokenize='trigram case_sensitive 1'
);
CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, search) VALUES (new.rowid, new.search);
END;
CREATE TRIGGER users_ad AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
END;
CREATE TRIGGER users_au AFTER UPDATE OF search ON users WHEN old.search IS NOT new.search BEGIN
    INSERT INTO users_fts (users_fts, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO users_fts (rowid, search) VALUES (new.rowid, new.search);
END;
INSERT INTO users_fts (users_fts) VALUES ('rebuild');
CREATE TABLE search_bits (
    env INTEGER NOT NULL REFERENCES envs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    blk INTEGER NOT NULL,
    bits BLOB NOT NULL,
    PRIMARY KEY (env, key, blk)
) WITHOUT ROWID;
CREATE INDEX search_bits_blk ON search_bits (env, blk);
CREATE TABLE search_dirty (
    env INTEGER NOT NULL,
    rid INTEGER NOT NULL,
    PRIMARY KEY (env, rid)
) WITHOUT ROWID;
CREATE TRIGGER users_bits_ai AFTER INSERT ON users BEGIN
    INSERT INTO search_dirty (env, rid) SELECT new.env, new.rowid
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE env = new.env AND rid = new.rowid);
END;
CREATE TRIGGER users_bits_ad AFTER DELETE ON users BEGIN
    INSERT INTO search_dirty (env, rid) SELECT old.env, old.rowid
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE env = old.env AND rid = old.rowid);
END;
CREATE TRIGGER users_bits_au AFTER UPDATE ON users
WHEN old.row_json IS NOT new.row_json OR old.search IS NOT new.search OR old.is_active IS NOT new.is_active
    OR old.sort_name IS NOT new.sort_name
    OR old.env IS NOT new.env OR old.rowid IS NOT new.rowid OR old.user_id IS NOT new.user_id
BEGIN
    INSERT INTO search_dirty (env, rid) SELECT old.env, old.rowid
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE env = old.env AND rid = old.rowid);
    INSERT INTO search_dirty (env, rid) SELECT new.env, new.rowid
        WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE env = new.env AND rid = new.rowid);
END;
CREATE TRIGGER facets_bits_ai AFTER INSERT ON facets BEGIN
    INSERT INTO search_dirty (env, rid)
    SELECT u.env, u.rowid FROM users u WHERE u.env = new.env AND u.user_id = new.user_id
        AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.env = u.env AND d.rid = u.rowid);
END;
CREATE TRIGGER facets_bits_ad AFTER DELETE ON facets BEGIN
    INSERT INTO search_dirty (env, rid)
    SELECT u.env, u.rowid FROM users u WHERE u.env = old.env AND u.user_id = old.user_id
        AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.env = u.env AND d.rid = u.rowid);
END;
CREATE TRIGGER facets_bits_au AFTER UPDATE ON facets BEGIN
    INSERT INTO search_dirty (env, rid)
    SELECT u.env, u.rowid FROM users u WHERE u.env = old.env AND u.user_id = old.user_id
        AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.env = u.env AND d.rid = u.rowid);
    INSERT INTO search_dirty (env, rid)
    SELECT u.env, u.rowid FROM users u WHERE u.env = new.env AND u.user_id = new.user_id
        AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.env = u.env AND d.rid = u.rowid);
END;
INSERT INTO search_dirty (env, rid) SELECT env, rowid FROM users;
"""
"""Version 2, for a search as fast as the server's at 100,000 users (tui/domain/cache_bits.py):

- ``facets`` keeps only what a list row does not carry (``tier``, ``role``: from the profile
  and the roles section), keyed per user; the rest is read from ``row_json`` when needed;
- ``users_fts`` again, case-sensitive: the search key is already lowercase (Python's
  ``str.lower``, as the sandbox), so a phrase match is exactly a substring (the default folding
  also matched "ſ" for "s" and "ς" for "σ");
- ``search_bits``: per environment, key and block of 4096 rowids, the users having the key
  (a character or pair of characters of the search key, the status, a filter value), as bits;
- ``search_dirty``: the users (rowids) whose row or facets changed since the bits were
  computed, filled by triggers whatever writes the rows (cache_bits.refresh recomputes them).
"""

Migration = Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Migration:
    def run(db: sqlite3.Connection) -> None:
        for statement in _statements(sql):
            db.execute(statement)

    return run


def _statements(sql: str) -> list[str]:
    """``sql`` cut into statements (``sqlite3.complete_statement`` knows trigger bodies)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


MIGRATIONS: tuple[Migration, ...] = (_script(_V1), _script(_V2))
"""``MIGRATIONS[n]`` takes a file from version ``n`` to ``n + 1`` (version 0: a new file)."""
SCHEMA_VERSION = len(MIGRATIONS)


class CacheVersionError(Exception):
    """The cache file was made by a newer version of the app (or is not a cache at all)."""


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the cache file at ``path``.

    The connection is in autocommit mode (``isolation_level=None``): use :func:`transaction`
    for anything that must be whole or absent. ``sqlite3.Row`` rows."""
    path = FsPath(path)
    private_dir(path.parent)
    if path.exists():
        # chmod, never open: closing any descriptor of a file drops every POSIX lock this
        # process holds on it, SQLite's too (another connection here, or the -shm's), and a
        # process that then finds no lock on the -shm resets it under the others (SIGBUS)
        tighten(path)
    else:
        private_file(path)  # 0600 before SQLite writes a byte
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        _migrate(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise CacheVersionError(f"{path} cannot be used as the cache: {exc}") from exc
    except BaseException:
        db.close()
        raise
    for suffix in ("-wal", "-shm"):  # SQLite makes them with the file's mode; chmod only (see above)
        side = FsPath(str(path) + suffix)
        if side.exists():
            tighten(side)
    return db


def _migrate(db: sqlite3.Connection, path: FsPath) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise CacheVersionError(
            f"{path} was written by a newer spotnana-tui (cache schema {version}, this one knows {SCHEMA_VERSION})"
        )
    while version < SCHEMA_VERSION:
        with transaction(db):
            MIGRATIONS[version](db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")


class transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on an exception): whole or absent."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def env_key(base_url: str, tmc_id: str | None = None, company_id: str | None = None) -> str:
    """What tells one environment's data from another's: the base URL (no trailing slash,
    scheme and host lowercased) and the scope (``tmc:ID``, ``company:ID`` or ``all``)."""
    url = base_url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if sep:
        host, slash, tail = rest.partition("/")
        url = f"{scheme.lower()}://{host.lower()}{slash}{tail}"
    if company_id:
        scope = f"company:{company_id}"
    elif tmc_id:
        scope = f"tmc:{tmc_id}"
    else:
        scope = "all"
    return f"{url} {scope}"


def env_id(db: sqlite3.Connection, key: str, name: str = "", *, create: bool = True) -> int | None:
    """The ``envs`` row id of ``key`` (made when missing and ``create``; else None). The name
    is refreshed: an environment renamed in the config keeps its cache."""
    row = db.execute("SELECT id, name FROM envs WHERE key = ?", (key,)).fetchone()
    if row is not None:
        if name and row["name"] != name:
            db.execute("UPDATE envs SET name = ? WHERE id = ?", (name, row["id"]))
        return int(row["id"])
    if not create:
        return None
    base_url, _, scope = key.rpartition(" ")
    cur = db.execute("INSERT INTO envs (key, name, base_url, scope) VALUES (?, ?, ?, ?)", (key, name, base_url, scope))
    return int(cur.lastrowid or 0)
