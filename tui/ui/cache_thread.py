"""The app's cache file, opened and written on a thread of its own (:class:`AppCache`), and what
:class:`~tui.domain.cache_backend.CachingBackend` keeps handed to that thread (:class:`QueuedStores`).

The file is opened once the first page is on screen, or at once when something needs it
(offline, the error state's offer); the keyring (a fifth of a second to load) is asked for the
key only when a sensitive value is first stored or read: list rows have none, so a search right
after the start does not wait for it. Every copy is written :data:`STORE_DELAY` after its
answer, one after the other, so the writing never competes with the paint of that answer. A
file that cannot be opened (made by a newer version, unreadable, a full disk) leaves one notice
(:attr:`AppCache.notice`) and the app online without a cache.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.config import Environment

if TYPE_CHECKING:  # (the cache's modules load on the cache thread, after the first paint)
    import sqlite3

    from tui.domain.cache import CacheEnv, ProfileCache
    from tui.domain.cache_crypto import Sealer
    from tui.domain.sections import Section

__all__ = ["AppCache", "QueuedStores", "cache_env_of", "DEFAULT_MAX_AGE_DAYS", "OPEN_DELAY_MAX", "STORE_DELAY"]

log = logging.getLogger("tui.ui.cache")

OPEN_DELAY_MAX = 2.0
"""Seconds the cache waits for the first page before it opens anyway."""
STORE_DELAY = 0.3
"""Seconds a copy waits before the cache thread writes it: not while the screen paints the
answer it came with (the writing holds the interpreter for a few milliseconds a page)."""
DEFAULT_MAX_AGE_DAYS = 30.0


def cache_env_of(env: Environment) -> CacheEnv:
    """The cache's corner for ``env``: its base URL (or ``cache_url``) and the scope its list
    uses (the TMC when both are set, as the list does). ``spotnana-tui cache`` uses this too, so
    what it syncs is what the app shows."""
    from tui.domain.cache import CacheEnv

    return CacheEnv.of(env.name, env.cache_url or env.base_url, env.tmc_id, None if env.tmc_id else env.company_id)


class AppCache:
    """The cache file of the app, opened and written on a thread of its own.

    Every write runs on that thread, one after the other; reads (offline) run on the caller's
    thread under :attr:`lock`, which each write holds too."""

    def __init__(
        self,
        path: Path,
        *,
        sealer: Callable[[], Sealer | None] | None = None,
        max_age_days: float | None = DEFAULT_MAX_AGE_DAYS,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self._sealer_source = sealer
        self.max_age_days = max_age_days
        self.on_error = on_error
        self.lock = threading.RLock()
        self.db: sqlite3.Connection | None = None
        self.sealer: Sealer | None = None
        self._sealer_known = False
        self.notice: str | None = None
        """Why the cache cannot be used (None while it can, or is not open yet)."""
        self.purged = 0
        self._caches: dict[str, ProfileCache] = {}
        self._go = threading.Event()
        self._closed = threading.Event()
        self.closing = False
        self._failed = False
        self._thread: ThreadPoolExecutor | None = None
        self._opened: Future[None] | None = None

    # -- opening ---------------------------------------------------------------------------
    def start(self, *, now: bool = False) -> None:
        """Start the cache thread: it opens the file once :meth:`begin` is called (the first
        page is on screen), or ``now``, or after :data:`OPEN_DELAY_MAX` at the latest."""
        if now:
            self._go.set()
        if self._thread is None and not self.closing:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spotnana-cache")
            self._opened = self._thread.submit(self._open)

    def begin(self) -> None:
        """Open the file now."""
        self._go.set()

    @property
    def is_open(self) -> bool:
        return self.db is not None

    async def ready(self, *, sealed: bool = False) -> bool:
        """Wait until the file is open (or failed to open), and with ``sealed`` until the key
        is known (for reading sensitive values); True when the cache can be used."""
        self.start(now=True)
        if self._opened is not None:
            await asyncio.wrap_future(self._opened)
        if sealed and self.db is not None and not self._sealer_known and self._thread is not None:
            await asyncio.wrap_future(self._thread.submit(self._know_sealer))
        return self.db is not None

    def _know_sealer(self) -> None:
        """Ask the keyring for the key once (on the cache thread); every ProfileCache gets it."""
        if self._sealer_known:
            return
        from tui.domain.cache_crypto import Sealer

        self.sealer = (self._sealer_source or Sealer.from_keyring)()
        self._sealer_known = True
        with self.lock:
            for cache in self._caches.values():
                cache.sealer = self.sealer
        log.info("offline cache: sensitive values %s", "sealed" if self.sealer else "not stored (no keyring)")

    async def ready_when_opened(self) -> bool:
        """Wait until the file is open (or failed), without hurrying it."""
        if self._opened is not None:
            await asyncio.wrap_future(self._opened)
        return self.db is not None

    def _open(self) -> None:
        self._go.wait(OPEN_DELAY_MAX)
        if self.closing:
            return
        started = time.perf_counter()
        import sqlite3

        from tui.domain import cache_backend  # noqa: F401  (loaded here, off the screen's thread)
        from tui.domain.cache import purge
        from tui.domain.cache_db import CacheVersionError, connect

        try:
            db = connect(self.path)
        except (CacheVersionError, OSError, sqlite3.Error) as exc:
            self.notice = f"The offline cache cannot be used ({exc}); the app works online without it."
            log.warning("offline cache not opened: %s", exc)
            return
        try:
            if self.max_age_days is not None:
                self.purged = purge(db, self.max_age_days)
        except (sqlite3.Error, OSError) as exc:
            log.warning("offline cache: dropping old copies failed: %s", exc)
        self.db = db
        log.info(
            "offline cache %s open in %.0f ms (%d old copies dropped)",
            self.path,
            (time.perf_counter() - started) * 1000,
            self.purged,
        )

    # -- per environment -------------------------------------------------------------------
    def cache_for(self, env: Environment) -> ProfileCache | None:
        """The ProfileCache of ``env`` (None while the file is not open, or cannot be)."""
        if self.db is None:
            return None
        from tui.domain.cache import ProfileCache

        where = cache_env_of(env)
        cache = self._caches.get(where.key)
        if cache is None:
            with self.lock:
                cache = self._caches[where.key] = ProfileCache(self.db, where, self.sealer)
        return cache

    def counts(self, env: Environment) -> tuple[int, float | None]:
        """(users cached, newest copy's time) of ``env``; (0, None) without a cache."""
        cache = self.cache_for(env)
        if cache is None:
            return 0, None
        with self.lock:
            return cache.counts()

    def drafts(self, env: Environment) -> int:
        """Drafts waiting in ``env`` (0 without a cache)."""
        if self.db is None:
            return 0
        from tui.domain.cache import drafts_count

        with self.lock:
            return drafts_count(self.db, cache_env_of(env).key)

    # -- writing ---------------------------------------------------------------------------
    def submit(self, env: Environment, store: Callable[[ProfileCache], Any], *, sealed: bool = False) -> None:
        """Run ``store`` on ``env``'s cache on the cache thread (after the file opens; dropped
        when it cannot); ``sealed``: it may hold sensitive values (the key is asked for first).
        A failure is reported once, then writes are skipped."""
        if self.closing or self._thread is None:
            return
        try:
            self._thread.submit(self._store, env, store, sealed, time.monotonic())
        except RuntimeError:  # shut down meanwhile
            pass

    def _store(
        self, env: Environment, store: Callable[[ProfileCache], Any], sealed: bool = False, at: float = 0.0
    ) -> None:
        import sqlite3

        wait = at + STORE_DELAY - time.monotonic()
        if wait > 0:
            self._closed.wait(wait)  # (cut short when the app quits: it waits for the writes)
        if self._failed:
            return
        cache = self.cache_for(env)
        if cache is None:
            return
        if sealed:
            self._know_sealer()
        try:
            with self.lock:
                store(cache)
        except (sqlite3.Error, OSError, ValueError) as exc:
            self._failed = True
            log.warning("offline cache: keeping a copy failed: %s: %s", type(exc).__name__, exc)
            if self.on_error is not None:
                self.on_error(f"The offline cache stopped keeping copies ({type(exc).__name__}: {exc}).")

    def close(self) -> None:
        """Finish the writes queued, then close the file (blocking: call it off the loop)."""
        self.closing = True
        self._go.set()
        self._closed.set()
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self.db is not None:
            with self.lock:
                self.db.close()
            self.db = None


class QueuedStores:
    """What :class:`CachingBackend` keeps, handed to the cache thread instead of written on the
    way (the answer goes to the screen at once)."""

    def __init__(self, cache: AppCache, env: Environment) -> None:
        self._cache = cache
        self._env = env

    def store_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        kept = list(rows)
        self._cache.submit(self._env, lambda c: c.store_rows(kept))
        return len(kept)

    def store_profile(self, user_id: str, profile: Mapping[str, Any]) -> None:
        self._cache.submit(self._env, lambda c: c.store_profile(user_id, profile), sealed=True)

    def store_section(self, section: Section, user_id: str, doc: Any) -> None:
        self._cache.submit(self._env, lambda c: c.store_section(section, user_id, doc), sealed=True)
