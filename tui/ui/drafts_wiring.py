"""The app's drafts (:class:`AppDrafts`): the current environment's
:class:`~tui.domain.drafts.DraftStore` in the app's cache file, for the profile tabs and the
drafts screen.

The drafts have a connection of their own to the cache file, opened on first use once the
cache thread has opened (and migrated) the file: a draft is saved, read and dropped at once, on
the screen's thread (one small transaction), never queued behind the cache thread's copies, and
SQLite keeps the two connections apart (WAL, one writer at a time). Sensitive values are sealed
with the cache's keyring key (:attr:`~tui.ui.cache_thread.AppCache.sealer`), or refused where
there is none (:class:`~tui.domain.drafts.DraftError`, its message for the agent).

Only the app's :class:`~tui.ui.cache_wiring.AppBackend` has drafts (:func:`drafts_for`); a
screen over another backend (a test's bare OnlineBackend) has none and offers none.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import weakref
from typing import TYPE_CHECKING, Any

from tui.ui.cache_thread import cache_env_of
from tui.ui.cache_wiring import AppBackend

if TYPE_CHECKING:
    from tui.domain.backend import JsonDoc
    from tui.domain.drafts import Draft, DraftStore
    from tui.domain.sections import Section

__all__ = ["AppDrafts", "DraftsUnavailableError", "drafts_for", "close_drafts", "draft_words"]

log = logging.getLogger("tui.ui.drafts")

_OF: weakref.WeakKeyDictionary[AppBackend, AppDrafts] = weakref.WeakKeyDictionary()


def draft_words(n: int) -> str:
    """``"1 draft"``, ``"3 drafts"``."""
    return f"{n:,} draft{'s' if n != 1 else ''}"


class DraftsUnavailableError(Exception):
    """The cache file cannot hold drafts here (``str()`` says why, for the agent)."""


class AppDrafts:
    """The drafts of the environment the app is in now (switching environments switches them)."""

    def __init__(self, backend: AppBackend) -> None:
        self.backend = backend
        self._db: sqlite3.Connection | None = None
        self._opening = asyncio.Lock()

    @property
    def offline(self) -> bool:
        return self.backend.offline

    async def _connection(self, *, sealed: bool) -> sqlite3.Connection:
        cache = self.backend.cache
        if not await cache.ready(sealed=sealed):
            raise DraftsUnavailableError(
                cache.notice or "drafts are kept in the offline cache, which cannot be opened here"
            )
        async with self._opening:
            if self._db is None:
                from tui.domain.cache_db import CacheVersionError, connect

                try:
                    self._db = await asyncio.to_thread(connect, cache.path)
                except (CacheVersionError, OSError, sqlite3.Error) as exc:
                    raise DraftsUnavailableError(f"drafts cannot be kept in the offline cache: {exc}") from exc
        return self._db

    async def store(self, *, sealed: bool = True) -> DraftStore:
        """The DraftStore of the current environment (``sealed``: with the keyring's key known,
        for reading or saving values; counting needs none)."""
        from tui.domain.drafts import DraftStore

        db = await self._connection(sealed=sealed)
        cache = self.backend.cache
        return DraftStore(db, cache_env_of(self.backend.env), cache.sealer if sealed else None)

    # -- what the screens ask ----------------------------------------------------------------
    async def get(self, section: Section, user_id: str) -> Draft | None:
        return (await self.store()).get(section, user_id)

    async def get_by_id(self, draft_id: int) -> Draft | None:
        return (await self.store()).get_by_id(draft_id)

    async def list(self) -> list[Draft]:
        return (await self.store()).list()

    async def sections_with_drafts(self, user_id: str) -> frozenset[str]:
        """The keys of the user's sections that have a draft (the tabs' "1 draft")."""
        return frozenset((await self.store(sealed=False)).counts_for(user_id))

    async def save(
        self, section: Section, user_id: str, base: JsonDoc, edited: JsonDoc, *, user_label: str, offline: bool
    ) -> Draft:
        """Keep ``base`` -> ``edited`` as the draft of this user and section (one transaction);
        :class:`~tui.domain.drafts.DraftError` (nothing kept) says why it cannot be."""
        store = await self.store()
        draft = store.save(section, user_id, base, edited, user_label=user_label, offline=offline)
        log.info("draft #%d kept (%s, %s)", draft.id, section.key, draft.state)
        return draft

    async def delete(self, draft_id: int) -> bool:
        gone = (await self.store(sealed=False)).delete(draft_id)
        if gone:
            log.info("draft #%d dropped", draft_id)
        return gone

    def cached_row(self, user_id: str) -> dict[str, Any] | None:
        """The user's list row as cached (to open their profile from a draft), if any."""
        cache = self.backend.cache
        profiles = cache.cache_for(self.backend.env)
        if profiles is None:
            return None
        with cache.lock:
            return profiles.row(user_id)

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()


def drafts_for(backend: Any) -> AppDrafts | None:
    """The drafts of the app's backend; None for any other backend (no drafts there)."""
    if not isinstance(backend, AppBackend):
        return None
    drafts = _OF.get(backend)
    if drafts is None:
        drafts = _OF[backend] = AppDrafts(backend)
    return drafts


def close_drafts(backend: Any) -> None:
    """Close the drafts' connection of ``backend`` (the app quits)."""
    drafts = _OF.get(backend) if isinstance(backend, AppBackend) else None
    if drafts is not None:
        drafts.close()
