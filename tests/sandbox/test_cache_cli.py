"""``spotnana-tui cache sync`` as an agent runs it, against a sandbox on loopback: in-process
for the messages and exit codes, as a subprocess for kill -9 and Ctrl+C."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.sandbox.test_cli_plan_apply import Cli
from tui.cli import main
from tui.domain.cache_sync import BATCH

ENV_VARS = ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID", "SPOTNANA_COMPANY_ID")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox) -> Path:
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPOTNANA_TOKEN", sandbox.token)
    return tmp_path


def conn(sb: Any) -> list[str]:
    return ["--base-url", sb.base_url, "--tmc-id", sb.tmc_id]


def profiles(path: Path) -> set[str]:
    if not path.exists():
        return set()
    db = sqlite3.connect(path, timeout=30)
    try:
        return {r[0] for r in db.execute("SELECT user_id FROM profiles")}
    except sqlite3.OperationalError:  # not made yet
        return set()
    finally:
        db.close()


def profile_gets(sb: Any, since: int = 0) -> Counter[str]:
    return Counter(p.split("/")[3] for m, p, _ in sb.requests[since:] if m == "GET" and p.count("/") == 3)


def test_sync_then_status_then_a_resync_that_lists_only(sandbox, home, capsys) -> None:
    n0 = len(sandbox.requests)
    assert main(["cache", "sync", "--all", *conn(sandbox), "--concurrency", "8"]) == 0
    err = capsys.readouterr().err
    assert "no keyring on this machine: sensitive values (identity documents, date of birth) are not cached" in err
    assert "cache sync: 300/300 (100%)" in err
    assert "synced 300 users: 300 fetched (profile and roles), 0 unchanged · sandbox · 601 requests in" in err
    assert len(profile_gets(sandbox, n0)) == 300
    assert main(["cache", "status"]) == 0
    out = capsys.readouterr().out
    assert "  300 users · 300 profiles · 300 sections · 0 drafts · about " in out
    assert "  oldest copy just now · newest just now" in out and "unfinished" not in out
    n1 = len(sandbox.requests)
    assert main(["cache", "sync", "--all", *conn(sandbox)]) == 0
    assert "300 unchanged · sandbox · 1 request in" in capsys.readouterr().err
    assert [(m, p) for m, p, _ in sandbox.requests[n1:]] == [("POST", "/v3/users/list")]


def test_a_query_with_a_reference_name_is_resolved_as_the_list_does(sandbox, home, capsys) -> None:
    office = sandbox.store.detail(0)["businessDetail"]["office"]
    n0 = len(sandbox.requests)
    assert main(["cache", "sync", "--query", f'office:"{office["name"]}" status:all', *conn(sandbox)]) == 0
    err = capsys.readouterr().err
    synced = int(err.split("synced ")[1].split(" users")[0])
    want = {sandbox.store.row(p).user_id for p in range(300) if sandbox.store.row(p).office_id == office["id"]}
    assert synced == len(want) > 0
    assert profile_gets(sandbox, n0) == dict.fromkeys(want, 1)
    assert profiles(home / "data" / "cache.sqlite3") == want


def test_bad_input_is_exit_2_and_no_server_is_exit_3(sandbox, home, capsys, monkeypatch) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["cache", "sync", *conn(sandbox)])  # neither --query nor --all
    assert exc.value.code == 2
    capsys.readouterr()
    assert main(["cache", "sync", "--all", "--concurrency", "0", *conn(sandbox)]) == 2
    assert "--concurrency must be at least 1" in capsys.readouterr().err
    assert main(["cache", "sync", "--query", 'office:"No Such Office Anywhere"', *conn(sandbox)]) == 2
    assert "No Such Office Anywhere" in capsys.readouterr().err
    assert main(["cache", "sync", "--all", "--base-url", "http://127.0.0.1:9", "--tmc-id", sandbox.tmc_id]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[1].startswith("spotnana-tui: ") and "127.0.0.1:9" in err[1] and len(err) == 3, err
    assert err[2] == (
        "the sync stopped (0 of 0 users are kept); run it again to go on: "
        f"spotnana-tui cache sync --all --base-url http://127.0.0.1:9 --tmc-id {sandbox.tmc_id}"
    )
    monkeypatch.delenv("SPOTNANA_TOKEN")
    assert main(["cache", "sync", "--all", *conn(sandbox)]) == 3
    assert "no token in $SPOTNANA_TOKEN" in capsys.readouterr().err


def _start(cli: Cli, *args: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "tui", "cache", "sync", "--all", *conn(cli.sb), *args]
    return subprocess.Popen(
        cmd, cwd=cli.folder, env=cli.env(None), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _wait_for_profiles(path: Path, proc: subprocess.Popen[str], n: int) -> None:
    deadline = time.monotonic() + 90
    while len(profiles(path)) < n:
        assert time.monotonic() < deadline and proc.poll() is None, "the sync ended or stalled before the kill"
        time.sleep(0.02)


def test_kill_minus_9_midway_then_again_every_user_cached_and_fetched_once_beyond_those_in_flight(
    sandbox_factory, tmp_path, monkeypatch, capsys
) -> None:
    sb = sandbox_factory(users=600, latency_ms=20)
    cli = Cli(sb, tmp_path)
    path = cli.home / "data" / "cache.sqlite3"
    proc = _start(cli, "--concurrency", "8", "--page-size", "100")
    try:
        _wait_for_profiles(path, proc, 200)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    stored = profiles(path)
    assert 200 <= len(stored) < 600
    first = profile_gets(sb)
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(cli.home))
    monkeypatch.setenv("SPOTNANA_TOKEN", sb.token)
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    assert main(["cache", "status"]) == 0
    assert "unfinished sync (every user, --all): " in capsys.readouterr().out
    n1 = len(sb.requests)
    assert main(["cache", "sync", "--all", *conn(sb), "--concurrency", "8", "--page-size", "100"]) == 0
    err = capsys.readouterr().err
    assert "going on from an earlier run: " in err and "synced 600 users" in err
    second = profile_gets(sb, n1)
    assert not set(second) & stored  # what was stored is not fetched again
    assert len(profiles(path)) == 600
    twice = [u for u in second if u in first]
    assert len(twice) <= 8 + BATCH  # in flight, or fetched but not yet stored, at the kill


def test_ctrl_c_stops_cleanly_says_how_to_go_on_and_nothing_is_fetched_twice(sandbox_factory, tmp_path) -> None:
    sb = sandbox_factory(users=600, latency_ms=20)
    cli = Cli(sb, tmp_path)
    path = cli.home / "data" / "cache.sqlite3"
    proc = _start(cli, "--page-size", "100")
    try:
        _wait_for_profiles(path, proc, 150)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 1, err
    assert "stopping: the requests in flight end and are kept" in err and "Traceback" not in err
    again = f"run the same command again to go on: spotnana-tui cache sync --all --base-url {sb.base_url}"
    assert again in err and "--page-size 100" in err
    stored = profiles(path)
    assert set(profile_gets(sb)) == stored  # everything fetched was kept
    n1 = len(sb.requests)
    done = cli("cache", "sync", "--all", *conn(sb), "--page-size", "100")
    assert done.returncode == 0, done.stderr
    assert not set(profile_gets(sb, n1)) & stored and len(profiles(path)) == 600
    assert all(n == 1 for n in profile_gets(sb).values())
