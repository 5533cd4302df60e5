"""Which CSV file to load into a bulk change, in a modal: the file's path, the section its
columns belong to and the key column, with the choices and defaults of ``spotnana-tui bulk
plan --csv`` (``--section``, default business; ``--key``, default the first key column the
file has).

Enter in the path (or Ctrl+S, or OK) dismisses with a :class:`CsvChoice` once the path names a
file; Esc (or Cancel) dismisses with None.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.domain.sections import editable_sections
from tui.domain.user_keys import KEY_FLAGS, KeyName

__all__ = ["CsvChoice", "CsvChoiceScreen", "FIRST_KEY"]

FIRST_KEY = "first"
"""The key choice "the first key column the file has" (the CLI without --key)."""


@dataclass(frozen=True)
class CsvChoice:
    path: Path
    section_key: str
    key: KeyName | None
    """The key column; None: the first of userId, email, employeeId, externalId the file has."""


class CsvChoiceScreen(ModalScreen[CsvChoice | None]):
    BINDINGS = [
        Binding("ctrl+s", "load", "Load", id="csvchoice.load"),
        Binding("escape", "cancel", "Cancel", id="csvchoice.cancel"),
    ]
    DEFAULT_CSS = """
    CsvChoiceScreen { align: center middle; }
    CsvChoiceScreen > #csv-box { width: 90%; max-width: 100; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    CsvChoiceScreen #csv-title { text-style: bold; margin-bottom: 1; }
    CsvChoiceScreen .csv-row { height: auto; margin-top: 1; }
    CsvChoiceScreen .csv-row > .csv-label { width: 12; }
    CsvChoiceScreen .csv-row > Select { width: 1fr; }
    CsvChoiceScreen #csv-path { width: 1fr; }
    CsvChoiceScreen #csv-help { color: $text-muted; margin-top: 1; }
    CsvChoiceScreen #csv-status { color: $error; height: auto; }
    CsvChoiceScreen #csv-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    CsvChoiceScreen #csv-buttons Button { margin-left: 2; }
    """

    def __init__(self, *, section_key: str = "business", path: str = "") -> None:
        super().__init__()
        keys = {s.key for s in editable_sections()}
        self.section_key = section_key if section_key in keys else "business"
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="csv-box"):
            yield Label("Bulk change from a CSV file", id="csv-title")
            with Horizontal(classes="csv-row"):
                yield Static("File", classes="csv-label")
                yield Input(self.path, placeholder="path of the .csv file (~ is your home)", id="csv-path")
            with Horizontal(classes="csv-row"):
                yield Static("Section", classes="csv-label")
                sections = [(s.title, s.key) for s in editable_sections()]
                yield Select(sections, value=self.section_key, allow_blank=False, compact=True, id="csv-section")
            with Horizontal(classes="csv-row"):
                yield Static("Key column", classes="csv-label")
                keys = [("the first the file has", FIRST_KEY)] + [(column, column) for column in KEY_FLAGS.values()]
                yield Select(keys, value=FIRST_KEY, allow_blank=False, compact=True, id="csv-key")
            yield Static(
                "One row per user: a key column, then field columns (paths or the form's labels). "
                "An empty cell leaves the field as it is, <clear> clears it. Every row is checked and "
                "previewed before anything is sent.",
                id="csv-help",
                markup=False,
            )
            yield Static("", id="csv-status", markup=False)
            with Horizontal(id="csv-buttons"):
                yield Button("Load (ctrl+s)", id="csv-ok", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="csv-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#csv-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_load()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "csv-ok":
            self.action_load()
        else:
            self.dismiss(None)

    def action_load(self) -> None:
        text = self.query_one("#csv-path", Input).value.strip().strip("'\"")
        status = self.query_one("#csv-status", Static)
        if not text:
            status.update("Type the path of the CSV file.")
            return
        path = Path(text).expanduser()
        if not path.is_file():
            status.update(f"No such file: {path}")
            return
        key = self.query_one("#csv-key", Select).value
        section_key = str(self.query_one("#csv-section", Select).value)
        self.dismiss(CsvChoice(path.resolve(), section_key, None if key == FIRST_KEY else key))  # type: ignore[arg-type]

    def action_cancel(self) -> None:
        self.dismiss(None)
