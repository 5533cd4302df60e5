"""Per-user lines of a bulk plan or job, filterable by outcome: a filter line ("all (412) ·
will change (398) · …", the current one highlighted) over a list with one entry per user
(its name, outcome, reason, and the lines the caller renders: a diff, warnings).

``f`` (or :meth:`OutcomeList.cycle`) steps through the outcomes that have users.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

__all__ = ["OutcomeList", "Entry"]

Entry = tuple[str, Text]
"""(outcome key, what the list shows for the user)."""


class OutcomeList(Vertical):
    BINDINGS = [Binding("f", "cycle", "Filter", id="outcomes.filter")]
    DEFAULT_CSS = """
    OutcomeList { height: 1fr; }
    OutcomeList > #outcome-filter { height: auto; padding: 0 1; color: $text-muted; }
    OutcomeList > OptionList { height: 1fr; border: round $panel; padding: 0; }
    OutcomeList > OptionList:focus { border: round $primary; }
    """

    def __init__(self, words: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        """``words``: (outcome key, how the filter line names it), in the order shown."""
        super().__init__(id=id)
        self.words = list(words)
        self.entries: list[Entry] = []
        self.filter: str | None = None
        """The outcome shown (None: every user)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="outcome-filter")
        yield OptionList(id="outcome-options")

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    def counts(self) -> dict[str, int]:
        out = {key: 0 for key, _ in self.words}
        for key, _ in self.entries:
            out[key] = out.get(key, 0) + 1
        return out

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        if self.filter is not None and not self.counts().get(self.filter):
            self.filter = None
        self._show()

    def show_only(self, key: str | None) -> None:
        self.filter = key
        self._show()

    @property
    def shown(self) -> list[Entry]:
        return [e for e in self.entries if self.filter is None or e[0] == self.filter]

    def _show(self) -> None:
        counts = self.counts()
        line = Text("Show: ")
        choices: list[tuple[str | None, str]] = [(None, f"all ({len(self.entries):,})")]
        choices += [(key, f"{word} ({counts.get(key, 0):,})") for key, word in self.words if counts.get(key)]
        for i, (key, label) in enumerate(choices):
            if i:
                line.append(" · ")
            line.append(label, style="reverse bold" if key == self.filter else "")
        if len(choices) > 2:
            line.append("   f: next", style="dim")
        self.query_one("#outcome-filter", Static).update(line)
        options = self.options
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(text) for _, text in self.shown])
        if self.shown:
            options.highlighted = min(highlighted or 0, len(self.shown) - 1)

    def action_cycle(self) -> None:
        self.cycle()

    def cycle(self) -> None:
        counts = self.counts()
        keys: list[str | None] = [None] + [k for k, _ in self.words if counts.get(k)]
        at = keys.index(self.filter) if self.filter in keys else 0
        self.show_only(keys[(at + 1) % len(keys)])
