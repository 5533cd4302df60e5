"""The user list's marks for bulk changes (a part of :class:`~tui.ui.screens.users.UsersScreen`,
kept apart to keep that file short): ``space`` on the table (the table's own binding), ``*``
every match (all pages, read from the server, asking first above 500), ``U`` none; ``b`` starts
a bulk change for the marked users (or the highlighted one), ``J`` lists the bulk jobs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Literal

from textual.widgets import Static

from tui.ui.backend import classify_error
from tui.ui.cache_wiring import needs_server
from tui.ui.list_model import UserRow, fetch_page
from tui.ui.marking import MARK_ASK_ABOVE, fetch_matches, progress_text
from tui.ui.widgets.user_table import UserTable
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["MarksMixin"]

if TYPE_CHECKING:  # the screen it is mixed into
    from textual.screen import Screen as _Host
else:
    _Host = object


class MarksMixin(ReportsWorkerErrors, _Host):
    """Marking on the list screen; the screen gives ``model``, ``table``, ``status``, ``spot``,
    ``_request_body``, ``_query_errors`` and ``_show_chips``."""

    model: Any
    table: Any
    status: Any
    spot: Any
    _query_errors: list[str]
    marking = False
    """``*`` is reading every match."""

    def _request_body(self, offset: int, limit: int) -> dict[str, Any]:
        raise NotImplementedError

    def _show_chips(self) -> None:
        raise NotImplementedError

    @property
    def marks(self) -> list[UserRow]:
        """The marked users, in the order they were marked."""
        return self.model.marks.rows

    def _show_marked(self) -> None:
        self.status.set_marked(len(self.model.marks))

    def on_user_table_marks_changed(self, _: UserTable.MarksChanged) -> None:
        self._show_marked()

    def action_unmark_all(self) -> None:
        n = self.model.marks.clear()
        self.table.refresh()
        self._show_marked()
        self.notify(f"Unmarked {n:,} user{'s' if n != 1 else ''}" if n else "Nobody is marked")

    def action_mark_all(self) -> None:
        """Mark every user of the current search and filters (every page, read from the
        server); above MARK_ASK_ABOVE users, ask first."""
        model = self.model
        if not self.is_active or self.marking:
            return
        if not model.loaded or model.error is not None or self._query_errors:
            self.notify("The list has no answer yet: nothing to mark", severity="warning")
            return
        total = model.total or 0
        if not total:
            self.notify("No user matches: nothing to mark", severity="warning")
            return
        if total <= MARK_ASK_ABOVE:
            self._mark_all(total)
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._mark_all(total)

        question = f"Mark all {total:,} users that match the search and filters? (Every page is read from the server.)"
        self.app.push_screen(ConfirmScreen(question, title="Mark every match", yes="Mark all"), answer)

    def _mark_all(self, total: int) -> None:
        self.marking = True
        generation = self.model.generation
        self._show_progress(0, total)

        async def fetch(offset: int, limit: int) -> tuple[list[UserRow], int | None]:
            return await fetch_page(self.spot.backend, self._request_body(offset, limit))

        async def run() -> None:
            try:
                rows = await fetch_matches(fetch, total, on_progress=self._show_progress)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.spot.log_error("mark all", exc)
                env = self.spot.env
                scope = ("tmc_id", env.tmc_id) if env.tmc_id else ("company_id", env.company_id or "")
                self._marking_done(
                    f"Could not read every match, nobody new was marked: {classify_error(exc, scope).message}"
                )
                return
            self.spot.directory.add(rows)
            new = self.model.marks.add(rows)
            where = "" if generation == self.model.generation else " (of the search before this one)"
            self._marking_done(
                f"Marked {new:,} more user{'s' if new != 1 else ''}{where}: {len(self.model.marks):,} marked"
            )

        self.run_worker(run(), name="mark-all", group="mark-all", exclusive=True, exit_on_error=False)

    def _show_progress(self, done: int, total: int) -> None:
        self.query_one("#chips", Static).update(progress_text(done, total), layout=False)

    def _marking_done(self, message: str) -> None:
        self.marking = False
        self._show_chips()
        self.table.refresh()
        self._show_marked()
        severity: Literal["warning", "information"] = (
            "warning" if message.startswith(("Could not", "Stopped")) else "information"
        )
        self.notify(message, title="Marks", severity=severity)

    def bulk_targets(self) -> list[UserRow]:
        """Who ``b`` changes: the marked users, or with nobody marked the highlighted one."""
        if self.model.marks:
            return self.marks
        row = self.table.highlighted_row
        return [row] if row is not None else []

    def action_bulk_change(self) -> None:
        if not self.is_active:
            return
        why = needs_server(self.spot.backend, "A bulk change")
        if why:
            self.notify(why, title="Offline", severity="warning")
            return
        targets = self.bulk_targets()
        if not targets:
            self.notify("Mark users first (space, or * for every match)", severity="warning")
            return
        from tui.ui.screens.bulk_change import BulkChangeScreen

        self.app.push_screen(BulkChangeScreen(targets))

    def action_jobs(self) -> None:
        if not self.is_active:
            return
        from tui.ui.screens.jobs import JobsScreen

        self.app.push_screen(JobsScreen())
