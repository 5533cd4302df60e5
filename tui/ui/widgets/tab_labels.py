"""Tab labels that fit the terminal: every section's tab stays in view.

Three forms, the first that fits the width wins:

- ``wide``:    ``1 Travel preferences`` (the section's title), padding on both sides;
- ``short``:   ``1 Travel`` (its ``short_title``), padding on both sides;
- ``compact``: ``1Travel`` with the digit as a key (htop's style), one cell between tabs.

The dirty mark (``•``) is counted in, so marking a tab never pushes another off the edge.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content

from tui.domain.sections import Section

__all__ = ["TabLabels", "fit_tab_labels", "DIRTY_MARK"]

DIRTY_MARK = "•"
_PADDING = {"wide": 2, "short": 2, "compact": 1}


class TabLabels:
    """The chosen form and a label per section."""

    def __init__(self, form: str, labels: list[Content]) -> None:
        self.form = form
        self.labels = labels


def _label(form: str, n: int, section: Section, dirty: bool) -> Content:
    digit = str(n) if n <= 9 else ""
    if form == "compact":
        mark = DIRTY_MARK if dirty else ""
        return Content.assemble((digit, "bold underline"), section.tab_title + mark)
    title = section.title if form == "wide" else section.tab_title
    text = f"{digit} {title}" if digit else title
    return Content(f"{text} {DIRTY_MARK}" if dirty else text)


def _width(form: str, sections: Sequence[Section]) -> int:
    """Cells the form needs, with room for one dirty mark."""
    total = 0
    for n, section in enumerate(sections, start=1):
        total += cell_len(_label(form, n, section, False).plain) + _PADDING[form]
    return total + (1 if form == "compact" else 2)


def fit_tab_labels(sections: Sequence[Section], width: int, dirty: frozenset[str] = frozenset()) -> TabLabels:
    """The labels for a tab bar ``width`` cells wide (``dirty``: section keys with unsaved edits)."""
    form = next((f for f in ("wide", "short") if _width(f, sections) <= width), "compact")
    return TabLabels(form, [_label(form, n, s, s.key in dirty) for n, s in enumerate(sections, start=1)])
