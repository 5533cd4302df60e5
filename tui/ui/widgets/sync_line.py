"""One line on the user list while the palette's "Sync this search to the cache" runs: what is
synced, how far (count, rate, ETA), what was fetched, and how to stop it. Hidden otherwise.
Parts that do not fit are left out whole, from the end (as the offline banner does)."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from tui.ui.widgets.offline_banner import SEPARATOR, fit_parts

__all__ = ["SyncLine"]


class SyncLine(Static):
    DEFAULT_CSS = """
    SyncLine { height: 1; width: 1fr; padding: 0 1; display: none; text-wrap: nowrap;
        background: $accent 25%; color: $text; }
    SyncLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._parts: list[str] = []

    @property
    def text(self) -> str:
        """What the line says now ("" when hidden)."""
        return SEPARATOR.join(self._parts)

    def show_parts(self, parts: list[str]) -> None:
        """Show ``parts`` (the most telling first); an empty list hides the line."""
        self._parts = list(parts)
        self.set_class(bool(parts), "-shown")
        self._fit()

    def _fit(self) -> None:
        width = (self.content_region.width or max(self.app.size.width - 2, 20)) if self.is_mounted else 10_000
        self.update(fit_parts(self._parts, width))

    def on_resize(self, event: events.Resize) -> None:
        self._fit()
