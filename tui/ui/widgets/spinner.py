"""A one-cell activity indicator: blank when idle (so idle screenshots are stable), and for the
first 80 ms of being busy (a quick request paints nothing; see UsersScreen._refresh_view)."""

from __future__ import annotations

from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

__all__ = ["Spinner"]

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Spinner(Static):
    DEFAULT_CSS = "Spinner { width: 2; height: 1; }"

    busy = reactive(False, repaint=False)  # it paints itself, from its first frame on

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(" ", id=id)
        self._frame = 0
        self._timer: Timer | None = None

    def watch_busy(self, busy: bool) -> None:
        if busy:
            if self._timer is None:
                self._timer = self.set_interval(0.08, self._tick)
        else:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.update(" ", layout=False)

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(FRAMES)
        self.update(FRAMES[self._frame], layout=False)  # two cells wide, whatever it shows
