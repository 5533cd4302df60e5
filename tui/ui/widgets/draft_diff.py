"""One draft's diff, as the drafts screen shows the highlighted draft: a heading ("2 changes to
business info · made offline 5 min ago"), then one line per change, drawn as the confirm
screen draws them (:func:`~tui.ui.widgets.diff_lines.render_line`) and masked as it masks them
(identity-document numbers, date of birth: never revealed here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.ui.widgets.diff_lines import render_line

if TYPE_CHECKING:
    from tui.domain.drafts import Draft

__all__ = ["DraftDiff", "draft_diff_text"]


def draft_diff_text(draft: Draft | None, *, now: float | None = None, limit: int = 60) -> Text:
    """What :class:`DraftDiff` shows for ``draft`` (None: nothing highlighted)."""
    if draft is None:
        return Text("No draft highlighted.", style="dim")
    from tui.domain.drafts import age_text

    made = "made offline" if draft.offline else "parked online"
    text = Text()
    text.append(f"{draft.summary()}", style="bold")
    text.append(f" · {made} {age_text(draft.age_seconds(now))} · #{draft.id}", style="dim")
    for line in draft.lines():
        text.append("\n")
        text.append_text(render_line(line, limit=limit))
    if draft.note:
        text.append(f"\nnote: {draft.note}", style="dim")
    if draft.lost:
        text.append(
            "\n⚠ cannot be pushed here: values sealed with a keyring key this machine does not have",
            style="bold yellow",
        )
    return text


class DraftDiff(VerticalScroll):
    DEFAULT_CSS = """
    DraftDiff { height: 1fr; border: round $panel; margin: 0 1; padding: 0 1; }
    DraftDiff > #draft-diff-text { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft: Draft | None = None

    def compose(self) -> ComposeResult:
        yield Static(draft_diff_text(None), id="draft-diff-text")

    def show(self, draft: Draft | None) -> None:
        self.draft = draft
        self.border_title = f"{draft.section.title} · {draft.user_label or draft.user_id}" if draft else "Diff"
        self.query_one("#draft-diff-text", Static).update(draft_diff_text(draft))
        self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What it shows, as plain text (for tests)."""
        return draft_diff_text(self.draft).plain
