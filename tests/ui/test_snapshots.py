"""Snapshots (pytest-textual-snapshot) of the list, its states, help and every bundled theme.

Deterministic: the module sandbox (seed 7), debounce done and workers finished before the
frame is taken, no spinner, no base URL (random port) on screen, focus on the list.
Update after a deliberate change: ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.ui.app_kit import make_app, settled
from tui.api.errors import ServerError
from tui.ui.themes import bundled_themes_dir, load_themes

BUNDLED = sorted(t.name for t in load_themes(bundled_themes_dir()).themes)


async def _ready(pilot):
    screen = await settled(pilot)
    screen.set_focus(screen.table)
    await pilot.pause()


def test_list_80x24(snap_compare, sandbox, tmp_path):
    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(80, 24), run_before=_ready)


def test_list_120x40(snap_compare, sandbox, tmp_path):
    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(120, 40), run_before=_ready)


def test_list_scrolled_with_inactive_dimmed(snap_compare, sandbox, tmp_path):
    async def run(pilot):
        await _ready(pilot)
        await pilot.press("pagedown", "j", "j")
        await _ready(pilot)

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(80, 24), run_before=run)


def test_filtered_with_chips(snap_compare, sandbox, tmp_path):
    async def run(pilot):
        await _ready(pilot)
        pilot.app.screen.set_query_text("persona:employee tier:vip status:active")
        await _ready(pilot)

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(80, 24), run_before=run)


def test_empty_results(snap_compare, sandbox, tmp_path):
    async def run(pilot):
        await _ready(pilot)
        pilot.app.screen.set_query_text("zzqqxx")
        await _ready(pilot)

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(80, 24), run_before=run)


class FailingClient:
    """The sandbox's 500 carries a random debug id; this one is fixed for a stable frame."""

    async def call_raw(self, name, *args, body=None, **query):
        raise ServerError(
            500,
            error_messages=[{"errorCode": "INTERNAL", "message": "database unavailable"}],
            debug_identifier="debug-0001",
        )

    async def aclose(self):
        pass


def test_server_error_state(snap_compare, sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, client_factory=lambda env: FailingClient())
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


def test_help_screen(snap_compare, sandbox, tmp_path):
    async def run(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(sandbox, tmp_path), terminal_size=(80, 24), run_before=run)


@pytest.mark.parametrize("theme", BUNDLED)
def test_bundled_theme(snap_compare, sandbox, tmp_path, theme):
    assert len(BUNDLED) >= 3
    app = make_app(sandbox, tmp_path, theme=theme)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)
