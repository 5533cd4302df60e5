"""Bulk jobs against the sandbox over loopback: what each user ends as, and what was sent."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from tests.sandbox.bulk_kit import active_users, calls_for, client_for, plan_and_run, successful_puts
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.bulk import AddItem, Change, Deactivate, Set, commit_docs
from tui.domain.bulk_plan import UserRef, plan
from tui.domain.jobs import JobBusy, Journal
from tui.domain.runner import JobError, JobRunner, plan_undo
from tui.domain.sections import section

LEAD = Change("business", (Set(("designation",), "Bulk Lead"),))


@pytest.fixture(scope="module")
def _pool(sandbox):
    return iter(active_users(sandbox)[40:])


@pytest.fixture
def take(_pool):
    return lambda n: list(itertools.islice(_pool, n))


@pytest.fixture
async def client(sandbox):
    async with client_for(sandbox) as c:
        yield c


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "jobs.sqlite3") as j:
        yield j


@pytest.fixture
def audit(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


async def test_a_job_changes_each_user_in_three_requests_audited_with_its_id(sandbox, client, journal, audit, take):
    users = take(6)
    since = len(sandbox.requests)
    planned, job_id, report = await plan_and_run(client, journal, LEAD, users, audit=audit)
    assert planned.summary() == "6 users · 6 will change · 0 already as asked · 0 cannot apply"
    assert report.ok and report.progress.changed == 6 and journal.job(job_id).state == "finished"
    for uid in users:
        assert [m for m, _ in calls_for(sandbox, since, uid)] == ["GET", "GET", "PUT", "GET"]  # plan, then apply
        assert sandbox.store.get_section(uid, "business-info")["designation"] == "Bulk Lead"
    entries = [e for e in audit.history() if e.get("job") == job_id]
    assert sorted(e["user_id"] for e in entries) == sorted(users) and {e["result"] for e in entries} == {"ok"}


async def test_users_already_as_asked_get_no_put_at_plan_or_at_apply_time(sandbox, client, journal, take):
    before, between, other = take(3)
    sandbox.store.tamper(before, "business-info", {"designation": "Bulk Lead"})
    backend = OnlineBackend(client)
    planned = await plan(backend, LEAD, [before, between, other])
    assert [u.outcome for u in planned.users] == ["already", "will_change", "will_change"]
    job_id = journal.create_job(planned, env="sandbox")
    sandbox.store.tamper(between, "business-info", {"designation": "Bulk Lead"})  # someone did it meanwhile
    since = len(sandbox.requests)
    report = await JobRunner(backend, journal, job_id).run()
    statuses = {u.user_id: (u.status, u.message) for u in journal.users(job_id)}
    assert statuses[before][0] == "already" and calls_for(sandbox, since, before) == []
    assert statuses[between] == ("already", "already as asked when applied")
    assert [m for m, _ in calls_for(sandbox, since, between)] == ["GET"]
    assert statuses[other][0] == "changed" and report.ok


async def test_a_user_changed_behind_the_jobs_back_is_skipped_never_overwritten(sandbox, client, journal, take):
    moved, elsewhere, plain = take(3)
    backend = OnlineBackend(client)
    planned = await plan(backend, LEAD, [moved, elsewhere, plain])
    job_id = journal.create_job(planned, env="sandbox")
    sandbox.store.tamper(moved, "business-info", {"designation": "Changed By Someone"})
    sandbox.store.tamper(elsewhere, "business-info", {"accountingCode": "AC-77"})  # an untouched field
    since = len(sandbox.requests)
    report = await JobRunner(backend, journal, job_id).run()
    by_id = {u.user_id: u for u in journal.users(job_id)}
    assert (by_id[moved].status, by_id[moved].message) == ("skipped", "changed since preview: Job title")
    assert sandbox.store.get_section(moved, "business-info")["designation"] == "Changed By Someone"
    assert "PUT" not in [m for m, _ in calls_for(sandbox, since, moved)]
    kept = sandbox.store.get_section(elsewhere, "business-info")
    assert by_id[elsewhere].status == "changed" and kept["accountingCode"] == "AC-77"  # lossless
    assert kept["designation"] == "Bulk Lead" and by_id[plain].status == "changed"
    assert not report.ok and report.progress.skipped == 1


async def test_resume_reads_interrupted_users_and_never_puts_twice(sandbox, client, journal, take):
    landed, not_sent, untried = take(3)
    backend = OnlineBackend(client)
    planned = await plan(backend, LEAD, [landed, not_sent, untried])
    job_id = journal.create_job(planned, env="sandbox")
    # what kill -9 leaves: an intent whose PUT landed, an intent whose PUT never went, nothing
    journal.intent(job_id, landed)
    user = journal.users(job_id)[0]
    fresh = await backend.read_section(section("business"), landed)
    await backend.write_section(section("business"), landed, {**fresh, **commit_docs(user.touched)[1]})
    journal.intent(job_id, not_sent)
    assert journal.job(job_id).counts.line() == "3 users · 0 changed · 1 not sent yet · 2 interrupted"
    since = len(sandbox.requests)
    report = await JobRunner(backend, journal, job_id).run()
    assert report.ok
    by_id = {u.user_id: u for u in journal.users(job_id)}
    assert by_id[landed].status == "changed" and "had landed" in by_id[landed].message
    assert [m for m, _ in calls_for(sandbox, since, landed)] == ["GET"]
    assert successful_puts(sandbox, since) == {not_sent: 1, untried: 1}


async def test_a_failed_user_does_not_stop_the_job_and_can_be_retried(sandbox, journal, take):
    users = take(3)
    async with client_for(sandbox, retries=1) as client:
        backend = OnlineBackend(client)
        planned = await plan(backend, LEAD, users)
        job_id = journal.create_job(planned, env="sandbox")
        sandbox.faults.inject(503, count=2)  # the first user's GET and its one retry
        report = await JobRunner(backend, journal, job_id, concurrency=1).run()
        failed = journal.users(job_id, ("failed",))
        assert [u.user_id for u in failed] == users[:1] and report.progress.changed == 2
        assert failed[0].http == 503 and failed[0].message.startswith("503")
        assert failed[0].debug.startswith("sandbox-")  # the server's debugIdentifier
        assert not report.unfinished and not report.ok
        again = await JobRunner(backend, journal, job_id).run("failed")
        assert again.ok and journal.job(job_id).counts.changed == 3


async def test_pause_takes_no_new_user_and_cancel_leaves_the_job_resumable(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=40, latency_ms=25)
    users = active_users(sb)[:16]
    with Journal(tmp_path / "jobs.sqlite3") as journal:
        async with client_for(sb) as client:
            backend = OnlineBackend(client)
            job_id = journal.create_job(await plan(backend, LEAD, users, concurrency=8), env="sandbox")
            seen = []
            runner = JobRunner(backend, journal, job_id, concurrency=2, on_progress=seen.append)
            task = asyncio.create_task(runner.run())
            while runner.progress.done < 2:
                await asyncio.sleep(0.01)
            runner.pause()
            await asyncio.sleep(0.3)  # in-flight users finish, no new one starts
            held = runner.progress.done
            await asyncio.sleep(0.3)
            assert runner.progress.done == held <= 4 and journal.job(job_id).state == "paused"
            with pytest.raises(JobBusy, match="is being run by process"):
                await JobRunner(backend, journal, job_id).run()  # never two runners on one job
            runner.resume()
            while runner.progress.done < held + 2:
                await asyncio.sleep(0.01)
            runner.cancel()
            report = await task
            assert report.unfinished and journal.job(job_id).state == "cancelled"
            left = journal.job(job_id).counts.pending
            assert 0 < left < 16 - held
            assert {p.state for p in seen} >= {"running", "paused", "cancelling", "cancelled"}
            final = await JobRunner(backend, journal, job_id, concurrency=4).run()
            assert final.ok and final.progress.total == left
    assert successful_puts(sb) == dict.fromkeys(users, 1)


async def test_a_429_after_the_clients_retries_puts_the_user_back_in_the_queue(sandbox, journal, take):
    users = take(2)
    async with client_for(sandbox, retries=0) as client:
        backend = OnlineBackend(client)
        job_id = journal.create_job(await plan(backend, LEAD, users), env="sandbox")
        sandbox.faults.inject(429, count=2, retry_after=1)
        runner = JobRunner(backend, journal, job_id, concurrency=2)
        report = await runner.run()
    assert report.ok and report.progress.changed == 2
    assert runner.gate.throttles >= 1
    assert all(u.intents >= 1 for u in journal.users(job_id))


async def test_deactivate_and_its_undo_go_through_set_active_journaled_and_audited(
    sandbox, client, journal, audit, take
):
    users = take(3)
    sandbox.store.set_active(users[2], False)
    planned, job_id, report = await plan_and_run(client, journal, Change(None, (Deactivate(),)), users, audit=audit)
    assert [u.outcome for u in planned.users] == ["will_change", "will_change", "already"]
    assert report.ok and not any(sandbox.store.is_active(u) for u in users)
    mine = [e for e in audit.history() if e.get("job") == job_id]
    assert {(e["action"], e["result"]) for e in mine} == {("deactivate", "ok")} and len(mine) == 2
    undo = await plan_undo(OnlineBackend(client), journal, job_id)
    assert undo.kind == "undo" and undo.of_job == job_id
    assert undo.summary() == "2 users · 2 will change · 0 already as asked · 0 cannot apply"
    undo_id = journal.create_job(undo, env="sandbox")
    assert (await JobRunner(OnlineBackend(client), journal, undo_id).run()).ok
    assert [sandbox.store.is_active(u) for u in users] == [True, True, False]


async def test_undo_restores_untouched_users_exactly_and_reports_fields_moved_since(
    sandbox, client, api, journal, take
):
    users = take(3)
    raw = {u: api.get(f"/v2/users/{u}/business-info").content for u in users}
    change = Change("business", (Set(("designation",), "Undo Me"), Set(("accountingCode",), "UNDO-1")))
    _, job_id, report = await plan_and_run(client, journal, change, users)
    assert report.ok
    sandbox.store.tamper(users[0], "business-info", {"designation": "Moved Since"})
    with pytest.raises(JobError, match="not finished"):
        other = journal.create_job(await plan(OnlineBackend(client), LEAD, take(1)), env="sandbox")
        await plan_undo(OnlineBackend(client), journal, other)
    undo = await plan_undo(OnlineBackend(client), journal, job_id)
    by_id = {u.user_id: u for u in undo.users}
    assert by_id[users[0]].reason == "changed since the job: Job title"
    assert [line.path_text for line in by_id[users[0]].lines] == ["accountingCode"]  # the rest is undone
    undo_id = journal.create_job(undo, env="sandbox")
    assert (await JobRunner(OnlineBackend(client), journal, undo_id).run()).ok
    for u in users[1:]:
        assert api.get(f"/v2/users/{u}/business-info").content == raw[u]  # byte for byte
    left = json.loads(api.get(f"/v2/users/{users[0]}/business-info").content)
    assert left["designation"] == "Moved Since" and json.loads(raw[users[0]]).get("accountingCode") == left.get(
        "accountingCode"
    )


async def test_the_journal_never_holds_a_sensitive_value(sandbox, client, journal, take, tmp_path):
    users = take(4)
    change = Change("personal", (AddItem(("phoneNumbers",), {"rawInput": "+44 20 7946 0001", "type": "LANDLINE"}),))
    refs = [UserRef(u, email=f"{u[:8]}@example.org") for u in users]
    _, job_id, report = await plan_and_run(client, journal, change, refs)
    assert report.progress.done == 4
    secrets = []
    for u in users:
        info = sandbox.store.get_section(u, "personal-info")
        secrets += [info["dob"]["iso8601"]] if "dob" in info else []
        secrets += [info["name"]["family1"]] if info.get("name", {}).get("family1") else []
        for doc in info.get("identityDocs", []):
            secrets += [v["docId"] for v in doc.values() if isinstance(v, dict) and v.get("docId")]
    assert len(secrets) >= 4
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("jobs.sqlite3*"))
    assert b"+44 20 7946 0001" in blob  # what the change wrote is there (undo needs it) ...
    assert not [s for s in secrets if s.encode() in blob]  # ... no legal name, date of birth or document number
