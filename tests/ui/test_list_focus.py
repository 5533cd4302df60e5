"""The list keeps answering its keys after every reload: sort, inactive toggle, Esc clearing the
search, the filter panel. While a query loads the table is hidden (and loses the focus); once
the rows are back the focus is back on the table."""

from __future__ import annotations

import pytest

from tests.ui.app_kit import make_app, settled, wait_for
from tui.ui.screens.profile import ProfileScreen
from tui.ui.screens.users import UsersScreen


async def _answers_keys(pilot, screen: UsersScreen) -> None:
    app = pilot.app
    assert app.focused is screen.table, f"focus on {app.focused!r}"
    start = screen.table.cursor
    await pilot.press("j", "j")
    assert screen.table.cursor == start + 2
    await pilot.press("k")
    assert screen.table.cursor == start + 1
    await pilot.press("pagedown")
    assert screen.table.cursor > start + 1
    await pilot.press("G")
    assert screen.table.cursor == screen.model.row_count - 1
    await pilot.press("g")
    assert screen.table.cursor == 0
    row = screen.model.row(0)
    await pilot.press("enter")
    profile = await wait_for(
        pilot, lambda: app.screen if isinstance(app.screen, ProfileScreen) else None, what="the profile"
    )
    assert profile.user_id == row.user_id
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is screen, what="back on the list")


@pytest.mark.parametrize("keys", [("s",), ("i",), ("s", "s", "i")], ids=["sort", "inactive", "sort-sort-inactive"])
async def test_reload_keys_leave_the_focus_on_the_table(sandbox, tmp_path, keys):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        for key in keys:
            await pilot.press(key)
            screen = await settled(pilot)
        await _answers_keys(pilot, screen)


async def test_escape_clearing_the_search_leaves_the_focus_on_the_table(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await pilot.press("slash", *"an", "enter")  # search, then down into the list
        screen = await settled(pilot)
        assert screen.search.value == "an" and app.focused is screen.table
        await pilot.press("escape")  # clears the search and reloads
        screen = await settled(pilot)
        assert screen.search.value == ""
        await _answers_keys(pilot, screen)


async def test_applying_the_filter_panel_leaves_the_focus_on_the_table(sandbox_factory, tmp_path):
    # a real API answers later than the list screen resumes under the closing panel
    app = make_app(sandbox_factory(latency_ms=150), tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FiltersScreen", what="the filter panel")
        app.screen.query_one("#f-personas").value = "EMPLOYEE"
        await pilot.press("ctrl+s")
        screen = await settled(pilot)
        assert screen.search.value == "persona:EMPLOYEE" and screen.model.total > 30
        await _answers_keys(pilot, screen)


async def test_typing_in_the_search_box_keeps_the_focus_there(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("slash", "a")
        screen = await settled(pilot)
        assert app.focused is screen.search  # a reload never steals the focus from the box
        await pilot.press("n")
        screen = await settled(pilot)
        assert screen.search.value == "an" and app.focused is screen.search
