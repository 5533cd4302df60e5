"""Results rows of an applied plan file, and the results CSV a spreadsheet opens safely."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

from tui.domain.bulk import Change, Touched
from tui.domain.bulk_plan import Plan
from tui.domain.edits import EditSet
from tui.domain.jobs import JobUser
from tui.domain.plan_file import PlanFile, Target
from tui.domain.plan_results import ResultRow, job_results, write_results

CHANGE = Change("business", ())


def user(uid: str, status: str, message: str = "", http: int | None = None, debug: str = "") -> JobUser:
    touched = (Touched(("designation",), "A", "B"),)
    return JobUser(uid, "", 0, "will_change", CHANGE, EditSet(), touched, "", status, http, message, debug)


def test_each_user_of_the_job_is_a_row_with_the_csv_row_and_key() -> None:
    pf = PlanFile(
        Plan(CHANGE, []), Target("prod", "https://x", "tmc:1"), rows={"u1": (2, "ada@x.org"), "u2": (3, "bo@x.org")}
    )
    rows = job_results(
        pf,
        [
            user("u1", "changed"),
            user("u2", "skipped", "changed since preview: Job title"),
            user("u3", "failed", "400 Bad Request [INVALID]", 400, "dbg-7"),
            user("u4", "pending"),
            user("u5", "in_doubt"),
        ],
    )
    assert rows == [
        ResultRow(2, "ada@x.org", "u1", "changed"),
        ResultRow(3, "bo@x.org", "u2", "skipped", None, "changed since plan: Job title"),
        ResultRow(None, "", "u3", "failed", 400, "400 Bad Request [INVALID]", "dbg-7"),
        ResultRow(None, "", "u4", "not sent"),
        ResultRow(None, "", "u5", "interrupted"),
    ]
    assert [r.ok for r in rows] == [True, False, False, False, False]


def test_the_results_file_is_private_and_never_runs_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    write_results(path, [ResultRow(2, "=HYPERLINK(1)", "u1", "failed", 500, "-1 retries", "@dbg")])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().endswith(b"\r\n")
    (header, row) = list(csv.reader(path.open(newline="")))
    assert header == ["row", "key", "userId", "outcome", "httpStatus", "message", "debugIdentifier"]
    assert row == ["2", "'=HYPERLINK(1)", "u1", "failed", "500", "'-1 retries", "'@dbg"]
