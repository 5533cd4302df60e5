"""The filter panel: the same filters as the typed query, as form fields.

It edits a :class:`UserQuery` and hands it back; the users screen writes it into the search
box, so the box and the panel always agree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from tui.api.operations import USER_STATUSES
from tui.domain.query import ID_FILTERS, KNOWN_PERSONAS, KNOWN_ROLES, KNOWN_TIERS, UserQuery

__all__ = ["FiltersScreen"]

_ID_LABELS = {
    "legal_entities": "Legal entity IDs",
    "offices": "Office IDs",
    "departments": "Department IDs",
    "cost_centers": "Cost center IDs",
}
_MULTI = "(several: edit in the search box)"


def _select_value(values: tuple[str, ...]) -> object:
    if not values:
        return Select.NULL
    return values[0] if len(values) == 1 else _MULTI


def _options(known: tuple[str, ...], current: tuple[str, ...]) -> list[tuple[str, str]]:
    opts = [(v.replace("_", " ").title(), v) for v in known]
    if len(current) == 1 and current[0] not in known:
        opts.append((current[0], current[0]))
    if len(current) > 1:
        opts.append((" | ".join(current), _MULTI))
    return opts


class FiltersScreen(ModalScreen[UserQuery | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filters.cancel"),
        Binding("ctrl+s,f10", "apply", "Apply", id="filters.apply"),
        Binding("ctrl+l", "clear", "Clear all", id="filters.clear"),
    ]

    def __init__(self, query: UserQuery, default_status: str) -> None:
        super().__init__()
        self.original = query
        self.default_status = default_status

    def compose(self) -> ComposeResult:
        q = self.original
        with Vertical(id="filters-box"):
            yield Label("Filters  (Enter/ctrl+s apply · Esc cancel · ctrl+l clear)", id="filters-title")
            with Grid(id="filters-grid"):
                yield Label("Status")
                yield Select(
                    [(status.title(), status) for status in USER_STATUSES],
                    value=q.effective_status(self.default_status),
                    allow_blank=False,
                    id="f-status",
                    compact=True,
                )
                for attr, known, label in (
                    ("personas", KNOWN_PERSONAS, "Persona"),
                    ("tiers", KNOWN_TIERS, "Tier"),
                    ("roles", KNOWN_ROLES, "Role"),
                ):
                    yield Label(label)
                    current = getattr(q, attr)
                    yield Select(
                        _options(known, current),
                        value=_select_value(current),
                        prompt="any",
                        id=f"f-{attr}",
                        compact=True,
                    )
                for attr, label in _ID_LABELS.items():
                    yield Label(label)
                    yield Input(
                        ",".join(getattr(q, attr)),
                        placeholder="id, id, …",
                        id=f"f-{attr}",
                        compact=True,
                        select_on_focus=False,
                    )
                yield Label("Text")
                yield Input(q.text, placeholder="name, email, …", id="f-text", compact=True, select_on_focus=False)
            with Horizontal(id="filters-buttons"):
                yield Button("Apply", id="filters-apply", variant="primary", compact=True)
                yield Button("Cancel", id="filters-cancel", compact=True)

    def result(self) -> UserQuery:
        q = self.original
        changes: dict[str, object] = {}
        status = self.query_one("#f-status", Select).value
        changes["status"] = None if status == self.default_status and q.status is None else status
        for attr in ("personas", "tiers", "roles"):
            value = self.query_one(f"#f-{attr}", Select).value
            if value == _MULTI:
                continue  # untouched multi-value filter: keep as typed
            changes[attr] = () if value is Select.NULL else (str(value),)
        for attr in ID_FILTERS:
            raw = self.query_one(f"#f-{attr}", Input).value
            changes[attr] = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        changes["text"] = " ".join(self.query_one("#f-text", Input).value.split())
        return q.with_values(**changes, warnings=())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "filters-apply":
            self.action_apply()
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        self.dismiss(UserQuery())
