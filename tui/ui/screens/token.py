"""Asks for a bearer token after a 401, for this session only.

The token is handed back to the caller (the app keeps it in the environment's in-memory
``token``): it is never written to a file, the config or the log, and the input masks it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

__all__ = ["TokenScreen"]


class TokenScreen(ModalScreen[str | None]):
    """Dismisses with the token typed (stripped), or None (Esc, or nothing typed)."""

    DEFAULT_CSS = """
    TokenScreen { align: center middle; }
    TokenScreen > #token-dialog {
        width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    TokenScreen #token-title { text-style: bold; margin-bottom: 1; }
    TokenScreen #token-keys { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="token.cancel")]

    def __init__(self, env_name: str, reason: str = "") -> None:
        super().__init__()
        self.env_name = env_name
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="token-dialog"):
            yield Label(f"Token for {self.env_name}", id="token-title")
            yield Static(
                (f"{self.reason}\n" if self.reason else "")
                + "Paste a bearer token to use for this session. It stays in memory only: "
                "never saved to a file or written to the log.",
                id="token-why",
            )
            yield Input(password=True, placeholder="bearer token", id="token-input")
            yield Static("Enter use it and retry · Esc cancel", id="token-keys")

    def on_mount(self) -> None:
        self.query_one("#token-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        token = event.value.strip()
        self.dismiss(token or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
