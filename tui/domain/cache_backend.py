"""The cache as a :class:`~tui.domain.backend.ProfileBackend`, both ways.

- :class:`CachingBackend` wraps the online backend and keeps what passes (write-through): every
  list row received, every profile and section read, and so the re-read after a PUT (the commit
  path reads the section again after every write). A cache that fails (disk full, a locked
  file) never fails the online call: it is reported once through ``on_error`` and skipped.
- :class:`OfflineBackend` answers from the cache alone: the list (with search and filters,
  :mod:`tui.domain.cache_search`), profiles and sections; a section never cached raises
  :class:`NotCachedError`; a write raises :class:`OfflineError` (offline, saving makes a
  draft instead: :mod:`tui.domain.drafts`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from tui.api.errors import SpotnanaError
from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.cache import Cached, ProfileCache
from tui.domain.cache_search import search_users
from tui.domain.sections import Section

__all__ = ["CachingBackend", "OfflineBackend", "OfflineError", "NotCachedError"]


class OfflineError(SpotnanaError):
    """A call that needs the server, made while working offline."""


class NotCachedError(SpotnanaError):
    """What was asked for is not in the cache (never opened or synced, or dropped for age)."""


class CachingBackend:
    """``inner`` (the online backend), keeping what it answers in ``cache``."""

    def __init__(
        self, inner: ProfileBackend, cache: ProfileCache, on_error: Callable[[BaseException], None] | None = None
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.on_error = on_error
        self._failed = False

    def _keep(self, store: Callable[[], Any]) -> None:
        try:
            store()
        except (sqlite3.Error, OSError, ValueError) as exc:
            if not self._failed and self.on_error is not None:
                self.on_error(exc)
            self._failed = True

    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        raw = await self.inner.list_users(body)
        rows = [r for r in raw.get("users", []) if isinstance(r, dict)]
        self._keep(lambda: self.cache.store_rows(rows))
        return raw

    async def get_user(self, user_id: str) -> dict[str, Any]:
        raw = await self.inner.get_user(user_id)
        self._keep(lambda: self.cache.store_profile(user_id, raw))
        return raw

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        doc = await self.inner.read_section(section, user_id)
        self._keep(lambda: self.cache.store_section(section, user_id, doc))
        return doc

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        await self.inner.write_section(section, user_id, body)

    async def set_active(self, user_id: str, active: bool) -> None:
        await self.inner.set_active(user_id, active)

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self.inner.create_user(body)


class OfflineBackend:
    """The cache alone, read-only."""

    offline = True

    def __init__(self, cache: ProfileCache) -> None:
        self.cache = cache

    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return search_users(self.cache.db, self.cache._id, body)

    async def get_user(self, user_id: str) -> dict[str, Any]:
        whole = self.cache.profile(user_id)
        if whole is not None and isinstance(whole.doc, dict):
            return whole.doc
        row = self.cache.row(user_id)
        if row is None:
            raise NotCachedError(f"user {user_id} is not in the cache")
        return _profile_from_row(row)

    def cached_section(self, section: Section, user_id: str) -> Cached | None:
        """The cached copy with its age (what the profile tab shows as "cached 3 d ago")."""
        return self.cache.section(section, user_id)

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        got = self.cache.section(section, user_id)
        if got is None:
            raise NotCachedError(f"{section.title} of this user is not cached")
        return got.doc

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        raise OfflineError(f"working offline: {section.title} was not sent (save it as a draft)")

    async def set_active(self, user_id: str, active: bool) -> None:
        raise OfflineError("working offline: the user's status cannot be changed")

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        raise OfflineError("working offline: no user can be created")


def _profile_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """What the profile header needs, from a list row (for a user whose profile was never
    fetched): ID, persona, status, external ID, name and business email."""
    user_id = row.get("userId")
    out: dict[str, Any] = {"userId": user_id.get("id") if isinstance(user_id, dict) else user_id}
    for key in ("persona", "isActive", "externalId", "lastUpdatedAt", "createdAt"):
        if key in row:
            out[key] = row[key]
    detail = row.get("personalDetail")
    if isinstance(detail, dict) and isinstance(detail.get("name"), dict):
        out["personalInfo"] = {"name": detail["name"]}
    business = row.get("businessDetail")
    if isinstance(business, dict):
        out["businessInfo"] = business
    return out
