"""Keys in the bulk operation dialog and the change builder, as an agent presses them: once a
field is chosen its value widget has the focus (whatever the kind of field or operation) and
Tab from the "Do" row reaches it; Esc leaves a field first, then the dialog, asking first
when something was typed (the builder too, when operations were built)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Input, Select

from tests.ui.bulk_ui_kit import build, choose_kind, make_app, open_builder, pick_field, type_text, wait_for
from tui.ui.screens.bulk_operation import OperationScreen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.reference_input import ReferenceInput


def value_widget(op: OperationScreen, kind: type) -> object:
    """The one value widget of the operation's editor (of that type)."""
    assert op.editor is not None
    return op.editor.query(kind).first()


@pytest.mark.parametrize(
    ("section", "query", "kind", "widget"),
    [
        ("business", "office", None, ReferenceInput),  # a reference, picked by name
        ("business", "worker type", None, Select),  # an enum
        ("business", "job title", None, Input),  # text
        ("membership", "loyalty blocked", None, Select),  # an optional boolean: — / yes / no
        ("membership", "loyalty programs", "add", DataTable),  # an item, through the list
        ("travel", "alliances", "add", Select),  # one value of an enum list
        ("membership", "loyalty programs", "remove_where", Select),  # the items' sub-field first
    ],
)
async def test_the_value_has_the_focus_and_tab_reaches_it(sandbox, tmp_path, section, query, kind, widget):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, section_key=section)
        op = await pick_field(pilot, query)
        if kind is not None:
            await choose_kind(pilot, op, kind)
        await pilot.pause()
        target = value_widget(op, widget)
        assert app.focused is target
        await pilot.press("shift+tab")
        assert app.focused is op.query_one("#op-kind", Select)
        await pilot.press("tab")
        assert app.focused is target


async def test_tab_from_the_do_row_then_typing_fills_the_reference(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        op = await pick_field(pilot, "office")
        op.query_one("#op-kind", Select).focus()
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "Paris HQ")
        assert op.query_one(ReferenceInput).value == "Paris HQ"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not op, what="the operation kept")


async def test_esc_leaves_the_field_then_asks_before_dropping_a_typed_value(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        builder = await open_builder(pilot)
        op = await pick_field(pilot, "job title")
        await type_text(pilot, "Engineer")
        await pilot.press("escape")  # leaves the field, keeps the value
        assert app.screen is op and app.focused is op.query_one("#op-ok", Button)
        await pilot.press("escape")
        ask = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        assert "operation 1" in ask.question
        await pilot.press("n")  # keep editing: the value is still there
        await wait_for(pilot, lambda: app.screen is op)
        assert op.editor.query_one(Input).value == "Engineer"
        await pilot.click("#op-cancel")  # Cancel asks too
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is builder)
        assert builder.ops == []


async def test_esc_with_nothing_typed_leaves_without_asking(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        builder = await open_builder(pilot)
        await pick_field(pilot, "office")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is builder)


async def test_an_edited_operation_asks_only_when_its_value_changed(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        builder = await build(pilot, "job title", "Engineer")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, OperationScreen) and app.screen)
        await pilot.pause()
        await pilot.press("escape", "escape")  # nothing changed: straight back
        await wait_for(pilot, lambda: app.screen is builder)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, OperationScreen) and app.screen)
        await pilot.pause()
        await type_text(pilot, "s")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def test_leaving_the_builder_with_operations_asks_first(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        builder = await build(pilot, "job title", "Engineer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is builder)
        assert len(builder.ops) == 1
