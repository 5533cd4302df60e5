"""A worker that fails (on the app, a screen or a widget) is logged with its traceback and
shown as one notification by the app's handler; the app keeps running, the screen and the
agent's edits stay. Textual's Worker.StateChanged does not bubble, so screens and widgets
forward theirs (tui.ui.worker_errors); every class of ours that runs workers must."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from typing import Any

from textual.widgets import Input
from textual.worker import Worker

import tui.ui.screens
import tui.ui.widgets
from tests.ui.app_kit import make_app, settled, wait_for
from tests.ui.test_profile_kit import wait_screen
from tui.ui import textual_fixes
from tui.ui.app import SpotnanaApp
from tui.ui.screens.profile import ProfileScreen
from tui.ui.screens.users import UsersScreen
from tui.ui.worker_errors import ReportsWorkerErrors


def _our_classes() -> list[type]:
    modules = [textual_fixes]
    for package in (tui.ui.screens, tui.ui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return [
        obj
        for module in modules
        for obj in vars(module).values()
        if isinstance(obj, type) and obj.__module__ == module.__name__
    ]


def test_textual_does_not_bubble_worker_state_changes() -> None:
    assert Worker.StateChanged.bubble is False  # why the forwarding mixin exists


def test_every_class_that_runs_workers_forwards_their_failures() -> None:
    runs_workers = [
        cls for cls in _our_classes() if "run_worker(" in inspect.getsource(cls) or "@work(" in inspect.getsource(cls)
    ]
    assert {c.__name__ for c in runs_workers} >= {"UsersScreen", "ProfileScreen", "SectionPane", "CommandPalette"}
    missing = [c.__name__ for c in runs_workers if not issubclass(c, ReportsWorkerErrors)]
    assert missing == []


async def _boom() -> None:
    raise RuntimeError("boom in a worker")


def _failure_notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.message.startswith("Something went wrong")]


def _assert_reported(app: Any, caplog: Any, where: str) -> None:
    notes = _failure_notes(app)
    assert len(notes) == 1, notes
    assert "probe" in notes[0] and "RuntimeError: boom in a worker" in notes[0] and "edits are kept" in notes[0]
    records = [r for r in caplog.records if r.name == "tui.ui" and r.levelno >= logging.ERROR]
    assert records and records[-1].exc_info is not None and where in records[-1].getMessage()
    assert app.is_running and app._exception is None and app.return_code is None


async def test_a_failing_worker_of_the_app_is_reported(sandbox, tmp_path, caplog):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        app.run_worker(_boom(), name="probe", exit_on_error=False)
        await wait_for(pilot, lambda: _failure_notes(app), what="the notification")
        _assert_reported(app, caplog, "SpotnanaApp")
        assert app.screen is screen


async def test_a_failing_worker_of_a_screen_reaches_the_app(sandbox, tmp_path, caplog):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert isinstance(screen, UsersScreen)
        screen.run_worker(_boom(), name="probe", exit_on_error=False)
        await wait_for(pilot, lambda: _failure_notes(app), what="the notification")
        _assert_reported(app, caplog, "UsersScreen")
        await pilot.press("j")
        assert app.screen is screen and screen.table.cursor == 1  # still answering


async def test_a_failing_worker_of_a_widget_keeps_the_edits(sandbox, tmp_path, caplog):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        pane.form.field_widget(("name", "middle")).query_one(Input).value = "Quentin"
        await pilot.pause()
        pane.run_worker(_boom(), name="probe", exit_on_error=False)
        await wait_for(pilot, lambda: _failure_notes(app), what="the notification")
        _assert_reported(app, caplog, "SectionPane")
        assert app.screen is profile and pane.form.value["name"]["middle"] == "Quentin"


async def test_the_app_handler_sees_each_failure_once(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        worker = screen.run_worker(_boom(), name="probe", exit_on_error=False)
        await wait_for(pilot, lambda: _failure_notes(app), what="the notification")
        app.post_message(Worker.StateChanged(worker, worker.state))  # a duplicate forward
        await pilot.pause(0.1)
        assert len(_failure_notes(app)) == 1
        assert isinstance(app, SpotnanaApp)
