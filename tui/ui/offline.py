"""Working offline, for the app (:class:`OfflineControl`): the cache opened with the app, going
offline (the list's error state offers ``o``; ``--offline`` starts there), ``r`` trying the
server (back online when it answers, still offline with the reason when not), and a quiet
probe: every :data:`PROBE_SECONDS` while offline one cheap request in a worker, silent when it
fails; when it answers, a toast and the banner say "back online · N drafts to push" and ``r``
(or a click on the banner) switches back. Nothing else goes to the network while offline.

On every change each screen gets :class:`~tui.ui.messages.ConnectionModeChanged` (the list
asks again, a profile reloads its clean tabs) and each :class:`OfflineBanner` is refreshed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from textual.timer import Timer

from tui.domain.backend import ProfileBackend
from tui.ui.backend import ERROR_TITLES, classify_error
from tui.ui.cache_thread import AppCache
from tui.ui.cache_wiring import AppBackend
from tui.ui.drafts_wiring import close_drafts
from tui.ui.messages import ConnectionModeChanged
from tui.ui.widgets.offline_banner import OfflineBanner

__all__ = ["PROBE_SECONDS", "OfflineControl"]

log = logging.getLogger("tui.ui.offline")

PROBE_SECONDS = 30.0


class OfflineControl:
    """The app's way between online and offline over its :class:`AppBackend`."""

    def __init__(self, app: Any, backend: AppBackend, *, probe_seconds: float = PROBE_SECONDS) -> None:
        self.app = app
        self.backend = backend
        self.probe_seconds = probe_seconds
        self._probe_timer: Timer | None = None
        self.probes = 0
        """Quiet probes made (for tests and the log)."""
        self.trying = False
        """``r`` is asking the server now."""

    @classmethod
    def for_app(cls, app: Any, online: ProfileBackend, *, offline: bool = False) -> OfflineControl:
        """The app's cache (``Paths.cache_file``; copies older than ``cache_max_age_days``,
        default 30, dropped as it opens) and backend, starting offline or not."""
        settings = app.settings

        def failed(text: str) -> None:  # on the cache thread
            try:
                app.call_from_thread(app.notify, text, title="Offline cache", severity="warning", timeout=10)
            except Exception:  # the app is gone or going
                log.warning("%s", text)

        max_age = settings.cache_max_age_days
        cache = AppCache(settings.paths.cache_file, max_age_days=max_age, on_error=failed)
        return cls(app, AppBackend(online, cache, lambda: app.env, offline=offline))

    @property
    def offline(self) -> bool:
        return self.backend.offline

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> None:
        """At mount: the cache thread (opening at once when offline), the probe if offline,
        and the one notice when the file cannot be opened."""
        cache = self.backend.cache
        cache.start(now=self.offline)
        if self.offline:
            self._start_probe()
        self.app.run_worker(self._watch_open(), name="offline-cache-open", exit_on_error=False)

    async def _watch_open(self) -> None:
        await self.backend.cache.ready_when_opened()
        notice = self.backend.cache.notice
        if notice:
            self.app.notify(notice, title="Offline cache", severity="warning", timeout=12)
        if self.offline:
            self._refresh_banners()  # the counts are known now

    def first_paint(self) -> None:
        """The first page is on screen: the cache may open now."""
        self.backend.cache.begin()

    async def close(self) -> None:
        if self._probe_timer is not None:
            self._probe_timer.stop()
        close_drafts(self.backend)
        await asyncio.to_thread(self.backend.cache.close)

    # -- switching -------------------------------------------------------------------------
    def work_offline(self) -> None:
        """Go offline (the error state's ``o``, the palette), once the cache is open; not when
        nothing of this environment is cached (it says so)."""
        if not self.offline:
            self.app.run_worker(self._work_offline(), name="work-offline", group="offline-retry", exit_on_error=False)

    async def _work_offline(self) -> bool:
        await self.backend.cache.ready()
        if self.offline:
            return True
        if self.backend.offer() is None:
            name = self.app.env.display_name
            self.app.notify(
                f"Nothing cached for {name} yet: run `spotnana-tui cache sync` while online.",
                title="Offline",
                severity="warning",
            )
            return False
        self.backend.go_offline()
        log.info("working offline (%s)", self.app.env.name)
        self.app.notify("Working offline from the cache: nothing is sent. r tries the server.", title="Offline")
        self._start_probe()
        self._changed()
        return True

    def retry_online(self) -> None:
        """``r`` while offline: one request to the server; online again when it answers."""
        if not self.offline or self.trying:
            return
        self.trying = True
        self.app.run_worker(self._retry(), name="offline-retry", group="offline-retry", exit_on_error=False)

    async def _retry(self) -> None:
        try:
            if not self.backend.server_back:
                self.app.notify("Trying the server…", title="Offline", timeout=3)
            failed = await self.backend.probe()
        finally:
            self.trying = False
        if not self.offline:
            return
        if failed is None:
            self.go_online()
            return
        self.backend.server_back = False
        error = classify_error(failed)
        self._refresh_banners()
        self.app.notify(
            f"Still offline: {ERROR_TITLES.get(error.kind, 'error')} ({error.message[:160]}).",
            title="Offline",
            severity="warning",
            timeout=8,
        )

    def go_online(self) -> None:
        """Back to the server: the list asks again, clean profile tabs reload."""
        drafts = self.backend.drafts()
        self.backend.go_online()
        self._stop_probe()
        log.info("back online (%s)", self.app.env.name)
        waiting = f" {drafts:,} draft{'s' if drafts != 1 else ''} to push: D on the list shows them." if drafts else ""
        self.app.notify(f"Back online: working with the server again.{waiting}", title="Online")
        self._changed()

    def environment_changed(self) -> None:
        """Another environment: offline stays offline, over that environment's cache."""
        self.backend.server_back = False
        if self.offline:
            self._start_probe()
        self._refresh_banners()

    # -- the quiet probe -------------------------------------------------------------------
    def _start_probe(self) -> None:
        self._stop_probe()
        self._probe_timer = self.app.set_interval(self.probe_seconds, self._probe_tick, name="offline-probe")

    def _stop_probe(self) -> None:
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None

    def _probe_tick(self) -> None:
        if not self.offline or self.backend.server_back or self.trying:
            return
        self.app.run_worker(
            self._probe(), name="offline-probe", group="offline-probe", exclusive=True, exit_on_error=False
        )

    async def _probe(self) -> None:
        self.probes += 1
        failed = await self.backend.probe()
        if failed is not None or not self.offline or self.backend.server_back:
            if failed is not None:
                log.debug("offline probe: %s", type(failed).__name__)
            return
        self.backend.server_back = True
        self._stop_probe()
        drafts = self.backend.drafts()
        waiting = f" · {drafts:,} draft{'s' if drafts != 1 else ''} to push (D on the list)" if drafts else ""
        self.app.notify(
            f"Back online{waiting} · r switches back (you are still on the cache)",
            title="Server reachable",
            timeout=12,
        )
        self._changed(reload=False)

    # -- telling the screens ---------------------------------------------------------------
    def _refresh_banners(self) -> None:
        for screen in self.app.screen_stack:
            for banner in screen.query(OfflineBanner):
                banner.refresh_state()

    def _changed(self, *, reload: bool = True) -> None:
        self._refresh_banners()
        for screen in self.app.screen_stack:
            screen.post_message(ConnectionModeChanged(self.offline, reload=reload))
