"""The bulk flow after the builder, on the real app over the sandbox: planning (progress, Esc
stops), the preview (summary, each user's diff, filter by outcome, nothing sent), the confirm
(a question up to 20 users, the count typed above), the job's progress (pause, cancel, resume),
its results (filter, retry failed), undo."""

from __future__ import annotations

from collections import Counter

from tests.ui.app_kit import settled
from tests.ui.bulk_ui_kit import (
    build,
    entries,
    finished,
    job_title,
    make_app,
    mark_rows,
    no_retries,
    preview,
    puts,
    static_text,
    status_of,
    type_text,
    wait_for,
)
from tui.ui.screens.bulk_change import BulkChangeScreen
from tui.ui.screens.bulk_job import JobScreen
from tui.ui.screens.bulk_plan import PlanScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.type_count import TypeCountScreen
from tui.ui.screens.users import UsersScreen
from tui.ui.widgets.outcome_list import OutcomeList


async def test_preview_shows_each_users_diff_and_filters_and_sends_nothing(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await mark_rows(pilot, 3)
        users = [r.user_id for r in screen.marks]
        sandbox.store.tamper(users[1], "business-info", {"designation": "Bulk Preview"})  # already as asked
        before = [job_title(sandbox, u) for u in users]
        since = len(sandbox.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Bulk Preview")
        plan = await preview(pilot)
        assert static_text(plan, "#plan-summary") == "3 users · 2 will change · 1 already as asked · 0 cannot apply"
        shown = entries(plan)
        assert f"Job title (designation): {before[0]} → Bulk Preview" in shown[0] and "will change" in shown[0]
        assert "already as asked" in shown[1] and "→" not in shown[1]
        await pilot.press("f")  # will change only
        assert len(entries(plan)) == 2 and all("will change" in e for e in entries(plan))
        await pilot.press("f")  # already as asked only
        assert len(entries(plan)) == 1 and "already as asked" in entries(plan)[0]
        await pilot.press("f")
        assert len(entries(plan)) == 3
        assert not puts(sandbox, since)  # nothing sent: only reads
        assert [job_title(sandbox, u) for u in users] == before
        await pilot.press("escape")  # back to the builder, the change kept
        await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen.ops)


async def test_masked_values_stay_masked_in_the_preview(sandbox, tmp_path):
    from tui.domain.bulk_plan import UserPlan
    from tui.domain.diff import diff
    from tui.domain.sections import section
    from tui.ui.screens.bulk_plan import plan_entry

    personal = section("personal")
    old = {"dob": {"iso8601": "1980-02-03"}, "title": "MR"}
    new = {"dob": {"iso8601": "1980-02-03"}, "title": "MS"}
    lines = diff({**old, "dob": {"iso8601": "1970-01-01"}}, new, personal)  # the dob line is a masked one
    user = UserPlan("u1", "Ada Quill", "will_change", change=None, lines=lines)  # type: ignore[arg-type]
    _, text = plan_entry(user, personal)
    assert "1980-02-03" not in text.plain and "1970-01-01" not in text.plain
    assert "[masked]" in text.plain and "MR → MS" in text.plain


async def test_the_preview_shows_domain_warnings_and_reasons():
    from tui.domain.bulk_plan import UserPlan
    from tui.domain.sections import section
    from tui.domain.warnings import ProfileWarning
    from tui.ui.screens.bulk_plan import plan_entry

    warned = UserPlan("u1", "Ada Quill", "will_change", change=None)  # type: ignore[arg-type]
    warned.warnings = [ProfileWarning("dup_email", ("email",), "another user has this email")]
    refused = UserPlan("u2", "Bo Chen", "cannot_apply", change=None, reason="could not read: HTTP 500")  # type: ignore[arg-type]
    assert "⚠ another user has this email" in plan_entry(warned, section("business"))[1].plain
    outcome, text = plan_entry(refused, section("business"))
    assert outcome == "cannot_apply" and "cannot apply: could not read: HTTP 500" in text.plain


async def test_a_user_that_cannot_be_read_cannot_apply(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, client_factory=no_retries, bulk_concurrency=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 0)
        await pilot.press(*["down"] * 50, "space", "space")
        await pilot.press("b")
        await build(pilot, "job title", "Unread Lead")
        sandbox.faults.inject(500, count=1)  # the first user's read fails (no retries here)
        plan = await preview(pilot)
        assert static_text(plan, "#plan-summary") == "2 users · 1 will change · 0 already as asked · 1 cannot apply"
        await pilot.press("f", "f")  # all -> will change -> cannot apply
        [shown] = entries(plan)
        assert "cannot apply: could not read" in shown and "500" in shown
        assert screen.marks[0].name in shown


async def test_planning_shows_progress_and_esc_stops_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=120, latency_ms=40)
    app = make_app(sb, tmp_path, bulk_concurrency=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, timeout=20)
        screen.set_focus(screen.table)
        await pilot.press("asterisk")
        await wait_for(pilot, lambda: len(screen.marks) == 120 and not screen.marking, timeout=20)
        since = len(sb.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Never Sent")
        await pilot.press("ctrl+s")
        plan = await wait_for(pilot, lambda: isinstance(app.screen, PlanScreen) and app.screen)
        await wait_for(pilot, lambda: "ETA" in static_text(plan, "#plan-progress-text"), timeout=10)
        text = static_text(plan, "#plan-progress-text")
        assert "of 120" in text and "users/s" in text and "Esc stops" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen), timeout=10, what="back")
        assert not puts(sb, since)


