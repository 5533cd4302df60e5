"""The app's offline cache: the file, one thread that writes it, and the one ProfileBackend
every screen holds (:class:`AppBackend`), online or offline.

- Online, the app's backend is :class:`~tui.domain.cache_backend.CachingBackend` over the
  :class:`~tui.domain.backend.OnlineBackend` and the current environment's
  :class:`~tui.domain.cache.ProfileCache` (write-through: every row, profile and section the
  app reads, so the re-read after a save too). The copies are written on the cache thread,
  in order, so the list never waits for SQLite.
- Offline, it is :class:`~tui.domain.cache_backend.OfflineBackend` over the same cache: the
  same screens over another ProfileBackend. Nothing goes to the network until the agent asks
  (:meth:`AppBackend.probe`, what ``r`` and the quiet probe use).

The file is opened on the cache thread once the first page is on screen, or at once when
something needs it (offline, the error state's offer); the keyring (a fifth of a second to
load) is asked for the key only when a sensitive value is first stored or read: list rows have
none, so a search right after the start does not wait for it. A file that cannot be opened (made by a newer version, unreadable, a full
disk) leaves one notice (:attr:`AppCache.notice`) and the app online without a cache.
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

from tui.api.errors import SpotnanaError
from tui.config import Environment
from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.query import UserQuery
from tui.domain.sections import Section

if TYPE_CHECKING:  # (the cache's modules load on the cache thread, after the first paint)
    import sqlite3

    from tui.domain.cache import Cached, CacheEnv, ProfileCache
    from tui.domain.cache_backend import CachingBackend, OfflineBackend
    from tui.domain.cache_crypto import Sealer

__all__ = [
    "OFFLINE_KINDS",
    "OPEN_DELAY_MAX",
    "AppBackend",
    "AppCache",
    "CacheUnavailableError",
    "age_text",
    "ago",
    "short_age",
    "cache_env_of",
    "mode_banner",
    "needs_server",
    "not_cached_paths",
]

log = logging.getLogger("tui.ui.cache")

OFFLINE_KINDS = frozenset({"connection", "timeout", "server"})
"""The list's error kinds where working offline is offered (the server cannot be reached)."""
OPEN_DELAY_MAX = 2.0
"""Seconds the cache waits for the first page before it opens anyway."""
STORE_DELAY = 0.3
"""Seconds a copy waits before the cache thread writes it: not while the screen paints the
answer it came with (the writing holds the interpreter for a few milliseconds a page)."""
DEFAULT_MAX_AGE_DAYS = 30.0


class CacheUnavailableError(SpotnanaError):
    """Offline, but the cache file cannot be used."""


def age_text(seconds: float) -> str:
    """``"just now"``, ``"5 min"``, ``"2 h"``, ``"3 d"``: how old a copy is."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def ago(seconds: float) -> str:
    """``"just now"``, ``"5 min ago"``, ``"3 d ago"``."""
    text = age_text(seconds)
    return text if text == "just now" else f"{text} ago"


def short_age(seconds: float) -> str:
    """An age in three cells or so, for a tab label: ``"now"``, ``"5m"``, ``"2h"``, ``"3d"``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def cache_env_of(env: Environment) -> CacheEnv:
    """The cache's corner for ``env``: its base URL (or ``cache_url``) and scope."""
    from tui.domain.cache import CacheEnv

    return CacheEnv.of(env.name, env.cache_url or env.base_url, env.tmc_id, env.company_id)


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


