"""Snapshots of the filter panel picking by name and of the list's help (typed filters, sort),
at 80x24 and 120x40. Deterministic: the module sandbox (seed 7), the list settled first.
Update after a deliberate change: ``pytest tests/ui/test_find_snapshots.py --snapshot-update``."""

from __future__ import annotations

import pytest

from tests.ui.app_kit import make_app, settled, wait_for
from tui.ui.screens.filters import FiltersScreen
from tui.ui.screens.help import HelpScreen

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filter_panel_with_names(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        app = pilot.app
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FiltersScreen), what="the filter panel")
        app.screen.query_one("#f-offices").focus()
        await pilot.press(*"o")  # every office with an "o": the matches line lists them
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_with_typed_filters(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        app = pilot.app
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help screen")
        app.screen.query_one("#help-table").move_cursor(row=app.screen.query_one("#help-table").row_count - 1)
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


async def test_help_lists_every_typed_filter_and_the_sort(sandbox, tmp_path):
    from tui.domain.query import TYPED_FILTERS

    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help screen")
        table = app.screen.query_one("#help-table")
        keys = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        for key in ("status:", "persona:", "tier:", "role:", "legal:", "office:", "dept:", "cc:", "email:"):
            assert key in keys
        assert len(TYPED_FILTERS) == 9
        note = str(app.screen.query_one("#help-search").render())
        assert "Sort is by name only" in note and "the API sorts by nothing else" in note
