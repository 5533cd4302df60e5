"""Snapshots of what must fit an agent's terminal, at 80x24 and 120x40: the user list with a
toast showing (the status bar's "showing X–Y of N · row R" still in view), the new-user
dialog (fields, buttons, key hint), the profile's tab bar with an unsaved tab and its footer
hints (whole hints only). Plus the checks behind them, by width and on resize.

Deterministic: the module sandbox (seed 7), workers finished before the frame is taken.
Update after a deliberate change: ``pytest tests/ui/test_fit_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static, Tabs

from tests.ui.app_kit import footer_hints_whole, make_app, settled
from tests.ui.test_profile_kit import ProfileApp, wait_for, wait_ready, wait_screen
from tui.domain.sections import SECTIONS
from tui.ui.screens.create_user import CreateUserScreen
from tui.ui.widgets.fit_footer import FitFooter

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _toast(pilot):
    screen = await settled(pilot)
    screen.set_focus(screen.table)
    await pilot.press("down", "down", "y")  # "Copied user ID of ..." (a toast)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_list_with_a_toast_keeps_the_status_bar(snap_compare, sandbox, tmp_path, size):
    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=_toast)


async def test_the_toast_sits_above_the_status_bar(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _toast(pilot)
        await pilot.pause()
        screen = app.screen
        toasts = list(screen.query("Toast"))
        assert toasts
        bar = screen.query_one("#status-bar")
        assert all(t.region.bottom <= bar.region.y for t in toasts)
        assert "showing 1–" in str(bar.query_one("#status-counts", Static).render())
        assert "row 3" in str(bar.query_one("#status-counts", Static).render())


async def test_the_counts_follow_a_resize(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        counts = screen.query_one("#status-counts", Static)
        small = str(counts.render())
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert str(counts.render()) != small and "showing 1–" in str(counts.render())


@pytest.mark.parametrize("size", SIZES)
def test_new_user_dialog(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        await settled(pilot)
        await pilot.press("n")
        await wait_screen(pilot, CreateUserScreen)
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=size, run_before=run)


def _profile(sandbox, tmp_path) -> ProfileApp:
    return ProfileApp(sandbox, sandbox.store.row(3).user_id, tmp_path / "audit.jsonl")


@pytest.mark.parametrize("size", SIZES)
def test_profile_tab_bar_with_an_unsaved_tab_and_footer(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        pane = await wait_ready(pilot, "personal")
        pane.form.set(("name", "given"), "Changed")
        await pilot.pause()
        pilot.app.profile.set_focus(pilot.app.profile.query_one(Tabs))
        await pilot.pause()

    assert snap_compare(_profile(sandbox, tmp_path), terminal_size=size, run_before=run)


def _tab_labels(app) -> list[str]:
    tabs = app.profile.query_one(Tabs)
    return [tab.label.plain for tab in tabs.query("Tab")]


@pytest.mark.parametrize("width,form", [(80, "compact"), (100, "short"), (160, "wide")])
async def test_every_tab_is_in_view_and_labels_follow_the_width(sandbox, tmp_path, width, form):
    app = _profile(sandbox, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await wait_ready(pilot, "personal")
        pane = app.profile.pane()
        pane.form.set(("name", "given"), "Changed")  # the dirty mark must not push a tab off
        await pilot.pause()
        assert app.profile.tab_form == form
        tabs = list(app.profile.query_one(Tabs).query("Tab"))
        assert len(tabs) == len(SECTIONS)
        assert all(0 <= t.region.x and t.region.right <= width and t.region.width for t in tabs)
        titles = [s.title if form == "wide" else s.tab_title for s in SECTIONS]
        assert all(title in label for title, label in zip(titles, _tab_labels(app), strict=True))


async def test_tab_labels_switch_on_resize(sandbox, tmp_path):
    app = _profile(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, "personal")
        assert app.profile.tab_form == "compact"
        await pilot.resize_terminal(170, 40)
        await pilot.pause()
        assert app.profile.tab_form == "wide" and "3 Travel preferences" in _tab_labels(app)


@pytest.mark.parametrize("width", [80, 120])
async def test_footer_hints_are_whole_and_help_stays(sandbox, tmp_path, width):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(width, 24)) as pilot:
        users = await settled(pilot)
        users.table.focus()
        await pilot.press("enter")
        profile = await wait_for(
            pilot, lambda: getattr(app.screen, "id", "") == "profile" and app.screen, what="the profile"
        )
        await wait_for(pilot, lambda: profile.pane().state == "ready", what="loaded")
        await pilot.pause()
        footer = profile.query_one(FitFooter)
        # every hint whole: drawn at its full width, left of the palette key, inside the screen
        shown = footer_hints_whole(app)
        assert "Help" in shown and "Back" in shown
        assert app.screen._compositor.render_strips()[-1].text.rstrip().endswith("▏^p Commands")
        if width == 80:
            assert footer.dropped  # something had to give
        assert not set(footer.dropped) & set(shown)
