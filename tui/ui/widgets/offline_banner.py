"""One line above the status bar (the list) or the footer (a profile) while the app works from
the cache: "OFFLINE · 4,120 users cached · newest copy 2 h ago · r: try the server", or, once a
probe found the server, "BACK ONLINE · 3 drafts to push · r: work online · D: review them".
Hidden online.

Parts that do not fit the width are left out whole, from the end (the first always stays). The
text is asked of the backend (:func:`tui.ui.cache_wiring.mode_banner`) when the app says the
mode changed (:meth:`OfflineBanner.refresh_state`) and every minute (the age grows).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.message import Message
from textual.widgets import Static

from tui.ui.cache_wiring import mode_banner

__all__ = ["OfflineBanner", "fit_parts"]

SEPARATOR = " · "


def fit_parts(parts: list[str], width: int) -> str:
    """The parts joined by " · " that fit in ``width`` cells, leaving out the last ones whole
    (the first part stays, cut if it must)."""
    for n in range(len(parts), 1, -1):
        text = SEPARATOR.join(parts[:n])
        if cell_len(text) <= width:
            return text
    return parts[0] if parts else ""


class OfflineBanner(Static):
    DEFAULT_CSS = """
    OfflineBanner { height: 1; width: 1fr; padding: 0 1; display: none; text-wrap: nowrap;
        text-overflow: ellipsis; background: $warning 25%; color: $text; text-style: bold; }
    OfflineBanner.-shown { display: block; }
    OfflineBanner.-back { background: $success 30%; }
    """

    class Clicked(Message):
        """The agent clicked the banner (once the server is back: work online)."""

    def __init__(self, backend: Any, *, drafts_key: str | None = None, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.backend = backend
        self.drafts_key = drafts_key
        """The key of the drafts screen on this screen (the banner names it once the server is back)."""
        self._parts: list[str] = []
        self.kind = ""

    def on_mount(self) -> None:
        self.refresh_state()
        self.set_interval(60, self.refresh_state, name="offline-banner-age")

    @property
    def text(self) -> str:
        """What the banner says now ("" online)."""
        return SEPARATOR.join(self._parts)

    def refresh_state(self) -> None:
        try:
            state = mode_banner(self.backend, self.drafts_key)
        except Exception:  # a cache that fails to count: say offline, without the counts
            state = (["OFFLINE"], "offline") if getattr(self.backend, "offline", False) else None
        self._parts, self.kind = state if state is not None else ([], "")
        self.set_class(state is not None, "-shown")
        self.set_class(self.kind == "back", "-back")
        self._fit()

    def _fit(self) -> None:
        width = (self.content_region.width or max(self.app.size.width - 2, 20)) if self.is_mounted else 10_000
        self.update(fit_parts(self._parts, width))

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def on_click(self, event: events.Click) -> None:
        if self.kind == "back":
            event.stop()
            self.post_message(self.Clicked())
