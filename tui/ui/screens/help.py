"""Every key of the screen the agent came from, with its binding id (for the keymap)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

__all__ = ["HelpScreen", "HelpRow", "collect_bindings"]


@dataclass(frozen=True)
class HelpRow:
    keys: str
    description: str
    binding_id: str
    where: str


def collect_bindings(screen: Screen) -> list[HelpRow]:
    """The bindings of ``screen``, its widgets and the app, with the keymap applied."""
    app = screen.app
    keymap = app._keymap  # the keymap the app applies; read only
    nodes = [screen, *screen.walk_children(with_self=False), app]
    rows: dict[tuple[str, str], list[str]] = {}
    info: dict[tuple[str, str], tuple[str, str, str]] = {}
    seen_classes: set[type] = set()
    for node in nodes:
        if type(node) in seen_classes and node is not app:
            continue
        seen_classes.add(type(node))
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        for key, binding in bindings:
            if binding.system or not binding.id:
                continue
            ident = (binding.id, binding.action)
            rows.setdefault(ident, [])
            display = app.get_key_display(binding.with_key(key))
            if display not in rows[ident]:
                rows[ident].append(display)
            where = "app" if node is app else type(node).__name__
            info[ident] = (binding.description or binding.action, binding.id, where)
    out = [HelpRow(", ".join(keys), *info[ident]) for ident, keys in rows.items()]
    return sorted(out, key=lambda r: (r.where != "app", r.where, r.binding_id))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close", id="help.close")]

    def __init__(self, rows: list[HelpRow], title: str) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(f"Keys: {self.title_text}", id="help-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=False)
            table.add_columns("Keys", "Does", "Binding id")
            for row in self.rows:
                table.add_row(row.keys, row.description, row.binding_id)
            yield table
            yield Static('Remap in the config file: [keymap] "binding id" = "key" · Esc closes', id="help-foot")

    def action_close(self) -> None:
        self.dismiss(None)
