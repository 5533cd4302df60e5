"""The job journal: what it keeps, how statuses read back after any interruption, its file."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from tui.domain.bulk import Change, Set, Touched
from tui.domain.bulk_plan import Plan, UserPlan, UserRef, plan_one
from tui.domain.jobs import JOURNAL_FILE, Journal, unfinished_jobs

CHANGE = Change("business", (Set(("designation",), "Lead"),))


def a_plan(n: int = 4) -> Plan:
    users = []
    for i in range(n):
        current = {"designation": "Lead" if i == n - 1 else f"Engineer {i}", "employeeId": f"E{i}"}
        users.append(plan_one(UserRef(f"u{i}", label=f"Person {i}", email=f"p{i}@example.org"), CHANGE, current))
    return Plan(CHANGE, users, environment="sandbox", created="2026-08-01T10:00:00Z")


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "data" / JOURNAL_FILE) as j:
        yield j


def test_a_job_keeps_the_change_and_each_users_plan(journal) -> None:
    job_id = journal.create_job(a_plan(), env="sandbox", base_url="http://127.0.0.1:1", scope="tmc:t1")
    job = journal.job(job_id)
    assert (job.kind, job.state, job.env, job.scope, job.of_job) == ("apply", "planned", "sandbox", "tmc:t1", None)
    assert job.change == CHANGE and job.describe() == "set Job title to Lead"
    assert job.summary == "4 users · 3 will change · 1 already as asked · 0 cannot apply"
    users = journal.users(job_id)
    assert [u.user_id for u in users] == ["u0", "u1", "u2", "u3"]
    assert users[0].email == "p0@example.org" and users[0].change == CHANGE
    assert users[0].touched == (Touched(("designation",), "Engineer 0", "Lead"),)
    assert [u.status for u in users] == ["pending", "pending", "pending", "already"]
    assert job.unfinished and job.counts.to_send == 3


def test_statuses_read_back_from_intents_and_results(journal) -> None:
    job_id = journal.create_job(a_plan(), env="sandbox")
    journal.intent(job_id, "u0")
    journal.result(job_id, "u0", "changed", applied=[Touched(("designation",), "Engineer 0", "Lead")])
    journal.intent(job_id, "u1")  # killed here: an intent without a result
    journal.intent(job_id, "u2")
    journal.result(job_id, "u2", "failed", http=500, message="500 Internal Server Error", debug="dbg-1")
    by_id = {u.user_id: u for u in journal.users(job_id)}
    assert by_id["u0"].status == "changed" and by_id["u0"].applied[0].pre == "Engineer 0"
    assert by_id["u1"].status == "in_doubt" and by_id["u1"].intents == 1
    assert (by_id["u2"].status, by_id["u2"].http, by_id["u2"].debug) == ("failed", 500, "dbg-1")
    job = journal.job(job_id)
    assert job.counts.line() == "4 users · 1 changed · 1 failed · 1 already as asked · 1 interrupted"
    assert [j.id for j in journal.unfinished()] == [job_id]
    journal.intent(job_id, "u1")
    journal.result(job_id, "u1", "changed")
    assert not journal.job(job_id).unfinished  # a failed user is done (retry is a choice)
    assert [u.user_id for u in journal.users(job_id, ("failed",))] == ["u2"]


def test_job_ids_sort_by_time_and_are_found_by_a_unique_prefix(journal, monkeypatch) -> None:
    first = journal.create_job(a_plan(1), env="a")
    assert len(first) == len("20260801-143207-7f3a") and first[8] == "-" and first[:8].isdigit()
    ids = iter(["20260801-100000-aaaa", "20260801-100000-aaab", "20260801-110000-cccc"])
    monkeypatch.setattr("tui.domain.jobs.new_job_id", lambda: next(ids))
    a = journal.create_job(a_plan(1), env="a")
    b = journal.create_job(a_plan(1), env="b")
    c = journal.create_job(a_plan(1), env="c")
    assert journal.find(a) == a and journal.find("20260801-11") == c
    with pytest.raises(KeyError, match="names 2 jobs"):
        journal.find("20260801-100000-aaa")
    with pytest.raises(KeyError, match="no job 'zz'"):
        journal.find("zz")
    with pytest.raises(KeyError, match="no job"):
        journal.find("%")  # LIKE wildcards are taken literally
    assert [j.id for j in journal.jobs() if j.id in (a, b, c)] == [c, b, a]  # newest first


def test_unfinished_jobs_per_environment_and_without_a_journal(tmp_path) -> None:
    path = tmp_path / JOURNAL_FILE
    assert unfinished_jobs(path) == [] and not path.exists()  # the start-up check creates nothing
    with Journal(path) as j:
        ours = j.create_job(a_plan(), env="prod")
        j.create_job(a_plan(), env="sandbox")
    assert [job.id for job in unfinished_jobs(path, "prod")] == [ours]
    assert len(unfinished_jobs(path)) == 2


def test_the_file_is_private_wal_and_survives_a_reopen(tmp_path) -> None:
    path = tmp_path / "new" / JOURNAL_FILE
    old = os.umask(0o022)
    try:
        with Journal(path) as j:
            job_id = j.create_job(a_plan(), env="sandbox")
            j.intent(job_id, "u0")
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
            wal = path.with_name(path.name + "-wal")
            assert wal.exists() and stat.S_IMODE(os.stat(wal).st_mode) & 0o077 == 0
    finally:
        os.umask(old)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with Journal(path) as j:
        assert j.users(job_id)[0].status == "in_doubt"
        assert j.size() > 0


def test_a_plan_round_trips_through_json_without_the_copies() -> None:
    p = a_plan()
    data = p.to_json()
    assert "employeeId" not in str(data) and "Person 0" not in str(data)  # no whole copies, no names
    back = Plan.from_json(data)
    assert back.summary() == p.summary() and back.change == p.change
    assert [u.touched for u in back.users] == [u.touched for u in p.users]
    assert [line.text() for line in back.users[0].lines] == ["~ designation: Engineer 0 → Lead"]
    assert isinstance(back.users[0], UserPlan) and back.users[0].email == "p0@example.org"


def test_the_app_keeps_the_journal_in_its_data_dir(tmp_path) -> None:
    from tui.config import app_paths

    paths = app_paths({"SPOTNANA_TUI_HOME": str(tmp_path)})
    assert paths.jobs_file == paths.data_dir / JOURNAL_FILE


def test_one_process_runs_a_job_at_a_time_and_a_dead_ones_claim_is_taken_over(journal) -> None:
    import socket
    import subprocess
    import sys

    from tui.domain.jobs import JobBusy

    job_id = journal.create_job(a_plan(), env="sandbox")
    claim = journal.claim(job_id)
    assert journal.job(job_id).busy
    with pytest.raises(JobBusy, match=f"job {job_id} is being run by process {os.getpid()}"):
        journal.claim(job_id)  # a second runner in this process
    journal.release(job_id, claim)
    assert not journal.job(job_id).busy
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = f"{socket.gethostname()}:{int(dead.stdout)}:abcd"
    journal._db.execute("UPDATE jobs SET owner = ? WHERE id = ?", (owner, job_id))  # what kill -9 leaves
    assert not journal.job(job_id).busy
    journal.release(job_id, journal.claim(job_id))
    journal._db.execute("UPDATE jobs SET owner = ? WHERE id = ?", (f"{socket.gethostname()}:{os.getppid()}:ef", job_id))
    with pytest.raises(JobBusy, match=f"process {os.getppid()}"):
        journal.claim(job_id)  # a live process (the one that started these tests)
