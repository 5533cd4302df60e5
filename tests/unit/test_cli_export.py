"""``spotnana-tui export`` as a script meets it: a subprocess against a sandbox on loopback."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tui.domain.columns import KEY_COLUMNS, section_columns
from tui.domain.sections import section
from tui.sandbox import Sandbox

BUSINESS = section("business")


@pytest.fixture
def run(sandbox: Sandbox, tmp_path: Path):
    home = tmp_path / "home"

    def export(*args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPOTNANA_")}
        env.update(SPOTNANA_TUI_HOME=str(home), SPOTNANA_TOKEN=token or sandbox.token)
        cmd = [sys.executable, "-m", "tui", "export", "--base-url", sandbox.base_url, "--tmc-id", sandbox.tmc_id]
        return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)

    export.home = home
    return export


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def list_count(sandbox: Sandbox, query_filters: dict) -> int:
    body = {"tmcId": {"id": sandbox.tmc_id}, "userStatusFilter": "ALL", "pagination": {"offset": 0, "limit": 1}}
    body.update(query_filters)
    r = httpx.post(f"{sandbox.base_url}/v3/users/list", json=body, headers={"Authorization": f"Bearer {sandbox.token}"})
    return int(r.json()["pagination"]["totalNumResults"])


def test_csv_with_the_default_columns_to_a_private_file(run, sandbox: Sandbox, tmp_path: Path) -> None:
    out = run("--query", "persona:employee", "-o", "employees.csv")
    assert out.returncode == 0, out.stderr
    target = tmp_path / "employees.csv"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = rows_of(target.read_text(encoding="utf-8"))
    assert len(rows) == list_count(sandbox, {"filters": [{"personas": ["EMPLOYEE"]}]}) > 0
    assert list(rows[0]) == [*KEY_COLUMNS, *(c.name for c in section_columns(BUSINESS))]
    assert "businessInfo.email" not in rows[0] and "authorizerEmail" not in rows[0]
    assert all(r["userId"] and r["email"] for r in rows)
    lines = out.stderr.splitlines()
    assert f"wrote {len(rows)} users to employees.csv (csv, {len(rows[0])} columns)" in lines
    assert any("left out personal data (businessInfo.email, authorizerEmail)" in line for line in lines)
    progress = [line for line in lines if line.startswith("export: ")]
    assert 5 <= len(progress) <= 21 and "(100%)" in progress[-1]  # a line per 5 %, not per user
    assert out.stdout == ""


def test_json_lines_of_chosen_fields_for_a_filtered_query_on_stdout(run, sandbox: Sandbox) -> None:
    out = run(
        "--query", 'persona:employee office:"Edinburgh Office"', "--fields", "designation,office.id,costCenter.id",
        "--format", "jsonl",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines
    offices = {obj["officeRef.id"] for obj in lines}
    assert len(offices) == 1  # every user of that office, and only them
    (office_id,) = offices
    expected = list_count(sandbox, {"filters": [{"personas": ["EMPLOYEE"], "officeIds": [{"id": office_id}]}]})
    assert len(lines) == expected
    assert set(lines[0]) <= {*KEY_COLUMNS, "designation", "officeRef.id", "costCenterRef.id"}
    assert "learning names: " in out.stderr


def test_personal_data_only_with_include_pii_and_then_audited(run, tmp_path: Path) -> None:
    refused = run("--fields", "designation,authorizerEmail", "-o", "x.csv")
    assert refused.returncode == 2
    assert "'authorizerEmail'" in refused.stderr and "--include-pii" in refused.stderr
    assert not (tmp_path / "x.csv").exists()
    out = run("--query", "dept:legal", "--fields", "designation,businessInfo.email", "--include-pii", "-o", "x.csv")
    assert out.returncode == 0, out.stderr
    rows = rows_of((tmp_path / "x.csv").read_text(encoding="utf-8"))
    assert rows and all("@" in r["businessInfo.email"] for r in rows)
    audit = run.home / "data" / "audit.jsonl"
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e["action"], e["result"], e["fields"]) for e in entries] == [
        ("export", "attempted", ["businessInfo.email"]),
        ("export", "ok", ["businessInfo.email"]),
    ]
    assert f"{len(rows)} users" in entries[-1]["message"]
    assert not any(r["businessInfo.email"] in audit.read_text() for r in rows)  # names, never values
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600


def test_a_bad_field_is_named_with_exit_code_2_before_any_request(run, sandbox: Sandbox, tmp_path: Path) -> None:
    before = len(sandbox.requests)
    out = run("--fields", "designation,ofice.id", "-o", "x.csv")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "spotnana-tui: unknown field 'ofice.id' in business info (did you mean officeRef.id?)"
    )
    assert len(sandbox.requests) == before and not (tmp_path / "x.csv").exists()
    listed = run("--fields", "phoneNumbers")
    assert listed.returncode == 2 and "phoneNumbers" in listed.stderr and "list" in listed.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--query", "office:atlantis"), "no office named 'atlantis'"),
        (("--query", "persna:guest"), "unknown filter 'persna'"),
        (("--marked-from", "4f2a"), "no such job: '4f2a'"),
        (("--section", "policies"), "unknown section 'policies'"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(run, args: tuple[str, ...], says: str) -> None:
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert says in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("spotnana-tui: ")


def test_a_refused_token_is_exit_code_3_with_nothing_on_stdout(run) -> None:
    out = run("--format", "csv", token="not-the-token")
    assert out.returncode == 3 and out.stdout == ""
    assert "401" in out.stderr and "not-the-token" not in out.stderr


def test_the_format_follows_the_output_suffix(run, tmp_path: Path) -> None:
    out = run("--query", "dept:legal", "--fields", "designation", "-o", "legal.jsonl")
    assert out.returncode == 0, out.stderr
    first = json.loads((tmp_path / "legal.jsonl").read_text().splitlines()[0])
    assert "userId" in first and "designation" in first


def test_help_names_the_options_and_exit_codes() -> None:
    out = subprocess.run([sys.executable, "-m", "tui", "export", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    for flag in ("--query", "--marked-from", "--section", "--fields", "--format", "--output", "--include-pii",
                 "--env", "--base-url", "--tmc-id", "--company-id", "--insecure", "exit codes"):  # fmt: skip
        assert flag in out.stdout


def test_progress_is_a_bar_on_a_terminal_and_a_line_per_5_percent_otherwise() -> None:
    from tui.cli_progress import ProgressPrinter
    from tui.domain.export import ExportProgress

    state = ExportProgress(total=200)
    tty, log = io.StringIO(), io.StringIO()
    bar, lines = ProgressPrinter("export", tty, tty=True), ProgressPrinter("export", log, tty=False)
    for done in range(1, 201):
        state.done = done
        bar.update(state)
        lines.update(state)
    bar.close()
    assert tty.getvalue().startswith("\r[") and tty.getvalue().count("\n") == 1
    assert "[########################] export: 200/200 (100%)" in tty.getvalue()
    lines_out = log.getvalue().splitlines()
    assert len(lines_out) == 21 and lines_out[-1].startswith("export: 200/200")  # the first, then each 5 %
