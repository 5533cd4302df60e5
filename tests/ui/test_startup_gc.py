"""The cycle collector is off while the app starts (tui/ui/startup_gc.py) and on again soon
after the first page is on screen; a collector someone else turned off stays off."""

from __future__ import annotations

import gc

import pytest

from tests.ui.app_kit import make_app, settled, wait_for
from tui.ui import startup_gc


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    startup_gc.resume(collect=False)
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


def test_pause_and_resume(collector):
    gc.enable()
    startup_gc.pause()
    assert startup_gc.paused() and not gc.isenabled()
    startup_gc.resume()
    assert not startup_gc.paused() and gc.isenabled() and gc.get_freeze_count() > 0
    gc.disable()
    startup_gc.resume()  # not paused any more: leaves the collector as it is
    assert not gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off(collector):
    gc.disable()
    startup_gc.pause()
    assert not startup_gc.paused()
    startup_gc.resume()
    assert not gc.isenabled()


async def test_the_app_turns_it_on_after_the_first_page(collector, sandbox, tmp_path, monkeypatch):
    monkeypatch.setattr(startup_gc, "RESUME_AFTER", 0.05)
    gc.enable()
    startup_gc.pause()
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.total == 300 and app.first_paint_at is not None
        await wait_for(pilot, gc.isenabled, what="the collector on again")
        assert not startup_gc.paused()
