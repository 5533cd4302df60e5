"""A Footer that never cuts a key hint in half: hints that do not fit the width are left
out whole, the least important first, and come back when the terminal grows.

Importance is the footer's own order (the focused widget's and the screen's keys first, the
app's after them), except that Help (it lists every key left out) and Back are kept last of all.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

__all__ = ["FitFooter", "fit_hints"]

KEEP_ACTIONS = ("help", "back")
"""Actions whose hint is dropped only when nothing else is left."""


def hint_width(key_display: str, description: str, compact: bool) -> int:
    """Cells one FooterKey takes (Textual's Footer CSS: padding and margins included)."""
    if compact:  # key, " description", margin-right 1
        return cell_len(key_display) + (1 + cell_len(description) if description else 0) + 1
    return cell_len(key_display) + 2 + (cell_len(description) + 1 if description else 0)


def fit_hints(hints: list[tuple[str, int]], width: int) -> set[int]:
    """Which hints (``(action, cells)`` in footer order) fit in ``width`` cells: indices kept.
    Dropped from the end, the ``KEEP_ACTIONS`` last."""
    order = [i for i, (a, _) in enumerate(hints) if a in KEEP_ACTIONS]
    order += [i for i, (a, _) in enumerate(hints) if a not in KEEP_ACTIONS]
    kept: set[int] = set()
    used = 0
    for i in order:
        cells = hints[i][1]
        if used + cells > width:
            break
        kept.add(i)
        used += cells
    return kept


class FitFooter(Footer):
    """``Footer`` with whole hints dropped to fit (see the module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown_width = 0
        self.dropped: list[str] = []
        """Descriptions of the hints left out at the current width (for tests and help)."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        width = self.size.width or self.app.size.width
        self._shown_width = width
        palette = [k for k in keys if k.has_class("-command-palette")]
        hints = [k for k in keys if not k.has_class("-command-palette")]
        room = width - sum(hint_width(k.key_display, k.description, self.compact) + 2 for k in palette)
        cells = [
            (
                getattr(k, "action", ""),
                hint_width(getattr(k, "key_display", ""), getattr(k, "description", ""), self.compact),
            )
            for k in hints
        ]
        kept = fit_hints(cells, room)
        self.dropped = [getattr(k, "description", "") for i, k in enumerate(hints) if i not in kept]
        yield from (k for i, k in enumerate(hints) if i in kept)
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        if self.is_attached and event.size.width != self._shown_width:
            self.call_after_refresh(self.recompose)
