"""Spreadsheets in the app, on the real app over the sandbox: ``o`` on the bulk change loads a
CSV into the same preview as a change built by hand (and Ctrl+S applies it as a job); a file
with a bad row lists its problems by row number and sends nothing; the palette's "Export marked
users" / "Export the current search" write a 0600 CSV of those users and say where."""

from __future__ import annotations

import csv
import stat
from pathlib import Path
from typing import Any

from tests.ui.app_kit import shown_rows
from tests.ui.bulk_ui_kit import (
    finished,
    job_title,
    make_app,
    mark_rows,
    puts,
    settled,
    static_text,
    type_text,
    wait_for,
)
from tests.ui.test_leave_guard import run_command
from tui.domain.columns import KEY_COLUMNS, section_columns
from tui.domain.sections import section
from tui.ui.screens.bulk_change import BulkChangeScreen
from tui.ui.screens.bulk_csv import CsvPlanScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.csv_choice import CsvChoiceScreen
from tui.ui.screens.csv_problems import CsvProblemsScreen
from tui.ui.screens.export_choice import ExportChoiceScreen
from tui.ui.screens.users import UsersScreen


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


async def load_file(pilot: Any, path: Path) -> CsvPlanScreen:
    """From the list: b (the builder), o, the path typed, Enter: the CSV's preview screen."""
    await mark_rows(pilot, 1)
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BulkChangeScreen), what="the builder")
    await pilot.press("o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CsvChoiceScreen), what="the file question")
    await type_text(pilot, str(path))
    await pilot.press("enter")
    # (the file's problems may already be on top of it)
    return await wait_for(
        pilot, lambda: next((s for s in pilot.app.screen_stack if isinstance(s, CsvPlanScreen)), None)
    )


async def test_a_csv_loads_into_the_preview_and_applies_as_a_job(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = shown_rows(await settled(pilot))[10:13]  # rows no other test of this module changes
        sandbox.store.tamper(rows[1].user_id, "business-info", {"designation": "Row Two Lead"})  # already so
        path = write_csv(
            tmp_path / "people.csv",
            [["email", "designation"]]
            + [[r.email, t] for r, t in zip(rows, ["Row One Lead", "Row Two Lead", ""], strict=True)],
        )
        since = len(sandbox.requests)
        plan = await load_file(pilot, path)
        await wait_for(pilot, lambda: plan.plan is not None, timeout=20, what="the plan")
        await pilot.pause()
        assert static_text(plan, "#plan-summary") == "3 users · 1 will change · 2 already as asked · 0 cannot apply"
        assert "people.csv" in static_text(plan, "#plan-title")
        assert not puts(sandbox, since)  # only reads so far
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("y")
        await finished(pilot)
        assert job_title(sandbox, rows[0].user_id) == "Row One Lead"
        assert dict(puts(sandbox, since)) == {rows[0].user_id: 1}  # the others were already as asked


async def test_a_bad_row_is_listed_by_number_and_nothing_is_sent(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = shown_rows(await settled(pilot))[20:22]
        path = write_csv(
            tmp_path / "bad.csv",
            [
                ["email", "designation"],
                [rows[0].email, "Never Sent"],
                ["nobody-at-all@nowhere.example", "Never Sent"],
                [rows[1].email, "Never Sent"],
            ],
        )
        before = [job_title(sandbox, r.user_id) for r in rows]
        since = len(sandbox.requests)
        plan = await load_file(pilot, path)
        problems = await wait_for(pilot, lambda: isinstance(app.screen, CsvProblemsScreen) and app.screen)
        assert problems.title_text == "bad.csv: 1 problem, nothing planned or sent"
        [line] = problems.lines
        assert line.startswith("row 3") and "nobody-at-all@nowhere.example" in line
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is plan, what="the preview screen")
        assert "Could not plan: bad.csv: 1 problem" in static_text(plan, "#plan-note")
        assert plan.plan is None and not plan.check_action("apply", ())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen), what="back in the builder")
        assert not puts(sandbox, since)
        assert not [m for m, *_ in sandbox.requests[since:] if m in ("PUT", "PATCH", "DELETE")]
        assert [job_title(sandbox, r.user_id) for r in rows] == before


def read_export(path: Path) -> list[dict[str, str]]:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def exported_files(folder: Path, what: str) -> list[Path]:
    return sorted(folder.glob(f"spotnana-business-{what}-*.csv"))


def business_header() -> list[str]:
    return [*KEY_COLUMNS, *(c.name for c in section_columns(section("business"), include_pii=False))]


async def test_export_marked_users_writes_their_rows_without_personal_data(sandbox, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await mark_rows(pilot, 0)
        await run_command(pilot, "Export marked users")  # nobody marked: says so, writes nothing
        await wait_for(pilot, lambda: any("Nobody is marked" in n.message for n in app._notifications))
        assert isinstance(app.screen, UsersScreen) and not exported_files(tmp_path, "marked")
        await pilot.press("space", "space", "space")
        marked = [r.user_id for r in screen.marks]
        await run_command(pilot, "Export marked users")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportChoiceScreen), what="the section question")
        await pilot.press("ctrl+s")
        [path] = await wait_for(pilot, lambda: exported_files(tmp_path, "marked"), timeout=10, what="the file")
        await wait_for(pilot, lambda: any(f"Exported 3 users to {path}" in n.message for n in app._notifications))
        rows = read_export(path)
        assert [r["userId"] for r in rows] == marked
        header = list(rows[0])
        assert header == business_header()
        pii = {c.name for c in section_columns(section("business"), include_pii=True) if c.is_pii}
        assert pii and not pii & set(header)


async def test_export_the_current_search_writes_every_match(sandbox, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(pilot)
        surname = shown_rows(screen)[0].name.split()[-1]
        screen.search.focus()
        await type_text(pilot, surname)
        screen = await settled(pilot)
        matches = {r.user_id for r in shown_rows(screen)}
        assert matches and len(matches) == screen.model.total
        await run_command(pilot, "Export the current search")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportChoiceScreen), what="the section question")
        assert surname in static_text(app.screen, "#export-who")
        await pilot.press("ctrl+s")
        [path] = await wait_for(pilot, lambda: exported_files(tmp_path, "search"), timeout=10, what="the file")
        await wait_for(pilot, lambda: any(str(path) in n.message for n in app._notifications))
        rows = read_export(path)
        assert {r["userId"] for r in rows} == matches and len(rows) == len(matches)
        assert list(rows[0]) == business_header()
