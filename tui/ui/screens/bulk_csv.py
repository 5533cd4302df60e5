"""A bulk change from a CSV file: ``o`` on the bulk change (or the palette's "Bulk change from
a CSV file") asks for the file (:class:`~tui.ui.screens.csv_choice.CsvChoiceScreen`), then
:class:`CsvPlanScreen` reads it, finds its users and plans every row's own change
(:func:`tui.domain.spreadsheets.plan_from_csv`, in a worker, with the planning's progress
bar) and shows the same preview as a change built by hand: Ctrl+S confirms and applies as a
job of the journal, Esc goes back. Nothing is sent before that.

A file with bad rows is planned for nobody: its problems, each with its row number, are
listed in :class:`~tui.ui.screens.csv_problems.CsvProblemsScreen`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.widgets import Static

from tui.domain.bulk_plan import Plan, PlanProgress
from tui.domain.csv_import import ImportProblems
from tui.domain.export import ListScope
from tui.domain.sections import section
from tui.domain.spreadsheets import plan_from_csv
from tui.domain.user_keys import Resolved
from tui.ui.bulk_jobs import concurrency_of
from tui.ui.screens.bulk_plan import OpenJob, PlanScreen
from tui.ui.screens.csv_choice import CsvChoice, CsvChoiceScreen
from tui.ui.screens.csv_problems import CsvProblemsScreen, problems_title

__all__ = ["CsvPlanScreen", "start_csv_import", "list_scope"]


def list_scope(env: Any) -> ListScope:
    """The TMC or company the app lists (the TMC when it has both, as the list does)."""
    return ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)


class CsvFileRefused(ValueError):
    """The file has problems (listed on their own screen); the message only counts them."""


class CsvPlanScreen(PlanScreen):
    """The bulk preview of a CSV file's rows (see the module doc)."""

    def __init__(self, choice: CsvChoice, open_job: OpenJob) -> None:
        sec = section(choice.section_key)
        super().__init__(
            self._plan_file, open_job, total=0, title=f"per-row values from {choice.path.name}", section=sec
        )
        self.choice = choice

    def on_mount(self) -> None:  # (PlanScreen.on_mount runs too: Textual calls each class's handler)
        self._say(f"Reading {self.choice.path.name} and finding its users… (Esc stops; nothing is sent)")

    def _say(self, text: str) -> None:
        self.query_one("#plan-progress-text", Static).update(text)

    def _looked_up(self, found: Resolved) -> None:
        calls = f"{found.list_calls} list call{'s' if found.list_calls != 1 else ''}"
        self._say(f"Finding the file's users by {found.key}: {calls}… (nothing is sent)")

    def _progress(self, p: PlanProgress) -> None:
        self.total = p.total
        super()._progress(p)

    async def _plan_file(self, app: Any, on_progress: Callable[[PlanProgress], object], cancel: asyncio.Event) -> Plan:
        choice = self.choice
        try:
            loaded = await plan_from_csv(
                app.backend,
                choice.path,
                section=section(choice.section_key),
                scope=list_scope(app.env),
                key=choice.key,
                environment=app.env.name,
                concurrency=concurrency_of(app),
                on_lookup=self._looked_up,
                on_progress=on_progress,
                cancel=cancel,
            )
        except ImportProblems as exc:
            if self in app.screen_stack:  # (Esc may have left it)
                app.push_screen(CsvProblemsScreen(exc))
            # the cells may hold personal data: the log and the note get the count, not the list
            raise CsvFileRefused(problems_title(exc) + " (listed; fix the file and load it again)") from None
        return loaded.plan

    def _show_preview(self) -> None:
        if self.plan is not None and self.plan.change is not None and self.plan.change.note:
            self.title_text = self.plan.change.note
            self.query_one("#plan-title", Static).update(self._title())
        super()._show_preview()


def start_csv_import(app: Any, section_key: str = "business") -> None:
    """Ask for the file, then plan and preview it (on top of the current screen)."""
    from tui.ui.screens.bulk_job import JobScreen

    def chosen(choice: CsvChoice | None) -> None:
        if choice is not None:
            app.push_screen(CsvPlanScreen(choice, JobScreen.runs))

    app.push_screen(CsvChoiceScreen(section_key=section_key), chosen)
