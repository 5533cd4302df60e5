"""Finding users by a key column (user ID, email, employee ID, external ID), in batches.

    found = await resolve_keys(backend, scope, "email", ["ada@x.org", "bo@x.org", ...])
    found.users["ada@x.org"]      # [UserDetail] : one user; none (unknown); several (ambiguous)
    found.list_calls               # POST /v3/users/list calls made

The list API (``POST /v3/users/list``) filters by ``userIds``, ``emails`` and ``externalIds``,
so those keys are asked for :data:`BATCH` values a call (one filter holding the batch; every
status, so inactive users are found too) and the answers are matched back exactly: the user
ID, the external ID, or the email the list shows (``businessDetail.businessEmail``, compared
without case). The server may match an email the row does not show (a login email that
differs from the business email); when a batch's answer holds users no value claims, each
value still unmatched is asked for alone, so such a user is still found.

The list has no employee-ID filter (and ``GET /v2/users?employeeId=`` takes one ID a call),
so for employee IDs the scope's users are paged through, :data:`BATCH` a page, and matched on
``businessDetail.employeeId``: ``ceil(users in the scope / 100)`` list calls, whatever the
number of rows. UI-free.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.domain.backend import ProfileBackend
from tui.domain.export import ListScope
from tui.domain.paths import get
from tui.domain.query import UserQuery

__all__ = ["KeyName", "KEY_FLAGS", "BATCH", "Resolved", "resolve_keys", "key_of", "normal_key"]

KeyName = Literal["userId", "email", "employeeId", "externalId"]
KEY_FLAGS: dict[str, KeyName] = {
    "user-id": "userId",
    "email": "email",
    "employee-id": "employeeId",
    "external-id": "externalId",
}
"""``--key`` spellings -> the key column they name."""
BATCH = 100
"""Values asked for in one list call, and users on one page."""
_FILTER = {"userId": "userIds", "email": "emails", "externalId": "externalIds"}


@dataclass
class Resolved:
    """The users each key value names (in the scope), and what it took."""

    key: KeyName
    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Normalised key value (:func:`normal_key`) -> the ``UserDetail`` rows it names."""
    list_calls: int = 0
    scanned: int = 0
    """Users paged through (employee IDs only)."""

    def of(self, value: str) -> list[dict[str, Any]]:
        return self.users.get(normal_key(self.key, value), [])


def normal_key(key: KeyName, value: str) -> str:
    """How key values compare: stripped; emails without case."""
    value = value.strip()
    return value.casefold() if key == "email" else value


def key_of(key: KeyName, detail: Any) -> str:
    """The value of ``key`` a list row (``UserDetail``) shows, normalised ("" when none)."""
    if key == "userId":
        value = get(detail, ("userId", "id"), "")
    elif key == "externalId":
        value = get(detail, ("externalId",), "")
    elif key == "email":
        value = get(detail, ("businessDetail", "businessEmail"), "")
    else:
        value = get(detail, ("businessDetail", "employeeId"), "")
    return normal_key(key, value) if isinstance(value, str) else ""


def _uid(detail: Any) -> str:
    value = get(detail, ("userId", "id"), "")
    return value if isinstance(value, str) else ""


class _Lister:
    def __init__(self, backend: ProfileBackend, scope: ListScope, found: Resolved) -> None:
        self.backend, self.scope, self.found = backend, scope, found

    async def page(self, offset: int, filters: list[dict[str, Any]] | None) -> tuple[list[dict[str, Any]], int | None]:
        body = self.scope.request(UserQuery(status="ALL"), offset=offset, limit=BATCH, default_status="ALL")
        if filters is not None:
            body["filters"] = filters
        answer = await self.backend.list_users(body)
        self.found.list_calls += 1
        users = [u for u in answer.get("users") or [] if isinstance(u, dict)]
        total = get(answer, ("pagination", "totalNumResults"), None)
        return users, total if isinstance(total, int) else None

    async def every(self, filters: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """Every user the filters match (one call when they fit a page)."""
        users, total = await self.page(0, filters)
        out = list(users)
        offset = len(users)
        while users and len(users) == BATCH and (total is None or offset < total):
            users, total = await self.page(offset, filters)
            out += users
            offset += len(users)
        return out


def _add(found: Resolved, value: str, detail: dict[str, Any]) -> None:
    bucket = found.users.setdefault(value, [])
    if all(_uid(d) != _uid(detail) for d in bucket):
        bucket.append(detail)


async def _batch(lister: _Lister, key: KeyName, values: list[str]) -> None:
    found = lister.found
    wanted = {normal_key(key, v): v for v in values}
    answer = await lister.every([{_FILTER[key]: [{"id": v} if key == "userId" else v for v in wanted.values()]}])
    claimed: set[str] = set()
    for detail in answer:
        shown = key_of(key, detail)
        if shown in wanted:
            _add(found, shown, detail)
            claimed.add(_uid(detail))
    for value in wanted:
        found.users.setdefault(value, [])
    unclaimed = [d for d in answer if _uid(d) not in claimed]
    if key != "email" or not unclaimed:
        return
    for value, raw in wanted.items():  # matched on an email the row does not show
        if not found.users[value]:
            for detail in await lister.every([{"emails": [raw]}]):
                _add(found, value, detail)


async def _scan_employee_ids(lister: _Lister, values: list[str], concurrency: int) -> None:
    found = lister.found
    wanted = {normal_key("employeeId", v) for v in values}
    for value in wanted:
        found.users.setdefault(value, [])
    first, total = await lister.page(0, None)
    pages = [first]
    if total is not None and total > len(first) and len(first) == BATCH:
        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(offset: int) -> list[dict[str, Any]]:
            async with gate:
                return (await lister.page(offset, None))[0]

        pages += await asyncio.gather(*(one(o) for o in range(BATCH, total, BATCH)))
    elif total is None and len(first) == BATCH:  # no total: page on until a short page
        offset = BATCH
        while pages[-1] and len(pages[-1]) == BATCH:
            pages.append((await lister.page(offset, None))[0])
            offset += len(pages[-1])
    for page in pages:
        for detail in page:
            found.scanned += 1
            shown = key_of("employeeId", detail)
            if shown in wanted:
                _add(found, shown, detail)


async def resolve_keys(
    backend: ProfileBackend,
    scope: ListScope,
    key: KeyName,
    values: Iterable[str],
    *,
    concurrency: int = 4,
    on_call: Callable[[Resolved], object] | None = None,
) -> Resolved:
    """The users each of ``values`` names by ``key`` in ``scope`` (see the module doc); at
    most ``concurrency`` list calls in flight. ``on_call`` after each batch."""
    found = Resolved(key)
    distinct = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not distinct:
        return found
    lister = _Lister(backend, scope, found)
    if key == "employeeId":
        await _scan_employee_ids(lister, distinct, concurrency)
        if on_call is not None:
            on_call(found)
        return found
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(chunk: list[str]) -> None:
        async with gate:
            await _batch(lister, key, chunk)
        if on_call is not None:
            on_call(found)

    await asyncio.gather(*(one(distinct[i : i + BATCH]) for i in range(0, len(distinct), BATCH)))
    return found
