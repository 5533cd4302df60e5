"""kill -9 of ``bulk apply`` halfway through a 300-row plan, then ``bulk resume``: every user
ends changed with exactly one successful PUT (the sandbox's request log is the witness)."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import time
from collections import Counter

from tests.sandbox.bulk_kit import active_users, successful_puts
from tests.sandbox.test_cli_plan_apply import Cli
from tui.cli import main
from tui.domain.jobs import Journal

VALUE = "Survived kill -9"


def test_kill_minus_9_of_bulk_apply_then_resume_changes_everyone_exactly_once(
    sandbox_factory, tmp_path, monkeypatch, capsys
) -> None:
    sb = sandbox_factory(users=330, latency_ms=50)
    cli = Cli(sb, tmp_path)
    users = active_users(sb)[:300]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["userId", "designation"])
    writer.writerows([u, VALUE] for u in users)
    (tmp_path / "all.csv").write_text(buf.getvalue())
    planned = cli.plan("all.csv", "-o", "plan.json", "--concurrency", "16")
    assert planned.returncode == 0, planned.stderr

    cmd = [sys.executable, "-m", "tui", "bulk", "apply", "plan.json", "--yes", "--concurrency", "16"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=cli.env(None), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        job_id = ""
        while not job_id:
            line = proc.stderr.readline() if proc.stderr else ""
            assert line, "bulk apply ended before it made the job"
            if line.startswith("job ") and "will change" in line:
                job_id = line.split()[1].rstrip(":")
        deadline = time.monotonic() + 60
        with Journal(cli.journal) as journal:
            while journal.job(job_id).counts.changed < 60:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            counts = journal.job(job_id).counts
            assert counts.pending > 0 and counts.in_doubt >= 1 and counts.total == len(users) == 300  # cut mid-write
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    for key in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(cli.home))
    monkeypatch.setenv("SPOTNANA_TOKEN", sb.token)
    assert main(["bulk", "resume", job_id, "--concurrency", "16"]) == 0
    assert f"job {job_id}: 300 users · 300 changed" in capsys.readouterr().out
    with Journal(cli.journal) as journal:
        rows = journal.users(job_id)
    assert Counter(u.status for u in rows) == {"changed": 300}
    assert successful_puts(sb) == {u: 1 for u in users}  # exactly one successful PUT each
    assert all(sb.store.get_section(u, "business-info")["designation"] == VALUE for u in users)


def test_a_server_lost_while_planning_is_exit_code_3_and_no_plan_file(
    sandbox_factory, tmp_path, monkeypatch, capsys
) -> None:
    import threading

    sb = sandbox_factory(users=60, latency_ms=200)
    users = active_users(sb)[:40]
    (tmp_path / "rows.csv").write_text("userId,designation\r\n" + "".join(f"{u},Lost\r\n" for u in users))
    for key in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SPOTNANA_TOKEN", sb.token)
    plan_path = tmp_path / "plan.json"
    args = ["bulk", "plan", "--csv", str(tmp_path / "rows.csv"), "-o", str(plan_path), "--concurrency", "16"]
    codes: list[int] = []
    worker = threading.Thread(
        target=lambda: codes.append(main([*args, "--base-url", sb.base_url, "--tmc-id", sb.tmc_id]))
    )
    worker.start()
    deadline = time.monotonic() + 30
    while not any(p.endswith("/business-info") for _, p, _ in list(sb.requests)):
        assert time.monotonic() < deadline and worker.is_alive()
        time.sleep(0.01)
    sb.stop()  # the reads in flight finish; the others find no server
    worker.join(120)
    assert codes == [3] and not plan_path.exists()
    err = capsys.readouterr().err
    assert (
        "users could not be read (the server went away or refused the credentials" in err and "no plan written" in err
    )
