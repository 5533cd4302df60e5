"""The bulk change builder on the real app over the sandbox: b opens it for the marked users,
each operation kind built with the profile form's widget for its field (a text, an enum's
Select, a reference picked by name, a yes/no boolean, clear, an item through the item editor,
a value of an enum list, remove-where), user-level deactivate / activate; refused operations
show the engine's reason and invalid values are marked in place before anything is planned."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static

from tests.ui.bulk_ui_kit import (
    build,
    choose_kind,
    make_app,
    mark_rows,
    open_builder,
    pick_field,
    save_op,
    static_text,
    type_text,
    wait_for,
)
from tui.domain.bulk_ops import Activate, AddItem, Change, Clear, Deactivate, RemoveWhere, Set
from tui.ui.screens.bulk_change import BulkChangeScreen
from tui.ui.screens.bulk_operation import OperationScreen
from tui.ui.screens.item_editor import ItemEditorScreen
from tui.ui.screens.users import UsersScreen
from tui.ui.widgets.reference_input import ReferenceInput


def op_lines(builder: BulkChangeScreen) -> list[str]:
    options = builder.query_one("#bulk-ops")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_b_opens_the_builder_for_the_marked_users(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 3)
        marked = [r.user_id for r in screen.marks]
        await pilot.press("b")
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert [r.user_id for r in builder.targets] == marked
        assert static_text(builder, "#bulk-targets").startswith("3 users: ")
        await pilot.press("escape")  # nothing built: straight back
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen))


async def test_b_with_nothing_marked_changes_the_highlighted_user(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await mark_rows(pilot, 0)
        await pilot.press("down", "down")
        row = screen.table.highlighted_row
        await pilot.press("b")
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert [r.user_id for r in builder.targets] == [row.user_id]
        assert static_text(builder, "#bulk-targets") == f"1 user: {row.name}"


async def test_set_a_text_field(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        builder = await build(pilot, "job title", "Engineer")
        assert builder.change == Change("business", (Set(("designation",), "Engineer"),))
        assert op_lines(builder) == ["1. set Job title to Engineer"]


async def test_set_an_enum_with_the_forms_select(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        op = await pick_field(pilot, "worker type")
        select = op.editor.form.query_one(Select)  # the profile form's widget for an enum
        assert "CONTINGENT" in [value for _, value in select._options]
        select.value = "CONTINGENT"
        await pilot.pause()
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert builder.ops == [Set(("workerType",), "CONTINGENT")]


async def test_set_a_reference_picked_by_name(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        name, office_id = app.directory.search("offices", "")[0]
        op = await pick_field(pilot, "office")
        assert isinstance(app.focused, ReferenceInput)
        await type_text(pilot, name[:-1].lower())  # part of its name, lower case
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        [set_office] = builder.ops
        assert set_office.path == ("officeRef",) and set_office.value["id"] in app.directory.by_name("offices", name)
        assert op_lines(builder) == [f"1. set Office to {name}"]
        del op


async def test_an_unknown_reference_name_is_marked_in_place(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        op = await pick_field(pilot, "cost center")
        await type_text(pilot, "no such place")
        await save_op(pilot)
        assert app.screen is op  # not kept
        assert "no cost center named 'no such place'" in static_text(op.editor, ".value-error")


async def test_set_a_boolean_and_clear_a_field(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, section_key="membership")
        op = await pick_field(pilot, "loyalty blocked")
        select = op.editor.form.query_one(Select)  # an optional boolean: — / yes / no
        select.value = "true"
        await pilot.pause()
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        builder = await build(pilot, "loyalty programs", kind="clear")
        assert builder.ops == [Set(("isLoyaltyBlocked",), True), Clear(("membershipInfos",))]
        assert op_lines(builder)[1] == "2. clear Loyalty programs"


async def test_add_an_item_through_the_item_editor(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, section_key="membership")
        op = await pick_field(pilot, "loyalty programs")
        assert op.kind == "add"
        assert isinstance(app.focused, DataTable)  # the profile's list of items
        await pilot.press("a")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, ItemEditorScreen) and app.screen)
        editor.form.set(("issuedBy",), "BA")
        editor.form.set(("id",), "BA-1234")
        editor.form.set(("type",), "AIR")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is op, what="back in the operation")
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert builder.ops == [AddItem(("membershipInfos",), {"issuedBy": "BA", "id": "BA-1234", "type": "AIR"})]


async def test_an_item_left_empty_is_not_an_operation(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, section_key="membership")
        op = await pick_field(pilot, "loyalty programs")
        await save_op(pilot)
        assert app.screen is op
        assert "add the item first" in str(op.editor.form.query_one(".list-error", Static).render())


async def test_add_a_value_to_an_enum_list(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_builder(pilot, section_key="travel")
        op = await pick_field(pilot, "alliances")
        assert op.kind == "add"
        op.editor.form.query_one(Select).value = "STAR_ALLIANCE"  # one value, from the enum
        await pilot.pause()
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert builder.ops == [AddItem(("preferences", "airPref", "alliancePref", "alliances"), "STAR_ALLIANCE")]


async def test_remove_the_items_whose_sub_field_holds_a_value(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot, section_key="membership")
        op = await pick_field(pilot, "loyalty programs")
        await choose_kind(pilot, op, "remove_where")
        op.query_one("#value-sub", Select).value = "issuedBy"
        await wait_for(pilot, lambda: op.editor.sub_path == ("issuedBy",), what="the sub-field")
        await pilot.pause()
        field = op.editor.form.query_one(Input)
        field.focus()
        await type_text(pilot, "AA")
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert builder.ops == [RemoveWhere(("membershipInfos",), ("issuedBy",), "AA")]
        assert op_lines(builder) == ["1. remove Loyalty programs where Issued by is AA"]


async def test_a_bad_date_is_marked_in_place(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_builder(pilot, section_key="travel")
        op = await pick_field(pilot, "rail cards")
        await choose_kind(pilot, op, "remove_where")
        op.query_one("#value-sub", Select).value = "expiryDate"
        await wait_for(pilot, lambda: op.editor.sub_path == ("expiryDate",), what="the sub-field")
        await pilot.pause()
        op.editor.form.query_one(Input).focus()
        await type_text(pilot, "31/12/2026")
        await save_op(pilot)
        assert app.screen is op  # refused before anything is planned
        error = op.editor.form.query_one(".field-error", Static)
        assert "a date as YYYY-MM-DD" in str(error.render())
        assert "to fix" in static_text(op, "#op-status")


async def test_an_invalid_email_is_marked_under_its_field(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        op = await pick_field(pilot, "work email")
        await type_text(pilot, "not-an-email")
        await save_op(pilot)
        assert isinstance(app.screen, OperationScreen)
        assert "not an email address" in str(op.editor.form.query_one(".field-error", Static).render())
        field = op.editor.form.query_one(Input)
        field.focus()
        field.value = ""
        await type_text(pilot, "ops@example.com")
        await save_op(pilot)
        builder = await wait_for(pilot, lambda: isinstance(app.screen, BulkChangeScreen) and app.screen)
        assert builder.ops == [Set(("email",), "ops@example.com")]


async def test_refused_operations_show_the_engines_reason(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        builder = await open_builder(pilot, section_key="personal")
        await pilot.press("a")
        op = await wait_for(pilot, lambda: isinstance(app.screen, OperationScreen) and app.screen)
        await pilot.pause()
        await type_text(pilot, "date of birth")
        count = static_text(op, ".picker-count")
        assert "Date of birth" in count and "sensitive personal data" in count
        op.query_one("#picker-input", Input).value = "phoneNumbers[0].type"
        await pilot.pause()
        assert "by its position cannot mean the same item for every user" in static_text(op, ".picker-count")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is builder)
        builder.query_one("#bulk-section", Select).value = "external_id"
        await wait_for(pilot, lambda: builder.section_key == "external_id")
        assert "must stay unique for each user" in static_text(builder, "#bulk-note")


async def test_two_operations_on_one_field_are_marked_on_preview(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        await build(pilot, "job title", "Engineer")
        builder = await build(pilot, "job title", kind="clear")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is builder  # nothing planned
        assert "operation 1 already changes this field" in op_lines(builder)[1]
        assert builder.query_one("#bulk-ops").highlighted == 1  # the one just added
        await pilot.press("d")  # removes it
        assert builder.ops == [Set(("designation",), "Engineer")]


async def test_deactivate_and_activate(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        builder = await open_builder(pilot, section_key="status")
        assert builder.change == Change(None, (Deactivate(),))
        builder.query_one("#bulk-status", Select).value = "activate"
        await pilot.pause()
        assert builder.change == Change(None, (Activate(),))
        await pilot.press("a")  # no field operations on the user's status
        assert app.screen is builder


async def test_leaving_a_built_change_asks_first(sandbox, tmp_path):
    from tui.ui.screens.confirm import ConfirmScreen

    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_builder(pilot)
        builder = await build(pilot, "job title", "Engineer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        assert app.screen is builder and builder.ops
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen))
