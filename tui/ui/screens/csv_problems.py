"""Why a CSV file cannot be planned, in a modal: every problem of
:class:`tui.domain.csv_import.ImportProblems`, one per line with its row (the header is row 1)
and column, in a scrollable list. Nothing was planned or sent. Esc or Enter closes it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.csv_import import ImportProblems

__all__ = ["CsvProblemsScreen", "problems_title"]


def problems_title(exc: ImportProblems) -> str:
    """``people.csv: 2 problems, nothing planned or sent``."""
    n = len(exc.problems)
    return f"{exc.source or 'the file'}: {n} problem{'s' if n != 1 else ''}, nothing planned or sent"


class CsvProblemsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="csvproblems.close")]
    DEFAULT_CSS = """
    CsvProblemsScreen { align: center middle; }
    CsvProblemsScreen > #problems-box { width: 94%; max-width: 120; height: 80%; border: thick $error;
        background: $surface; padding: 0 1; }
    CsvProblemsScreen #problems-title { text-style: bold; margin: 1 0 0 0; }
    CsvProblemsScreen #problems-list { height: 1fr; margin: 1 0 0 0; }
    CsvProblemsScreen #problems-help { color: $text-muted; height: auto; }
    """

    def __init__(self, exc: ImportProblems) -> None:
        super().__init__()
        self.title_text = problems_title(exc)
        self.lines = [p.text() for p in exc.problems]

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box"):
            yield Label(self.title_text, id="problems-title", markup=False)
            yield OptionList(*[Option(Text(line)) for line in self.lines], id="problems-list")
            yield Static("Fix the file and load it again (o on the bulk change). Esc closes.", id="problems-help")

    def on_mount(self) -> None:
        self.query_one("#problems-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
