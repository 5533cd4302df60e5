"""The profile screen's part of working offline (a part of
:class:`~tui.ui.screens.profile.ProfileScreen`, kept apart to keep that file short).

Offline (the screen's backend says ``offline``), every section comes from the cache:

- each tab's label says how old its copy is where it fits ("1 Personal · 3d", else a mark:
  ◷ cached, ∅ never cached; see tui/ui/widgets/tab_labels.py), and the tab's own line always
  says it ("Cached copy from 3 d ago ..."); a section never cached says "not cached", no error;
- ``r`` tries the server (the app's OfflineControl) instead of reloading from the cache (the
  footer says "Try server"); deactivate / activate are hidden and say they need the server;
- back online (:class:`~tui.ui.messages.ConnectionModeChanged`) the clean tabs and the header
  load from the server again; a tab with edits keeps them on its cached copy, and saving merges
  them with the server's copy (the commit path's three-way merge).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tui.ui.cache_wiring import ago, needs_server, short_age
from tui.ui.messages import ConnectionModeChanged
from tui.ui.widgets.offline_banner import OfflineBanner

__all__ = ["OfflineProfileMixin"]

if TYPE_CHECKING:  # the screen it is mixed into
    from textual.screen import Screen as _Host
else:
    _Host = object


class OfflineProfileMixin(_Host):
    """Offline on the profile screen; the screen gives ``backend``, ``sections``, ``user_id``,
    ``panes``, ``load_header`` and ``_relabel``."""

    backend: Any
    sections: Any
    user_id: str
    panes: Any
    cache_ages: dict[str, float | None] | None = None
    """Offline: the age in seconds of each section's cached copy (None: never cached)."""

    def load_header(self) -> None:
        raise NotImplementedError

    def _relabel(self) -> None:
        raise NotImplementedError

    @property
    def working_offline(self) -> bool:
        return bool(getattr(self.backend, "offline", False))

    def read_cache_ages(self) -> None:
        """How old each section's cached copy is (offline), for the tabs and their lines."""
        cached = getattr(self.backend, "cached_section", None)
        if not self.working_offline or cached is None:
            self.cache_ages = None
            return
        now = time.time()
        ages: dict[str, float | None] = {}
        for section in self.sections:
            try:
                copy = cached(section, self.user_id)
            except Exception:  # a failing cache: say nothing of that tab
                copy = None
            ages[section.key] = copy.age_seconds(now) if copy is not None else None
        self.cache_ages = ages

    def tab_ages(self) -> dict[str, str | None] | None:
        """The ages as the tab labels show them ("3d"), None online."""
        if self.cache_ages is None:
            return None
        return {k: short_age(v) if v is not None else None for k, v in self.cache_ages.items()}

    def cache_notes(self) -> None:
        """Each tab's line: how old its copy is, or that it was never cached."""
        for pane in self.panes:
            if self.cache_ages is None:
                pane.cached_note = ""
                continue
            age = self.cache_ages.get(pane.section.key)
            pane.cached_note = (
                f"Cached copy from {ago(age)} · offline: nothing is sent (r tries the server)"
                if age is not None
                else ""
            )

    # -- keys ------------------------------------------------------------------------------
    def reload_offline(self) -> bool:
        """``r`` while offline: try the server (True: handled here)."""
        if not self.working_offline:
            return False
        control = getattr(self.app, "offline", None)
        if control is not None and hasattr(control, "retry_online"):
            control.retry_online()
        else:
            self.notify("Working offline: this profile comes from the cache.", title="Offline")
        return True

    def refuse_offline(self, what: str) -> bool:
        why = needs_server(self.backend, what)
        if why:
            self.notify(why, title="Offline", severity="warning")
        return why is not None

    # -- messages --------------------------------------------------------------------------
    def on_offline_banner_clicked(self, _: OfflineBanner.Clicked) -> None:
        self.reload_offline()

    def on_connection_mode_changed(self, message: ConnectionModeChanged) -> None:
        self.refresh_bindings()  # Reload / Try server, and the keys that need the server
        if not message.reload:
            return
        self.read_cache_ages()
        self.cache_notes()
        self._relabel()
        for pane in self.panes:
            if pane.state == "idle" or pane.busy:
                continue
            if pane.has_changes:
                pane.keep_edits_note(online=not message.offline)
            else:
                pane.load()
        self.load_header()
