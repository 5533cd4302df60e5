"""A list of objects in the section form (addresses, phones, identity documents, loyalty
programs, ...): a compact table, one summary line per item, with keys to add, edit and
remove items. Adding and editing open :class:`~tui.ui.screens.item_editor.ItemEditorScreen`,
which holds a sub-form built by the same builder; for a oneOf list (identity documents) the
agent picks the kind when adding.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from tui.domain.edits import edits_from
from tui.domain.form_schema import SCALAR_KINDS, FieldSpec, variant_of
from tui.domain.items import describe_item, item_noun
from tui.domain.paths import ABSENT, Path
from tui.ui.widgets.form_fields import CHANGED_MARK, FormHost, display_text

__all__ = ["ObjectList", "summarize"]

SUMMARY_WIDTH = 58


def _ordered(children: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    required = [c for c in children if c.required]
    texts = [c for c in children if not c.required and c.kind in ("text", "int", "number")]
    rest = [c for c in children if c not in required and c not in texts]
    return required + texts + rest


def summarize(spec: FieldSpec, value: Any, limit: int = 6) -> list[str]:
    """Short texts for the values of one item, most telling first."""
    if not isinstance(value, dict):
        return [display_text(value)] if value is not ABSENT else []
    children = spec.children
    if spec.kind in ("union", "union_list"):
        variant = variant_of(spec, value)
        children = variant.spec.children if variant else ()
    parts: list[str] = []
    for child in _ordered(children):
        v = value.get(child.key, ABSENT)
        if v is ABSENT or v is None or len(parts) >= limit:
            continue
        if child.kind == "bool":
            if v is True:
                parts.append(child.label.lower())
        elif child.kind in SCALAR_KINDS:
            parts.append(display_text(v))
        elif child.kind in ("str_list", "enum_list") and isinstance(v, list):
            if v:
                parts.append(", ".join(map(display_text, v)))
        elif child.kind == "object":
            parts.extend(summarize(child, v, limit - len(parts)))
        elif child.kind in ("object_list", "union_list") and isinstance(v, list):
            if v:
                parts.append(f"{len(v)} {child.label.lower()}")
    return parts[:limit]


def _fit(text: str, width: int = SUMMARY_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fit_summary(parts: list[str], width: int) -> str:
    """The parts, " · "-joined, that fit in ``width`` cells: a part that does not fit is left
    out whole (later, shorter ones may still fit); only a first part wider than the row is cut."""
    shown: list[str] = []
    used = 0
    for part in parts:
        cost = len(part) + (3 if shown else 0)
        if used + cost <= width:
            shown.append(part)
            used += cost
    if not shown and parts:
        return _fit(parts[0], width)
    return " · ".join(shown)


class ObjectList(Vertical):
    BINDINGS = [
        Binding("a,insert", "add", "Add", id="list.add"),
        Binding("e", "edit", "Edit", id="list.edit"),
        Binding("d,delete", "remove", "Remove", id="list.remove"),
        Binding("r", "reveal", "Reveal", show=False, id="list.reveal"),
    ]
    DEFAULT_CSS = """
    ObjectList { height: auto; width: 1fr; border-left: tall $panel; padding-left: 1; }
    ObjectList > .list-title { height: 1; color: $foreground 80%; }
    ObjectList.-changed > .list-title { color: $warning; text-style: bold; }
    ObjectList.-error > .list-title { color: $error; }
    ObjectList > DataTable { height: auto; max-height: 8; width: 1fr; background: $surface; overflow-x: hidden; }
    ObjectList > .list-hint { height: 1; color: $foreground 50%; display: none; }
    ObjectList:focus-within > .list-hint { display: block; }
    ObjectList > .list-error { display: none; color: $error; height: auto; }
    ObjectList.-error > .list-error { display: block; }
    """

    def __init__(self, host: FormHost, spec: FieldSpec, rel: Path, *, read_only: bool = False) -> None:
        super().__init__()
        self.host = host
        self.spec = spec
        self.rel = rel
        self.read_only = read_only or spec.read_only or spec.deprecated
        self._shown_title = ""
        self._shown_error: str | None = None
        self._shown_width = 0

    @property
    def path(self) -> Path:
        return self.host.full(self.rel)

    @property
    def items(self) -> list:
        value = self.host.state.get(self.rel)
        return value if isinstance(value, list) else []

    def _title_text(self) -> str:
        mark = f"{CHANGED_MARK} " if self.host.state.changed(self.rel) else "  "
        ro = "  (read-only)" if self.read_only else ""
        req = " *" if self.spec.required and not self.read_only else ""
        return f"{mark}{self.host.label_for(self.spec, self.rel)}{req} ({len(self.items)}){ro}"

    def compose(self) -> ComposeResult:
        yield Static(self._title_text(), classes="list-title", markup=False)
        table: DataTable = DataTable(cursor_type="row", show_header=False, zebra_stripes=True)
        yield table
        hint = "enter: view" if self.read_only else "a: add · enter/e: edit · d: remove"
        yield Static(hint, classes="list-hint")
        yield Static("", classes="list-error", markup=False)

    def on_mount(self) -> None:
        tables = self.query_children(DataTable)
        if not tables:
            return  # removed as soon as mounted (a group opened, then the screen left): nothing to fill
        table = tables.first()
        table.add_column(" ", key="mark", width=1)
        if self.spec.kind == "union_list":
            table.add_column("Kind", key="kind")
        table.add_column("Summary", key="summary")
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        changed = self._changed_rows()
        for i, item in enumerate(self.items):
            shown = self.host.masked_view(self.rel + (i,), item)
            cells = [CHANGED_MARK if i in changed else " "]
            if self.spec.kind == "union_list":
                variant = variant_of(self.spec, item)
                cells.append(variant.label if variant else "?")
            cells.append(fit_summary(self._summary(i, shown), self._summary_width()) or "(empty)")
            table.add_row(*cells, key=str(i))
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        self.refresh_mark()

    def _changed_rows(self) -> set[int]:
        """The rows the agent changed or added. Items compare as a list, so removing one item
        marks nothing after it (those items only moved up)."""
        state = self.host.state
        base = state.base_get(self.rel)
        # under a key: edits_from compares lists item by item only below the document's root
        edits = edits_from({"items": base if isinstance(base, list) else []}, {"items": self.items})
        return {e.path[1] for e in edits if len(e.path) > 1 and isinstance(e.path[1], int) and e.kind != "remove"}

    def _summary(self, index: int, shown: Any) -> list[str]:
        """The item named as the section's hint says (as in diffs: one part), else its most
        telling values (parts, left out whole when the row is too narrow)."""
        root = self.host.full(self.rel + (index,))
        section = self.host.section
        lookup = getattr(section, "hint", None)
        if lookup is not None and isinstance(shown, dict):
            hinted = lookup(root) is not None or (len(shown) == 1 and lookup(root + (next(iter(shown)),)) is not None)
            if hinted:
                text = describe_item(section, root, shown, reveal=True)
                noun = item_noun(section, root, shown)
                return [text[len(noun) :].strip() if text.startswith(noun) else text]
        return list(summarize(self.spec, shown))

    def _summary_width(self) -> int:
        """Cells for the summary column: the list's width less its border, the mark and kind
        columns, the table's cell padding and scrollbar (SUMMARY_WIDTH before the first layout)."""
        width = self.content_region.width
        if not width:
            return SUMMARY_WIDTH
        kind = 0
        if self.spec.kind == "union_list":
            kind = max((len(v.label) for v in self.spec.variants), default=8) + 2
        return max(width - 3 - 2 - 2 - kind, 12)  # (and room for a vertical scrollbar)

    def on_resize(self) -> None:
        width = self._summary_width()
        if width != self._shown_width:
            self._shown_width = width
            self.refresh_rows()

    def refresh_mark(self) -> None:
        self.set_class(self.host.state.changed(self.rel), "-changed")
        text = self._title_text()
        if text != self._shown_title:
            self._shown_title = text
            self.query_one(".list-title", Static).update(text, layout=False)

    def refresh_mask(self) -> None:
        self.refresh_rows()

    def show_error(self, message: str | None) -> None:
        if message == self._shown_error:
            return
        self._shown_error = message
        self.set_class(bool(message), "-error")
        self.query_one(".list-error", Static).update(f"⚠ {message}" if message else "")

    # -- actions ---------------------------------------------------------------------------

    @property
    def cursor_index(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0:
            return None
        return min(table.cursor_row, len(self.items) - 1)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        if not self.read_only:
            self.open_editor(None)

    def action_edit(self) -> None:
        index = self.cursor_index
        if index is not None:
            self.open_editor(index)

    def action_remove(self) -> None:
        index = self.cursor_index
        if index is None or self.read_only:
            return
        self.remove_item(index)

    def action_reveal(self) -> None:
        index = self.cursor_index
        if index is not None:
            self.host.request_reveal(self.rel + (index,))

    class EditItem(Message):
        """Asks for the item editor (the app shows it; a widget opens no screen): item
        ``index`` of the list, or a new item when ``index`` is None. The editor's result
        goes back through :meth:`ObjectList.item_done`."""

        def __init__(self, object_list: ObjectList, index: int | None, item: Any) -> None:
            super().__init__()
            self.object_list = object_list
            self.index = index
            self.item = item

    def open_editor(self, index: int | None) -> None:
        if not self.screen.is_active:
            return  # a second Enter of a burst (RowSelected twice): one editor is enough
        item = self.items[index] if index is not None else None
        self.post_message(self.EditItem(self, index, item))

    # -- changes (also the API the tests and the item editor use) ---------------------------

    def item_done(self, index: int | None, result: Any) -> None:
        if result is None:
            return
        if index is None:
            self.add_item(result)
        else:
            self.replace_item(index, result)

    def add_item(self, item: Any) -> int:
        index = self.host.state.insert(self.rel, item)
        self._changed()
        self.query_one(DataTable).move_cursor(row=index)
        return index

    def replace_item(self, index: int, item: Any) -> None:
        if self.host.state.set(self.rel + (index,), item):
            self._changed()

    def remove_item(self, index: int) -> None:
        if self.host.state.remove(self.rel, index) is not ABSENT:
            self.host.item_removed(self.rel, index)
            self._changed()

    def _changed(self) -> None:
        self.show_error(None)
        self.refresh_rows()
        self.host.field_edited(self, self.rel)
