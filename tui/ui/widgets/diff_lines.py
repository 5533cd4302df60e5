"""A diff line as the confirm screen, the conflict view, bulk previews and the drafts screen draw
it: ``~ Job title (designation): Analyst → Manager``, masked values masked until revealed."""

from __future__ import annotations

from rich.text import Text

from tui.domain.diff import ARROW, DiffLine, format_value

__all__ = ["render_line"]

_STYLES = {"changed": "yellow", "added": "green", "removed": "red"}


def _value(line: DiffLine, which: str, reveal: bool, limit: int) -> str:
    raw = line.old if which == "old" else line.new
    if line.masked and not reveal:
        raw = line.shown_old if which == "old" else line.shown_new
    return format_value(raw, limit)


def render_line(line: DiffLine, reveal: bool = False, limit: int = 60) -> Text:
    """``~ Job title (designation): Analyst → Manager``; ``+``/``-`` for added/removed items."""
    change = line.change
    mark = {"changed": "~", "added": "+", "removed": "-"}[change]
    text = Text()
    text.append(f"{mark} ", style=f"bold {_STYLES[change]}")
    if line.item:
        _item_line(text, line, reveal, limit)
        return text
    text.append(line.label or line.path_text, style="bold")
    if line.label and line.label != line.path_text:
        text.append(f" ({line.path_text})", style="dim")
    text.append(": ")
    if change == "added":
        text.append(_value(line, "new", reveal, limit), style=_STYLES["added"])
        text.append("  added", style="dim italic")
    elif change == "removed":
        text.append(_value(line, "old", reveal, limit), style=f"{_STYLES['removed']} strike")
        text.append("  removed", style="dim italic")
    else:
        old, new = _value(line, "old", reveal, limit), _value(line, "new", reveal, limit)
        text.append(old, style="dim")
        text.append(f" {ARROW} ")
        text.append(new, style=_STYLES["changed"])
        if old == new:  # masked down to the same bullets: still say that it changed
            text.append("  (changed, hidden)", style="dim italic")
    if line.masked and not reveal:
        text.append("  [masked]", style="dim")
    return text


def _item_line(text: Text, line: DiffLine, reveal: bool, limit: int) -> None:
    """A line of a list item, named by its fields: ``+ phone LANDLINE +44 20 7946 0000``,
    ``~ passport GB ••••1234: expiry date 2026-02-22 → 2031-02-22``."""
    change = line.change
    item = line.item_text(reveal)
    if not line.field:
        text.append(item, style=f"bold {_STYLES[change]}" + (" strike" if change == "removed" else ""))
    else:
        text.append(item, style="bold")
        text.append(f": {line.field} ")
        if change == "added":
            text.append(_value(line, "new", reveal, limit), style=_STYLES["added"])
        elif change == "removed":
            text.append(_value(line, "old", reveal, limit), style=f"{_STYLES['removed']} strike")
            text.append("  removed", style="dim italic")
        else:
            old, new = _value(line, "old", reveal, limit), _value(line, "new", reveal, limit)
            text.append(old, style="dim")
            text.append(f" {ARROW} ")
            text.append(new, style=_STYLES["changed"])
            if old == new:
                text.append("  (changed, hidden)", style="dim italic")
    if line.masked and not reveal:
        text.append("  [masked]", style="dim")
