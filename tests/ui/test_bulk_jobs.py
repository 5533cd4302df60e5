"""The jobs screen (J on the list) and the start-up question "1 unfinished job — resume?", on
the real app over the sandbox: a job left cancelled halfway is listed with its state, opens on
its results, and the next start of the app offers to resume it; it then finishes with exactly
one successful PUT per user."""

from __future__ import annotations

from collections import Counter

from tests.ui.bulk_ui_kit import build, entries, finished, make_app, mark_rows, preview, puts, wait_for
from tui.api.client import UsersClient
from tui.ui.screens.bulk_job import JobScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.jobs import JobsScreen
from tui.ui.screens.users import UsersScreen


async def test_jobs_screen_and_resume_on_the_next_start(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=40, latency_ms=60)
    app = make_app(sb, tmp_path, bulk_concurrency=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 8)
        users = [r.user_id for r in screen.marks]
        since = len(sb.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Resumed Lead")
        await preview(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        job = await wait_for(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen)
        await wait_for(pilot, lambda: job.progress is not None and job.progress.done >= 1, timeout=15)
        await pilot.press("escape")  # leaving a running job asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), timeout=15, what="the list")
        await pilot.press("J")
        jobs = await wait_for(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen)
        [only] = jobs.jobs
        assert only.unfinished and only.state == "cancelled"
        text = str(jobs.query_one("#jobs-list").get_option_at_index(0).prompt)
        assert only.id in text and "cancelled (resumable)" in text and "not sent yet" in text
        await pilot.press("enter")  # open: its results
        opened = await wait_for(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen)
        await wait_for(pilot, lambda: opened.job is not None)
        assert not opened.running and any("not sent yet" in e for e in entries(opened))
    app2 = make_app(sb, tmp_path, bulk_concurrency=2)
    async with app2.run_test(size=(80, 24)) as pilot:
        ask = await wait_for(pilot, lambda: isinstance(app2.screen, ConfirmScreen) and app2.screen, timeout=10)
        assert ask.question.startswith("1 unfinished job — resume?") and only.id in ask.question
        await pilot.press("y")
        resumed = await finished(pilot)
        assert resumed.job_id == only.id and resumed.job.counts.changed == 8
        assert puts(sb, since) == Counter({u: 1 for u in users})


async def test_a_job_of_another_environment_is_shown_but_not_run_from_here(sandbox, tmp_path):
    from tests.ui.app_kit import sandbox_env, settled
    from tui.domain.backend import OnlineBackend
    from tui.domain.bulk import Change, Set
    from tui.domain.bulk_plan import plan
    from tui.domain.jobs import Journal

    uid = sandbox.store.row(70).user_id
    async with UsersClient(sandbox.base_url, token=sandbox.token) as client:
        planned = await plan(OnlineBackend(client), Change("business", (Set(("designation",), "Elsewhere"),)), [uid])
    settings_home = tmp_path
    app = make_app(sandbox, settings_home, env=sandbox_env(sandbox, name="other"))
    with Journal(app.settings.paths.jobs_file) as journal:
        job_id = journal.create_job(planned, env="sandbox", base_url=sandbox.base_url)
    since = len(sandbox.requests)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)  # no "resume?" here: the job is sandbox's, this is "other"
        screen.set_focus(screen.table)
        await pilot.press("J")
        jobs = await wait_for(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen)
        assert [j.id for j in jobs.jobs] == [job_id]
        jobs.action_resume()  # as r would
        opened = await wait_for(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen)
        await pilot.pause(0.3)
        assert not opened.running and opened.job.unfinished
        assert any("made in environment 'sandbox'" in n.message for n in app._notifications)
    assert not puts(sandbox, since)
