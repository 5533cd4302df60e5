"""The agent's home: search, filter and page through users; open one; copy an id; mark users
for a bulk change (``space``, ``*``, ``U``) and start it (``b``); work from the offline cache
when the server cannot be reached (``o``; see users_offline.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.domain.query import UserQuery, format_query, parse_query
from tui.ui.backend import classify_error
from tui.ui.clipboard import in_tmux, load_tmux_buffer
from tui.ui.list_model import ListModel, PageError, fetch_page
from tui.ui.messages import OpenUser
from tui.ui.screens.users_marks import MarksMixin
from tui.ui.screens.users_offline import OfflineListMixin
from tui.ui.services import AppServices
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.list_state import ListState
from tui.ui.widgets.offline_banner import OfflineBanner
from tui.ui.widgets.search_input import SearchInput
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.widgets.sync_line import SyncLine
from tui.ui.widgets.user_table import UserTable
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["UsersScreen", "fetch_page"]

LOADING_DELAY = 0.3
"""Seconds a new query of a list that shows rows waits before the loading state replaces them."""


def fit_chips(chips: list[str], width: int) -> str:
    """The chips that fit in ``width`` cells, whole, and "+N more" for the rest."""
    for n in range(len(chips), 0, -1):
        more = f"  +{len(chips) - n} more" if n < len(chips) else ""
        text = "  ".join(chips[:n]) + more
        if len(text) <= width:
            return text
    return f"{len(chips)} filters (f to see them)"


class UsersScreen(OfflineListMixin, MarksMixin, ReportsWorkerErrors, Screen):
    AUTO_FOCUS = "UserTable"

    BINDINGS = [
        # priority: handled before the next key of a burst, so "/chi" typed fast lands in the box
        Binding("slash,ctrl+f", "focus_search", "Search", priority=True, id="users.search"),
        Binding("escape,ctrl+g", "escape", "Clear/back", show=False, id="users.escape"),
        Binding("f", "filters", "Filter", id="users.filters"),
        Binding("s", "toggle_sort", "Sort", id="users.sort"),
        Binding("i", "toggle_inactive", "Inactive", show=False, id="users.toggle_inactive"),
        Binding("y", "copy_id", "Copy ID", id="users.copy_id"),
        Binding("Y,e", "copy_email", "Copy email", show=False, id="users.copy_email"),
        Binding("r,f5,ctrl+r", "refresh", "Refresh", id="users.refresh"),
        Binding("v", "view_json", "View JSON", show=False, id="users.view_json"),
        Binding("n", "create_user", "New user", show=False, id="users.create"),
        Binding("ctrl+k", "enter_token", "Enter token", show=False, id="users.enter_token"),
        Binding("asterisk", "mark_all", "Mark all matches", show=False, id="users.mark_all"),
        Binding("U", "unmark_all", "Unmark all", show=False, id="users.unmark_all"),
        Binding("b", "bulk_change", "Bulk change", show=False, id="users.bulk"),
        Binding("J", "jobs", "Bulk jobs", show=False, id="users.jobs"),
        Binding("o", "work_offline", "Work offline", show=False, id="users.offline"),
        Binding("D", "drafts", "Drafts", show=False, id="users.drafts"),
    ]

    def __init__(self) -> None:
        super().__init__(id="users")
        self.query_state: UserQuery = UserQuery()
        self._sent_query: UserQuery = UserQuery()  # query_state with names resolved to IDs
        self._query_errors: list[str] = []  # names the directory does not know
        self.descending = False
        self._debounce: Timer | None = None
        self._warned_pages: set[tuple[int, int]] = set()
        self.last_page_at: float | None = None  # monotonic time of the last page shown (bench)
        self._restore_cursor = 0
        self.painted_generation = 0
        self.typed_at = 0.0  # monotonic time of the last keystroke in the search box (bench)
        self._started_text: str | None = None
        self.search_pending = False  # typed, debounce not yet run
        self._reset_table = False  # the table still shows the last query's rows (until page 0 answers)
        self._loading_timer: Timer | None = None
        self.marking = False  # ``*`` is reading every match

    @property
    def spot(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        app = self.spot
        self.model = ListModel(page_size=app.settings.page_size)
        with Horizontal(id="search-row"):
            yield Static(" / ", id="search-label")
            yield SearchInput(id="search")
        yield Static("", id="chips")
        yield UserTable(self.model, id="user-table")
        yield ListState(id="list-state")
        yield SyncLine(id="sync-line")
        yield OfflineBanner(app.backend, drafts_key="D", id="offline-banner")
        yield StatusBar(app.env, id="status-bar")
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.table = self.query_one(UserTable)
        self.search = self.query_one(SearchInput)
        self.state = self.query_one(ListState)
        self.status = self.query_one(StatusBar)
        self.table.type_ahead = self._type_ahead
        self._show_chips()
        self._show_marked()
        self.start_query()

    # -- querying --------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is not self.search:
            return
        event.stop()
        self.typed_at = time.monotonic()
        self.query_state = parse_query(event.value)
        self._show_chips()
        if self._debounce is not None:
            self._debounce.stop()
        if event.value == self._started_text:
            self.search_pending = False
            return  # set by set_query_text (already searched) or typed back to what is shown
        delay = self.spot.settings.debounce_ms / 1000
        self.search_pending = True
        self._debounce = self.set_timer(delay, self.start_query, name="search-debounce")

    def on_search_input_leave(self, _: SearchInput.Leave) -> None:
        if self.search_pending:  # a keystroke is still waiting for its debounce: search now
            if self._debounce is not None:
                self._debounce.stop()
            self.start_query()
        self.set_focus(self.table)

    def set_query_text(self, text: str, *, now: bool = True) -> None:
        """Replace the search box's text (filter panel, toggles) and search."""
        self.search.value = text
        self.search.cursor_position = len(text)
        self.query_state = parse_query(text)
        self._show_chips()
        if now:
            if self._debounce is not None:
                self._debounce.stop()
            self.start_query()

    def start_query(self) -> None:
        """Forget the current rows and ask for the first page of the current query."""
        self._started_text = self.search.value
        self.search_pending = False
        self.query_state = parse_query(self.search.value)
        # resolved once per query, so that later pages ask for the same IDs as the first
        self._sent_query, self._query_errors = self.query_state.resolved(self.spot.directory)
        self._restore_cursor = 0
        self.workers.cancel_group(self, "pages")
        self.model.reset()
        self._warned_pages.clear()
        self.table.sort_descending = self.descending
        # What the table shows (the last query's rows, or its loading line) stays there until
        # the new first page replaces it (or LOADING_DELAY passes): a search then costs one
        # repaint, not a loading frame and a second layout.
        self._reset_table = self.table.display
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        if not self._reset_table:
            self.table.data_changed(reset_cursor=True)
        self._fetch(0)
        self._refresh_view()

    def _request_body(self, offset: int, limit: int) -> dict[str, Any]:
        """The list request of the query on screen; ValueError without a tmc_id / company_id."""
        app = self.spot
        return self._sent_query.to_request(
            tmc_id=app.env.tmc_id,
            company_id=None if app.env.tmc_id else app.env.company_id,
            offset=offset,
            limit=limit,
            descending=self.descending,
            default_status=app.settings.default_status,
        )

    def _fetch(self, page: int) -> None:
        app = self.spot
        generation, offset, limit = self.model.begin(page)
        if self._query_errors:
            self.model.reject(generation, page, PageError("query", "; ".join(self._query_errors)))
            return
        try:
            body = self._request_body(offset, limit)
        except ValueError:
            error = PageError("config", f"environment {app.env.name!r} needs a tmc_id or company_id")
            self.model.reject(generation, page, error)
            return
        self.run_worker(
            self._load(generation, page, body),
            name=f"users-page-{page}",
            group="search" if page == 0 else "pages",
            exclusive=page == 0,  # a newer query cancels the older request
            exit_on_error=False,
        )
        self.status.spinner.busy = True

    async def _load(self, generation: int, page: int, body: dict[str, Any]) -> None:
        try:
            rows, total = await fetch_page(self.spot.backend, body)
            self.spot.directory.add(rows)
            accepted = self.model.accept(generation, page, rows, total)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.spot.log_error("list users", exc)
            env = self.spot.env
            scope = ("tmc_id", env.tmc_id) if env.tmc_id else ("company_id", env.company_id or "")
            error = classify_error(exc, scope)
            await self.offline_ready(error)  # the cache it may offer is open
            accepted = self.model.reject(generation, page, error)
            if accepted and error.kind == "auth":
                self.call_after_refresh(self.action_enter_token)
        if accepted:
            reset = self._reset_table and page == 0
            if reset:
                self._reset_table = False
            self.table.data_changed(reset_cursor=reset)
            if page == 0 and self._restore_cursor:
                self.table.cursor, self._restore_cursor = self._restore_cursor, 0
            self._refresh_view()
            if page == 0:
                self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.last_page_at = time.monotonic()
        self.painted_generation = self.model.generation
        self.spot.first_page_painted()

    def on_user_table_need_rows(self, event: UserTable.NeedRows) -> None:
        for page in self.model.missing_pages(event.first, event.last):
            self._fetch(page)

    # -- view state ------------------------------------------------------------------------
    def _refresh_view(self) -> None:
        model = self.model
        self.status.spinner.busy = model.loading
        if model.error is not None:
            self.state.show_error(model.error, self.offline_offer(model.error))
            self._show_list(False)
        elif not model.loaded:
            if self._reset_table:  # what the table shows stays, for now (see start_query)
                if self._loading_timer is None:
                    self._loading_timer = self.set_timer(LOADING_DELAY, self._still_loading, name="loading-delay")
                # their counts too: a quick answer then paints once, and at once (no frame
                # painted just before it, so Textual's next frame is not a frame period away)
                self._show_counts(counts=not self.status.counts)
                return
            # the list's own frame says "Loading users…": the rows replace that line in place,
            # one repaint of the table, without another layout of the screen
            self._show_list(True)
        elif model.total == 0:
            if not self.show_empty_offline():
                self.state.show_empty(bool(self.search.value.strip()))
            self._show_list(False)
        else:
            self._show_list(True)
        self._show_counts()
        self.call_after_refresh(self._show_counts)  # again once the list has its height
        for index in range(int(self.table.scroll_y), int(self.table.scroll_y) + self.table.body_height):
            failed = model.failed(index)
            key = (model.generation, model.page_of(index))
            if failed and key not in self._warned_pages:
                self._warned_pages.add(key)
                self.notify(f"{failed.message}", title="Could not load more users", severity="error")

    def _still_loading(self) -> None:
        self._loading_timer = None
        if not self.model.loaded and self.model.error is None and self._reset_table:
            self._reset_table = False
            self.table.data_changed(reset_cursor=True)  # the old rows go, the loading line shows
            self._show_counts()

    def _show_list(self, show: bool) -> None:
        # Hiding the table while a query loads takes the focus with it; give it back when the
        # rows return, or j/k/PgDn/Enter reach nothing until the agent presses / or ?.
        refocus = show and not self.table.display and self._focus_lost()
        if self.table.display != show:  # (setting it, even unchanged, lays the screen out again)
            self.table.display = show
            self.state.display = not show
        if refocus:
            self.set_focus(self.table)

    def _focus_lost(self) -> bool:
        """Nothing on this screen has the focus, or only the list-state area (its Retry button)."""
        focused = self.focused
        return focused is None or focused is self.state or self.state in focused.ancestors

    def _show_counts(self, *, counts: bool = True) -> None:
        if counts:
            self.status.set_counts(self._counts_text())
        status = self.query_state.effective_status(self.spot.settings.default_status).lower()
        order = "Z→A" if self.descending else "A→Z"
        self.status.set_right(f"{status} · name {order}")

    def _counts_text(self) -> str:
        model = self.model
        if not model.loaded:
            return "loading…" if model.error is None else ""
        first = int(self.table.scroll_y)
        last = min(model.row_count, first + self.table.body_height)
        text = f"showing {first + 1:,}–{last:,} of {model.total:,}" if model.total else "showing 0 of 0"
        if model.total:
            text += f"  ·  row {self.table.cursor + 1:,}"
        return text

    def _show_chips(self) -> None:
        q = self.query_state
        chips = q.chips(self.spot.directory)
        if q.warnings:
            chips.append("⚠ " + q.warnings[0])
        if chips:
            box = self.query_one("#chips", Static)
            width = box.content_region.width or max(self.app.size.width - 2, 20)
            box.update(fit_chips([f"[{c}]" for c in chips], width), layout=False)
        else:
            self.query_one("#chips", Static).update("type to search · f filters · s sort · ? help")

    def on_resize(self) -> None:
        self._show_chips()

    def on_user_table_highlighted(self, event: UserTable.Highlighted) -> None:
        self._show_counts()

    def on_user_table_scrolled(self, event: UserTable.Scrolled) -> None:
        self._show_counts()

    # -- actions ---------------------------------------------------------------------------
    # A key pressed twice in a burst (Enter, Enter) is handled twice before the first screen
    # is up: only the list on top opens anything (a second ProfileScreen is a DuplicateIds).
    def on_user_table_selected(self, event: UserTable.Selected) -> None:
        if self.is_active:
            self.post_message(OpenUser(event.row, origin=self))

    def action_create_user(self) -> None:
        from tui.ui.screens.create_user import open_create_user

        if self.is_active and not self.refuse_offline("Creating a user"):
            open_create_user(self.app, like=self.table.highlighted_row)

    def action_view_json(self) -> None:
        row = self.table.highlighted_row
        if row is not None and self.is_active:
            self.post_message(OpenUser(row, as_json=True, origin=self))

    def on_list_state_retry(self, _: ListState.Retry) -> None:
        self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search" and self.focused is self.search:
            return False  # let "/" be typed into the search box
        if action == "work_offline":
            return self.can_work_offline()  # else "o" types ahead into the search
        return True

    def on_user_table_type_ahead(self, event: UserTable.TypeAhead) -> None:
        self._type_ahead(event.text)

    def _type_ahead(self, text: str) -> None:
        self.set_focus(self.search)
        self.search.insert_text_at_cursor(text)

    def action_focus_search(self) -> None:
        self.set_focus(self.search)

    def action_escape(self) -> None:
        if self.marking:
            self.workers.cancel_group(self, "mark-all")
            self._marking_done("Stopped: nobody new was marked")
        elif self.stop_sync():
            pass  # the palette's cache sync stops first (its line says so)
        elif self.search.has_focus and self.search.value:
            self.set_query_text("")
        elif self.search.has_focus:
            self.set_focus(self.table)
        elif self.search.value:
            self.set_query_text("")

    def action_refresh(self) -> None:
        if self.refresh_offline():  # offline: try the server
            return
        cursor = self.table.cursor
        self.start_query()
        self._restore_cursor = cursor  # put back once the first page says how many there are

    def action_toggle_sort(self) -> None:
        self.descending = not self.descending
        self.start_query()

    def action_toggle_inactive(self) -> None:
        default = self.spot.settings.default_status
        current = self.query_state.effective_status(default)
        wanted = "ACTIVE" if current != "ACTIVE" else "ALL"
        q = self.query_state.with_values(status=None if wanted == default else wanted)
        self.set_query_text(format_query(q))
        self.notify("Inactive users hidden" if wanted == "ACTIVE" else "Inactive users shown (dimmed)")

    def action_enter_token(self) -> None:
        """Ask for a token for this session (after a 401), then load the list again."""
        from tui.ui.screens.token import TokenScreen

        if any(isinstance(s, TokenScreen) for s in self.app.screen_stack):
            return
        error = self.model.error

        async def use(token: str | None) -> None:
            if token:
                await self.spot.use_session_token(token)
                self.action_refresh()

        reason = error.message if error is not None and error.kind == "auth" else ""
        self.app.push_screen(TokenScreen(self.spot.env.display_name, reason), use)

    def action_filters(self) -> None:
        from tui.ui.screens.filters import FiltersScreen

        def apply(result: UserQuery | None) -> None:
            if result is not None:
                self.set_query_text(format_query(result))

        if self.is_active:
            screen = FiltersScreen(self.query_state, self.spot.settings.default_status, self.spot.directory)
            self.app.push_screen(screen, apply)

    def _copy(self, what: str) -> None:
        row = self.table.highlighted_row
        if row is None:
            self.notify("No user highlighted", severity="warning")
            return
        value = row.user_id if what == "id" else row.email
        if not value:
            self.notify(f"{row.name} has no {what}", severity="warning")
            return
        self.app.copy_to_clipboard(value)  # OSC 52: the terminal's clipboard, also over SSH
        label = "user ID" if what == "id" else "email"
        done = f"Copied {label} of {row.name}"
        if not in_tmux():
            self.notify(f"{done} to the clipboard (OSC 52): {value}", title="Clipboard")
            return

        async def to_tmux() -> None:
            failed = await load_tmux_buffer(value)
            if failed is None:
                self.notify(f"{done} to the clipboard (OSC 52) and the tmux buffer: {value}", title="Clipboard")
            else:
                self.notify(
                    f"{done} to the clipboard (OSC 52): {value}; not to the tmux buffer: {failed}",
                    title="Clipboard",
                    severity="warning",
                )

        self.run_worker(to_tmux(), group="copy", exit_on_error=False)

    def action_copy_id(self) -> None:
        self._copy("id")

    def action_copy_email(self) -> None:
        self._copy("email")
