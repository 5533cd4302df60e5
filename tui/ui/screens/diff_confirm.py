"""Confirm a section's changes before anything is sent: one line per changed field path.

``y`` / Send dismisses with True, ``n`` / Esc / Cancel with False (the caller keeps the edits).
With ``park``, ``d`` "Save as draft" dismisses with ``"draft"`` (nothing sent, the edits kept
as a draft); offline ``send_label`` says "Save as draft" and ``y`` keeps the draft.
Masked values (document numbers, date of birth) stay masked — the line still shows that the
field changed — until ``r`` reveals them; the reveal is reported through ``on_reveal`` (the
caller audits it: paths only, never values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.domain.diff import DiffLine, summary
from tui.domain.paths import Path
from tui.domain.warnings import ProfileWarning
from tui.ui.widgets.diff_lines import render_line
from tui.ui.widgets.warnings_view import WarningsBanner

__all__ = ["DiffConfirmScreen", "render_line", "DRAFT"]

DRAFT = "draft"
"""What the screen dismisses with when the agent keeps the changes as a draft (``d``)."""


class DiffConfirmScreen(ModalScreen["bool | str"]):
    DEFAULT_CSS = """
    DiffConfirmScreen { align: center middle; }
    DiffConfirmScreen > #diff-dialog {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    DiffConfirmScreen #diff-summary { text-style: bold; padding: 0 1; margin-bottom: 1; }
    DiffConfirmScreen #diff-warnings { margin-bottom: 1; }
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
        Binding("d", "park", "Save as draft", id="diff.park"),
    ]

    def __init__(
        self,
        section,
        lines: Sequence[DiffLine],
        *,
        target: str = "",
        on_reveal: Callable[[list[Path]], None] | None = None,
        warnings: Sequence[ProfileWarning] = (),
        send_label: str = "Send",
        park: bool = False,
        note: str = "",
    ) -> None:
        super().__init__()
        self.send_label = send_label
        self.park = park
        """``d`` keeps the changes as a draft instead (dismisses with :data:`DRAFT`)."""
        self.note = note
        """A line above the hint (which draft this is, what sending does)."""
        self.section = section
        self.lines = list(lines)
        self.target = target
        self.on_reveal = on_reveal
        self.revealed = False
        self.warnings = list(warnings)  # of the document about to be sent: shown, never a block

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
            yield WarningsBanner(self.warnings, id="diff-warnings")
            with VerticalScroll(id="diff-lines"):
                for i, line in enumerate(self.lines):
                    yield Static(render_line(line), id=f"diff-line-{i}", classes="diff-line")
            yield Static(self._hint(), id="diff-hint")
            with Horizontal(id="diff-buttons"):
                yield Button(f"{self.send_label} (y)", id="send", variant="primary")
                if self.park:
                    yield Button("Save as draft (d)", id="park")
                yield Button("Cancel (n)", id="cancel")

    def _hint(self) -> str:
        n = len(self.masked_lines)
        lead = f"{self.note}\n" if self.note else ""
        if not n:
            if self.park:
                return lead + "Nothing is sent until you confirm; d keeps the changes as a draft, unsent."
            return self.note or "Nothing is sent until you confirm."
        if self.revealed:
            return lead + f"{n} masked value{'s' if n != 1 else ''} shown (the reveal is in the audit log)."
        return lead + f"{n} masked value{'s' if n != 1 else ''}: press r to reveal (recorded in the audit log)."

    def on_mount(self) -> None:
        self.query_one("#send", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return bool(self.masked_lines) and not self.revealed
        if action == "park":
            return self.park
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
        if event.button.id == "park":
            self.action_park()
            return
        self.dismiss(event.button.id == "send")

    def action_send(self) -> None:
        self.dismiss(True)

    def action_park(self) -> None:
        if self.park:
            self.dismiss(DRAFT)

    def action_cancel(self) -> None:
        self.dismiss(False)
