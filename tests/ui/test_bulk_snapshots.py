"""Snapshots of the bulk screens at 80x24 and 120x40: the change builder with operations of
several kinds, an operation with an invalid value marked in place, the preview of a plan
(summary, each user's diff, the filter line) and a finished job's results. Plus the checks
behind them: every footer hint whole at 80 columns, nothing wider than the screen.

Deterministic: the module sandbox (seed 7), a fixed job ID, workers finished before the frame.
Update after a deliberate change: ``pytest tests/ui/test_bulk_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.ui.app_kit import footer_hints_whole
from tests.ui.bulk_ui_kit import build, finished, make_app, open_builder, pick_field, preview, save_op, type_text
from tests.ui.bulk_ui_kit import wait_for as wait
from tui.ui.screens.bulk_change import BulkChangeScreen
from tui.ui.screens.bulk_job import JobScreen
from tui.ui.screens.bulk_operation import OperationScreen
from tui.ui.screens.bulk_plan import PlanScreen
from tui.ui.screens.confirm import ConfirmScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
JOB_ID = "20260101-090000-0abc"


@pytest.fixture(autouse=True)
def fixed_job_id(monkeypatch):
    monkeypatch.setattr("tui.domain.jobs.new_job_id", lambda: JOB_ID)


async def _builder(pilot, rows: int = 3) -> BulkChangeScreen:
    await open_builder(pilot, rows)
    await build(pilot, "job title", "Engineer")
    await build(pilot, "worker type", kind="clear")
    name = pilot.app.directory.search("offices", "")[0][0]
    builder = await build(pilot, "office", name)
    await pilot.pause()
    return builder


@pytest.mark.parametrize("size", SIZES)
def test_change_builder(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        builder = await _builder(pilot)
        builder.query_one("#bulk-ops").focus()
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_operation_with_an_invalid_value(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        await open_builder(pilot, 3)
        op = await pick_field(pilot, "work email")
        await type_text(pilot, "not-an-email")
        await save_op(pilot)
        await wait(pilot, lambda: op.editor.form.errors, what="the mark")
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_preview(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        await _builder(pilot)
        await preview(pilot)

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_results(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        screen = pilot.app.screen
        del screen
        await open_builder(pilot, 0)
        await pilot.press("escape")
        users = pilot.app.screen
        users.set_focus(users.table)
        await pilot.press(*["down"] * (10 if size == (80, 24) else 20), "space", "space", "space", "b")
        await wait(pilot, lambda: isinstance(pilot.app.screen, BulkChangeScreen))
        await build(pilot, "job title", "Results Lead")
        await preview(pilot)
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await finished(pilot)

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


async def _footer_fits(pilot, width: int) -> None:
    assert pilot.app.size.width == width
    assert footer_hints_whole(pilot.app)


async def test_every_bulk_screen_fits_80_columns(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        builder = await _builder(pilot, 3)
        await _footer_fits(pilot, 80)
        assert all(w.region.right <= 80 for w in builder.query("*") if w.display)
        plan = await preview(pilot)
        assert isinstance(plan, PlanScreen)
        await _footer_fits(pilot, 80)
        await pilot.press("a")  # not a key of the preview: nothing happens
        assert app.screen is plan
        await pilot.press("escape")
        await wait(pilot, lambda: app.screen is builder)
        await pilot.press("a")
        op = await wait(pilot, lambda: isinstance(app.screen, OperationScreen) and app.screen)
        box = op.query_one("#op-box")
        assert box.region.right <= 80 and box.region.bottom <= 24
        assert op.query_one("#op-ok").region.bottom <= box.region.bottom
        op.query_one("#picker-input", Input).focus()
        await pilot.press("escape")
        await wait(pilot, lambda: app.screen is builder)


async def test_the_job_screen_fits_80_columns(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, 0)
        await pilot.press("escape")
        users = app.screen
        users.set_focus(users.table)
        await pilot.press(*["down"] * 30, "space", "b")
        await wait(pilot, lambda: isinstance(app.screen, BulkChangeScreen))
        await build(pilot, "job title", "Fitted Lead")
        await preview(pilot)
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        job = await finished(pilot)
        assert isinstance(job, JobScreen)
        await _footer_fits(pilot, 80)
        shown = footer_hints_whole(app)
        assert "Undo job" in shown and "Back" in shown and "Pause/go on" not in shown
