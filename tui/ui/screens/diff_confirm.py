"""Confirm a section's changes before anything is sent: one line per changed field path.

``y`` / Send dismisses with True, ``n`` / Esc / Cancel with False (the caller keeps the edits).
Masked values (document numbers, date of birth) stay masked — the line still shows that the
field changed — until ``r`` reveals them; the reveal is reported through ``on_reveal`` (the
caller audits it: paths only, never values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.domain.diff import ARROW, DiffLine, format_value, summary
from tui.domain.paths import Path

__all__ = ["DiffConfirmScreen", "render_line"]

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


class DiffConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    DiffConfirmScreen { align: center middle; }
    DiffConfirmScreen > #diff-dialog {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DiffConfirmScreen #diff-summary { text-style: bold; padding: 0 1; margin-bottom: 1; }
    DiffConfirmScreen #diff-lines { height: auto; max-height: 50vh; padding: 0 1; }
    DiffConfirmScreen .diff-line { height: auto; }
    DiffConfirmScreen #diff-hint { color: $text-muted; padding: 0 1; margin-top: 1; }
    DiffConfirmScreen #diff-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    DiffConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("y", "send", "Send", id="diff.send"),
        Binding("n", "cancel", "Cancel", id="diff.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="diff.escape"),
        Binding("r", "reveal", "Reveal masked", id="diff.reveal"),
    ]

    def __init__(
        self,
        section,
        lines: Sequence[DiffLine],
        *,
        target: str = "",
        on_reveal: Callable[[list[Path]], None] | None = None,
    ) -> None:
        super().__init__()
        self.section = section
        self.lines = list(lines)
        self.target = target
        self.on_reveal = on_reveal
        self.revealed = False

    @property
    def masked_lines(self) -> list[DiffLine]:
        return [line for line in self.lines if line.masked]

    def compose(self) -> ComposeResult:
        with Vertical(id="diff-dialog") as dialog:
            dialog.border_title = "Confirm changes"
            head = summary(self.section, self.lines)
            if self.target:
                head += f" of {self.target}"
            yield Label(head, id="diff-summary")
            with VerticalScroll(id="diff-lines"):
                for i, line in enumerate(self.lines):
                    yield Static(render_line(line), id=f"diff-line-{i}", classes="diff-line")
            yield Static(self._hint(), id="diff-hint")
            with Horizontal(id="diff-buttons"):
                yield Button("Send (y)", id="send", variant="primary")
                yield Button("Cancel (n)", id="cancel")

    def _hint(self) -> str:
        n = len(self.masked_lines)
        if not n:
            return "Nothing is sent until you confirm."
        if self.revealed:
            return f"{n} masked value{'s' if n != 1 else ''} shown (the reveal is in the audit log)."
        return f"{n} masked value{'s' if n != 1 else ''}: press r to reveal (recorded in the audit log)."

    def on_mount(self) -> None:
        self.query_one("#send", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return bool(self.masked_lines) and not self.revealed
        return True

    def action_reveal(self) -> None:
        if self.revealed or not self.masked_lines:
            return
        self.revealed = True
        if self.on_reveal is not None:
            self.on_reveal([line.path for line in self.masked_lines])
        for i, line in enumerate(self.lines):
            self.query_one(f"#diff-line-{i}", Static).update(render_line(line, reveal=True))
        self.query_one("#diff-hint", Static).update(self._hint())
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "send")

    def action_send(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
