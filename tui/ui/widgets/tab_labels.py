"""Tab labels that fit the terminal: every section's tab stays in view.

Three forms, the first that fits the width wins:

- ``wide``:    ``1 Travel preferences`` (the section's title), padding on both sides;
- ``short``:   ``1 Travel`` (its ``short_title``), padding on both sides;
- ``compact``: ``1Travel`` with the digit as a key (htop's style), one cell between tabs.

The dirty mark (``•``) is counted in, so marking a tab never pushes another off the edge.

Offline (``ages`` given: section key -> how old its cached copy is, "3d", or None when it was
never cached), the labels say so where they fit: ``1 Personal · 3d`` / ``3 Travel · ∅``, else a
mark only (``1 Personal ◷``, ``3 Travel ∅``), else the compact form as online (the tab's own
line says the age then).

A section with a draft (``drafts``: section keys) says so too: ``2 Business · 1 draft`` where the
words fit, else a mark (``2 Business ✎``, ``2Business✎``); the tab's own line says it in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from textual.content import Content

from tui.domain.sections import Section

__all__ = ["TabLabels", "fit_tab_labels", "DIRTY_MARK", "CACHED_MARK", "UNCACHED_MARK", "DRAFT_MARK", "DRAFT_WORDS"]

DIRTY_MARK = "•"
DRAFT_MARK = "✎"
DRAFT_WORDS = "1 draft"
CACHED_MARK = "◷"
UNCACHED_MARK = "∅"
_PADDING = {"wide": 2, "short": 2, "compact": 1}
Ages = Mapping[str, "str | None"]


class TabLabels:
    """The chosen form and a label per section."""

    def __init__(self, form: str, labels: list[Content], cache: str = "", draft: str = "mark") -> None:
        self.form = form
        self.labels = labels
        self.cache = cache
        """How the labels show the cache offline: "age", "mark" or "" (not at all)."""
        self.draft = draft
        """How a tab with a draft says so: "words" (``· 1 draft``) or "mark" (``✎``)."""


def _cache_part(cache: str, key: str, ages: Ages | None) -> str:
    if not cache or ages is None:
        return ""
    age = ages.get(key)
    if cache == "age":
        return f" · {age}" if age is not None else f" · {UNCACHED_MARK}"
    return f" {CACHED_MARK}" if age is not None else f" {UNCACHED_MARK}"


def _draft_part(draft: str, has_draft: bool) -> str:
    if not has_draft:
        return ""
    return f" · {DRAFT_WORDS}" if draft == "words" else f" {DRAFT_MARK}"


def _label(
    form: str,
    n: int,
    section: Section,
    dirty: bool,
    cache: str = "",
    ages: Ages | None = None,
    has_draft: bool = False,
    draft: str = "mark",
) -> Content:
    digit = str(n) if n <= 9 else ""
    if form == "compact":
        mark = (DRAFT_MARK if has_draft else "") + (DIRTY_MARK if dirty else "")
        return Content.assemble((digit, "bold underline"), section.tab_title + mark)
    title = section.title if form == "wide" else section.tab_title
    text = (f"{digit} {title}" if digit else title) + _cache_part(cache, section.key, ages)
    text += _draft_part(draft, has_draft)
    return Content(f"{text} {DIRTY_MARK}" if dirty else text)


def _width(
    form: str,
    sections: Sequence[Section],
    cache: str = "",
    ages: Ages | None = None,
    drafts: frozenset[str] = frozenset(),
    draft: str = "mark",
) -> int:
    """Cells the form needs, with room for one dirty mark."""
    total = 0
    for n, section in enumerate(sections, start=1):
        label = _label(form, n, section, False, cache, ages, section.key in drafts, draft)
        total += cell_len(label.plain) + _PADDING[form]
    return total + (1 if form == "compact" else 2)


def fit_tab_labels(
    sections: Sequence[Section],
    width: int,
    dirty: frozenset[str] = frozenset(),
    ages: Ages | None = None,
    drafts: frozenset[str] = frozenset(),
) -> TabLabels:
    """The labels for a tab bar ``width`` cells wide (``dirty``: section keys with unsaved edits;
    ``ages``: offline, how old each section's cached copy is; ``drafts``: section keys with a
    draft)."""
    tries = [("wide", ""), ("short", "")]
    if ages is not None:
        tries = [("wide", "age"), ("short", "age"), ("wide", "mark"), ("short", "mark")]
    ways = [(f, c, d) for d in ("words", "mark") for f, c in tries] if drafts else [(f, c, "mark") for f, c in tries]
    form, cache, draft = next(
        ((f, c, d) for f, c, d in ways if _width(f, sections, c, ages, drafts, d) <= width), ("compact", "", "mark")
    )
    labels = [
        _label(form, n, s, s.key in dirty, cache, ages, s.key in drafts, draft) for n, s in enumerate(sections, start=1)
    ]
    return TabLabels(form, labels, cache, draft)
