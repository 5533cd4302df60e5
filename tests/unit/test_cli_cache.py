"""``spotnana-tui cache status`` and ``cache clear`` over a cache file filled here, the age
purge at start (drafts never go), and the cache's batch writes."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.cli_cache import purge_at_start
from tui.config import load_settings
from tui.domain.cache import CacheEnv, ProfileCache
from tui.domain.cache_ages import ago
from tui.domain.cache_db import connect
from tui.domain.sections import section

DAY = 86400.0
SANDBOX = CacheEnv.of("sandbox", "http://127.0.0.1:8700", tmc_id="tmc-1")
STAGING = CacheEnv.of("staging", "https://api-stage.example", company_id="co-9")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))
    for var in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def cache_file(home: Path) -> Path:
    return home / "data" / "cache.sqlite3"


def row(uid: str, stamp: str = "2024-05-01T10:00:00") -> dict[str, Any]:
    return {
        "userId": {"id": uid},
        "persona": "EMPLOYEE",
        "personalDetail": {"name": {"given": "Ada", "family1": f"User {uid}"}},
        "businessDetail": {"businessEmail": f"{uid}@example.org"},
        "lastUpdatedAt": {"iso8601": stamp},
    }


def fill(home: Path, env: CacheEnv, n: int, *, at: float, drafts: int = 0) -> None:
    db = connect(cache_file(home))
    cache = ProfileCache(db, env, None, clock=lambda: at)
    ids = [f"{env.name}-{i}" for i in range(n)]
    cache.store_rows([row(u) for u in ids])
    cache.store_profiles((u, {"id": u, "tier": "BASIC"}, None) for u in ids)
    for u in ids[: n // 2]:
        cache.store_section(section("roles"), u, {"roles": []})
    for u in ids[:drafts]:
        db.execute(
            "INSERT INTO drafts (env, user_id, section, base_json, edits_json, created_at, updated_at)"
            " VALUES (?, ?, 'business', '{}', '[]', ?, ?)",
            (cache.env_id, u, at, at),
        )
    db.close()


def counts(home: Path) -> dict[str, int]:
    db = sqlite3.connect(cache_file(home))
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("users", "profiles", "drafts")}
    finally:
        db.close()


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ago_in_words() -> None:
    now = 1_000_000.0
    assert ago(None) == "never"
    assert ago(now - 5, now) == "just now"
    assert ago(now - 300, now) == "5 min ago"
    assert ago(now - 2 * 3600 - 5, now) == "2 h ago"
    assert ago(now - 3 * DAY, now) == "3 d ago"


def test_status_per_environment(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "status"]) == 0
    assert "the cache is empty (no file yet" in capsys.readouterr().out
    now = time.time()
    fill(home, SANDBOX, 10, at=now - 3 * DAY, drafts=1)
    fill(home, STAGING, 4, at=now - 2 * 3600 - 60)
    assert main(["cache", "status"]) == 0
    out = capsys.readouterr().out
    assert str(cache_file(home)) in out.splitlines()[0] and " KB" in out.splitlines()[0]
    assert "copies older than 30 days are dropped" in out
    lines = out.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("sandbox · http://127.0.0.1:8700 · tmc:tmc-1")))
    assert lines[at + 1].startswith("  10 users · 10 profiles · 5 sections · 1 draft · about ")
    assert lines[at + 2] == "  oldest copy 3 d ago · newest 3 d ago"
    at = lines.index("staging · https://api-stage.example · company:co-9")
    assert lines[at + 1].startswith("  4 users · 4 profiles · 2 sections · 0 drafts")
    assert lines[at + 2] == "  oldest copy 2 h ago · newest 2 h ago"


def test_copies_older_than_max_age_go_at_start_and_drafts_never(home: Path, capsys) -> None:
    now = time.time()
    fill(home, SANDBOX, 6, at=now - 40 * DAY, drafts=2)
    fill(home, STAGING, 3, at=now - DAY)
    assert counts(home) == {"users": 9, "profiles": 9, "drafts": 2}
    assert main(["cache", "status"]) == 0
    captured = capsys.readouterr()
    assert "dropped 15 cached copies older than 30 days" in captured.err  # 6 rows, 6 profiles, 3 roles
    assert counts(home) == {"users": 3, "profiles": 3, "drafts": 2}
    # a shorter max age from the config file, at the app's start
    settings = load_settings(create=True)
    settings.config_file.write_text(settings.config_file.read_text().replace("max_age_days = 30", "max_age_days = 1"))
    fill(home, STAGING, 3, at=now - 2 * DAY)
    purge_at_start(load_settings())
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 2}


def test_the_purge_at_start_never_stands_in_the_way(home: Path) -> None:
    settings = load_settings()
    purge_at_start(settings)  # no file: nothing, and none made
    assert not cache_file(home).exists()
    cache_file(home).parent.mkdir(parents=True, exist_ok=True)
    cache_file(home).write_bytes(b"not a database at all" * 100)
    purge_at_start(settings)  # an unusable file: left alone, no error
    cache_file(home).unlink()
    fill(home, SANDBOX, 3, at=time.time() - 40 * DAY)
    holder = sqlite3.connect(cache_file(home), timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # a cache sync holding the write lock
    started = time.monotonic()
    purge_at_start(settings)
    assert time.monotonic() - started < 5
    holder.rollback()
    holder.close()
    assert counts(home)["users"] == 3  # kept for the next start


def test_clear_without_drafts_just_clears(home: Path, capsys) -> None:
    fill(home, SANDBOX, 5, at=time.time())
    assert main(["cache", "clear"]) == 0
    assert "cleared the cache of every environment" in capsys.readouterr().err
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 0}


def test_clear_asks_when_drafts_would_go(home: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(home, SANDBOX, 5, at=time.time(), drafts=2)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: it refuses
    assert main(["cache", "clear"]) == 1
    err = capsys.readouterr().err
    assert "2 drafts (changes not sent yet) of every environment would go: nothing cleared" in err
    assert counts(home) == {"users": 5, "profiles": 5, "drafts": 2}
    monkeypatch.setattr("sys.stdin", Tty("n\n"))
    assert main(["cache", "clear"]) == 1
    err = capsys.readouterr().err
    assert "drops 2 drafts (changes not sent yet) too. Drop them? [y/N]" in err and "nothing cleared" in err
    assert counts(home) == {"users": 5, "profiles": 5, "drafts": 2}
    monkeypatch.setattr("sys.stdin", Tty("y\n"))
    assert main(["cache", "clear"]) == 0
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 0}


def test_clear_yes_and_keep_drafts_never_ask(home: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    fill(home, SANDBOX, 5, at=time.time(), drafts=1)
    assert main(["cache", "clear", "--keep-drafts"]) == 0
    assert "1 draft kept" in capsys.readouterr().err
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 1}
    assert main(["cache", "clear", "--yes"]) == 0
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 0}


def test_clear_one_environment(home: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    now = time.time()
    fill(home, SANDBOX, 5, at=now, drafts=1)
    fill(home, STAGING, 3, at=now, drafts=1)
    assert main(["cache", "clear", "--env", "staging"]) == 1  # its draft would go
    assert main(["cache", "clear", "--env", "staging", "--yes"]) == 0
    assert "cleared the cache of environment 'staging'" in capsys.readouterr().err
    assert counts(home) == {"users": 5, "profiles": 5, "drafts": 1}
    assert main(["cache", "clear", "--env", "nowhere"]) == 0
    assert "nothing cached for environment 'nowhere'" in capsys.readouterr().err
    # "sandbox" is also in the config file (its default one), under another URL: both go
    assert main(["cache", "clear", "--env", "sandbox", "--keep-drafts"]) == 0
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 1}


def test_an_unusable_cache_file_is_one_line_and_exit_2(home: Path, capsys) -> None:
    cache_file(home).parent.mkdir(parents=True)
    cache_file(home).write_bytes(b"not a database at all" * 100)
    assert main(["cache", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spotnana-tui: ") and "cannot be used as the cache" in err and "Traceback" not in err


def test_a_batch_is_whole_or_absent_and_an_unchanged_row_only_moves_seen_at(tmp_path: Path) -> None:
    db = connect(tmp_path / "c.sqlite3")
    clock = [1000.0]
    cache = ProfileCache(db, SANDBOX, None, clock=lambda: clock[0])
    cache.store_rows([row("a"), row("b")])
    with pytest.raises(RuntimeError), cache.batch():
        cache.store_profile("a", {"id": "a"}, "2024-05-01T10:00:00")
        cache.store_rows([row("c")])
        raise RuntimeError("cut off")
    assert cache.profile("a") is None and cache.row("c") is None
    assert cache.store_profiles([("a", {"id": "a", "lastUpdatedAt": "x"}, "2024-05-01T10:00:00"), ("b", {}, None)]) == 2
    assert cache.updated_at(["a", "b"]) == {"a": "2024-05-01T10:00:00", "b": None}
    fts = db.execute("SELECT count(*) FROM users_fts_docsize").fetchone()[0]
    clock[0] = 2000.0
    cache.store_rows([row("a"), row("b", stamp="2024-06-01T00:00:00")])
    seen = dict(db.execute("SELECT user_id, seen_at FROM users").fetchall())
    assert seen == {"a": 2000.0, "b": 2000.0}
    assert cache.row("b")["lastUpdatedAt"] == {"iso8601": "2024-06-01T00:00:00"}
    assert db.execute("SELECT count(*) FROM users_fts_docsize").fetchone()[0] == fts
    assert db.execute("SELECT rowid FROM users_fts WHERE users_fts MATCH '\"user a\"'").fetchall()


def test_the_app_drops_old_copies_as_its_cache_opens(home: Path) -> None:
    from tui.config import load_settings
    from tui.ui.cache_thread import AppCache

    fill(home, SANDBOX, 3, at=time.time() - 40 * DAY, drafts=1)
    settings = load_settings(None, {})
    cache = AppCache(settings.paths.cache_file, max_age_days=settings.cache_max_age_days)
    assert asyncio.run(cache.ready())
    cache.close()
    assert counts(home) == {"users": 0, "profiles": 0, "drafts": 1}
