"""Filling the cache on purpose: every user of a list query, with the whole profile and roles of
each one that changed since its cached copy (``spotnana-tui cache sync``, and the palette's
"Sync this search to the cache").

    result = await sync(backend, cache, body, concurrency=8, progress=on_progress, cancel=event)

``body`` is a ``POST /v3/users/list`` body (the list screen's typed query:
``parse_query(text).to_request(...)``; its pagination is ours). :func:`sync` pages through it
(:data:`PAGE_SIZE` users a call), stores the rows (:meth:`ProfileCache.store_rows`), and fetches
``GET /v2/users/{id}`` and the roles section of every user whose ``lastUpdatedAt`` differs from
the one kept with the cached profile (:meth:`ProfileCache.updated_at`), never the others; a
re-sync with nothing changed makes list calls only.

It is a pipeline: the next list page is asked while the profiles of the one before are fetched,
``concurrency`` requests in flight in all (a :class:`~tui.domain.rate_gate.RateGate`: a 429 slows
every request down, as in bulk jobs; the client retries as it always does), and the profiles are
stored a batch per transaction together with where the sync stands, through a connection of the
sync's own in a thread of its own (SQLite's part of a write runs beside the event loop; the
caller's connection is only read from, in its own thread, and ``reload()``-ed at the end).

Where it stands is a row of ``syncs`` per environment and query: the offset up to which every
user is stored, and whether it finished. An interrupted run (cancelled, Ctrl+C, kill -9, a dead
server) leaves that row at the last stored batch, and the next run of the same query goes on
from there; a finished one is started again from the top. Users listed after that offset whose
profile was stored before the stop are not fetched again: their stamps match.

The stamp kept with a profile is the list row's ``lastUpdatedAt`` (what the next run compares),
not the profile's own: a change that lands between the list call and the profile's GET makes the
next run fetch that user once more, never miss it.

``progress(done, total)`` is called as users are handled (at most about ten times a second, and
once at the end); ``cancel`` is anything with ``is_set()`` (an ``asyncio.Event`` or a
``threading.Event``): once set, no new request starts, those in flight end and are stored, and
:func:`sync` returns with ``finished`` false. Cancelling the task itself also stores what was
fetched. A failure that stops everything (no connection, credentials refused, a list call that
fails) is raised after the same clean-up; a user that cannot be read is counted and the sync
goes on. UI-free.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from tui.api.errors import (
    ApiConnectionError,
    ApiTimeout,
    AuthError,
    CredentialsError,
    NotFoundError,
    SpotnanaError,
)
from tui.domain.backend import ProfileBackend
from tui.domain.cache import ProfileCache
from tui.domain.cache_backend import CachingBackend
from tui.domain.cache_db import connect
from tui.domain.rate_gate import GatedBackend, RateGate
from tui.domain.sections import section

__all__ = [
    "PAGE_SIZE",
    "BATCH",
    "SyncProgress",
    "SyncResult",
    "SyncState",
    "sync",
    "query_key",
    "sync_state",
    "unfinished_syncs",
]

PAGE_SIZE = 1000
"""Users a list call asks for. The spec names no maximum; the sandbox takes any; 1000 keeps an
answer near a megabyte, and the app's ``page_size`` setting stops there too."""
BATCH = 32
"""Profiles stored per transaction (also stored when a page's last one arrives, or after
:data:`FLUSH_SECONDS`): few commits, and little fetched again after a kill -9."""
FLUSH_SECONDS = 0.25
ROWS_CHUNK = 100
"""List rows stored per transaction (the loop answers the requests in flight in between)."""
LOOKAHEAD = 3
"""List pages held (listed, their users not all stored yet), the one being asked for included."""
_PROGRESS_EVERY = 0.1
_FATAL = (ApiConnectionError, ApiTimeout, AuthError, CredentialsError)
"""Failures of the connection, not of one user: the sync stops (and goes on next run)."""


class Flag(Protocol):
    def is_set(self) -> bool: ...


ProgressFn = Callable[[int, int], object]


