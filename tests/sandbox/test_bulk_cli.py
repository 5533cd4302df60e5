"""``spotnana-tui bulk list|show|resume|undo`` as an agent types them, over a sandbox on loopback."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from pathlib import Path

import pytest

from tests.sandbox.bulk_kit import active_users, client_for, plan_and_run, successful_puts
from tui.cli import main
from tui.domain.backend import OnlineBackend
from tui.domain.bulk import Change, Set
from tui.domain.bulk_plan import UserRef, plan
from tui.domain.jobs import Journal

LEAD = Change("business", (Set(("designation",), "CLI Lead"),))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox) -> Path:
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))
    for var in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPOTNANA_TOKEN", sandbox.token)
    return tmp_path


@pytest.fixture(scope="module")
def _pool(sandbox):
    return iter(active_users(sandbox)[120:])


def take(pool, n: int) -> list[str]:
    return [next(pool) for _ in range(n)]


def run_job(sandbox, home: Path, users: list[str], change: Change = LEAD) -> str:
    async def go() -> str:
        async with client_for(sandbox) as client:
            refs = [UserRef(u, email=f"{u[:6]}@example.org") for u in users]
            with Journal(home / "data" / "jobs.sqlite3") as journal:
                return (await plan_and_run(client, journal, change, refs))[1]

    return asyncio.run(go())


def test_list_and_show_a_job(sandbox, home, _pool, capsys) -> None:
    users = take(_pool, 3)
    job_id = run_job(sandbox, home, users)
    assert main(["bulk", "list"]) == 0
    out = capsys.readouterr().out
    assert job_id in out and "finished" in out and "3 users · 3 changed" in out and "set Job title to CLI Lead" in out
    assert main(["bulk", "show", job_id[:17]]) == 0
    out = capsys.readouterr().out
    assert f"{users[0][:6]}@example.org" in out and "→ CLI Lead" in out and "~ Job title:" in out
    assert main(["bulk", "show", job_id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == job_id and [u["status"] for u in data["users"]] == ["changed"] * 3
    assert data["users"][0]["touched"][0]["post"] == "CLI Lead"


def test_unknown_jobs_and_a_foreign_server_are_usage_errors(sandbox, home, _pool, capsys) -> None:
    assert main(["bulk", "show", "nope"]) == 2
    assert "no bulk jobs yet" in capsys.readouterr().err
    job_id = run_job(sandbox, home, take(_pool, 1))
    assert main(["bulk", "show", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spotnana-tui: no job 'nope'") and "Traceback" not in err
    assert main(["bulk", "resume", job_id, "--base-url", "http://127.0.0.1:9", "--tmc-id", sandbox.tmc_id]) == 2
    assert f"was made against {sandbox.base_url}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["bulk", "undo"])
    assert exc.value.code == 2


def test_resume_without_a_token_says_so_and_exits_3(sandbox, home, _pool, capsys, monkeypatch) -> None:
    users = take(_pool, 2)

    async def planned_job() -> str:
        async with client_for(sandbox) as client:
            with Journal(home / "data" / "jobs.sqlite3") as journal:
                p = await plan(OnlineBackend(client), LEAD, users)
                return journal.create_job(p, env="custom", base_url=sandbox.base_url, scope=f"tmc:{sandbox.tmc_id}")

    job_id = asyncio.run(planned_job())
    monkeypatch.delenv("SPOTNANA_TOKEN")
    assert main(["bulk", "resume", job_id]) == 3
    assert "SPOTNANA_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("SPOTNANA_TOKEN", sandbox.token)
    assert main(["bulk", "resume", job_id]) == 0  # the journal knows the server and the TMC
    captured = capsys.readouterr()
    assert "2 users · 2 changed" in captured.out and "(100%)" in captured.err  # progress on stderr
    assert main(["bulk", "resume", job_id]) == 0
    assert "nothing left to send" in capsys.readouterr().err


def test_undo_above_20_users_asks_for_the_count(sandbox, home, _pool, capsys, monkeypatch) -> None:
    users = take(_pool, 21)
    before = {u: sandbox.store.get_section(u, "business-info") for u in users}
    job_id = run_job(sandbox, home, users)
    since = len(sandbox.requests)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(["bulk", "undo", job_id]) == 1
    captured = capsys.readouterr()
    assert "21 users · 21 will change" in captured.out and "type 21 to confirm" in captured.err
    assert "nothing sent" in captured.err and not successful_puts(sandbox, since)
    monkeypatch.setattr(sys, "stdin", io.StringIO("21\n"))
    assert main(["bulk", "undo", job_id]) == 0
    out = capsys.readouterr().out
    assert "21 users · 21 changed" in out
    assert all(sandbox.store.get_section(u, "business-info") == before[u] for u in users)
    undo_job = next(j for j in Journal(home / "data" / "jobs.sqlite3").jobs() if j.kind == "undo")
    assert undo_job.of_job == job_id and undo_job.describe() == f"undo of job {job_id}"


def test_undo_with_yes_and_users_changed_since(sandbox, home, _pool, capsys) -> None:
    users = take(_pool, 2)
    job_id = run_job(sandbox, home, users)
    sandbox.store.tamper(users[0], "business-info", {"designation": "Someone Else"})
    assert main(["bulk", "undo", job_id, "--yes"]) == 0
    captured = capsys.readouterr()
    assert "2 users · 1 will change · 0 already as asked · 1 cannot apply" in captured.out
    assert "changed since the job: Job title" in captured.out
    assert sandbox.store.get_section(users[0], "business-info")["designation"] == "Someone Else"


def test_retry_failed_and_exit_codes(sandbox, home, _pool, capsys) -> None:
    users = take(_pool, 2)

    async def failing_job() -> str:
        async with client_for(sandbox, retries=0) as client:
            with Journal(home / "data" / "jobs.sqlite3") as journal:
                p = await plan(OnlineBackend(client), LEAD, users)
                job_id = journal.create_job(p, env="custom", base_url=sandbox.base_url)
                from tui.domain.runner import JobRunner

                sandbox.faults.inject(503, count=1)
                await JobRunner(OnlineBackend(client), journal, job_id, concurrency=1).run()
                return job_id

    job_id = asyncio.run(failing_job())
    assert main(["bulk", "resume", job_id]) == 1  # nothing left to send, but a user failed
    assert "failed" in capsys.readouterr().out
    assert main(["bulk", "resume", job_id, "--retry-failed"]) == 0
    assert "2 users · 2 changed" in capsys.readouterr().out
