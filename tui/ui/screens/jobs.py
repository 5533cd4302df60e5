"""The bulk jobs of the journal, newest first, with their state (``J`` on the list, or the
palette's "Bulk jobs"): Enter opens one (its results), ``r`` resumes an unfinished one, ``u``
plans the undo of a finished one.

Also here: :func:`offer_resume`, the app's start-up question when the journal holds a job of
this environment with users still to try ("1 unfinished job — resume?").
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.jobs import Job
from tui.ui.bulk_jobs import STATE_WORDS, change_text, elsewhere, open_journal, unfinished_here
from tui.ui.screens.bulk_job import JobScreen
from tui.ui.screens.bulk_plan import PlanScreen
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.status_bar import StatusBar

__all__ = ["JobsScreen", "job_text", "offer_resume"]

_STATE_STYLES = {"finished": "green", "running": "yellow", "paused": "yellow", "cancelled": "yellow", "planned": "dim"}


def job_text(job: Job) -> Text:
    """``20261201-143207-7f3a  finished  set Office to Paris HQ`` over its counts line."""
    state = STATE_WORDS.get(job.state, job.state)
    if job.busy:
        state = "running (in another process)"
    elif job.unfinished and job.state in ("running", "planned"):
        state = "interrupted (resumable)"
    text = Text(job.id, style="bold")
    text.append(f"  {state}", style=_STATE_STYLES.get(job.state, ""))
    text.append(f"  {change_text(job.change, undo_of=job.of_job if job.kind == 'undo' else None)}")
    text.append(f"\n   {job.counts.line()}  ·  {job.env}  ·  {job.created[:16].replace('T', ' ')}", style="dim")
    return text


class JobsScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "Open", show=False, id="jobs.open"),
        Binding("r", "resume", "Resume", id="jobs.resume"),
        Binding("u", "undo", "Undo", id="jobs.undo"),
        Binding("escape", "back", "Back", id="jobs.back"),
    ]
    DEFAULT_CSS = """
    JobsScreen #jobs-title { text-style: bold; padding: 0 1; background: $panel; height: 1; }
    JobsScreen #jobs-list { height: 1fr; border: round $panel; margin: 0 1; padding: 0; }
    JobsScreen #jobs-list:focus { border: round $primary; }
    JobsScreen #jobs-note { padding: 0 1; height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="bulk-jobs")
        self.jobs: list[Job] = []

    def compose(self) -> ComposeResult:
        yield Static("Bulk jobs", id="jobs-title")
        yield OptionList(id="jobs-list")
        yield Static("", id="jobs-note")
        yield StatusBar(self.app.env, id="status-bar")  # type: ignore[attr-defined]
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        try:
            with open_journal(self.app) as journal:
                self.jobs = journal.jobs()
        except Exception as exc:
            self.app.log_error("read the job journal", exc)  # type: ignore[attr-defined]
            self.jobs = []
            self.query_one("#jobs-note", Static).update(f"⚠ Could not read the job journal: {exc}")
            return
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(job_text(j)) for j in self.jobs])
        if self.jobs:
            options.highlighted = min(highlighted or 0, len(self.jobs) - 1)
        n = len(self.jobs)
        note = "No bulk job yet: mark users on the list (space, *) and press b." if not n else ""
        if n:
            note = f"{n} job{'s' if n != 1 else ''}. Enter opens one; r resumes an unfinished job, u undoes a finished one."
        self.query_one("#jobs-note", Static).update(note)
        self.query_one(StatusBar).set_counts(f"{n:,} job{'s' if n != 1 else ''}")
        self.refresh_bindings()

    @property
    def highlighted(self) -> Job | None:
        index = self.query_one(OptionList).highlighted
        return self.jobs[index] if index is not None and 0 <= index < len(self.jobs) else None

    def on_option_list_option_highlighted(self, _: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        job = self.highlighted
        if action == "resume":
            return job is not None and job.unfinished and not job.busy
        if action == "undo":
            return job is not None and not job.unfinished and job.counts.changed > 0
        return True

    def action_open(self) -> None:
        job = self.highlighted
        if job is not None and self.is_active:
            self.app.push_screen(JobScreen(job.id))

    def action_resume(self) -> None:
        job = self.highlighted
        if job is not None and job.unfinished and not job.busy and self.is_active:
            self.app.push_screen(JobScreen(job.id, run="pending"))

    def action_undo(self) -> None:
        job = self.highlighted
        if job is None or job.unfinished or not job.counts.changed or not self.is_active:
            return
        why = elsewhere(self.app, job)
        if why:
            self.notify(why, title="Bulk job", severity="warning", timeout=10)
            return
        self.app.push_screen(PlanScreen.for_undo(job.id, job.counts.changed, job.change.section, JobScreen.runs))

    def action_back(self) -> None:
        self.dismiss()


def offer_resume(app: App[Any]) -> None:
    """On start: when the journal holds unfinished jobs of this environment, ask to resume
    (one job: it runs; several: the jobs screen)."""
    from tui.ui.screens.confirm import ConfirmScreen

    jobs = [j for j in unfinished_here(app) if not j.busy]  # not one another process runs now
    if not jobs:
        return
    if len(jobs) == 1:
        job = jobs[0]
        left = job.counts.to_send
        question = (
            f"1 unfinished job — resume?\n\n{job.id}: {change_text(job.change)}\n"
            f"{left:,} user{'s' if left != 1 else ''} not sent yet. (No) leaves it for later: J on the list lists it."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                app.push_screen(JobScreen(job.id, run="pending"))

        app.push_screen(ConfirmScreen(question, title="Bulk job", yes="Resume", no="Later"), answer)
        return

    def answer_many(yes: bool | None) -> None:
        if yes:
            app.push_screen(JobsScreen())

    question = f"{len(jobs)} unfinished jobs — open the jobs list to resume them?"
    app.push_screen(ConfirmScreen(question, title="Bulk jobs", yes="Open the list", no="Later"), answer_many)
