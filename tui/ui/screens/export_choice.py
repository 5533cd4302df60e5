"""Which section an export writes, in a modal: the palette's "Export marked users" / "Export
the current search" say who, the agent picks the section (default business, as ``spotnana-tui
export``) and sees the folder the file goes to. Enter (or Ctrl+S, or Export) dismisses with
the section's key; Esc (or Cancel) with None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from tui.domain.sections import editable_sections

__all__ = ["ExportChoiceScreen"]


class ExportChoiceScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "export", "Export", id="exportchoice.export"),
        Binding("escape", "cancel", "Cancel", id="exportchoice.cancel"),
    ]
    DEFAULT_CSS = """
    ExportChoiceScreen { align: center middle; }
    ExportChoiceScreen > #export-box { width: 80; max-width: 94%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2; }
    ExportChoiceScreen #export-title { text-style: bold; margin-bottom: 1; }
    ExportChoiceScreen #export-row { height: auto; margin-top: 1; }
    ExportChoiceScreen #export-row > .export-label { width: 10; }
    ExportChoiceScreen #export-row > Select { width: 1fr; }
    ExportChoiceScreen #export-note { color: $text-muted; margin-top: 1; }
    ExportChoiceScreen #export-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ExportChoiceScreen #export-buttons Button { margin-left: 2; }
    """

    def __init__(self, title: str, who: str, folder: str, *, section_key: str = "business") -> None:
        super().__init__()
        self.title_text = title
        self.who = who
        self.folder = folder
        self.section_key = section_key

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(self.title_text, id="export-title", markup=False)
            yield Static(self.who, id="export-who", markup=False)
            with Horizontal(id="export-row"):
                yield Static("Section", classes="export-label")
                sections = [(s.title, s.key) for s in editable_sections()]
                yield Select(sections, value=self.section_key, allow_blank=False, compact=True, id="export-section")
            yield Static(
                f"A CSV file in {self.folder}, one row per user: the key columns, then every field of the "
                "section. Personal data is left out. Editing it and loading it back (o on the bulk change) "
                "changes those users.",
                id="export-note",
                markup=False,
            )
            with Horizontal(id="export-buttons"):
                yield Button("Export (ctrl+s)", id="export-ok", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-ok":
            self.action_export()
        else:
            self.dismiss(None)

    def action_export(self) -> None:
        self.dismiss(str(self.query_one("#export-section", Select).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
