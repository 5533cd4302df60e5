"""Shared pieces of the bulk-edit Pilot tests (no tests here): the real app on a sandbox with a
tmp home (so the job journal and the audit log are the test's own), marking users, building an
operation through the keys an agent presses, reading what a screen shows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual.keys import _character_to_key
from textual.widgets import Input, Select, Static

from tests.ui.app_kit import make_app, settled, wait_for
from tui.api.client import UsersClient
from tui.ui.screens.bulk_change import BulkChangeScreen
from tui.ui.screens.bulk_job import JobScreen
from tui.ui.screens.bulk_operation import OperationScreen
from tui.ui.screens.bulk_plan import PlanScreen
from tui.ui.widgets.field_picker import FieldPicker
from tui.ui.widgets.outcome_list import OutcomeList


def keys_of(text: str) -> list[str]:
    """The keys that type ``text``."""
    return [c if c.isalnum() else _character_to_key(c) for c in text]


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*keys_of(text))
    await pilot.pause()


def static_text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def mark_rows(pilot: Any, n: int) -> Any:
    """The list, settled, with its first ``n`` rows marked (space on each)."""
    screen = await settled(pilot)
    screen.set_focus(screen.table)
    await pilot.pause()
    if n:
        await pilot.press(*["space"] * n)
    return screen


async def open_builder(pilot: Any, n: int = 3, section_key: str | None = None) -> BulkChangeScreen:
    """Mark the first ``n`` rows, press b; pick ``section_key`` in the builder."""
    await mark_rows(pilot, n)
    await pilot.press("b")
    builder = await wait_for(pilot, lambda: isinstance(pilot.app.screen, BulkChangeScreen) and pilot.app.screen)
    if section_key is not None and section_key != builder.section_key:
        builder.query_one("#bulk-section", Select).value = section_key
        await wait_for(pilot, lambda: builder.section_key == section_key, what="the section")
    await pilot.pause()
    return builder


async def pick_field(pilot: Any, query: str) -> OperationScreen:
    """``a`` on the builder, ``query`` typed into the field picker, Enter: the operation editor
    on the best match (its value widget focused)."""
    await pilot.press("a")
    op = await wait_for(pilot, lambda: isinstance(pilot.app.screen, OperationScreen) and pilot.app.screen)
    await wait_for(pilot, lambda: op.query(FieldPicker), what="the picker")
    await pilot.pause()
    await type_text(pilot, query)
    await pilot.press("enter")
    await wait_for(pilot, lambda: op.editor is not None and op.editor.is_mounted, what="the value editor")
    await pilot.pause()
    return op


async def choose_kind(pilot: Any, op: OperationScreen, kind: str) -> None:
    op.query_one("#op-kind", Select).value = kind
    await wait_for(pilot, lambda: op.kind == kind and op.editor is not None and op.editor.kind == kind, what=kind)
    await pilot.pause()


async def save_op(pilot: Any) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()


async def build(pilot: Any, query: str, value: str | None = None, kind: str | None = None) -> BulkChangeScreen:
    """One operation typed in full: field, kind, text value (into the focused input), OK."""
    op = await pick_field(pilot, query)
    if kind is not None:
        await choose_kind(pilot, op, kind)
    if value is not None:
        field = op.editor.query(Input).first()
        field.focus()
        await pilot.pause()
        await type_text(pilot, value)
    await save_op(pilot)
    builder = await wait_for(pilot, lambda: isinstance(pilot.app.screen, BulkChangeScreen) and pilot.app.screen)
    return builder


def no_retries(env: Any) -> UsersClient:
    return UsersClient(env.base_url, token=env.token, retries=0)


def puts(sandbox, since: int) -> Counter:
    """Successful PUTs per user since ``since`` (from the sandbox's request log)."""
    return Counter(p.split("/")[3] for m, p, s in sandbox.requests[since:] if m == "PUT" and s < 300)


def entries(screen) -> list[str]:
    lst = screen.query_one(OutcomeList)
    return [text.plain for _, text in lst.shown]


def status_of(entry: str) -> str:
    """``"changed"`` from ``"✓ ada@x  changed: ...\n    ~ ..."``."""
    return entry.splitlines()[0].split("  ")[1].split(":")[0]


def job_title(sandbox, uid: str) -> str:
    return sandbox.store.get_section(uid, "business-info").get("designation", "")


async def preview(pilot) -> PlanScreen:
    await pilot.press("ctrl+s")
    screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, PlanScreen) and pilot.app.screen)
    await wait_for(pilot, lambda: screen.plan is not None, timeout=20, what="the plan")
    await pilot.pause()
    return screen


async def finished(pilot, timeout: float = 30) -> JobScreen:
    screen = await wait_for(pilot, lambda: isinstance(pilot.app.screen, JobScreen) and pilot.app.screen)
    await wait_for(pilot, lambda: not screen.running and screen.job is not None, timeout=timeout, what="the job")
    await pilot.pause()
    return screen


__all__ = [
    "no_retries",
    "puts",
    "entries",
    "status_of",
    "job_title",
    "preview",
    "finished",
    "make_app",
    "settled",
    "wait_for",
    "keys_of",
    "type_text",
    "static_text",
    "mark_rows",
    "open_builder",
    "pick_field",
    "choose_kind",
    "save_op",
    "build",
]