class AppBackend:
    """The :class:`ProfileBackend` of the app: online (write-through) or offline, for the
    environment ``env()`` names now (switching environments switches the cache's corner)."""

    def __init__(
        self, online: ProfileBackend, cache: AppCache, env: Callable[[], Environment], *, offline: bool = False
    ) -> None:
        self.online = online
        self.cache = cache
        self._env = env
        self.offline = offline
        """Working from the cache (nothing goes to the network but :meth:`probe`)."""
        self.server_back = False
        """Offline, and a probe found the server answering."""
        self._caching: dict[str, CachingBackend] = {}
        self._offline: dict[str, OfflineBackend] = {}

    @property
    def env(self) -> Environment:
        return self._env()

    # -- which backend ---------------------------------------------------------------------
    def _caching_now(self) -> ProfileBackend | None:
        """CachingBackend over the online one for this environment; the bare online backend
        when the cache cannot be used; None while the file is still opening."""
        if self.cache.notice is not None or self.cache.closing:
            return self.online
        if not self.cache.is_open:
            return None
        from tui.domain.cache_backend import CachingBackend

        env = self.env
        key = cache_env_of(env).key
        caching = self._caching.get(key)
        if caching is None:
            stores: Any = QueuedStores(self.cache, env)  # a ProfileCache's store_* on the cache thread
            caching = self._caching[key] = CachingBackend(self.online, stores)
        return caching

    async def _offline_now(self) -> OfflineBackend:
        await self.cache.ready(sealed=True)
        cache = self.cache.cache_for(self.env)
        if cache is None:
            raise CacheUnavailableError(self.cache.notice or "the offline cache is not open")
        from tui.domain.cache_backend import OfflineBackend

        backend = self._offline.get(cache.env.key)
        if backend is None:
            backend = self._offline[cache.env.key] = OfflineBackend(cache)
        return backend

    def _queue(self, store: Callable[[ProfileCache], Any], *, sealed: bool = False) -> None:
        """Before the file is open: what CachingBackend would keep, queued behind the opening."""
        self.cache.submit(self.env, store, sealed=sealed)

    # -- ProfileBackend --------------------------------------------------------------------
    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if self.offline:
            backend = await self._offline_now()
            with self.cache.lock:
                return await backend.list_users(body)
        caching = self._caching_now()
        if caching is not None:
            return await caching.list_users(body)
        raw = await self.online.list_users(body)
        rows = [r for r in raw.get("users", []) if isinstance(r, dict)]
        self._queue(lambda c: c.store_rows(rows))
        return raw

    async def get_user(self, user_id: str) -> dict[str, Any]:
        if self.offline:
            backend = await self._offline_now()
            with self.cache.lock:
                return await backend.get_user(user_id)
        caching = self._caching_now()
        if caching is not None:
            return await caching.get_user(user_id)
        raw = await self.online.get_user(user_id)
        self._queue(lambda c: c.store_profile(user_id, raw), sealed=True)
        return raw

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        if self.offline:
            backend = await self._offline_now()
            with self.cache.lock:
                return await backend.read_section(section, user_id)
        caching = self._caching_now()
        if caching is not None:
            return await caching.read_section(section, user_id)
        doc = await self.online.read_section(section, user_id)
        self._queue(lambda c: c.store_section(section, user_id, doc), sealed=True)
        return doc

    def _refuse(self, message: str) -> None:
        from tui.domain.cache_backend import OfflineError

        raise OfflineError(message)

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        if self.offline:
            self._refuse(f"working offline: {section.title} was not sent")
        await self.online.write_section(section, user_id, body)

    async def set_active(self, user_id: str, active: bool) -> None:
        if self.offline:
            self._refuse("working offline: the user's status cannot be changed")
        await self.online.set_active(user_id, active)

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if self.offline:
            self._refuse("working offline: no user can be created")
        return await self.online.create_user(body)

    def cached_section(self, section: Section, user_id: str) -> Cached | None:
        """The cached copy of a section with its age (None: never cached, or no cache)."""
        cache = self.cache.cache_for(self.env)
        if cache is None:
            return None
        with self.cache.lock:
            return cache.section(section, user_id)

    # -- what the screens say --------------------------------------------------------------
    def counts(self) -> tuple[int, float | None]:
        return self.cache.counts(self.env)

    def offer(self) -> str | None:
        """The error state's "work offline: 4,120 users cached, newest 2 h ago" (None when
        nothing of this environment is cached, or the cache is not open)."""
        users, newest = self.counts()
        if not users:
            return None
        text = f"work offline: {users:,} user{'s' if users != 1 else ''} cached"
        return text + (f", newest {ago(time.time() - newest)}" if newest is not None else "")

    def drafts(self) -> int:
        return self.cache.drafts(self.env)

    async def probe(self) -> BaseException | None:
        """One cheap request to the server (the first user of the environment's list, not
        kept): None when it answered, else what failed."""
        env = self.env
        try:
            body = UserQuery().to_request(
                tmc_id=env.tmc_id,
                company_id=None if env.tmc_id else env.company_id,
                offset=0,
                limit=1,
            )
            await self.online.list_users(body)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return exc
        return None

    def go_offline(self) -> None:
        self.offline = True
        self.server_back = False

    def go_online(self) -> None:
        self.offline = False
        self.server_back = False


def mode_banner(backend: Any) -> tuple[list[str], str] | None:
    """What the offline banner says of ``backend`` (parts, the most telling first) and its
    kind ("offline" / "back"); None online. For the app's :class:`AppBackend` and a bare
    OfflineBackend alike."""
    if not getattr(backend, "offline", False):
        return None
    users, newest = 0, None
    if isinstance(backend, AppBackend):
        users, newest = backend.counts()
    else:
        cache = getattr(backend, "cache", None)  # a bare OfflineBackend's ProfileCache
        if cache is not None and hasattr(cache, "counts"):
            users, newest = cache.counts()
    age = f"newest copy {ago(time.time() - newest)}" if newest is not None else "nothing cached yet"
    if isinstance(backend, AppBackend) and backend.server_back:
        drafts = backend.drafts()
        parts = ["BACK ONLINE", "r: work online"]
        if drafts:
            parts.insert(1, f"{drafts:,} draft{'s' if drafts != 1 else ''} to push")
        return [*parts, f"still showing the cache ({age})"], "back"
    return ["OFFLINE", f"{users:,} user{'s' if users != 1 else ''} cached", age, "r: try the server"], "offline"


def needs_server(backend: Any, what: str) -> str | None:
    """Offline, the message that ``what`` needs the server ("Creating a user needs the
    server: ..."); None online."""
    if getattr(backend, "offline", False):
        return f"{what} needs the server: the app is working offline (r on the list tries the server)."
    return None


def not_cached_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths in a cached document that hold the "not cached" placeholder (sensitive values
    kept out of the cache, or sealed with a key this machine does not have)."""
    from tui.domain.cache_crypto import NOT_CACHED

    if isinstance(doc, str):
        return [prefix] if doc == NOT_CACHED else []
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in not_cached_paths(v, prefix + (k,))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in not_cached_paths(v, prefix + (i,))]
    return []
