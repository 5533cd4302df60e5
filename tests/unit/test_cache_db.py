"""The cache file: created 0600 in WAL mode at the current schema, per environment, refusing
a file from a newer app; sensitive values sealed or left out."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from tui.domain.cache_crypto import NOT_CACHED, Sealer, open_doc, seal_doc
from tui.domain.cache_db import SCHEMA_VERSION, CacheVersionError, connect, env_id, env_key, transaction


def test_new_file_is_private_wal_and_current(tmp_path):
    path = tmp_path / "data" / "cache.sqlite3"
    db = connect(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    again = connect(path)  # opening twice migrates nothing
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again.close()


def test_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "cache.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(CacheVersionError, match="newer"):
        connect(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CacheVersionError):
        connect(path)


def test_environments_are_told_apart_by_url_and_scope(tmp_path):
    assert env_key("HTTP://Host:8080/api/", tmc_id="t1") == "http://host:8080/api tmc:t1"
    assert env_key("http://host", company_id="c1") != env_key("http://host", tmc_id="c1")
    db = connect(tmp_path / "c.sqlite3")
    a = env_id(db, env_key("http://a", tmc_id="t"), "sandbox")
    b = env_id(db, env_key("http://b", tmc_id="t"), "prod")
    assert a != b
    assert env_id(db, env_key("http://a", tmc_id="t"), "renamed") == a
    assert db.execute("SELECT name FROM envs WHERE id = ?", (a,)).fetchone()[0] == "renamed"
    assert env_id(db, env_key("http://c"), create=False) is None


def test_fts_follows_the_users_table(tmp_path):
    db = connect(tmp_path / "c.sqlite3")
    env = env_id(db, "http://a all", "a")
    with transaction(db):
        db.execute(
            "INSERT INTO users (env, user_id, row_json, search, sort_name, is_active, seen_at)"
            " VALUES (?, 'u1', '{}', ?, 'ada lovelace', 1, 0)",
            (env, "ada lovelace\x1fada@example.com"),
        )
    hits = db.execute("SELECT rowid FROM users_fts WHERE users_fts MATCH '\"ovela\"'").fetchall()
    assert len(hits) == 1
    assert db.execute(
        "SELECT rowid FROM users_fts WHERE users_fts MATCH '\"example\"'"
    ).fetchall()  # past the separator
    db.execute("UPDATE users SET search = 'grace hopper' WHERE user_id = 'u1'")
    assert not db.execute("SELECT rowid FROM users_fts WHERE users_fts MATCH '\"ovela\"'").fetchall()
    assert db.execute("SELECT rowid FROM users_fts WHERE users_fts MATCH '\"hopper\"'").fetchall()
    db.execute("DELETE FROM users")
    assert not db.execute("SELECT rowid FROM users_fts WHERE users_fts MATCH '\"hopper\"'").fetchall()


DOC = {
    "name": "A",
    "identityDocs": [{"passport": {"docId": "P1234567", "country": "FR"}}],
    "dob": {"iso8601": "1990-01-02"},
}
PATTERNS = [("identityDocs", "*", "passport", "docId"), ("dob",), ("missing",)]


def test_sealed_values_come_back_with_the_key_only(tmp_path):
    sealer = Sealer(b"k" * 32)
    stripped, blob = seal_doc(DOC, PATTERNS, sealer, "env u1 personal")
    assert stripped["identityDocs"][0]["passport"]["docId"] == NOT_CACHED
    assert list(stripped) == list(DOC)  # keys keep their order
    assert blob is not None and b"P1234567" not in blob and b"1990" not in blob
    doc, missing = open_doc(stripped, blob, sealer, "env u1 personal")
    assert doc == DOC and missing == []
    _, lost = open_doc(stripped, blob, Sealer(b"x" * 32), "env u1 personal")
    assert lost == [("dob",), ("identityDocs", 0, "passport", "docId")]
    _, moved = open_doc(stripped, blob, sealer, "env u2 personal")  # another row's blob
    assert len(moved) == 2


def test_without_a_key_sensitive_values_are_not_stored():
    stripped, blob = seal_doc(DOC, PATTERNS, None, "ctx")
    assert blob is not None and b"P1234567" not in blob and b"1990" not in blob
    doc, missing = open_doc(stripped, blob, None, "ctx")
    assert missing == [("dob",), ("identityDocs", 0, "passport", "docId")]
    assert doc["dob"] == NOT_CACHED
    assert seal_doc({"name": "A"}, PATTERNS, None, "ctx") == ({"name": "A"}, None)
