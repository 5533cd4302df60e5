"""A small yes / no question as a modal: ``y`` / Enter on Yes confirms, ``n`` / Esc declines."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

__all__ = ["ConfirmScreen", "dismiss_asking"]


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True (yes) or False (no)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-dialog {
        width: 64; max-width: 90%; height: auto; border: thick $primary; background: $surface;
        padding: 1 2;
    }
    ConfirmScreen.-danger > #confirm-dialog { border: thick $error; }
    ConfirmScreen #confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #confirm-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; min-width: 10; }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]

    def __init__(
        self, question: str, *, title: str = "Confirm", yes: str = "Yes", no: str = "No", danger: bool = False
    ) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.question = question
        self.title_text = title
        self.yes_label = yes
        self.no_label = no
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self.title_text, id="confirm-title")
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error" if self.danger else "primary")
                yield Button(f"{self.no_label} (n)", id="no")

    def on_mount(self) -> None:
        # a dangerous question starts on "no": Enter alone never does the harm
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def dismiss_asking(screen: ModalScreen[Any], unsaved: bool, question: str, *, title: str, yes: str) -> None:
    """Dismiss ``screen`` with None; when ``unsaved``, only after the agent says ``yes`` to
    ``question`` (a dangerous question: it starts on "Keep editing")."""
    if not unsaved:
        screen.dismiss(None)
        return

    def answer(drop: bool | None) -> None:
        if drop:
            screen.dismiss(None)

    screen.app.push_screen(ConfirmScreen(question, title=title, yes=yes, no="Keep editing", danger=True), answer)
