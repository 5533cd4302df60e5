"""The user list: a virtual, line-rendered table over a :class:`ListModel`.

It draws only the rows on screen, however many users there are; rows not fetched yet show
a placeholder, and the table asks (``NeedRows``) for the pages it is looking at. The first
line is a fixed header; columns share out the width (name, email and office grow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.ui.list_model import ListModel, UserRow

__all__ = ["UserTable", "Column", "layout_columns"]

LOOKAHEAD = 30  # rows past the bottom of the screen to fetch ahead


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int


# key, title, minimum width, share of the spare width
_COLUMNS = (
    ("name", "Name", 14, 30),
    ("email", "Email", 16, 36),
    ("employee_id", "Emp. ID", 9, 3),
    ("persona", "Persona", 8, 1),
    ("office", "Office / org", 10, 24),
    ("active", "Active", 6, 0),
)


def layout_columns(width: int) -> list[Column]:
    """Share ``width`` cells out among the columns (one space between columns)."""
    gaps = len(_COLUMNS) - 1
    minimum = sum(c[2] for c in _COLUMNS) + gaps
    spare = max(0, width - minimum)
    shares = sum(c[3] for c in _COLUMNS)
    widths = [c[2] + spare * c[3] // shares for c in _COLUMNS]
    leftover = max(0, width - gaps - sum(widths))
    widths[0] += leftover  # rounding leftovers go to the name
    return [Column(key, title, w) for (key, title, _, _), w in zip(_COLUMNS, widths, strict=True)]


def _fit(text: str, width: int) -> str:
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


def _cell(row: UserRow, key: str) -> str:
    if key == "active":
        return "yes" if row.active else "no"
    if key == "persona":
        return row.persona.replace("_", " ").title()
    return getattr(row, key)


class UserTable(ScrollView, can_focus=True):
    """Keyboard and mouse navigation over the rows of a ListModel."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="users.cursor_down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="users.cursor_up"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="users.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="users.page_up"),
        Binding("g,home", "first", "First", show=False, id="users.first"),
        Binding("G,end", "last", "Last", show=False, id="users.last"),
        Binding("enter", "select", "Open", show=False, id="users.open"),
    ]

    COMPONENT_CLASSES = {
        "user-table--header",
        "user-table--cursor",
        "user-table--inactive",
        "user-table--placeholder",
    }

    DEFAULT_CSS = """
    UserTable { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    cursor = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        table: UserTable
        index: int
        row: UserRow | None

    @dataclass
    class Selected(Message):
        table: UserTable
        index: int
        row: UserRow

    @dataclass
    class Scrolled(Message):
        table: UserTable

    @dataclass
    class TypeAhead(Message):
        """A printable key nobody binds (or a paste) reached the list: it is meant for search."""

        table: UserTable
        text: str

    @dataclass
    class NeedRows(Message):
        """Rows ``first..last`` are (about to be) on screen: fetch what is missing."""

        table: UserTable
        first: int
        last: int

    def __init__(self, model: ListModel, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model = model
        self.sort_descending = False
        self._last_need: tuple[int, int, int] | None = None
        self.type_ahead: Callable[[str], None] | None = None  # set by the screen

    # -- data ------------------------------------------------------------------------------
    def data_changed(self, *, reset_cursor: bool = False) -> None:
        """Call after the model changed (a page arrived, a new query began)."""
        if reset_cursor:
            self.set_reactive(UserTable.cursor, 0)
            self.scroll_to(y=0, animate=False, immediate=True)
            self._last_need = None
        total = self.model.row_count
        self.virtual_size = Size(self.size.width, total + 1)
        if total and self.cursor >= total:
            self.cursor = total - 1
        self.refresh()
        self._ask_for_rows()

    @property
    def body_height(self) -> int:
        return max(1, self.size.height - 1)

    @property
    def highlighted_row(self) -> UserRow | None:
        return self.model.row(self.cursor) if self.model.row_count else None

    def _ask_for_rows(self) -> None:
        if not self.model.loaded:
            return
        first = int(self.scroll_y)
        last = first + self.body_height + LOOKAHEAD
        last = max(last, self.cursor + LOOKAHEAD)
        key = (self.model.generation, first, last)
        if key == self._last_need:
            return
        if self.model.missing_pages(first, last):
            self._last_need = key
            self.post_message(self.NeedRows(self, first, last))

    # -- rendering -------------------------------------------------------------------------
    @property
    def row_width(self) -> int:
        return self.scrollable_content_region.width

    def render_line(self, y: int) -> Strip:
        width = self.row_width
        base = self.rich_style
        columns = layout_columns(width)
        if y == 0:
            return self._render_header(columns, width, base)
        index = int(self.scroll_y) + y - 1
        if index >= self.model.row_count:
            return Strip.blank(width, base)
        row = self.model.row(index)
        is_cursor = index == self.cursor
        if row is None:
            style = base + self.get_component_rich_style("user-table--placeholder")
            failed = self.model.failed(index)
            text = "  ⚠ not loaded: press r to retry" if failed else "  …"
            if is_cursor:
                style += self.get_component_rich_style("user-table--cursor")
            return Strip([Segment(_fit(text, width), style)], width)
        style = base
        if not row.active:
            style += self.get_component_rich_style("user-table--inactive")
        if is_cursor:
            style += self.get_component_rich_style("user-table--cursor")
        cells = [_fit(_cell(row, c.key), c.width) for c in columns]
        line = " ".join(cells)
        return Strip([Segment(_fit(line, width), style)], width)

    def _render_header(self, columns: list[Column], width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("user-table--header")
        titles = []
        for c in columns:
            title = c.title
            if c.key == "name":
                title += " ▼" if self.sort_descending else " ▲"
            titles.append(_fit(title, c.width))
        return Strip([Segment(_fit(" ".join(titles), width), style)], width)

    def render_header_text(self) -> Text:  # used by tests
        return Text(" ".join(_fit(c.title, c.width) for c in layout_columns(self.row_width)))

    # -- cursor ----------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        total = self.model.row_count
        return max(0, min(value, total - 1)) if total else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._ask_for_rows()
        self.post_message(self.Highlighted(self, new, self.highlighted_row))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + self.body_height:
            self.scroll_to(y=self.cursor - self.body_height + 1, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ask_for_rows()
        if int(old_value) != int(new_value):
            self.post_message(self.Scrolled(self))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.model.row_count + 1)
        self._ask_for_rows()
        self.post_message(self.Scrolled(self))  # the rows in view changed: the status bar's counts too

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self.body_height, animate=False, immediate=True)
        self.cursor += self.body_height

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, self.scroll_y - self.body_height), animate=False, immediate=True)
        self.cursor -= self.body_height

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.model.row_count - 1

    def action_select(self) -> None:
        row = self.highlighted_row
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))

    async def _on_key(self, event: events.Key) -> None:
        # Letters nobody binds start a search; once focus has moved to the search box, the
        # rest of a fast burst (already queued here) follows it instead of firing bindings.
        if not (event.is_printable and event.character and event.character.isprintable()):
            return
        if self.has_focus and (event.key in self.screen.active_bindings or not event.character.isalnum()):
            return
        event.stop()
        event.prevent_default()
        if self.type_ahead is not None:
            self.type_ahead(event.character)
        else:
            self.post_message(self.TypeAhead(self, event.character))

    def _on_paste(self, event: events.Paste) -> None:
        text = " ".join(event.text.split())
        if text:
            event.stop()
            self.post_message(self.TypeAhead(self, text.removeprefix("/")))

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0 or not self.model.row_count:
            return
        index = int(self.scroll_y) + event.y - 1
        if index < self.model.row_count:
            self.cursor = index
            if event.chain >= 2:
                self.action_select()
