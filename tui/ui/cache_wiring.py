"""The one ProfileBackend every screen holds (:class:`AppBackend`), online or offline, over the
app's cache (:class:`~tui.ui.cache_thread.AppCache`), and what the screens say of it.

- Online, it is :class:`~tui.domain.cache_backend.CachingBackend` over the
  :class:`~tui.domain.backend.OnlineBackend` and the current environment's
  :class:`~tui.domain.cache.ProfileCache` (write-through: every row, profile and section the
  app reads, so the re-read after a save too), the copies written on the cache thread.
- Offline, it is :class:`~tui.domain.cache_backend.OfflineBackend` over the same cache: the
  same screens over another ProfileBackend. Nothing goes to the network until the agent asks
  (:meth:`AppBackend.probe`, what ``r`` and the quiet probe use).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tui.api.errors import SpotnanaError
from tui.config import Environment
from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.cache_ages import age_text as ago
from tui.domain.cache_ages import age_words as age_text
from tui.domain.cache_ages import short_age
from tui.domain.query import UserQuery
from tui.ui.cache_thread import DEFAULT_MAX_AGE_DAYS, AppCache, QueuedStores, cache_env_of

if TYPE_CHECKING:  # (the cache's modules load on the cache thread, after the first paint)
    from tui.domain.cache import Cached, ProfileCache
    from tui.domain.cache_backend import CachingBackend, OfflineBackend
    from tui.domain.sections import Section

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "OFFLINE_KINDS",
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

OFFLINE_KINDS = frozenset({"connection", "timeout", "server"})
"""The list's error kinds where working offline is offered (the server cannot be reached)."""


class CacheUnavailableError(SpotnanaError):
    """Offline, but the cache file cannot be used."""


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


def mode_banner(backend: Any, drafts_key: str | None = None) -> tuple[list[str], str] | None:
    """What the offline banner says of ``backend`` (parts, the most telling first) and its
    kind ("offline" / "back"); None online. For the app's :class:`AppBackend` and a bare
    OfflineBackend alike. ``drafts_key``: the key of the drafts screen where the banner is
    (else it says where that key is)."""
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
            parts.insert(3, f"{drafts_key}: review them" if drafts_key else "D on the list: the drafts")
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
