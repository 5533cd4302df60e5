"""The filter panel: the same filters as the typed query, as form fields.

It edits a :class:`UserQuery` and hands it back; the users screen writes it into the search
box, so the box and the panel always agree. Legal entities, offices, departments and cost
centers are picked by name from the scope's reference directory (what the list has shown so
far). Enter applies the panel from any field (a dropdown that is open takes its Enter first).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tui.api.operations import USER_STATUSES
from tui.domain.directory import KIND_LABELS, ReferenceDirectory
from tui.domain.query import ID_FILTERS, KNOWN_PERSONAS, KNOWN_ROLES, KNOWN_TIERS, UserQuery
from tui.ui.widgets.reference_input import ReferenceInput

__all__ = ["FiltersScreen"]

_REF_LABELS = {
    "legal_entities": "Legal entity",
    "offices": "Office",
    "departments": "Department",
    "cost_centers": "Cost center",
}
_MULTI = "(several: edit in the search box)"
_SHOWN_MATCHES = 3


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
        # priority: Enter on a Select or a name field applies too (see check_action)
        Binding("enter", "apply", "Apply", show=False, priority=True, id="filters.apply_enter"),
        Binding("ctrl+l", "clear", "Clear all", id="filters.clear"),
    ]

    def __init__(self, query: UserQuery, default_status: str, directory: ReferenceDirectory | None = None) -> None:
        super().__init__()
        self.original = query
        self.default_status = default_status
        self.directory = directory if directory is not None else ReferenceDirectory()

    def compose(self) -> ComposeResult:
        q = self.original
        with Vertical(id="filters-box"):
            yield Label("Filters  (Enter apply · Esc cancel · ctrl+l clear)", id="filters-title")
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
                for attr, label in _REF_LABELS.items():
                    yield Label(label)
                    yield ReferenceInput(
                        attr, self.directory, getattr(q, attr), id=f"f-{attr}", compact=True, select_on_focus=False
                    )
                yield Label("Email")
                yield Input(
                    ",".join(q.emails),
                    placeholder="exact address, …",
                    id="f-emails",
                    compact=True,
                    select_on_focus=False,
                )
                yield Label("Text")
                yield Input(q.text, placeholder="name, email, …", id="f-text", compact=True, select_on_focus=False)
            yield Static("", id="filters-matches")
            with Horizontal(id="filters-buttons"):
                yield Button("Apply", id="filters-apply", variant="primary", compact=True)
                yield Button("Cancel", id="filters-cancel", compact=True)

    def on_mount(self) -> None:
        self._show_matches()

    # -- the names that match the focused name field -----------------------------------------
    def _show_matches(self, error: str | None = None) -> None:
        line = self.query_one("#filters-matches", Static)
        line.set_class(error is not None, "-error")
        if error is not None:
            line.update(f"⚠ {error}")
            return
        field = self.focused if isinstance(self.focused, ReferenceInput) else None
        if field is None:
            seen = ", ".join(f"{self.directory.count(k)} {KIND_LABELS[k][1]}" for k in ID_FILTERS)
            line.update(f"Seen: {seen}")
            return
        one, many = field.label
        names = field.matches()
        if not names:
            line.update(f"no {one} matches (of {field.directory.count(field.kind)} seen)")
            return
        shown = " · ".join(names[:_SHOWN_MATCHES]) + (" · …" if len(names) > _SHOWN_MATCHES else "")
        count = f"{len(names)} {many if len(names) != 1 else one}"
        line.update(f"{count}: {shown}  (↑↓ pick)")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_matches()

    def on_descendant_focus(self) -> None:
        self._show_matches()

    # -- result ------------------------------------------------------------------------------
    def result(self) -> UserQuery | None:
        """The query of the panel; None (and the reason shown) when a name matches nothing
        or several names."""
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
            field = self.query_one(f"#f-{attr}", ReferenceInput)
            picked, error = field.picked()
            if error:
                self._show_matches(error)
                field.focus()
                return None
            changes[attr] = picked
        raw = self.query_one("#f-emails", Input).value
        changes["emails"] = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        changes["text"] = " ".join(self.query_one("#f-text", Input).value.split())
        return q.with_values(**changes, warnings=())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply" and isinstance(self.focused, Button):
            return False  # Enter presses the focused button (Cancel cancels)
        if action == "apply" and any(s.expanded for s in self.query(Select)):
            return False  # an open dropdown takes Enter to pick its option
        return True

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
        result = self.result()
        if result is not None:
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        self.dismiss(UserQuery())
