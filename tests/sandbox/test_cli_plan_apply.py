"""``export``, ``bulk plan`` and ``bulk apply`` as a script runs them: subprocesses against a
sandbox on loopback, the sandbox's request log as the witness."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sandbox.bulk_kit import successful_puts
from tui.domain.jobs import Journal

ROOT = Path(__file__).resolve().parents[2]
NEW = "Imported Title"


class Cli:
    def __init__(self, sandbox, folder: Path) -> None:
        self.sb, self.folder, self.home = sandbox, folder, folder / "home"

    def env(self, token: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPOTNANA_")}
        return {**env, "SPOTNANA_TUI_HOME": str(self.home), "SPOTNANA_TOKEN": token or self.sb.token}

    def conn(self) -> list[str]:
        return ["--base-url", self.sb.base_url, "--tmc-id", self.sb.tmc_id]

    def __call__(self, *args: str, stdin: str = "", token: str | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "tui", *args]
        return subprocess.run(
            cmd, input=stdin, capture_output=True, text=True, env=self.env(token), cwd=self.folder, timeout=180
        )

    def plan(self, csv_name: str, *more: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        return self("bulk", "plan", "--csv", csv_name, *self.conn(), *more, token=token)

    @property
    def journal(self) -> Path:
        return self.home / "data" / "jobs.sqlite3"


@pytest.fixture
def cli(sandbox_factory, tmp_path: Path) -> Cli:
    return Cli(sandbox_factory(users=120), tmp_path)


def read_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def excel_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """As Excel saves "CSV UTF-8" in a European locale: BOM, ';', CRLF."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode())


def table_of(stdout: str) -> dict[str, int]:
    """The plan's summary table: outcome -> users."""
    out = {}
    for line in stdout.splitlines():
        words, _, count = line.strip().rpartition(" ")
        if line.startswith("  ") and count.isdigit():
            out[words.strip()] = int(count)
    return out


def section_of(cli: Cli, uid: str) -> dict:
    return cli.sb.store.get_section(uid, "business-info")


def test_export_edit_plan_apply_results_apply_again_and_undo(cli: Cli) -> None:
    out = cli("export", *cli.conn(), "--query", "persona:employee", "-o", "all.csv")
    assert out.returncode == 0, out.stderr
    rows = read_rows(cli.folder / "all.csv")[:40]
    assert len(rows) == 40
    before = {r["userId"]: section_of(cli, r["userId"]) for r in rows}
    excel_csv(cli.folder / "same.csv", rows)
    same = cli.plan("same.csv", "--key", "email")
    assert same.returncode == 0, same.stderr
    assert table_of(same.stdout) == {"will change": 0, "already as asked": 40, "cannot apply": 0, "total": 40}

    for r in rows[:25]:
        r["designation"] = NEW
    rows[25]["workerType"] = "<clear>"
    excel_csv(cli.folder / "edit.csv", rows)
    since = len(cli.sb.requests)
    planned = cli.plan("edit.csv", "--key", "email", "-o", "plan.json", "--show-diffs")
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.startswith("edit.csv: 40 rows · business info · users found by email (1 list call)")
    assert table_of(planned.stdout) == {"will change": 26, "already as asked": 14, "cannot apply": 0, "total": 40}
    assert "fields that will change: Job title (25), Worker type (1)" in planned.stdout
    first = rows[0]
    assert f"row 2: {first['email']} ({first['userId']}): will change" in planned.stdout
    assert f"~ Job title: {before[first['userId']]['designation']} → {NEW}" in planned.stdout
    assert not successful_puts(cli.sb, since) and all(m != "PUT" for m, _, _ in cli.sb.requests[since:])
    plan_file = cli.folder / "plan.json"
    assert stat.S_IMODE(plan_file.stat().st_mode) == 0o600
    data = json.loads(plan_file.read_text())
    assert data["environment"]["base_url"] == cli.sb.base_url and data["digest"].startswith("sha256:")

    declined = cli("bulk", "apply", "plan.json", stdin="y\n")
    assert declined.returncode == 1 and "type 26 to confirm" in declined.stderr and "nothing sent" in declined.stderr
    assert not successful_puts(cli.sb, since)

    applied = cli("bulk", "apply", "plan.json", "--results", "results.csv", "--concurrency", "8", stdin="26\n")
    assert applied.returncode == 0, applied.stderr
    assert "40 users · 26 changed · 14 already as asked" in applied.stdout
    assert "(100%)" in applied.stderr  # progress on stderr
    puts = successful_puts(cli.sb, since)
    assert puts == {r["userId"]: 1 for r in rows[:26]}
    assert all(section_of(cli, r["userId"])["designation"] == NEW for r in rows[:25])
    assert "workerType" not in section_of(cli, rows[25]["userId"])
    results = read_rows(cli.folder / "results.csv")
    assert list(results[0]) == ["row", "key", "userId", "outcome", "httpStatus", "message", "debugIdentifier"]
    assert [(r["row"], r["key"], r["userId"], r["outcome"]) for r in results[:2]] == [
        ("2", rows[0]["email"], rows[0]["userId"], "changed"),
        ("3", rows[1]["email"], rows[1]["userId"], "changed"),
    ]
    assert [r["outcome"] for r in results].count("already as asked") == 14
    assert stat.S_IMODE((cli.folder / "results.csv").stat().st_mode) == 0o600

    again = cli("bulk", "apply", "plan.json", "--yes")
    assert again.returncode == 0 and "40 users · 0 changed · 40 already as asked" in again.stdout
    assert successful_puts(cli.sb, since) == puts  # applying a plan twice writes nobody twice

    with Journal(cli.journal) as journal:
        job = next(j for j in journal.jobs() if j.counts.changed == 26)
    assert job.describe() == "per-row values from edit.csv: Job title, Worker type"
    marked = cli("export", *cli.conn(), "--marked-from", job.id[:17], "--fields", "designation", "-o", "job.csv")
    assert marked.returncode == 0, marked.stderr
    assert [(r["userId"], r["designation"]) for r in read_rows(cli.folder / "job.csv")][:25] == [
        (r["userId"], NEW) for r in rows[:25]
    ]
    assert len(read_rows(cli.folder / "job.csv")) == 40  # every user of the job, in its order
    undone = cli("bulk", "undo", job.id, "--yes", *cli.conn())
    assert undone.returncode == 0, undone.stderr
    assert all(section_of(cli, uid) == before[uid] for uid in before)  # byte for byte


