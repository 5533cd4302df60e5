"""A footer that never cuts a key hint in half: hints that do not fit the width are left
out whole, the least important first, and come back when the terminal grows.

Importance is the footer's own order (the focused widget's and the screen's keys first, the
app's after them), except that Help (it lists every key left out) and Back are kept last of all.
The palette key always stays. Drawn as one line by :class:`KeyFooter`; the choice is made again
only when the keys or the width change.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.ui.widgets.key_footer import FooterHint, KeyFooter

__all__ = ["FitFooter", "fit_hints"]

KEEP_ACTIONS = ("help", "back")
"""Actions whose hint is dropped only when nothing else is left."""


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


class FitFooter(KeyFooter):
    """:class:`KeyFooter` with whole hints dropped to fit (see the module doc)."""

    def choose(self, hints: Sequence[FooterHint], room: int) -> Sequence[FooterHint]:
        kept = fit_hints([(h.action, self.hint_cells(h)) for h in hints], room)
        return [h for i, h in enumerate(hints) if i in kept]

    @property
    def dropped(self) -> list[str]:
        """Descriptions of the hints left out at the current width (for tests and help)."""
        drawn = {hint for _, _, hint in self.layout().hints}
        return [h.description for h in self.hints if not h.palette and h not in drawn]