async def test_confirm_then_the_job_runs_and_shows_results(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 0)
        await pilot.press("down", "down", "down", "space", "space", "space")  # rows 3-5: no other test changes them
        users = [r.user_id for r in screen.marks]
        since = len(sandbox.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Bulk Lead")
        plan = await preview(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "to 3 users in sandbox" in app.screen.question
        await pilot.press("n")  # not yet
        assert app.screen is plan and not puts(sandbox, since)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        job = await finished(pilot)
        assert "3 users · 3 changed" in static_text(job, "#job-state")
        assert [status_of(e) for e in entries(job)] == ["changed"] * 3
        assert puts(sandbox, since) == Counter({u: 1 for u in users})
        assert {job_title(sandbox, u) for u in users} == {"Bulk Lead"}
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), what="back on the list")


async def test_above_20_users_the_agent_types_the_count(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 0)
        await pilot.press("G")  # from the end of the list: users no other test here changes
        await pilot.press(*["up"] * 30)
        await pilot.press(*["space"] * 25)
        users = [r.user_id for r in screen.marks]
        assert len(users) == 25
        since = len(sandbox.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Counted Lead")
        await preview(pilot)
        await pilot.press("ctrl+s")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, TypeCountScreen) and app.screen)
        await type_text(pilot, "24")
        await pilot.press("enter")
        assert app.screen is dialog and "That is not 25" in static_text(dialog, "#count-status")
        assert not puts(sandbox, since)
        dialog.query_one("#count-input").value = ""
        await type_text(pilot, "25")
        await pilot.press("enter")
        await finished(pilot)
        assert puts(sandbox, since) == Counter({u: 1 for u in users})


async def test_pause_cancel_resume_and_retry_failed(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=60, latency_ms=60)
    app = make_app(sb, tmp_path, client_factory=no_retries, bulk_concurrency=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 12)
        users = [r.user_id for r in screen.marks]
        since = len(sb.requests)
        await pilot.press("b")
        await build(pilot, "job title", "Paused Lead")
        await preview(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        job = await wait_for(pilot, lambda: isinstance(app.screen, JobScreen) and app.screen)
        await wait_for(pilot, lambda: job.progress is not None and job.progress.done >= 2, timeout=15)
        counts = static_text(job, "#job-counts")
        assert counts.startswith("done ") and "of 12" in counts and "changed" in counts
        assert "users/s" in static_text(job, "#job-rate")
        await pilot.press("p")
        await wait_for(pilot, lambda: job.runner is not None and job.runner.paused)
        assert "Paused" in static_text(job, "#job-state")
        await pilot.pause(0.3)  # the user in flight finishes
        held = job.progress.done
        await pilot.pause(0.5)
        assert job.progress.done == held < 12  # no new user while paused
        await pilot.press("p")  # go on
        await wait_for(pilot, lambda: job.progress.done > held, timeout=10)
        await pilot.press("c")
        await wait_for(pilot, lambda: not job.running, timeout=10, what="the cancel")
        assert job.job.unfinished and "cancelled (resumable)" in static_text(job, "#job-state")
        assert any("not sent yet" in e for e in entries(job))
        sb.faults.inject(500, count=1)  # the next user's fresh read fails (no retries here): that user fails
        await pilot.press("r")
        await wait_for(pilot, lambda: not job.running and not job.job.unfinished, timeout=20, what="the resume")
        assert job.job.counts.failed == 1 and "failed" in static_text(job, "#job-state")
        await pilot.press("f", "f")  # all -> changed -> failed
        assert job.query_one(OutcomeList).filter == "failed"
        assert [status_of(e) for e in entries(job)] == ["failed"]
        assert "HTTP 500" in entries(job)[0]
        await pilot.press("F")  # retry failed
        await wait_for(pilot, lambda: not job.running and job.job.counts.failed == 0, timeout=20, what="the retry")
        assert job.job.counts.changed == 12
        assert puts(sb, since) == Counter({u: 1 for u in users})  # nobody changed twice


async def test_undo_restores_every_user_byte_for_byte(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 0)
        await pilot.press(*["down"] * 40)
        await pilot.press("space", "space")
        users = [r.user_id for r in screen.marks]
        originals = {u: sandbox.store.get_section(u, "business-info") for u in users}
        await pilot.press("b")
        await build(pilot, "job title", "Undone Lead")
        await build(pilot, "cost center", kind="clear")
        await preview(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        job = await finished(pilot)
        assert {job_title(sandbox, u) for u in users} == {"Undone Lead"}
        await pilot.press("u")
        undo = await wait_for(pilot, lambda: isinstance(app.screen, PlanScreen) and app.screen)
        await wait_for(pilot, lambda: undo.plan is not None, timeout=20)
        assert static_text(undo, "#plan-summary") == "2 users · 2 will change · 0 already as asked · 0 cannot apply"
        assert "Undone Lead →" in entries(undo)[0]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        again = await finished(pilot)
        assert again is not job and again.job.kind == "undo" and again.job.of_job == job.job_id
        for u in users:
            assert sandbox.store.get_section(u, "business-info") == originals[u]
