"""Shared pieces of the offline tests (no tests here): the cache file of a test home filled from
the sandbox over loopback (through the app's own CachingBackend, with a clock set back when the
copies must look old), and the app over it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.sandbox.bulk_kit import client_for
from tests.ui.app_kit import sandbox_env, settings_for
from tui.api.client import UsersClient
from tui.domain.backend import OnlineBackend
from tui.domain.cache import ProfileCache
from tui.domain.cache_backend import CachingBackend
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect, transaction
from tui.domain.sections import section
from tui.ui.app import SpotnanaApp
from tui.ui.cache_thread import cache_env_of

KEY = b"0123456789abcdef" * 2
DAY = 86400.0


def cache_file(home: Path) -> Path:
    return settings_for(home).paths.cache_file


async def fill_cache(
    sb: Any,
    home: Path,
    *,
    users: int | None = None,
    profiles: int = 0,
    sections: tuple[str, ...] = (),
    age: float = 0.0,
    sealer: Sealer | None = None,
) -> list[str]:
    """Read the sandbox's list (its first ``users`` rows, default all of them) through the
    app's CachingBackend into ``home``'s cache file, then the whole profile of the first
    ``profiles`` users and their ``sections``; every copy ``age`` seconds old. Returns the
    user IDs in list order."""
    db = connect(cache_file(home))
    clock = lambda: time.time() - age  # noqa: E731
    cache = ProfileCache(db, cache_env_of(sandbox_env(sb)), sealer, clock=clock)
    try:
        async with client_for(sb) as client:
            online = CachingBackend(OnlineBackend(client), cache)
            limit = users or 1000
            body = {"tmcId": {"id": sb.tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": limit}}
            ids = [u["userId"]["id"] for u in (await online.list_users(body))["users"]]
            for user_id in ids[:profiles]:
                await online.get_user(user_id)
                for key in sections:
                    await online.read_section(section(key), user_id)
    finally:
        db.close()
    return ids


def add_draft(sb: Any, home: Path, user_id: str, key: str = "business") -> None:
    """A row in the drafts table of the sandbox's environment (as the drafts step will write)."""
    db = connect(cache_file(home))
    try:
        cache = ProfileCache(db, cache_env_of(sandbox_env(sb)), None)
        with transaction(db):
            db.execute(
                "INSERT INTO drafts (env, user_id, section, base_json, edits_json, created_at, updated_at)"
                " VALUES (?, ?, ?, '{}', '[]', ?, ?)",
                (cache.env_id, user_id, key, time.time(), time.time()),
            )
    finally:
        db.close()


def quick_client(env: Any) -> UsersClient:
    """The app's client without retries: a dead server fails at once."""
    return UsersClient(env.base_url, token=env.token, retries=0, timeout=2)


def offline_app(
    sb: Any,
    home: Path,
    *,
    offline: bool = True,
    sealer: Sealer | None = None,
    env: Any = None,
    config: str | None = None,
    **overrides: Any,
) -> SpotnanaApp:
    """The app on ``home``'s cache, started offline as ``--offline`` does (or online), with a
    client that does not retry (a dead server fails at once)."""
    overrides.setdefault("debounce_ms", 20)
    app = SpotnanaApp(
        settings_for(home, config, **overrides), env or sandbox_env(sb), client_factory=quick_client, offline=offline
    )
    if sealer is not None:  # the key a keyring would give
        app.offline.backend.cache._sealer_source = lambda: sealer
    return app


def api_requests(sb: Any) -> list[tuple[str, str, int]]:
    return list(sb.requests)


def raw_file(home: Path) -> bytes:
    path = cache_file(home)
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


def table_count(home: Path, table: str) -> int:
    db = sqlite3.connect(cache_file(home))
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()