def test_bad_rows_are_listed_with_numbers_and_only_list_calls_are_made(cli: Cli) -> None:
    out = cli("export", *cli.conn(), "--fields", "designation,workerType", "-o", "all.csv")
    rows = read_rows(cli.folder / "all.csv")[:5]
    rows[1]["workerType"] = "BOSS"
    rows[2]["userId"] = "00000000-0000-4000-8000-000000000000"
    rows[3]["userId"] = rows[0]["userId"]
    excel_csv(cli.folder / "bad.csv", rows)
    since = len(cli.sb.requests)
    out = cli.plan("bad.csv", "-o", "plan.json")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "spotnana-tui: bad.csv: 3 problems, nothing planned or sent:",
        "  row 3, column F (workerType): 'BOSS': one of: EMPLOYEE, CONTINGENT, SEASONAL, INTERN, GUEST",
        "  row 4: no user with userId '00000000-0000-4000-8000-000000000000' in this TMC",
        f"  row 5: the same userId as row 2 ({rows[0]['userId']})",
    ]
    assert {(m, p) for m, p, _ in cli.sb.requests[since:]} == {("POST", "/v3/users/list")}
    assert not (cli.folder / "plan.json").exists()


def test_exit_codes_for_input_server_and_skipped_users(cli: Cli) -> None:
    cli("export", *cli.conn(), "--fields", "designation", "-o", "all.csv")
    rows = read_rows(cli.folder / "all.csv")[:3]
    for r in rows:
        r["designation"] = NEW
    excel_csv(cli.folder / "edit.csv", rows)
    (cli.folder / "header.csv").write_text("email,ofice.id\r\na@x.org,1\r\n")

    assert cli.plan("missing.csv").returncode == 2
    header = cli.plan("header.csv")
    assert header.returncode == 2 and "row 1, column B (ofice.id): unknown field 'ofice.id'" in header.stderr
    assert cli.plan("edit.csv", "--key", "bogus").returncode == 2  # argparse
    refused = cli.plan("edit.csv", token="not-the-token")
    assert refused.returncode == 3 and "401" in refused.stderr and "not-the-token" not in refused.stderr
    gone = cli("bulk", "plan", "--csv", "edit.csv", "--base-url", "http://127.0.0.1:9", "--tmc-id", cli.sb.tmc_id)
    assert gone.returncode == 3 and "Traceback" not in gone.stderr

    top_level = cli(*cli.conn(), "bulk", "plan", "--csv", "edit.csv", "-o", "plan.json")  # options before
    assert top_level.returncode == 0, top_level.stderr
    dry = cli("bulk", "apply", "plan.json", "--dry-run", "--results", "dry.csv")
    assert dry.returncode == 0 and "dry run, nothing sent: 3 users · 3 would change" in dry.stdout
    assert [r["outcome"] for r in read_rows(cli.folder / "dry.csv")] == ["would change"] * 3

    text = (cli.folder / "plan.json").read_text()
    (cli.folder / "changed.json").write_text(text.replace(NEW, "Something Else"))
    changed = cli("bulk", "apply", "changed.json", "--yes")
    assert changed.returncode == 2 and "changed after it was made" in changed.stderr
    foreign = cli("bulk", "apply", "plan.json", "--yes", "--base-url", cli.sb.base_url, "--company-id", "c-1")
    assert foreign.returncode == 2 and f"the plan was made for tmc:{cli.sb.tmc_id}, not company:c-1" in foreign.stderr
    assert cli("bulk", "apply", "plan.json", "--yes", token="not-the-token").returncode == 3
    assert cli("bulk", "apply", "nope.json", "--yes").returncode == 2

    since = len(cli.sb.requests)
    cli.sb.store.tamper(rows[0]["userId"], "business-info", {"designation": "Changed Behind"})
    dry = cli("bulk", "apply", "plan.json", "--dry-run")
    assert dry.returncode == 1 and "skipped: row 2" in dry.stdout and "changed since plan: Job title" in dry.stdout
    assert not successful_puts(cli.sb, since)
    applied = cli("bulk", "apply", "plan.json", "--yes", "--results", "results.csv")
    assert applied.returncode == 1
    assert "3 users · 2 changed · 1 skipped" in applied.stdout and "changed since plan: Job title" in applied.stdout
    assert section_of(cli, rows[0]["userId"])["designation"] == "Changed Behind"  # never overwritten
    outcome = {r["userId"]: (r["outcome"], r["message"]) for r in read_rows(cli.folder / "results.csv")}
    assert outcome[rows[0]["userId"]] == ("skipped", "changed since plan: Job title")


def test_help_documents_the_exit_codes_and_connection_options(cli: Cli) -> None:
    for sub in ("plan", "apply"):
        out = cli("bulk", sub, "--help")
        assert out.returncode == 0
        for word in ("exit codes", "--env", "--base-url", "--tmc-id", "--company-id", "--insecure", "3 the server"):
            assert word in out.stdout
