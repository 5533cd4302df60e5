"""Item forms in the agent's words, on the real profile screen over the real sandbox: a phone
typed as one number, a passport with countries picked by name, an address in postal order,
readable messages, and diffs that name the items they touch."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static

from tests.ui.test_profile_kit import ProfileApp, wait_for, wait_ready, wait_screen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.item_editor import ItemEditorScreen
from tui.ui.widgets.form_fields import FormField
from tui.ui.widgets.form_groups import MoreGroup
from tui.ui.widgets.form_hinted_fields import CountryField, PhoneField

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def open_item(pilot, list_key: str, index: int | None = None, kind: str | None = None) -> ItemEditorScreen:
    """Open the item editor of a personal-info list: item ``index``, or a new item (of ``kind``)."""
    pane = await wait_ready(pilot, "personal")
    table = pane.form.field_widget((list_key,)).query_one(DataTable)
    table.focus()
    await pilot.pause()
    if index is None:
        await pilot.press("a")
    else:
        table.move_cursor(row=index)
        await pilot.press("e")
    screen = await wait_screen(pilot, ItemEditorScreen)
    if kind is not None:
        screen.query_one("#item-kind", Select).value = kind
        await pilot.pause()
    await pilot.pause()
    return screen


def labels(screen: ItemEditorScreen) -> list[str]:
    """The field labels an agent sees up front (outside the More group), top to bottom."""
    out = []
    for field in screen.form.query(FormField).results():
        if not any(isinstance(a, MoreGroup) for a in field.ancestors):
            out.append(str(field.query_one(".field-label", Static).render()).strip(" •*"))
    return out


def error_of(field) -> str:
    return str(field.query_one(".field-error", Static).render())


async def type_keys(pilot, widget, text: str) -> None:
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


def user_of(sandbox, row: int) -> str:
    return sandbox.store.row(row).user_id


async def test_a_typed_phone_number_fills_the_structured_fields_and_is_saved(sandbox, tmp_path):
    user = user_of(sandbox, 20)
    before = sandbox.store.get_section(user, "personal-info").get("phoneNumbers", [])
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_item(pilot, "phoneNumbers")
        assert labels(screen)[:2] == ["Number", "Type"]
        await type_keys(pilot, screen.form.query_one(PhoneField).query_one(Input), "+44 20 7946 0000")
        more = screen.form.query_one(MoreGroup)
        more.expand()
        await pilot.pause()
        country_code = screen.form.field_widget(("countryCode",)).query_one(Input)
        assert country_code.value == "44"  # filled from the number, on screen
        screen.form.field_widget(("type",)).query_one(Select).value = "LANDLINE"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ItemEditorScreen), what="item saved")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        shown = [line.text() for line in dialog.lines]
        assert shown == ["+ phone LANDLINE +44 20 7946 0000"]
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: len(sandbox.store.get_section(user, "personal-info")["phoneNumbers"]) == len(before) + 1,
            what="the PUT",
        )
    added = sandbox.store.get_section(user, "personal-info")["phoneNumbers"][-1]
    assert added == {
        "type": "LANDLINE",
        "countryCode": 44,
        "nationalNumber": 2079460000,
        "isoCountryCode": "GB",
        "rawInput": "+44 20 7946 0000",
        "countryCodeSource": "FROM_NUMBER_WITH_PLUS_SIGN",
    }


async def test_an_invalid_number_is_marked_in_place_and_blocks_the_item(sandbox, tmp_path):
    app = ProfileApp(sandbox, user_of(sandbox, 21), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_item(pilot, "phoneNumbers", 0)
        field = screen.form.query_one(PhoneField)
        original = field.query_one(Input).value
        await type_keys(pilot, field.query_one(Input), "9")  # one digit too many
        field.query_one(Input).value = "+44 20 1234"
        await pilot.pause()
        assert error_of(field) == "⚠ not a valid phone number in United Kingdom"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ItemEditorScreen)
        assert str(screen.query_one("#item-status", Static).render()) == (
            "1 field to fix before saving this item (item: not a valid phone number in United Kingdom)."
        )
        field.query_one(Input).value = original  # typed back: the item as it came, nothing changed
        await pilot.pause()
        assert not screen.form.has_changes and not field.has_class("-error")


async def test_ctrl_s_right_after_typing_a_number_keeps_it(sandbox, tmp_path):
    app = ProfileApp(sandbox, user_of(sandbox, 21), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_item(pilot, "phoneNumbers", 0)
        field = screen.form.query_one(PhoneField).query_one(Input)
        field.focus()
        await pilot.pause()
        field.value = ""
        await pilot.pause()
        field.value = "+44 20 7946 0000"
        screen.action_save()  # before the form hears of the change (as Ctrl+S queued behind the keys)
        await wait_for(pilot, lambda: not isinstance(app.screen, ItemEditorScreen), what="item saved")
        pane = await wait_ready(pilot, "personal")
        assert pane.form.value["phoneNumbers"][0]["rawInput"] == "+44 20 7946 0000"
        assert pane.form.value["phoneNumbers"][0]["nationalNumber"] == 2079460000


async def test_an_untouched_phone_round_trips_unchanged(sandbox, tmp_path):
    user = user_of(sandbox, 22)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_item(pilot, "phoneNumbers", 0)
        item = dict(screen.item)
        await pilot.press("ctrl+s")  # nothing edited
        await wait_for(pilot, lambda: not isinstance(app.screen, ItemEditorScreen), what="editor closed")
        pane = await wait_ready(pilot, "personal")
        assert not pane.form.has_changes and pane.form.value["phoneNumbers"][0] == item


async def test_a_passport_with_countries_picked_by_name(sandbox, tmp_path):
    user = user_of(sandbox, 23)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_item(pilot, "identityDocs", kind="PassportWrapper")
        assert labels(screen) == ["Passport number", "Issuing country", "Expiry", "Issue date", "Nationality"]
        form = screen.form
        form.field_widget(("passport", "docId")).query_one(Input).value = "ZX991234"
        issuing = form.field_widget(("passport", "issueCountry"))
        assert isinstance(issuing, CountryField)
        select = issuing.query_one(Select)
        select.focus()
        await pilot.pause()
        await pilot.press("enter", *"united kingdom", "enter")  # by name: type to search
        await pilot.pause()
        assert select.value == "GB"
        form.field_widget(("passport", "nationalityCountry")).query_one(Select).value = "GB"
        form.field_widget(("passport", "expiryDate")).query_one(Input).value = "2031-02-22"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ItemEditorScreen), what="item saved")
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.text() for line in dialog.lines] == ["+ passport GB ••••1234"]  # masked until revealed
        assert [line.text(reveal=True) for line in dialog.lines] == ["+ passport GB ZX991234"]
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: any(
                "passport" in d for d in sandbox.store.get_section(user, "personal-info").get("identityDocs", [])
            ),
            what="the PUT",
        )
    docs = sandbox.store.get_section(user, "personal-info")["identityDocs"]
    assert docs[-1] == {
        "passport": {
            "docId": "ZX991234",
            "issueCountry": "GB",
            "nationalityCountry": "GB",
            "expiryDate": {"iso8601": "2031-02-22"},
        }
    }


async def test_an_address_form_in_postal_order_with_the_rest_under_more(sandbox, tmp_path):
    app = ProfileApp(sandbox, user_of(sandbox, 3), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_item(pilot, "addresses", 0)
        assert labels(screen) == [
            "Address lines",
            "City / town",
            "Postal code",
            "Region / state",
            "Country",
            "Description",
            "Default address",
        ]
        more = screen.form.query_one(MoreGroup)
        assert more.collapsed and "Revision" not in labels(screen)
        country = screen.form.field_widget(("regionCode",))
        assert isinstance(country, CountryField) and country.query_one(Select).value == "BR"


async def test_messages_are_readable_and_counted_by_field(sandbox, tmp_path):
    app = ProfileApp(sandbox, user_of(sandbox, 24), tmp_path / "audit.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await wait_ready(pilot, "personal")
        email = pane.form.field_widget(("email",))
        email.query_one(Input).value = "nope@"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: email.has_class("-error"), what="email marked")
        assert error_of(email) == "⚠ not an email address"
        messages = [n.message for n in app._notifications]
        assert "1 field to fix before saving." in messages
        screen = await open_item(pilot, "identityDocs", kind="PassportWrapper")
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = dict(screen.form.errors)
        assert errors[("passport", "docId")] == "required"
        assert all("Field required" not in m and "pattern" not in m for m in errors.values())


async def test_removing_one_item_marks_only_that_item(sandbox, tmp_path):
    user = user_of(sandbox, 3)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("4")
        pane = await wait_ready(pilot, "membership")
        items = pane.form.value["membershipInfos"]
        assert len(items) >= 2
        lst = pane.form.field_widget(("membershipInfos",))
        lst.remove_item(0)
        await pilot.pause()
        table = lst.query_one(DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [" "] * (len(items) - 1)
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        first = items[0]
        assert [line.text() for line in dialog.lines] == [f"- loyalty {first['issuedBy']} {first['id']}"]


# -- snapshots ------------------------------------------------------------------------------


def _snap_app(sandbox, tmp_path, row: int = 3) -> ProfileApp:
    return ProfileApp(sandbox, user_of(sandbox, row), tmp_path / "audit.jsonl")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_phone_item_form(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        screen = await open_item(pilot, "phoneNumbers", 0)
        screen.form.query_one(PhoneField).query_one(Input).value = "+44 20 7946 0000"
        await pilot.pause()
        screen.form.query_one(MoreGroup).expand()
        screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(_snap_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_passport_form(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        screen = await open_item(pilot, "identityDocs", kind="PassportWrapper")
        form = screen.form
        form.field_widget(("passport", "docId")).query_one(Input).value = "ZX991234"
        form.field_widget(("passport", "issueCountry")).query_one(Select).value = "GB"
        form.field_widget(("passport", "expiryDate")).query_one(Input).value = "2031-02-22"
        await pilot.pause()
        await pilot.press("ctrl+s")  # nationality missing: marked
        screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(_snap_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_address_form(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        screen = await open_item(pilot, "addresses", 0)
        screen.set_focus(None)
        await pilot.pause()

    assert snap_compare(_snap_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_diff_with_list_items(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        pane = await wait_ready(pilot, "personal")
        form = pane.form
        phones = form.value["phoneNumbers"]
        form.field_widget(("phoneNumbers",)).add_item(
            {"type": "LANDLINE", "countryCode": 44, "nationalNumber": 2079460000, "rawInput": "+44 20 7946 0000"}
        )
        form.set(("phoneNumbers", 0, "type"), "LANDLINE" if phones[0].get("type") != "LANDLINE" else "MOBILE")
        form.field_widget(("addresses",)).remove_item(0)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.pause()

    assert snap_compare(_snap_app(sandbox, tmp_path), terminal_size=size, run_before=run)
