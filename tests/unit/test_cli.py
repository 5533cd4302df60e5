"""The command line as an agent meets it: help, the sandbox command, config, audit, clean failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tui.cli import build_parser, main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))
    for var in ("SPOTNANA_ENV", "SPOTNANA_BASE_URL", "SPOTNANA_TOKEN", "SPOTNANA_CONFIG", "SPOTNANA_TMC_ID"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_help_documents_every_option_and_subcommand() -> None:
    parser = build_parser()
    text = parser.format_help()
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in text
    for word in ("sandbox", "config", "audit", "--demo", "SPOTNANA_TOKEN", "SPOTNANA_CLIENT_ID"):
        assert word in text
    sub = next(a for a in parser._actions if a.dest == "command")
    sandbox_help = sub.choices["sandbox"].format_help()
    for flag in ("--port", "--users", "--seed", "--state", "--token", "--latency-ms", "--error-rate", "--rate-limit"):
        assert flag in sandbox_help


def test_python_dash_m_tui_answers_help() -> None:
    out = subprocess.run([sys.executable, "-m", "tui", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "spotnana-tui" in out.stdout and "--demo" in out.stdout


def test_config_path_prints_the_file_under_the_home(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert home in printed.parents and printed.suffix == ".toml"


def test_config_show_creates_a_commented_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "show"]) == 0
    text = capsys.readouterr().out
    assert text.lstrip().startswith("#")
    assert "token =" not in text.replace("# ", "")  # no secret is ever written


def test_unknown_environment_is_one_line_on_stderr(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spotnana-tui: ") and "nowhere" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_insecure_remote_url_is_refused_before_the_app_starts(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTNANA_TOKEN", "t0k3n-secret")
    code = main(["--base-url", "http://api.example.com", "--tmc-id", "b93dc51f-12dd-46c7-b7d6-1cb12cd3f5b3"])
    err = capsys.readouterr().err
    assert code == 2
    assert "http" in err and "--insecure" in err
    assert "t0k3n-secret" not in err and "Traceback" not in err


def test_audit_prints_entries_without_tokens(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.config import load_settings
    from tui.domain.audit import AuditLog

    path = load_settings().paths.audit_file
    AuditLog(path).record(
        environment="demo",
        user_id="u-1",
        section="personal",
        action="update",
        fields=["name.given"],
        result="ok",
        status=200,
    )
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "u-1" in out and "personal" in out
    assert main(["audit", "--json", "--tail", "1"]) == 0
    entry = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert entry["user_id"] == "u-1"


def test_sandbox_command_prints_key_value_lines_and_serves(home: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "--users", "50", "--seed", "3", "--token", "tok-1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        info: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(info) < 4 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            key, _, value = line.strip().partition(": ")
            info[key] = value
        assert {"base_url", "token", "tmc_id", "company_ids"} <= set(info)
        assert info["base_url"].startswith("http://127.0.0.1:") and info["token"] == "tok-1"
        r = httpx.post(
            f"{info['base_url']}/v3/users/list",
            headers={"Authorization": "Bearer tok-1"},
            json={"tmcId": {"id": info["tmc_id"]}, "pagination": {"offset": 0, "limit": 5}},
        )
        assert r.status_code == 200 and r.json()["pagination"]["totalNumResults"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=15)
