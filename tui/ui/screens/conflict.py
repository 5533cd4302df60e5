"""The section changed on the server since the agent opened it: show both sides, never
overwrite silently.

- Different fields on each side: one choice, "apply my changes on the server's copy".
- The same field on both sides: the agent picks per field, mine or theirs (``RadioSet`` per
  conflict; ``m`` / ``t`` pick mine / theirs for all).
- Cancel (Esc) sends nothing and keeps the edits; Discard drops the agent's edits and shows
  the server's copy.

Dismisses with a :class:`ConflictDecision` or None (cancel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from tui.domain.diff import format_value, lines_from_edits
from tui.domain.masking import is_masked, mask_for_screen
from tui.domain.merge import Choice, Conflict, ConflictDecision, MergeResult
from tui.domain.paths import ABSENT, Path, matches
from tui.ui.screens.diff_confirm import render_line

__all__ = ["ConflictScreen", "ConflictDecision"]


def _touches_mask(section: Any, path: Path) -> bool:
    """The value at ``path`` is, or holds, something masked on screen."""
    path = tuple(path)
    return is_masked(section, path) or any(
        len(p) > len(path) and matches(p[: len(path)], path) for p in section.masked_paths
    )


class ConflictScreen(ModalScreen[ConflictDecision | None]):
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > #conflict-dialog {
        width: 94%; max-width: 120; height: auto; max-height: 94%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConflictScreen #conflict-summary { text-style: bold; padding: 0 1; }
    ConflictScreen #conflict-body { height: auto; max-height: 50vh; padding: 0 1; }
    ConflictScreen .conflict-heading { text-style: bold underline; margin-top: 1; }
    ConflictScreen .conflict-line { height: auto; }
    ConflictScreen .conflict-item { height: auto; border-left: wide $warning; padding-left: 1; margin-top: 1; }
    ConflictScreen RadioSet { height: auto; width: 100%; layout: horizontal; border: none; padding: 0; }
    ConflictScreen RadioSet:focus { border: none; background: $boost; }
    ConflictScreen RadioButton { width: auto; margin-right: 2; }
    ConflictScreen #conflict-hint { color: $text-muted; padding: 0 1; margin-top: 1; }
    ConflictScreen #conflict-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ConflictScreen Button { margin-left: 1; }
    """

    BINDINGS = [
        Binding("a", "apply", "Apply", id="conflict.apply"),
        Binding("m", "all('mine')", "All mine", id="conflict.all_mine"),
        Binding("t", "all('theirs')", "All theirs", id="conflict.all_theirs"),
        Binding("d", "discard", "Discard mine", id="conflict.discard"),
        Binding("r", "reveal", "Reveal masked", id="conflict.reveal"),
        Binding("escape", "cancel", "Cancel", id="conflict.cancel"),
    ]

    def __init__(
        self, section: Any, result: MergeResult, *, on_reveal: Callable[[list[Path]], None] | None = None
    ) -> None:
        super().__init__()
        self.section = section
        self.result = result
        self.on_reveal = on_reveal
        self.revealed = False
        self.choices: dict[Path, Choice] = {}
        self.server_lines = lines_from_edits(result.server_changes, section)
        self.my_lines = lines_from_edits(result.mine, section)

    @property
    def conflicts(self) -> list[Conflict]:
        return list(self.result.conflicts)

    def compose(self) -> ComposeResult:
        noun = self.section.noun
        with Vertical(id="conflict-dialog") as dialog:
            dialog.border_title = "Changed on the server"
            if self.conflicts:
                n = len(self.conflicts)
                head = (
                    f"Someone changed the {noun} since you opened it; {n} field{'s' if n != 1 else ''} "
                    "changed on both sides."
                )
            else:
                head = f"Someone changed the {noun} since you opened it, in other fields than yours."
            yield Static(head, id="conflict-summary")
            with VerticalScroll(id="conflict-body"):
                yield Label(f"On the server ({len(self.server_lines)})", classes="conflict-heading")
                for i, line in enumerate(self.server_lines):
                    yield Static(render_line(line), id=f"server-line-{i}", classes="conflict-line")
                yield Label(f"Your changes ({len(self.my_lines)})", classes="conflict-heading")
                for i, line in enumerate(self.my_lines):
                    yield Static(render_line(line), id=f"mine-line-{i}", classes="conflict-line")
                if self.conflicts:
                    yield Label("Changed on both sides: keep which?", classes="conflict-heading")
                    for i, c in enumerate(self.conflicts):
                        with Vertical(classes="conflict-item", id=f"conflict-{i}"):
                            yield Static(self._conflict_text(c), id=f"conflict-text-{i}")
                            with RadioSet(id=f"choice-{i}"):
                                yield RadioButton("Keep mine", id=f"choice-{i}-mine")
                                yield RadioButton("Keep theirs", id=f"choice-{i}-theirs")
            yield Static(self._hint(), id="conflict-hint")
            with Horizontal(id="conflict-buttons"):
                label = "Apply choices (a)" if self.conflicts else "Apply mine on the server copy (a)"
                yield Button(label, id="apply", variant="primary", disabled=bool(self.conflicts))
                yield Button("Discard mine (d)", id="discard", variant="warning")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        if self.conflicts:
            self.query_one("#choice-0", RadioSet).focus()
        else:
            self.query_one("#apply", Button).focus()

    # -- rendering -------------------------------------------------------------------------
    def _shown(self, path: Path, value: Any) -> str:
        if value is ABSENT:
            return "(none)"
        if not self.revealed:
            value = mask_for_screen(self.section, path, value)
        return format_value(value, 70)

    def _conflict_text(self, c: Conflict) -> Text:
        text = Text()
        label = self.section.label(c.path)
        text.append(label, style="bold")
        if label != c.label:
            text.append(f" ({c.label})", style="dim")
        text.append("\n  was:    ", style="dim")
        text.append(self._shown(c.path, c.base), style="dim")
        text.append("\n  server: ")
        text.append(self._shown(c.path, c.theirs), style="magenta")
        text.append("\n  yours:  ")
        text.append(self._shown(c.path, c.mine), style="yellow")
        return text

    def _masked_paths(self) -> list[Path]:
        paths = [line.path for line in self.server_lines + self.my_lines if line.masked]
        paths += [c.path for c in self.conflicts if _touches_mask(self.section, c.path)]
        return list(dict.fromkeys(paths))

    def _hint(self) -> str:
        parts = []
        if self.conflicts:
            missing = len(self.conflicts) - len(self.choices)
            parts.append(
                f"{missing} field{'s' if missing != 1 else ''} still to choose; "
                if missing
                else "Every field has a choice; "
            )
            parts.append("m / t: all mine / all theirs.")
        else:
            parts.append("Applying keeps the server's changes and adds yours.")
        if self._masked_paths() and not self.revealed:
            parts.append(" r reveals masked values (audited).")
        parts.append(" Esc: send nothing, keep editing.")
        return "".join(parts)

    # -- choosing --------------------------------------------------------------------------
    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        set_id = event.radio_set.id or ""
        if not set_id.startswith("choice-"):
            return
        i = int(set_id.removeprefix("choice-"))
        pressed = event.pressed.id or ""
        self.choices[self.conflicts[i].path] = "mine" if pressed.endswith("-mine") else "theirs"
        self._update_state()

    def _update_state(self) -> None:
        self.query_one("#apply", Button).disabled = len(self.choices) < len(self.conflicts)
        self.query_one("#conflict-hint", Static).update(self._hint())

    def action_all(self, which: str) -> None:
        for i in range(len(self.conflicts)):
            self.query_one(f"#choice-{i}-{which}", RadioButton).value = True

    def action_reveal(self) -> None:
        paths = self._masked_paths()
        if self.revealed or not paths:
            return
        self.revealed = True
        if self.on_reveal is not None:
            self.on_reveal(paths)
        for i, line in enumerate(self.server_lines):
            self.query_one(f"#server-line-{i}", Static).update(render_line(line, reveal=True))
        for i, line in enumerate(self.my_lines):
            self.query_one(f"#mine-line-{i}", Static).update(render_line(line, reveal=True))
        for i, c in enumerate(self.conflicts):
            self.query_one(f"#conflict-text-{i}", Static).update(self._conflict_text(c))
        self.query_one("#conflict-hint", Static).update(self._hint())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"apply": self.action_apply, "discard": self.action_discard, "cancel": self.action_cancel}[
            event.button.id or "cancel"
        ]()

    def action_apply(self) -> None:
        if len(self.choices) < len(self.conflicts):
            self.notify("Choose mine or theirs for every field first.", severity="warning")
            return
        self.dismiss(ConflictDecision("apply", dict(self.choices)))

    def action_discard(self) -> None:
        self.dismiss(ConflictDecision("discard"))

    def action_cancel(self) -> None:
        self.dismiss(None)
