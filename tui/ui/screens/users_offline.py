"""The user list's part of working offline (a part of :class:`~tui.ui.screens.users.UsersScreen`,
kept apart to keep that file short).

- When the server cannot be reached (:data:`~tui.ui.cache_wiring.OFFLINE_KINDS`) and this
  environment has something cached, the error state offers ``o``: "work offline: 4,120 users
  cached, newest 2 h ago".
- Offline, ``r`` tries the server (online again when it answers); the same list, search,
  filters and sort run over the cache; with nothing cached the list says so.
- The app's :class:`~tui.ui.messages.ConnectionModeChanged` asks the list again.
- ``D`` shows the drafts (the drafts screen), online or offline.
- Esc stops the palette's "Sync this search to the cache" while it runs (its line says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.ui.cache_wiring import OFFLINE_KINDS, needs_server
from tui.ui.drafts_wiring import drafts_for
from tui.ui.list_model import PageError
from tui.ui.messages import ConnectionModeChanged
from tui.ui.widgets.list_state import ListState
from tui.ui.widgets.offline_banner import OfflineBanner

__all__ = ["OfflineListMixin"]

if TYPE_CHECKING:  # the screen it is mixed into
    from textual.screen import Screen as _Host
else:
    _Host = object


class OfflineListMixin(_Host):
    """Offline on the list screen; the screen gives ``model``, ``state``, ``spot`` and
    ``start_query``."""

    model: Any
    state: Any
    spot: Any

    def start_query(self) -> None:
        raise NotImplementedError

    @property
    def working_offline(self) -> bool:
        return bool(getattr(self.spot.backend, "offline", False))

    def _offline(self) -> Any:
        """The app's OfflineControl (None in an app without one)."""
        return getattr(self.app, "offline", None)

    async def offline_ready(self, error: PageError) -> None:
        """Before an error state that may offer the cache: wait for the file to be open."""
        cache = getattr(self.spot.backend, "cache", None)
        if error.kind in OFFLINE_KINDS and cache is not None and hasattr(cache, "ready"):
            await cache.ready()

    def offline_offer(self, error: PageError) -> str | None:
        """ "work offline: 4,120 users cached, newest 2 h ago", for an error where the server
        cannot be reached (None otherwise, or when nothing is cached)."""
        offer = getattr(self.spot.backend, "offer", None)
        if self.working_offline or error.kind not in OFFLINE_KINDS or offer is None:
            return None
        try:
            return offer()
        except Exception as exc:  # a cache that fails to count offers nothing
            self.spot.log_error("offline offer", exc)
            return None

    def show_empty_offline(self) -> bool:
        """Offline with nothing of this environment cached: the list says so (True)."""
        if not self.working_offline or self.model.total != 0:
            return False
        counts = getattr(self.spot.backend, "counts", None)
        if counts is None or counts()[0]:
            return False
        self.state.show_nothing_cached(self.spot.env.display_name)
        return True

    # -- keys ------------------------------------------------------------------------------
    def can_work_offline(self) -> bool:
        """``o`` works while the error state offers the cache."""
        return bool(self.state.display and self.state.offer)

    def action_work_offline(self) -> None:
        control = self._offline()
        if control is not None and self.can_work_offline():
            control.work_offline()

    def action_drafts(self) -> None:
        """The drafts screen (``D``, the palette's "Drafts")."""
        from tui.ui.screens.drafts import DraftsScreen

        if not self.is_active:
            return
        if drafts_for(self.spot.backend) is None:
            self.notify("No drafts here: they are kept in the offline cache.", title="Drafts", severity="warning")
            return
        self.app.push_screen(DraftsScreen())

    def stop_sync(self) -> bool:
        """Esc while the palette's cache sync runs: stop it (True: it was running)."""
        from tui.ui.search_sync import search_sync

        return search_sync(self.app).stop()

    def refresh_offline(self) -> bool:
        """``r`` while offline: try the server (True: handled here)."""
        control = self._offline()
        if control is None or not self.working_offline:
            return False
        control.retry_online()
        return True

    def refuse_offline(self, what: str) -> bool:
        """Offline: say that ``what`` needs the server (True: refused)."""
        why = needs_server(self.spot.backend, what)
        if why:
            self.notify(why, title="Offline", severity="warning")
        return why is not None

    # -- messages --------------------------------------------------------------------------
    def on_list_state_work_offline(self, _: ListState.WorkOffline) -> None:
        self.action_work_offline()

    def on_offline_banner_clicked(self, _: OfflineBanner.Clicked) -> None:
        self.refresh_offline()

    def on_connection_mode_changed(self, message: ConnectionModeChanged) -> None:
        if message.reload:
            self.start_query()
