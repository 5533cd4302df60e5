"""Add or edit one item of a list of objects, in a modal holding a sub-form.

The sub-form is a :class:`SectionForm` over the item alone (same builder, same masking: it
shares the parent form's revealed paths, and its reveal requests go out through the parent
form so the profile screen can audit them). For a oneOf list (identity documents) the agent
picks the kind first when adding. Saving (Ctrl+S or the Save button) first takes what the
focused field shows (its change message may still be queued behind the key, and an open
drop-down's highlighted option counts as chosen), validates the item with its model and
dismisses with the item's JSON; an invalid item keeps the editor open and says why, live
until fixed. Cancelling dismisses with ``None``.
"""

from __future__ import annotations

import json
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Select, Static

from tui.domain.form_schema import FieldSpec, Variant, variant_of
from tui.domain.messages import fields_to_fix
from tui.domain.paths import Path
from tui.ui.screens.confirm import dismiss_asking
from tui.ui.widgets.form_fields import FormField
from tui.ui.widgets.object_list import ObjectList
from tui.ui.widgets.section_form import SectionForm

__all__ = ["ItemEditorScreen", "show_item_editor"]


class ItemEditorScreen(ModalScreen[Any]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="item.save"),
        Binding(
            "escape", "cancel", "Cancel", tooltip="Leave the field first; from the buttons, the item", id="item.cancel"
        ),
    ]
    DEFAULT_CSS = """
    ItemEditorScreen { align: center middle; }
    ItemEditorScreen > #item-box { width: 90%; max-width: 100; height: 90%; border: round $primary;
        background: $surface; padding: 0 1; }
    ItemEditorScreen #item-kind { width: 1fr; margin-bottom: 1; }
    ItemEditorScreen #item-form-slot { height: 1fr; }
    ItemEditorScreen .item-note { color: $foreground 60%; height: auto; }
    ItemEditorScreen #item-buttons { height: auto; align-horizontal: right; }
    ItemEditorScreen #item-buttons Button { margin-left: 1; }
    ItemEditorScreen #item-status { color: $error; height: auto; }
    """

    def __init__(
        self,
        host: SectionForm,
        list_spec: FieldSpec,
        list_rel: Path,
        index: int | None,
        item: Any = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.host = host
        self.list_spec = list_spec
        self.list_rel = tuple(list_rel)
        self.index = index
        self.item = item
        self.read_only = read_only
        self.form: SectionForm | None = None
        self.variant: Variant | None = None
        self._problems_shown = False
        if list_spec.kind == "union_list" and item is not None:
            self.variant = variant_of(list_spec, item)

    @property
    def has_unsaved_changes(self) -> bool:
        """Typed into and not applied yet (the app asks before leaving such an editor)."""
        return bool(not self.read_only and self.form is not None and self.form.has_changes)

    @property
    def unsaved_noun(self) -> str:
        return f"the {self.host.label_for(self.list_spec, self.list_rel).lower()} item being edited"

    @property
    def adding(self) -> bool:
        return self.index is None

    @property
    def item_path(self) -> Path:
        """The item's path from the section root."""
        items = self.host.state.get(self.list_rel)
        index = self.index if self.index is not None else (len(items) if isinstance(items, list) else 0)
        return self.host.full(self.list_rel) + (index,)

    def _title_text(self) -> str:
        label = self.host.label_for(self.list_spec, self.list_rel)
        kind = f" — {self.variant.label}" if self.variant else ""
        if self.adding:
            return f"New item: {label}{kind}"
        verb = "View" if self.read_only else "Edit"
        return f"{verb} {label}, item {self.index + 1}{kind}"

    def compose(self) -> ComposeResult:
        with Vertical(id="item-box") as box:
            box.border_title = self._title_text()
            if self.list_spec.kind == "union_list" and self.adding:
                options = [(v.label, v.name) for v in self.list_spec.variants]
                yield Select(options, prompt="Pick the kind of item", id="item-kind", compact=True)
            with Vertical(id="item-form-slot"):
                if self.list_spec.kind == "object_list":
                    yield self._make_form(self.list_spec.item_spec)
                elif self.variant is not None:
                    yield self._make_form(self.variant.spec)
                elif not self.adding:
                    yield Static(
                        "This version cannot edit this kind of item; it is kept as it is.\n"
                        + json.dumps(self.host.masked_view(self.item_path[len(self.host.prefix) :], self.item))[:400],
                        classes="item-note",
                        markup=False,
                    )
            yield Static("", id="item-status", markup=False)
            with Horizontal(id="item-buttons"):
                if not self.read_only:
                    yield Button("Save (ctrl+s)", id="item-save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="item-cancel", compact=True)

    def _make_form(self, spec: FieldSpec) -> SectionForm:
        self.form = SectionForm(
            self.host.section,
            self.item if isinstance(self.item, dict) else {},
            spec=spec,
            prefix=self.item_path,
            read_only=self.read_only,
            revealed=self.host._revealed,
            expand_groups=True,
            id="item-form",
        )
        return self.form

    def on_mount(self) -> None:
        if self.form is not None:
            self.host.attach_child(self.form)
        else:
            try:
                self.query_one("#item-kind", Select).focus()
            except Exception:
                pass

    def on_unmount(self) -> None:
        if self.form is not None:
            self.host.detach_child(self.form)

    # -- events ------------------------------------------------------------------------

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "item-kind":
            return
        event.stop()
        chosen = next((v for v in self.list_spec.variants if v.name == event.value), None)
        if chosen is None or chosen is self.variant:
            return
        self.variant = chosen
        if self.form is not None:
            self.host.detach_child(self.form)
            await self.form.remove()  # gone before its successor (same id) is mounted
        slot = self.query_one("#item-form-slot")
        await slot.mount(self._make_form(chosen.spec))
        self.host.attach_child(self.form)
        self.query_one("#item-box").border_title = self._title_text()
        self._show_problems([])  # "pick the kind first" no longer applies

    def on_section_form_reveal_requested(self, event: SectionForm.RevealRequested) -> None:
        if event.form is not self.form:
            return
        event.stop()  # the profile screen listens on the parent form: go out through it
        self.host.post_message(SectionForm.RevealRequested(event.path, self.host))

    def on_section_form_changed(self, event: SectionForm.Changed) -> None:
        event.stop()  # only the parent form's changes concern the screen below
        if self._problems_shown and self.form is not None:
            self._show_problems(self.form.validate())  # after a refused save: live until fixed

    def _show_problems(self, errors: list) -> None:
        self._problems_shown = bool(errors)
        text = ""
        if errors:
            path, message = errors[0]
            where = self.host.section.label(self.form.full(tuple(path))) if path and self.form else "item"
            text = f"{fields_to_fix(errors)} before saving this item ({where}: {message})."
        self.query_one("#item-status", Static).update(text)

    def _commit_focused(self) -> None:
        """What the focused field shows becomes its value now (see the module docstring)."""
        node = self.focused
        while node is not None and node is not self.form:
            if isinstance(node, FormField):
                node.commit()
                return
            node = node.parent

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "item-save":
            self.action_save()
        else:
            self.action_cancel()

    # -- actions -----------------------------------------------------------------------

    def action_save(self) -> None:
        if self.read_only:
            self.dismiss(None)
            return
        status = self.query_one("#item-status", Static)
        if self.form is None:
            status.update("Pick the kind of item first.")
            return
        self._commit_focused()
        errors = self.form.validate()
        if errors:
            self._show_problems(errors)
            return
        if not self.adding and not self.form.has_changes:
            self.dismiss(None)
            return
        self.dismiss(self.form.value)

    def action_cancel(self) -> None:
        """Esc in a field leaves the field (to the buttons, its value kept); Esc again, or
        Cancel, leaves the item, asking first when something was typed."""
        focused = self.focused
        if focused is not None and not isinstance(focused, Button):
            self._commit_focused()
            self.set_focus(self.query_one("#item-cancel" if self.read_only else "#item-save", Button))
            return
        dismiss_asking(
            self,
            self.has_unsaved_changes,
            f"Drop the changes to {self.unsaved_noun}?",
            title="Unsaved item",
            yes="Drop changes",
        )


def show_item_editor(app: App[Any], message: ObjectList.EditItem) -> None:
    """Open the item editor an :class:`ObjectList` asked for; its result goes back to the list.
    (The app handles ``ObjectList.EditItem`` with this, for every screen that holds a form.)"""
    message.stop()
    lst, index = message.object_list, message.index
    if lst.screen is not app.screen:
        return  # a second Enter of a burst: one editor is enough
    screen = ItemEditorScreen(lst.host, lst.spec, lst.rel, index, message.item, read_only=lst.read_only)
    app.push_screen(screen, lambda result: lst.item_done(index, result))
