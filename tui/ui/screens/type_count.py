"""The confirm of a big bulk job: the agent types how many users will change (as GitHub asks
for a repository's name before deleting it). Dismisses with True once the number typed is the
number asked for, False on Esc / Cancel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

__all__ = ["TypeCountScreen"]


class TypeCountScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="typecount.cancel")]
    DEFAULT_CSS = """
    TypeCountScreen { align: center middle; }
    TypeCountScreen > #count-dialog { width: 70; max-width: 94%; height: auto; border: thick $error;
        background: $surface; padding: 1 2; }
    TypeCountScreen #count-title { text-style: bold; margin-bottom: 1; }
    TypeCountScreen #count-input { margin-top: 1; }
    TypeCountScreen #count-status { color: $error; height: auto; }
    TypeCountScreen #count-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    TypeCountScreen Button { margin-left: 2; }
    """

    def __init__(self, count: int, question: str, *, title: str = "Apply the bulk change") -> None:
        super().__init__()
        self.count = count
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="count-dialog"):
            yield Label(self.title_text, id="count-title")
            yield Static(self.question, id="count-question")
            yield Static(f"Type {self.count} to go on:", id="count-ask")
            yield Input(placeholder=str(self.count), id="count-input", restrict=r"[0-9,]*", compact=True)
            yield Static("", id="count-status")
            with Horizontal(id="count-buttons"):
                yield Button("Apply (enter)", id="count-ok", variant="error")
                yield Button("Cancel (esc)", id="count-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _check(self) -> None:
        typed = self.query_one(Input).value.replace(",", "").strip()
        if typed == str(self.count):
            self.dismiss(True)
            return
        self.query_one("#count-status", Static).update(
            f"That is not {self.count}: type the number of users that will change." if typed else f"Type {self.count}."
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "count-ok":
            self._check()
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