@dataclass
class SyncProgress:
    """Where a run is. ``done`` counts every user handled, from the top of the query (a
    resumed run starts at what earlier runs stored)."""

    done: int = 0
    total: int = 0
    fetched: int = 0
    """Users whose profile and roles this run fetched and stored."""
    unchanged: int = 0
    """Users whose cached profile has the list row's ``lastUpdatedAt``: not fetched."""
    failed: int = 0
    gone: int = 0
    """Users listed but gone (404) by the time their profile was asked for."""
    elapsed: float = 0.0
    started_at: int = 0
    """``done`` when this run started (earlier runs' share)."""

    @property
    def rate(self) -> float:
        """Users a second this run."""
        return (self.done - self.started_at) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at this run's rate (None before the first user)."""
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


@dataclass
class SyncResult:
    progress: SyncProgress
    finished: bool
    """Every page of the query is stored (False: cancelled or stopped; the next run goes on)."""
    resumed_from: int
    """The offset this run started at (0: from the top)."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(user ID, why) of the users that could not be read (their cached copy, if any, stays)."""
    list_calls: int = 0
    profile_calls: int = 0
    """Requests for profiles and roles (two per user fetched)."""

    @property
    def requests(self) -> int:
        return self.list_calls + self.profile_calls

    def summary(self) -> str:
        """``412 users: 5 fetched (profile and roles), 407 unchanged`` (and the gone and failed)."""
        p = self.progress
        parts = [f"{p.fetched:,} fetched (profile and roles)", f"{p.unchanged:,} unchanged"]
        if p.gone:
            parts.append(f"{p.gone:,} gone since listed")
        if p.failed:
            parts.append(f"{p.failed:,} could not be read")
        return f"{p.total:,} user{'s' if p.total != 1 else ''}: {', '.join(parts)}"


@dataclass
class SyncState:
    """A ``syncs`` row: how far a query's sync got."""

    query: str
    next: int
    total: int
    label: str
    started_at: float
    updated_at: float
    finished_at: float | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def query_key(body: Mapping[str, Any]) -> str:
    """What names a query in ``syncs``: its list body without the pagination, keys sorted."""
    return json.dumps({k: v for k, v in body.items() if k != "pagination"}, sort_keys=True, separators=(",", ":"))


def _state_of(row: Any) -> SyncState:
    data = json.loads(row["state_json"])
    return SyncState(
        row["query"],
        int(data.get("next", 0)),
        int(data.get("total", 0)),
        str(data.get("label", "")),
        float(row["started_at"]),
        float(row["updated_at"]),
        None if row["finished_at"] is None else float(row["finished_at"]),
    )


def sync_state(cache: ProfileCache, body: Mapping[str, Any]) -> SyncState | None:
    """Where the last sync of this query in this environment stands (None: never synced)."""
    if cache._id is None:
        return None
    row = cache.db.execute("SELECT * FROM syncs WHERE env = ? AND query = ?", (cache._id, query_key(body))).fetchone()
    return _state_of(row) if row is not None else None


def unfinished_syncs(db: Any, env: int) -> list[SyncState]:
    """The syncs of an environment (``envs`` row id) that stopped before the end."""
    rows = db.execute("SELECT * FROM syncs WHERE env = ? AND finished_at IS NULL ORDER BY updated_at", (env,))
    return [_state_of(r) for r in rows.fetchall()]


def _stamp(row: Mapping[str, Any]) -> str | None:
    value = row.get("lastUpdatedAt")
    if isinstance(value, dict):
        value = value.get("iso8601")
    return value if isinstance(value, str) else None


def _user_id(row: Mapping[str, Any]) -> str:
    uid = row.get("userId")
    uid = uid.get("id") if isinstance(uid, dict) else uid
    return uid if isinstance(uid, str) else ""


@dataclass
class _Page:
    offset: int
    size: int
    pending: int
    """Users of the page still to fetch."""
    stored: bool = False
    """Its rows are all stored."""


@dataclass
class _Fetched:
    page: _Page
    user_id: str
    stamp: str | None
    profile: dict[str, Any]
    roles: Any


