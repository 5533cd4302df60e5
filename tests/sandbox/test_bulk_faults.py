"""Bulk jobs under faults: 500s and a rate limit on 200 users, and kill -9 of a subprocess
running a 300-user job followed by ``spotnana-tui bulk resume``. The sandbox's request log is
the witness."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.sandbox.bulk_kit import client_for, plan_and_run, successful_puts
from tui.cli import main
from tui.domain.bulk import Change, Set
from tui.domain.jobs import Journal
from tui.domain.rate_gate import RateGate

ROOT = Path(__file__).resolve().parents[2]
VALUE = "Survived Faults"


async def test_200_users_with_errors_and_a_rate_limit_each_end_with_a_reason(sandbox_factory, tmp_path) -> None:
    sb = sandbox_factory(users=220, error_rate=0.1, rate_limit=200)
    users = [sb.store.row(p).user_id for p in range(200)]
    gate = RateGate(8)
    with Journal(tmp_path / "jobs.sqlite3") as journal:
        async with client_for(sb, gate) as client:
            change = Change("business", (Set(("designation",), VALUE),))
            planned, job_id, report = await plan_and_run(client, journal, change, users, concurrency=8, gate=gate)
        rows = journal.users(job_id)
    statuses = Counter(u.status for u in rows)
    sent = Counter(status for _, _, status in sb.requests)
    assert sent[500] > 20 and sent[429] > 0 and gate.throttles > 0  # the faults happened
    assert set(statuses) <= {"changed", "skipped", "failed"} and sum(statuses.values()) == 200
    assert not report.unfinished
    puts = successful_puts(sb)
    assert max(puts.values()) == 1  # never a second write to anyone
    for u in rows:
        on_server = sb.store.get_section(u.user_id, "business-info").get("designation")
        if u.status == "changed":
            assert on_server == VALUE and puts[u.user_id] == 1
        else:
            assert u.message and on_server != VALUE and puts[u.user_id] == 0  # with its reason, not written
    assert statuses["changed"] >= 190


def _env(home: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOTNANA_")}
    return {**env, "SPOTNANA_TUI_HOME": str(home), "SPOTNANA_TOKEN": token, "PYTHONPATH": str(ROOT)}


def test_kill_minus_9_mid_job_then_resume_changes_everyone_exactly_once(
    sandbox_factory, tmp_path, monkeypatch, capsys
) -> None:
    sb = sandbox_factory(users=320, latency_ms=50)
    env = _env(tmp_path, sb.token)
    cmd = [sys.executable, "-m", "tests.sandbox.bulk_helper", "--base-url", sb.base_url, "--tmc-id", sb.tmc_id]
    cmd += ["--count", "300", "--concurrency", "16", "--set", "designation=" + VALUE]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        job_id = ""
        while not job_id:
            line = proc.stdout.readline() if proc.stdout else ""
            assert line, "the helper ended before it created the job"
            if line.startswith("job: "):
                job_id = line.split()[1]
        path = tmp_path / "data" / "jobs.sqlite3"
        deadline = time.monotonic() + 60
        with Journal(path) as journal:
            while journal.job(job_id).counts.changed < 60:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            counts = journal.job(job_id).counts
            assert counts.in_doubt >= 1 and counts.pending > 0 and counts.total == 300  # cut mid-write
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    for key in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))  # the agent's shell: the same home and token
    monkeypatch.setenv("SPOTNANA_TOKEN", sb.token)
    assert main(["bulk", "resume", job_id[:15], "--concurrency", "16"]) == 0
    assert f"job {job_id}: 300 users · 300 changed" in capsys.readouterr().out
    with Journal(path) as journal:
        rows = journal.users(job_id)
    assert Counter(u.status for u in rows) == {"changed": 300}
    assert successful_puts(sb) == {u.user_id: 1 for u in rows}  # exactly one successful PUT each
    assert all(sb.store.get_section(u.user_id, "business-info")["designation"] == VALUE for u in rows)
