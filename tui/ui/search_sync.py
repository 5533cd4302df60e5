"""The palette's "Sync this search to the cache" (:class:`SearchSync`): the list's current typed
query (free text and filters, names turned into IDs as the list does) synced into the offline
cache by :func:`tui.domain.cache_sync.sync`, as ``spotnana-tui cache sync --query`` does (the
same query key: a run stopped here goes on from the command line, and back).

It runs in a worker of the app, never in the way of the screens: a line on the list
(:class:`~tui.ui.widgets.sync_line.SyncLine`) says how far it is (count, rate, ETA, profiles
fetched; "Esc stops it"); Esc on the list, or the palette's "Stop the cache sync", stops it cleanly (what was
fetched is kept; the next run goes on from there). At the end a toast: "Synced 4,120 users · 37
profiles fetched". Offline it says it needs the server.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import time
import weakref
from typing import Any

from tui.api.errors import SpotnanaError
from tui.ui.backend import classify_error
from tui.ui.cache_thread import cache_env_of
from tui.ui.cache_wiring import AppBackend, needs_server

__all__ = ["SearchSync", "search_sync", "CONCURRENCY"]

log = logging.getLogger("tui.ui.sync")

CONCURRENCY = 8
"""Requests in flight at once (as ``cache sync``'s default; a 429 slows them all)."""
TITLE = "Cache sync"

_OF: weakref.WeakKeyDictionary[Any, SearchSync] = weakref.WeakKeyDictionary()


def search_sync(app: Any) -> SearchSync:
    """The app's one :class:`SearchSync`."""
    found = _OF.get(app)
    if found is None:
        found = _OF[app] = SearchSync(app)
    return found


def _users(n: int) -> str:
    return f"{n:,} user{'s' if n != 1 else ''}"


class SearchSync:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.running = False
        self.cancel: asyncio.Event | None = None
        self.what = ""
        self._started = 0.0
        self._first: int | None = None
        self.result: Any = None
        """The last run's :class:`~tui.domain.cache_sync.SyncResult` (None: it did not run)."""

    # -- starting and stopping -------------------------------------------------------------
    def start(self) -> None:
        """Sync the list's current search (the palette's command)."""
        app = self.app
        if self.running:
            app.notify("A sync is running already (Esc on the list stops it).", title=TITLE, severity="warning")
            return
        backend = app.backend
        why = needs_server(backend, "Syncing to the cache")
        if why or not isinstance(backend, AppBackend):
            app.notify(why or "This app has no offline cache.", title=TITLE, severity="warning")
            return
        users = app._users_screen()
        if users is None:
            app.notify("The user list is not open: nothing to sync.", title=TITLE, severity="warning")
            return
        text = users.search.value.strip()
        self.what = repr(text if len(text) <= 24 else text[:23] + "…") if text else "every user"
        self.running = True
        self.cancel = asyncio.Event()
        self.result = None
        self._show(["Cache sync: starting…"])
        app.run_worker(
            self._run(backend, users.query_state, text), name="cache-sync", group="cache-sync", exit_on_error=False
        )

    def stop(self) -> bool:
        """Ask a running sync to stop (True: one was running)."""
        if not self.running or self.cancel is None:
            return False
        if not self.cancel.is_set():
            self.cancel.set()
            self._show([f"Stopping the sync of {self.what}: the requests in flight end and are kept…"])
        return True

    # -- the run ---------------------------------------------------------------------------
    async def _run(self, backend: AppBackend, query: Any, text: str) -> None:
        from tui.domain.cache import ProfileCache
        from tui.domain.cache_db import connect
        from tui.domain.cache_sync import PAGE_SIZE, sync
        from tui.domain.export import ListScope, QueryError, resolve_query
        from tui.domain.rate_gate import RateGate
        from tui.ui.bulk_jobs import gate_on_client

        app = self.app
        env = app.env
        assert self.cancel is not None
        try:
            if not await backend.cache.ready(sealed=True):
                app.notify(f"Nothing synced: {backend.cache.notice}", title=TITLE, severity="error", timeout=12)
                return
            scope = ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)
            settings = app.settings
            try:
                resolved = await resolve_query(
                    backend.online,
                    query,
                    scope,
                    directory=app.directory,
                    page_size=settings.page_size,
                    default_status=settings.default_status,
                )
            except QueryError as exc:
                app.notify(f"Nothing synced: {exc}", title=TITLE, severity="warning", timeout=10)
                return
            body = scope.request(resolved, offset=0, limit=PAGE_SIZE, default_status=settings.default_status)
            db = await asyncio.to_thread(connect, backend.cache.path)
            try:
                cache = ProfileCache(db, cache_env_of(env), backend.cache.sealer)
                gate = RateGate(CONCURRENCY)
                self._started, self._first = time.monotonic(), None
                async with gate_on_client(app, gate):
                    self.result = await sync(
                        backend.online,
                        cache,
                        body,
                        concurrency=CONCURRENCY,
                        progress=self._progress,
                        cancel=self.cancel,
                        gate=gate,
                        label=f"--query {shlex.quote(text)}",
                    )
            finally:
                await asyncio.to_thread(db.close)
        except SpotnanaError as exc:
            scope_of = ("tmc_id", env.tmc_id) if env.tmc_id else ("company_id", env.company_id or "")
            app.log_error("cache sync", exc)
            app.notify(
                f"The sync stopped: {classify_error(exc, scope_of).message}. What was fetched is kept;"
                " run it again to go on.",
                title=TITLE,
                severity="error",
                timeout=15,
            )
            return
        finally:
            self.running = False
            self._show([])
            self._reload(backend)
        self._done()

    def _progress(self, done: int, total: int) -> None:
        if self._first is None:
            self._first = done
        elapsed = time.monotonic() - self._started
        rate = (done - self._first) / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 and total >= done else None
        from tui.ui.bulk_jobs import clock

        stopping = self.cancel is not None and self.cancel.is_set()
        head = f"{'Stopping the sync of' if stopping else 'Syncing'} {self.what} to the cache: {done:,} of {total:,}"
        self._show([head, f"ETA {clock(eta)}", "Esc stops it", f"{rate:,.0f} users/s"])

    def _done(self) -> None:
        result = self.result
        if result is None:
            return
        p = result.progress
        fetched = f"{p.fetched:,} profile{'s' if p.fetched != 1 else ''} fetched"
        extra = "".join(
            f" · {n:,} {words}" for n, words in ((p.failed, "could not be read"), (p.gone, "gone since listed")) if n
        )
        log.info("cache sync of %s: %s", self.what, result.summary())
        if not result.finished:
            self.app.notify(
                f"Sync stopped at {p.done:,} of {_users(p.total)} · {fetched}, all kept; run it again to go on.",
                title=TITLE,
                severity="warning",
                timeout=12,
            )
            return
        self.app.notify(
            f"Synced {_users(p.total)} · {fetched}{extra}",
            title=TITLE,
            severity="warning" if p.failed else "information",
            timeout=12,
        )

    # -- what the screens show -------------------------------------------------------------
    def _show(self, parts: list[str]) -> None:
        from tui.ui.widgets.sync_line import SyncLine

        for screen in self.app.screen_stack:
            for line in screen.query(SyncLine):
                line.show_parts(parts)

    def _reload(self, backend: AppBackend) -> None:
        """The app's own cache of this environment sees what the sync kept."""
        cache = backend.cache.cache_for(self.app.env)
        if cache is not None:
            with backend.cache.lock:
                cache.reload()
