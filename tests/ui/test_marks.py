"""Marking users on the list for a bulk change, against the sandbox over loopback: ``space``
on a row, ``*`` for every match (all pages, asking first above 500), ``U`` to clear; marks
survive new searches; the status bar counts them; typing in the search box still types."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.app_kit import make_app, settled, shown_rows, wait_for
from tui.ui.marking import MARK_ASK_ABOVE
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.user_table import MARK


def row_text(screen, index: int) -> str:
    """What the table shows on the line of row ``index`` (the header is line 0)."""
    table = screen.table
    y = index - int(table.scroll_y) + 1
    return "".join(segment.text for segment in table.render_line(y))


def marked_text(screen) -> str:
    part = screen.status.query_one("#status-marked", Static)
    return str(part.render()) if part.display else ""


async def search(pilot, text: str):
    app = pilot.app
    await pilot.press("slash")
    app.screen.search.value = text
    screen = await settled(pilot)
    screen.set_focus(screen.table)
    await pilot.pause()
    return screen


async def test_space_marks_the_row_and_moves_down(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        first = screen.table.highlighted_row
        assert not row_text(screen, 0).startswith(MARK)  # no gutter while nobody is marked
        await pilot.press("space")
        assert screen.table.cursor == 1
        assert [r.user_id for r in screen.marks] == [first.user_id]
        assert row_text(screen, 0).startswith(MARK) and first.name[:10] in row_text(screen, 0)
        assert row_text(screen, 1).startswith("  ")
        assert marked_text(screen) == "1 marked · b bulk"
        await pilot.press("space", "space")
        assert screen.table.cursor == 3 and len(screen.marks) == 3
        assert marked_text(screen) == "3 marked · b bulk"
        await pilot.press("up", "space")  # unmarks the third
        assert len(screen.marks) == 2 and not row_text(screen, 2).startswith(MARK)
        await pilot.press("U")
        assert screen.marks == [] and marked_text(screen) == ""
        assert not row_text(screen, 0).startswith(MARK)


async def test_marks_survive_new_searches(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        rows = shown_rows(screen)
        one, other = rows[0].name.split()[-1], rows[-1].name.split()[-1]
        assert one != other
        screen = await search(pilot, one)
        n_one = min(3, screen.model.total)
        await pilot.press(*["space"] * n_one)
        first_marks = {r.user_id for r in screen.marks}
        screen = await search(pilot, other)
        n_other = min(2, screen.model.total)
        await pilot.press(*["space"] * n_other)
        marked = {r.user_id for r in screen.marks}
        assert first_marks < marked and len(marked) == n_one + n_other
        assert marked_text(screen) == f"{n_one + n_other} marked · b bulk"
        screen = await search(pilot, "")
        index = next(i for i, r in enumerate(shown_rows(screen)) if r.user_id in first_marks)
        assert row_text(screen, index).startswith(MARK)  # shown as marked wherever it appears


async def test_keys_typed_in_the_search_box_still_type(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await pilot.press("slash", "a", "space", "U", "asterisk", "b", "J")
        assert screen.search.value == "a U*bJ"
        assert screen.marks == [] and not isinstance(app.screen, ConfirmScreen)
        assert app.screen is screen


async def test_star_marks_every_match_across_pages(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, page_size=25)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen = await search(pilot, "persona:employee")
        total = screen.model.total
        assert 25 < total <= MARK_ASK_ABOVE  # more than one page of the list
        progress: list[str] = []
        chips = screen.query_one("#chips", Static)
        original = chips.update

        def spy(content="", **kw):
            progress.append(str(content))
            return original(content, **kw)

        chips.update = spy  # type: ignore[method-assign]
        await pilot.press("asterisk")
        await wait_for(pilot, lambda: not screen.marking and screen.marks, what="marking done")
        assert len(screen.marks) == total
        assert {r.persona for r in screen.marks} == {"EMPLOYEE"}
        assert any("marking every match" in p and f"of {total}" in p for p in progress)
        assert marked_text(screen) == f"{total} marked · b bulk"
        assert "marking" not in str(chips.render())  # the chips are back
        await pilot.press("asterisk")  # again: nobody twice
        await wait_for(pilot, lambda: not screen.marking, what="marking done")
        assert len(screen.marks) == total


@pytest.mark.parametrize("answer", ["n", "y"])
async def test_star_asks_first_above_500(sandbox_factory, tmp_path, answer):
    sb = sandbox_factory(users=MARK_ASK_ABOVE + 20)
    app = make_app(sb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        await pilot.press("asterisk")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen, what="question")
        assert f"{MARK_ASK_ABOVE + 20:,} users" in dialog.question
        await pilot.press(answer)
        await pilot.pause()
        await wait_for(pilot, lambda: not screen.marking, what="marking done")
        assert len(screen.marks) == (MARK_ASK_ABOVE + 20 if answer == "y" else 0)


async def test_help_lists_the_marking_keys(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = {r.binding_id: r for r in app.screen.rows}
        assert rows["users.mark"].keys == "space"
        assert rows["users.mark_all"].keys == "*"
        assert rows["users.unmark_all"].keys == "U"


def bar_parts(screen) -> dict[str, str]:
    """The status bar's parts that show, each checked to fit its room (nothing cut)."""
    from rich.cells import cell_len

    shown = {}
    for part in screen.status.query(Static):
        text = str(part.render()).strip()
        if part.display and part.id and text:
            assert cell_len(text) <= part.content_size.width, f"{part.id} cut: {text!r}"
            shown[part.id] = text
    return shown


async def test_the_status_bar_leaves_parts_out_whole_when_narrow(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await settled(pilot)
        screen.set_focus(screen.table)
        await pilot.press("space", "space", "space")
        await pilot.pause()
        wide = bar_parts(screen)
        assert wide["status-marked"] == "3 marked · b bulk" and wide["status-right"] == "all · name A→Z"
        counts = wide["status-counts"]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        at_80 = bar_parts(screen)
        assert at_80["status-marked"] == "3 marked · b bulk" and "status-right" not in at_80  # the sort went first
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        narrow = bar_parts(screen)
        assert narrow["status-marked"] == "3 marked" and "status-right" not in narrow  # then "b bulk"
        assert narrow["status-counts"] == counts  # the counts keep their room
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert bar_parts(screen) == wide  # back when there is room again
