"""One bulk job: its progress while it runs, then every user's result.

While the engine's :class:`~tui.domain.runner.JobRunner` works through the job: a bar, the
done / changed / skipped / failed counts, the rate and the ETA (and a note while a 429 holds
every worker). ``p`` pauses (in-flight users finish, no new one starts; ``p`` again goes on),
``c`` cancels (stops sending; the job stays resumable, ``r`` resumes it). When nothing runs:
each user's result, filterable by outcome (``f``), ``F`` retries the failed users, ``u`` plans
the undo of a finished job through the same preview and confirm as a change.

Leaving while the job runs asks first: it stops sending and the job stays resumable (the jobs
screen, ``J`` on the list, lists it; the app offers to resume it on its next start).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from tui.domain.diff import lines_from_edits
from tui.domain.jobs import Job, JobBusy, JobUser, Journal
from tui.domain.rate_gate import RateGate
from tui.domain.runner import JobProgress, JobRunner, Which
from tui.ui.bulk_jobs import (
    STATE_WORDS,
    audit_trail,
    change_text,
    concurrency_of,
    elsewhere,
    gate_on_client,
    journal_of,
    rate_text,
)
from tui.ui.cache_wiring import needs_server
from tui.ui.screens.diff_confirm import render_line
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.outcome_list import Entry, OutcomeList
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["JobScreen", "result_entry", "RESULT_WORDS"]

RESULT_WORDS = {
    "changed": "changed",
    "skipped": "skipped",
    "failed": "failed",
    "already": "already as asked",
    "cannot_apply": "cannot apply",
    "pending": "not sent yet",
    "in_doubt": "interrupted",
}
_MARKS = {
    "changed": ("✓", "green"),
    "skipped": ("↷", "yellow"),
    "failed": ("✗", "red"),
    "already": ("=", "green"),
    "cannot_apply": ("✗", "dim"),
    "pending": ("·", "dim"),
    "in_doubt": ("?", "yellow"),
}


def result_entry(user: JobUser, section: Any) -> Entry:
    """One user's result: who, the status and why (HTTP status, the server's debugIdentifier),
    and the edits planned for them (masked as on screen)."""
    mark, style = _MARKS.get(user.status, ("?", ""))
    text = Text(f"{mark} ", style=f"bold {style}")
    text.append(user.email or user.user_id, style="bold")
    text.append(f"  {RESULT_WORDS.get(user.status, user.status)}", style=style)
    message = user.message or (user.reason if user.status == "cannot_apply" else "")
    if message:
        text.append(f": {message}")
    if user.http:
        text.append(f"  (HTTP {user.http})", style="dim")
    if user.debug:
        text.append(f"  debug {user.debug}", style="dim")
    if user.status in ("changed", "pending", "in_doubt", "failed", "skipped"):
        for line in lines_from_edits(user.edits, section):
            text.append("\n    ")
            text.append_text(render_line(line))
    return user.status, text


def counts_text(p: JobProgress) -> str:
    parts = [f"changed {p.changed:,}", f"skipped {p.skipped:,}", f"failed {p.failed:,}"]
    if p.already:
        parts.append(f"already {p.already:,}")
    return " · ".join(parts)


class JobScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("p", "pause", "Pause/go on", id="job.pause"),
        Binding("c", "cancel_job", "Cancel job", id="job.cancel"),
        Binding("r", "resume", "Resume", id="job.resume"),
        Binding("F", "retry_failed", "Retry failed", id="job.retry_failed"),
        Binding("u", "undo", "Undo job", id="job.undo"),
        Binding("escape", "back", "Back", id="job.back"),
    ]
    DEFAULT_CSS = """
    JobScreen #job-title { text-style: bold; padding: 0 1; background: $panel; height: 1; }
    JobScreen #job-change { padding: 0 1; height: auto; color: $text-muted; }
    JobScreen #job-progress { height: auto; padding: 1 1 0 1; }
    JobScreen #job-progress ProgressBar { width: 1fr; }
    JobScreen #job-counts { height: auto; text-style: bold; }
    JobScreen #job-rate { height: auto; }
    JobScreen #job-state { padding: 0 1; height: auto; color: $text-accent; }
    """

    def __init__(self, job_id: str, *, run: Which | None = None) -> None:
        super().__init__()  # no id: an undo's job screen opens above the job it undoes
        self.job_id = job_id
        self.start_with = run
        self.journal: Journal | None = None
        self.job: Job | None = None
        self.runner: JobRunner | None = None
        self.progress: JobProgress | None = None
        self.leave_after = False

    # -- what the app asks ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.runner is not None

    @property
    def has_unsaved_changes(self) -> bool:
        return self.running

    @property
    def unsaved_noun(self) -> str:
        return "the running bulk job (it stays resumable)"

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(f"Bulk job {self.job_id}", id="job-title", markup=False)
        yield Static("", id="job-change", markup=False)
        with Vertical(id="job-progress"):
            yield ProgressBar(total=1, show_eta=False, id="job-bar")
            yield Static("", id="job-counts")
            yield Static("", id="job-rate")
        yield Static("", id="job-state")
        yield OutcomeList(list(RESULT_WORDS.items()), id="job-users")
        yield StatusBar(self.app.env, id="status-bar")  # type: ignore[attr-defined]
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        try:
            self.journal = journal_of(self.app)
            self.job = self.journal.job(self.job_id)
        except Exception as exc:
            self.app.log_error("open bulk job", exc)  # type: ignore[attr-defined]
            self.query_one("#job-state", Static).update(f"⚠ Could not open job {self.job_id}: {exc}")
            return
        what = change_text(self.job.change, undo_of=self.job.of_job if self.job.kind == "undo" else None)
        self.query_one("#job-change", Static).update(f"{what}  ·  {self.job.env}")
        if self.start_with is not None and self._users_for(self.start_with):
            self._start(self.start_with)
        else:
            self._show_results()

    def on_unmount(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
        if self.journal is not None and self.runner is None:
            self.journal.close()

    def on_screen_resume(self) -> None:
        if self.journal is not None and not self.running:
            self._show_results()  # an undo may have changed what the journal says

    # -- running ---------------------------------------------------------------------------

    def _users_for(self, which: Which) -> int:
        assert self.journal is not None
        counts = self.journal.job(self.job_id).counts
        return counts.to_send if which == "pending" else counts.failed

    def _start(self, which: Which) -> None:
        app: Any = self.app
        assert self.journal is not None
        why = needs_server(app.backend, "A bulk job") or elsewhere(app, self.journal.job(self.job_id))
        if why:
            self.notify(why, title="Bulk job", severity="warning", timeout=10)
            self._show_results()
            return
        n = concurrency_of(app)
        gate = RateGate(n)
        self.runner = JobRunner(
            app.backend, self.journal, self.job_id, concurrency=n, audit=audit_trail(app), gate=gate,
            on_progress=self._on_progress,
        )  # fmt: skip
        self.query_one("#job-progress").display = True
        self.query_one(OutcomeList).display = False
        self._on_progress(self.runner.progress)
        self.refresh_bindings()

        async def go() -> None:
            runner = self.runner
            assert runner is not None
            problem = ""
            try:
                async with gate_on_client(app, gate):
                    await runner.run(which)
            except JobBusy as exc:
                problem = f"{exc}: it goes on there (this screen shows it when you open it again)"
            except Exception as exc:  # a journal that cannot be written, ...: the job stays resumable
                app.log_error("bulk job", exc)
                problem = f"the job stopped: {type(exc).__name__}: {exc}. It stays resumable (r)"
            finally:
                self.runner = None
            self._ran()
            if problem and self.is_attached:
                self.notify(problem, title=f"Bulk job {self.job_id}", severity="error", timeout=12)

        self.run_worker(go(), name="bulk-job", group="bulk-job", exclusive=True, exit_on_error=False)

    def _ran(self) -> None:
        """The run returned (finished, cancelled, or paused with nothing in flight)."""
        if self.leave_after:
            if self.journal is not None:
                self.journal.close()
            if self.is_attached and self.app.screen is self:
                self.dismiss()
            return
        if self.is_attached:
            self._show_results()

    def _on_progress(self, p: JobProgress) -> None:
        self.progress = p
        if not self.is_attached:
            return
        self.query_one("#job-bar", ProgressBar).update(total=max(p.total, 1), progress=p.done)
        self.query_one("#job-counts", Static).update(f"done {p.done:,} of {p.total:,} · {counts_text(p)}")
        rate = rate_text(p.done, p.total, p.rate, p.eta).split(" · ", 1)[1]
        if p.waiting > 0:
            rate += f" · the server asked to slow down: waiting {p.waiting:.0f} s"
        self.query_one("#job-rate", Static).update(rate)
        self.query_one("#job-state", Static).update(self._state_text(p.state))
        self.refresh_bindings()

    def _state_text(self, state: str) -> str:
        if state == "paused" and self.running:
            return "Paused: users in flight finish, no new one starts. p goes on, c cancels."
        if state == "cancelling":
            return "Cancelling: users in flight finish, the rest stay unsent (resumable)."
        if state == "running":
            return "Running. p pauses, c cancels (the job stays resumable)."
        return STATE_WORDS.get(state, state)

    def _show_results(self) -> None:
        if self.journal is None:
            return
        self.job = job = self.journal.job(self.job_id)
        users = self.journal.users(self.job_id)
        section = job.change.section
        self.query_one("#job-progress").display = False  # the counts line below says it all
        lst = self.query_one(OutcomeList)
        lst.set_entries([result_entry(u, section) for u in users])
        lst.display = True
        hints = []
        if job.unfinished and not job.busy:
            hints.append(f"r resumes ({job.counts.to_send:,} not sent yet)")
        if job.counts.failed:
            hints.append("F retries the failed")
        if not job.unfinished and job.counts.changed:
            hints.append("u plans the undo")
        state = "running in another process" if job.busy else STATE_WORDS.get(job.state, job.state)
        line = f"{job.counts.line()}  ·  {state}"
        self.query_one("#job-state", Static).update(line + ("\n" + ", ".join(hints) if hints else ""))
        lst.options.focus()
        self.refresh_bindings()

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        job = self.job
        if action in ("pause", "cancel_job"):
            return self.running
        if job is None:
            return action == "back"
        if action == "resume":
            return not self.running and job.unfinished and not job.busy
        if action == "retry_failed":
            return not self.running and job.counts.failed > 0
        if action == "undo":
            return not self.running and not job.unfinished and job.counts.changed > 0
        return True

    def action_pause(self) -> None:
        runner = self.runner
        if runner is None:
            return
        if runner.paused:
            runner.resume()
        else:
            runner.pause()

    def action_cancel_job(self) -> None:
        if self.runner is not None:
            self.runner.cancel()

    def action_resume(self) -> None:
        if not self.running and self.journal is not None and self._users_for("pending"):
            self._start("pending")

    def action_retry_failed(self) -> None:
        if not self.running and self.journal is not None and self._users_for("failed"):
            self._start("failed")

    def action_undo(self) -> None:
        job = self.job
        if self.running or job is None or job.unfinished or not job.counts.changed or not self.is_active:
            return
        why = elsewhere(self.app, job)
        if why:
            self.notify(why, title="Bulk job", severity="warning", timeout=10)
            return
        from tui.ui.screens.bulk_plan import PlanScreen

        undo = PlanScreen.for_undo(job.id, job.counts.changed, job.change.section, open_job=self.runs)
        self.app.push_screen(undo)

    @staticmethod
    def runs(job_id: str) -> JobScreen:
        """The screen that runs a job just stored (what a preview's confirm opens)."""
        return JobScreen(job_id, run="pending")

    def action_back(self) -> None:
        if not self.running:
            self.dismiss()
            return
        from tui.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes and self.runner is not None:
                self.leave_after = True
                self.runner.cancel()
                self.query_one("#job-state", Static).update("Stopping: users in flight finish…")

        question = "The job is running. Stop sending and leave? It stays resumable (J on the list)."
        self.app.push_screen(ConfirmScreen(question, title="Leave the job", yes="Stop and leave"), answer)
