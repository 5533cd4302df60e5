"""Planning a bulk change and its preview; confirming makes it a job.

First the engine plans (:func:`tui.domain.bulk_plan.plan`, or :func:`tui.domain.runner.plan_undo`
for an undo): it reads every user's section, a few at a time, and this screen shows a progress
bar with the count, the rate and the ETA; Esc stops it (nothing has been sent). Then the
preview: the one-line summary ("412 users · 398 will change · 11 already as asked · 3 cannot
apply") over every user with their own diff (old -> new per field, masked values masked, as
the profile's diff-confirm shows them), domain warnings and reasons, filterable by outcome.

Ctrl+S applies: a question for up to :data:`TYPE_ABOVE` users, above that the agent types the
number of users that will change. The confirmed plan is stored in the job journal and the
screen the caller names (``open_job``: the job's progress screen) takes over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from tui.domain.bulk import Change
from tui.domain.bulk_plan import OUTCOME_WORDS, Plan, PlanProgress, UserPlan, UserRef, plan
from tui.domain.sections import Section
from tui.ui.bulk_jobs import change_text, concurrency_of, fit_words, open_journal, rate_text, scope_of
from tui.ui.list_model import UserRow
from tui.ui.screens.diff_confirm import render_line
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.outcome_list import Entry, OutcomeList
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["PlanScreen", "plan_entry", "TYPE_ABOVE"]

TYPE_ABOVE = 20
"""Applying to more users than this asks the agent to type how many will change."""
PROGRESS_EVERY = 0.1
"""Seconds between two repaints of the progress line."""

Planner = Callable[[Any, Callable[[PlanProgress], object], asyncio.Event], Awaitable[Plan]]
"""``planner(app, on_progress, cancel)``: the engine's planning, for a change or an undo."""
OpenJob = Callable[[str], Screen[Any]]
"""The screen that runs a job just stored (given by the caller: the job screen)."""

_MARKS = {"will_change": ("~", "yellow"), "already": ("=", "green"), "cannot_apply": ("✗", "red")}


def plan_entry(user: UserPlan, section: Section | None) -> Entry:
    """One user of the preview: name, outcome (and why), the diff, the warnings."""
    mark, style = _MARKS.get(user.outcome, ("?", ""))
    text = Text(f"{mark} ", style=f"bold {style}")
    text.append(user.label or user.email or user.user_id, style="bold")
    if user.email and user.label:
        text.append(f"  {user.email}", style="dim")
    text.append(f"  {OUTCOME_WORDS.get(user.outcome, user.outcome)}", style=style)
    if user.reason:
        text.append(f": {user.reason}")
    for line in user.lines:
        text.append("\n    ")
        text.append_text(render_line(line))
    for warning in user.warnings:
        text.append(f"\n    ⚠ {warning.message}", style="yellow")
    return user.outcome, text


class PlanScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="plan.apply"),
        Binding("escape", "back", "Back", id="plan.back"),
    ]
    DEFAULT_CSS = """
    PlanScreen #plan-title { text-style: bold; padding: 0 1; background: $panel; height: 1; }
    PlanScreen #plan-progress { height: auto; padding: 1 1 0 1; }
    PlanScreen #plan-progress ProgressBar { width: 1fr; }
    PlanScreen #plan-progress-text { height: auto; }
    PlanScreen #plan-summary { text-style: bold; padding: 0 1; height: auto; }
    PlanScreen #plan-note { padding: 0 1; height: auto; color: $text-muted; }
    PlanScreen #plan-note.-error { color: $error; }
    """

    def __init__(self, planner: Planner, open_job: OpenJob, *, total: int, title: str, section: Section | None) -> None:
        super().__init__()
        self.planner = planner
        self.open_job = open_job
        self.total = total
        self.title_text = title
        self.section = section
        self.plan: Plan | None = None
        self.cancel = asyncio.Event()
        self.error = ""
        self._painted_at = 0.0

    @classmethod
    def for_change(cls, change: Change, targets: list[UserRow], open_job: OpenJob) -> PlanScreen:
        refs = [UserRef(r.user_id, label=r.name, email=r.email) for r in targets]

        async def planner(app: Any, on_progress: Callable[[PlanProgress], object], cancel: asyncio.Event) -> Plan:
            return await plan(
                app.backend,
                change,
                refs,
                concurrency=concurrency_of(app),
                on_progress=on_progress,
                cancel=cancel,
                environment=app.env.name,
            )

        return cls(planner, open_job, total=len(refs), title=change_text(change), section=change.section)

    @classmethod
    def for_undo(cls, job_id: str, total: int, section: Section | None, open_job: OpenJob) -> PlanScreen:
        from tui.domain.runner import plan_undo

        async def planner(app: Any, on_progress: Callable[[PlanProgress], object], cancel: asyncio.Event) -> Plan:
            with open_journal(app) as journal:
                return await plan_undo(
                    app.backend,
                    journal,
                    job_id,
                    concurrency=concurrency_of(app),
                    on_progress=on_progress,
                    cancel=cancel,
                )

        return cls(planner, open_job, total=total, title=f"undo of job {job_id}", section=section)

    # -- what the app asks ---------------------------------------------------------------

    @property
    def planning(self) -> bool:
        return self.plan is None and not self.error

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="plan-title", markup=False)
        with Vertical(id="plan-progress"):
            yield ProgressBar(total=max(self.total, 1), show_eta=False, id="plan-bar")
            yield Static(f"Reading {self.total:,} users… (Esc stops; nothing is sent)", id="plan-progress-text")
        yield Static("", id="plan-summary", markup=False)
        yield OutcomeList(list(OUTCOME_WORDS.items()), id="plan-users")
        yield Static("", id="plan-note")
        yield StatusBar(self.app.env, id="status-bar")  # type: ignore[attr-defined]
        yield FitFooter(compact=True)

    def _title(self) -> str:
        return fit_words(f"Preview: {self.title_text}", max(20, self.app.size.width - 2))

    def on_resize(self) -> None:
        self.query_one("#plan-title", Static).update(self._title())

    def on_mount(self) -> None:
        self.query_one("#plan-summary").display = False
        self.query_one(OutcomeList).display = False
        self.query_one("#plan-note").display = False
        self.run_worker(self._plan(), name="bulk-plan", group="bulk-plan", exit_on_error=False)

    async def _plan(self) -> None:
        try:
            result = await self.planner(self.app, self._progress, self.cancel)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.app.log_error("bulk plan", exc)  # type: ignore[attr-defined]
            self._failed(str(exc) or type(exc).__name__)
            return
        if self.cancel.is_set() or not result.complete:
            done = len(result.users)
            self.app.notify(
                f"Planning stopped after {done:,} of {self.total:,} users: nothing was sent", title="Bulk change"
            )
            self.dismiss()
            return
        self.plan = result
        self._show_preview()

    def _progress(self, p: PlanProgress) -> None:
        now = time.monotonic()
        if p.done < p.total and now - self._painted_at < PROGRESS_EVERY:
            return
        self._painted_at = now
        bar = self.query_one("#plan-bar", ProgressBar)
        bar.update(total=max(p.total, 1), progress=p.done)
        text = f"Reading users: {rate_text(p.done, p.total, p.rate, p.eta)}  (Esc stops; nothing is sent)"
        self.query_one("#plan-progress-text", Static).update(text)

    def _failed(self, message: str) -> None:
        self.error = message
        self.query_one("#plan-progress").display = False
        note = self.query_one("#plan-note", Static)
        note.update(f"⚠ Could not plan: {message}. Esc goes back; nothing was sent.")
        note.add_class("-error")
        note.display = True
        self.refresh_bindings()

    def _show_preview(self) -> None:
        result = self.plan
        assert result is not None
        self.query_one("#plan-progress").display = False
        summary = self.query_one("#plan-summary", Static)
        summary.update(result.summary())
        summary.display = True
        users = self.query_one(OutcomeList)
        users.set_entries([plan_entry(u, self.section) for u in result.users])
        users.display = True
        n = len(result.will_change)
        note = self.query_one("#plan-note", Static)
        if n:
            note.update(f"Nothing has been sent. Ctrl+S applies the change to the {n:,} users that will change.")
        else:
            note.update("Nothing to apply: no user would change. Esc goes back.")
        note.display = True
        self.query_one("#status-bar", StatusBar).set_counts(f"{len(result.users):,} users read")
        users.options.focus()
        self.refresh_bindings()

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "apply":
            return self.plan is not None and bool(self.plan.will_change)
        return True

    def action_back(self) -> None:
        if self.planning:
            self.cancel.set()  # the plan returns what it has; _plan() leaves
            self.query_one("#plan-progress-text", Static).update("Stopping…")
            return
        self.dismiss()

    def action_apply(self) -> None:
        result = self.plan
        if result is None or not result.will_change or not self.is_active:
            return
        n = len(result.will_change)
        env = self.app.env  # type: ignore[attr-defined]
        where = f"{'PRODUCTION ' if env.is_production else ''}{env.display_name}"
        question = (
            f"Apply {self.title_text.removeprefix('Bulk change: ')} to {n:,} user{'s' if n != 1 else ''} in {where}?"
        )

        def answer(yes: bool | None) -> None:
            if yes:  # once the question is gone: this preview is on top again
                self.call_after_refresh(self._start_job, result)

        if n > TYPE_ABOVE:
            from tui.ui.screens.type_count import TypeCountScreen

            self.app.push_screen(TypeCountScreen(n, question), answer)
        else:
            from tui.ui.screens.confirm import ConfirmScreen

            self.app.push_screen(ConfirmScreen(question, title="Apply the bulk change", yes="Apply"), answer)

    def _start_job(self, result: Plan) -> None:
        app: Any = self.app
        env = app.env
        try:
            with open_journal(app) as journal:
                job_id = journal.create_job(result, env=env.name, base_url=env.base_url, scope=scope_of(env))
        except Exception as exc:
            app.log_error("create bulk job", exc)
            self.notify(f"Could not store the job, nothing was sent: {exc}", severity="error")
            return
        if app.screen is self:
            app.pop_screen()  # this preview
        while getattr(app.screen, "builds_bulk_change", False):
            app.pop_screen()  # the change it was built in
        app.push_screen(self.open_job(job_id))