class _Db:
    """Where a sync reads and writes the cache: a connection of its own, in a thread of its own
    (SQLite's share of each write runs beside the event loop, and the caller's connection is
    never used from two threads); the caller's own, inline, for a cache with no file to reopen."""

    def __init__(self, cache: ProfileCache) -> None:
        row = cache.db.execute("PRAGMA database_list").fetchone()
        self.path = str(row[2]) if row is not None and row[2] else ""
        self.caller = cache
        self.cache = cache
        self.pool: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        if not self.path:
            return
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="cache-sync")
        c = self.caller
        self.cache = await self.run(lambda: ProfileCache(connect(self.path), c.env, c.sealer, clock=c.clock))

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.pool is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, *args))

    async def close(self) -> None:
        if self.pool is None:
            return
        if self.cache is not self.caller:
            await self.run(self.cache.db.close)
        self.pool.shutdown(wait=False)
        self.caller.reload()  # it may not have known the environment's row before


class _Run:
    def __init__(
        self,
        backend: ProfileBackend,
        cache: ProfileCache,
        body: Mapping[str, Any],
        *,
        concurrency: int,
        page_size: int,
        progress: ProgressFn | None,
        cancel: Flag | None,
        gate: RateGate | None,
        label: str,
        clock: Callable[[], float],
    ) -> None:
        if isinstance(backend, CachingBackend):
            backend = backend.inner  # the sync stores what it fetches itself, once
        self.concurrency = max(1, int(concurrency))
        self.gate = gate or RateGate(self.concurrency)
        self.backend = GatedBackend(backend, self.gate)
        self.db = _Db(cache)
        self.cache = cache  # the writer's own once started (used in its thread only)
        self.lock = asyncio.Lock()
        self.body = {k: v for k, v in body.items() if k != "pagination"}
        self.key = query_key(body)
        self.page_size = max(1, int(page_size))
        self.on_progress = progress
        self.cancel = cancel
        self.label = label
        self.clock = clock
        self.roles = section("roles")
        self.pages: list[_Page] = []
        self.buffer: list[_Fetched] = []
        self.queue: asyncio.Queue[tuple[_Page, str, str | None] | None] = asyncio.Queue()
        self.room = asyncio.Condition()
        self.stopping = False
        self.fatal: BaseException | None = None
        self.listed_all = False
        self.committed = 0
        self.started = 0.0
        self.flushed_at = 0.0
        self.reported_at = 0.0
        self.reported = (-1, -1)
        self.p = SyncProgress()
        self.result = SyncResult(self.p, False, 0)

    # -- state -----------------------------------------------------------------------------
    def _begin(self) -> int:
        state = sync_state(self.cache, self.body)
        start = state.next if state is not None and not state.finished else 0
        now = time.time()
        with self.cache.batch() as db:
            if state is None or state.finished:
                db.execute(
                    "INSERT OR REPLACE INTO syncs (env, query, state_json, started_at, updated_at, finished_at)"
                    " VALUES (?, ?, ?, ?, ?, NULL)",
                    (self.cache.env_id, self.key, self._state_json(0, 0), now, now),
                )
        self.p.total = state.total if state is not None and not state.finished else 0
        return start

    def _state_json(self, next_offset: int, total: int) -> str:
        return json.dumps({"next": next_offset, "total": total, "label": self.label})

    def _save_state(self, db: Any, committed: int, finished: bool) -> None:
        now = time.time()
        db.execute(
            "UPDATE syncs SET state_json = ?, updated_at = ?, finished_at = ? WHERE env = ? AND query = ?",
            (self._state_json(committed, self.p.total), now, now if finished else None, self.cache.env_id, self.key),
        )

    def _ahead(self, stored: _Page | None = None) -> tuple[int, int]:
        """(leading pages whose rows are stored and users all fetched or given up, the offset
        after them); ``stored``: a page whose last rows are being stored."""
        count, committed = 0, self.committed
        for page in self.pages:
            if page.pending or not (page.stored or page is stored):
                break
            count, committed = count + 1, page.offset + page.size
        return count, committed

    def _due(self) -> bool:
        """Whether a write is called for: a page to pass, a full batch, or an old one."""
        if self._ahead()[0]:
            return True
        return len(self.buffer) >= BATCH or bool(self.buffer) and self.clock() - self.flushed_at >= FLUSH_SECONDS

    async def _write(
        self, finished: bool = False, rows: list[dict[str, Any]] | None = None, stored: _Page | None = None
    ) -> None:
        """Store ``rows`` (the last ones of page ``stored``), the fetched profiles and roles and
        where the sync stands, in one transaction; the place moves on only once it is written.
        One write at a time; what became due meanwhile goes in the next, at once."""
        async with self.lock:
            await self._write_now(finished, rows, stored)
            while not finished and self._due():
                await self._write_now()
        await self._notify()

    async def _write_now(
        self, finished: bool = False, rows: list[dict[str, Any]] | None = None, stored: _Page | None = None
    ) -> None:
        done, committed = self._ahead(stored)
        if finished:
            committed = max(committed, self.p.total)
        batch = list(self.buffer)
        await self.db.run(self._store, rows, batch, committed, finished)
        del self.buffer[: len(batch)]
        if stored is not None:
            stored.stored = True
        del self.pages[:done]
        self.committed = committed
        self.flushed_at = self.clock()

    def _store(self, rows: list[dict[str, Any]] | None, batch: list[_Fetched], committed: int, finished: bool) -> None:
        with self.cache.batch() as db:
            if rows:
                self.cache.store_rows(rows)
            for f in batch:
                self.cache.store_profile(f.user_id, f.profile, f.stamp)
                self.cache.store_section(self.roles, f.user_id, f.roles)
            self._save_state(db, committed, finished)

    # -- progress --------------------------------------------------------------------------
    def _report(self, force: bool = False) -> None:
        now = self.clock()
        self.p.elapsed = now - self.started
        if self.on_progress is None or (not force and now - self.reported_at < _PROGRESS_EVERY):
            return
        if force and self.reported == (self.p.done, self.p.total):
            return
        self.reported_at, self.reported = now, (self.p.done, self.p.total)
        self.on_progress(self.p.done, self.p.total)

    def _cancelled(self) -> bool:
        if not self.stopping and self.cancel is not None and self.cancel.is_set():
            self._stop(None)
        return self.stopping

    def _stop(self, error: BaseException | None) -> None:
        self.stopping = True
        if error is not None and self.fatal is None:
            self.fatal = error

    async def _room(self) -> None:
        """Until fewer than LOOKAHEAD pages are held, or the sync stops (``cancel`` is looked at
        every tenth of a second: setting it wakes nobody)."""
        async with self.room:
            while not (self._cancelled() or len(self.pages) < LOOKAHEAD):
                try:
                    await asyncio.wait_for(self.room.wait(), 0.1)
                except TimeoutError:
                    pass

    async def _notify(self) -> None:
        async with self.room:
            self.room.notify_all()

    # -- listing ---------------------------------------------------------------------------
    async def _list(self, start: int) -> None:
        """Page through the query; the next page is asked for before this one is stored."""
        offset = start
        fetch: asyncio.Task[list[dict[str, Any]]] | None = None
        try:
            if self._cancelled():
                return
            fetch = asyncio.create_task(self._page(offset))
            while True:
                rows = await fetch
                fetch = None
                following = offset + len(rows)
                more = bool(rows) and following < self.p.total
                if more and len(self.pages) + 1 < LOOKAHEAD and not self._cancelled():
                    fetch = asyncio.create_task(self._page(following))
                if rows:
                    await self._take(offset, rows)
                if not more:
                    self.listed_all = True
                    return
                if fetch is None:
                    await self._room()
                    if self._cancelled():
                        return
                    fetch = asyncio.create_task(self._page(following))
                offset = following
        except (SpotnanaError, ValueError) as exc:
            self._stop(exc)
            await self._notify()
        finally:
            if fetch is not None:
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
            for _ in range(self.concurrency):
                self.queue.put_nowait(None)

    async def _page(self, offset: int) -> list[dict[str, Any]]:
        body = {**self.body, "pagination": {"offset": offset, "limit": self.page_size}}
        self.result.list_calls += 1
        page = await self.backend.list_users(body)
        rows = [r for r in page.get("users") or [] if isinstance(r, dict)]
        total = (page.get("pagination") or {}).get("totalNumResults")
        self.p.total = int(total) if isinstance(total, int) else max(self.p.total, offset + len(rows))
        return rows

    async def _take(self, offset: int, rows: list[dict[str, Any]]) -> None:
        """Queue a page's users whose profile changed, then store its rows, a chunk at a time
        (the answers in flight are read in between)."""
        ids = [(uid, _stamp(r)) for r in rows if (uid := _user_id(r))]
        cached = await self.db.run(self.cache.updated_at, [uid for uid, _ in ids])
        todo = [(uid, st) for uid, st in ids if st is None or uid not in cached or cached[uid] != st]
        page = _Page(offset, len(rows), len(todo))
        self.pages.append(page)
        for uid, st in todo:
            self.queue.put_nowait((page, uid, st))
        for start in range(0, len(rows), ROWS_CHUNK):
            last = start + ROWS_CHUNK >= len(rows)
            await self._write(rows=rows[start : start + ROWS_CHUNK], stored=page if last else None)
        self.p.unchanged += len(ids) - len(todo)
        self.p.done += len(rows) - len(todo)
        self._report()

    # -- fetching --------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            if self._cancelled():
                continue  # left for the next run: its page stays unfinished
            page, uid, stamp = item
            try:
                self.result.profile_calls += 1
                profile = await self.backend.get_user(uid)
                self.result.profile_calls += 1
                roles = await self.backend.read_section(self.roles, uid)
            except NotFoundError:
                self.p.gone += 1
            except _FATAL as exc:
                self._stop(exc)
                await self._notify()
                continue
            except (SpotnanaError, ValueError) as exc:
                self.p.failed += 1
                self.result.failures.append((uid, str(exc) or type(exc).__name__))
            else:
                self.buffer.append(_Fetched(page, uid, stamp, profile, roles))
                self.p.fetched += 1
            self.p.done += 1
            page.pending -= 1
            if not self.lock.locked() and self._due():  # (a write under way takes it next)
                await self._write()
            self._report()

    async def run(self) -> SyncResult:
        await self.db.start()
        try:
            return await self._run()
        finally:
            await self.db.close()

    async def _run(self) -> SyncResult:
        self.cache = self.db.cache
        start = await self.db.run(self._begin)
        self.committed = self.result.resumed_from = start
        self.p.done = self.p.started_at = start
        self.started = self.flushed_at = self.clock()
        tasks = [asyncio.create_task(self._list(start))]
        tasks += [asyncio.create_task(self._work()) for _ in range(self.concurrency)]
        try:
            await asyncio.gather(*tasks)
        finally:
            stopped = self.stopping
            self.stopping = True  # also for a task that misses its cancellation: no new request
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            done, _ = self._ahead()
            finished = self.listed_all and done == len(self.pages) and not stopped
            await self._write(finished)
            self.result.finished = finished
            if finished or self.p.total:
                self._report(force=True)
        if self.fatal is not None:
            raise self.fatal
        return self.result


async def sync(
    backend: ProfileBackend,
    cache: ProfileCache,
    query_body: Mapping[str, Any],
    *,
    concurrency: int = 8,
    progress: ProgressFn | None = None,
    cancel: Flag | None = None,
    gate: RateGate | None = None,
    page_size: int = PAGE_SIZE,
    label: str = "",
    clock: Callable[[], float] = time.monotonic,
) -> SyncResult:
    """Sync the users of ``query_body`` into ``cache`` (see the module's doc). ``gate``: the
    client's (``client.on_retry = gate.on_retry``), else one of ``concurrency``. ``label``:
    how the query reads to the agent (kept with the state, shown by ``cache status``)."""
    run = _Run(
        backend,
        cache,
        query_body,
        concurrency=concurrency,
        page_size=page_size,
        progress=progress,
        cancel=cancel,
        gate=gate,
        label=label,
        clock=clock,
    )
    return await run.run()
