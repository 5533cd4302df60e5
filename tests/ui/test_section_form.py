"""SectionForm: one model-driven form for every section, driven through Pilot.

Every test mounts the real form on a seeded profile (plus fields this version does not know)
and checks ``form.value`` against the base with exactly the agent's changes."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Select, SelectionList, Switch

from tui.domain.edits import json_equal
from tui.domain.form_schema import FieldSpec, form_fields
from tui.domain.paths import ABSENT
from tui.domain.sections import section
from tui.sandbox.seed import Seeder
from tui.ui.screens.item_editor import ItemEditorScreen, show_item_editor
from tui.ui.widgets.form_fields import FieldRow, MaskedValue
from tui.ui.widgets.form_groups import FormGroup
from tui.ui.widgets.form_state import FormState
from tui.ui.widgets.object_list import ObjectList
from tui.ui.widgets.section_form import SectionForm

KEYS = {
    "personal": "personalInfo",
    "business": "businessInfo",
    "travel": "travelPreferences",
    "membership": "membershipInfo",
}
SIZE = (80, 24)


def seeded(key: str, i: int = 0) -> dict:
    """A seeded section, with unknown fields injected at the top, in an object and in a list item."""
    base = copy.deepcopy(Seeder(seed=7, n_users=50).profile(i)[KEYS[key]])
    base["zzFuture"] = {"nested": [1, 2.0, True, None]}
    for value in base.values():
        if isinstance(value, dict):
            value["zzInner"] = 1.0
            break
    for value in base.values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value[0]["zzItem"] = "x"
            break
    return base


class FormApp(App[None]):
    on_object_list_edit_item = show_item_editor  # a host of forms shows their item editors

    def __init__(self, key: str, base: Any, auto_reveal: bool = False) -> None:
        super().__init__()
        self.key = key
        self.base = base
        self.auto_reveal = auto_reveal
        self.reveals: list[tuple] = []
        self.changes: list[set] = []

    def compose(self) -> ComposeResult:
        yield SectionForm(section(self.key), self.base, id="form")

    @property
    def form(self) -> SectionForm:
        return self.query_one("#form", SectionForm)

    def on_section_form_changed(self, event: SectionForm.Changed) -> None:
        self.changes.append(event.paths)

    def on_section_form_reveal_requested(self, event: SectionForm.RevealRequested) -> None:
        self.reveals.append(event.path)
        if self.auto_reveal:
            self.form.reveal(event.path)


def editor(form: SectionForm, path: tuple, kind: type) -> Any:
    widget = form.field_widget(path)
    assert widget is not None, f"no widget for {path}"
    return widget.query_one(kind)


async def type_into(pilot, form: SectionForm, path: tuple, text: str, keys: bool = False) -> None:
    """Put ``text`` in the field's Input: key by key with ``keys``, else as a paste would."""
    field = editor(form, path, Input)
    field.focus()
    await pilot.pause()
    if keys:
        field.value = ""
        await pilot.press(*text)
    else:
        field.value = text
    await pilot.pause()


async def expand(pilot, form: SectionForm, path: tuple) -> None:
    group = form.field_widget(path)
    assert isinstance(group, FormGroup)
    group.expand()
    await pilot.pause()


def assert_same_json(a: Any, b: Any) -> None:
    assert json_equal(a, b), f"\n{a!r}\n!=\n{b!r}"


# --- mounting: nothing changes by itself -------------------------------------------------


@pytest.mark.parametrize("key", list(KEYS))
async def test_mounting_changes_nothing_and_keeps_unknown_fields(key: str) -> None:
    base = seeded(key)
    app = FormApp(key, copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = app.form
        assert_same_json(form.value, base)
        assert not form.has_changes and form.changed_paths == set()
        assert form.validate() == []
        assert app.changes == []  # mounting posts no Changed
        form.value["zzFuture"]["nested"].append("mutated")  # value is a copy
        assert_same_json(form.value, base)


def other_sections(i: int = 1) -> dict[str, Any]:
    profile = Seeder(seed=7, n_users=50).profile(i)
    return {
        "roles": profile["roles"],
        "notifications": profile["notificationPreferences"],
        "external_id": {"externalId": profile["externalId"], "zzFuture": 1},
    }


@pytest.mark.parametrize("key", ["roles", "notifications", "external_id"])
async def test_the_other_sections_use_the_same_builder(key: str) -> None:
    base = other_sections()[key]
    app = FormApp(key, copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.form.query(FieldRow) or app.form.query(ObjectList)
        assert_same_json(app.form.value, base)
        assert app.form.validate() == []


async def test_a_oneof_object_inside_a_list_item() -> None:
    base = other_sections()["roles"]
    index = next(i for i, r in enumerate(base["roles"]) if "companyRef" in r.get("metadata", {}))
    expected = copy.deepcopy(base)
    app = FormApp("roles", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        form.field_widget(("roles",)).open_editor(index)
        await pilot.pause()
        sub = app.screen.form
        metadata = sub.field_widget(("metadata",))
        assert "Company role info" in str(metadata.title)
        await type_into(pilot, sub, ("metadata", "companyRef", "name"), "Renamed Inc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        expected["roles"][index]["metadata"]["companyRef"]["name"] = "Renamed Inc"
        assert_same_json(form.value, expected)
        assert form.changed_paths == {("roles", index, "metadata", "companyRef", "name")}


# --- edits, per kind of field --------------------------------------------------------------


async def test_personal_text_enum_list_add_and_remove() -> None:
    base = seeded("personal")
    expected = copy.deepcopy(base)
    app = FormApp("personal", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()

        await type_into(pilot, form, ("name", "given"), "Priya", keys=True)
        expected["name"]["given"] = "Priya"
        assert form.field_widget(("name", "given")).has_class("-changed")

        editor(form, ("gender",), Select).value = "UNDISCLOSED"
        await pilot.pause()
        expected["gender"] = "UNDISCLOSED"

        addresses = form.field_widget(("addresses",))
        addresses.query_one(DataTable).focus()
        await pilot.press("d")
        await pilot.pause()
        del expected["addresses"][0]

        docs = form.field_widget(("identityDocs",))
        docs.query_one(DataTable).focus()
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ItemEditorScreen)
        screen.query_one("#item-kind", Select).value = "KnownTravelerNumberWrapper"
        await pilot.pause()
        await type_into(pilot, screen.form, ("ktn", "number"), "KT998877")
        await type_into(pilot, screen.form, ("ktn", "issueCountry"), "US")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ItemEditorScreen)
        expected["identityDocs"].append({"ktn": {"number": "KT998877", "issueCountry": "US"}})

        assert_same_json(form.value, expected)
        assert form.changed_paths == {
            ("name", "given"),
            ("gender",),
            ("addresses", 0),
            ("identityDocs", len(base["identityDocs"])),
        }
        assert app.changes and app.changes[-1] == form.changed_paths
        assert form.validate() == []


async def test_membership_switch_and_item_edit_through_the_modal() -> None:
    base = seeded("membership")
    expected = copy.deepcopy(base)
    app = FormApp("membership", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        flip = "false" if base.get("isLoyaltyBlocked") else "true"
        editor(form, ("isLoyaltyBlocked",), Select).value = flip
        await pilot.pause()
        expected["isLoyaltyBlocked"] = flip == "true"

        programs = form.field_widget(("membershipInfos",))
        table = programs.query_one(DataTable)
        table.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ItemEditorScreen) and screen.index == 1
        await type_into(pilot, screen.form, ("tier",), "Platinum")
        editor(screen.form, ("type",), Select).value = "RAIL"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        expected["membershipInfos"][1]["tier"] = "Platinum"
        expected["membershipInfos"][1]["type"] = "RAIL"

        # cancelling the modal changes nothing
        table.focus()
        await pilot.press("e")
        await pilot.pause()
        await type_into(pilot, app.screen.form, ("issuedBy",), "ZZ")
        await pilot.press("escape")
        await pilot.pause()

        assert_same_json(form.value, expected)
        assert form.changed_paths == {
            ("isLoyaltyBlocked",),
            ("membershipInfos", 1, "tier"),
            ("membershipInfos", 1, "type"),
        }
        # the unknown field in the first item survived
        assert form.value["membershipInfos"][0]["zzItem"] == "x"


async def test_travel_enum_list_inline_int_and_switch_inside_absent_objects() -> None:
    base = seeded("travel", 15)
    base["preferences"].pop("railPref", None)
    expected = copy.deepcopy(base)
    app = FormApp("travel", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        await expand(pilot, form, ("preferences", "carPref"))
        car_types = editor(form, ("preferences", "carPref", "carTypes"), SelectionList)
        car_types.select("SUV")
        await pilot.pause()
        expected["preferences"]["carPref"]["carTypes"] = base["preferences"]["carPref"]["carTypes"] + ["SUV"]

        await expand(pilot, form, ("preferences", "airPref"))
        await type_into(pilot, form, ("preferences", "airPref", "numStopPref", "numOfStops"), "1")
        expected["preferences"]["airPref"]["numStopPref"] = {"numOfStops": 1}
        assert isinstance(form.value["preferences"]["airPref"]["numStopPref"]["numOfStops"], int)

        await expand(pilot, form, ("preferences", "railPref"))
        await expand(pilot, form, ("preferences", "railPref", "seatPreference"))
        access = editor(form, ("preferences", "railPref", "seatPreference", "hasAccessibility"), Select)
        access.value = "true"
        await pilot.pause()
        expected["preferences"]["railPref"] = {"seatPreference": {"hasAccessibility": True}}
        assert_same_json(form.value, expected)

        # back to "not set", and the typed number cleared: the absent objects go away again
        access.clear()
        await pilot.pause()
        await type_into(pilot, form, ("preferences", "airPref", "numStopPref", "numOfStops"), "")
        del expected["preferences"]["railPref"]
        del expected["preferences"]["airPref"]["numStopPref"]
        assert_same_json(form.value, expected)
        assert form.changed_paths == {
            ("preferences", "carPref", "carTypes", len(base["preferences"]["carPref"]["carTypes"]))
        }


# --- optional booleans: not set / yes / no ----------------------------------------------------


def membership_with(blocked: Any) -> dict:
    base = seeded("membership")
    base.pop("isLoyaltyBlocked", None)
    if blocked is not ABSENT:
        base["isLoyaltyBlocked"] = blocked
    return base


async def test_an_absent_optional_boolean_can_be_set_to_an_explicit_false_by_keys() -> None:
    base = membership_with(ABSENT)
    app = FormApp("membership", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        choice = editor(form, ("isLoyaltyBlocked",), Select)
        assert choice.value == Select.NULL and not form.field_widget(("isLoyaltyBlocked",)).query(Switch)
        choice.focus()
        await pilot.press("enter")  # open: "— (not set)", "yes", "no"
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert choice.value == "false"
        assert form.value["isLoyaltyBlocked"] is False  # written, and a JSON false
        assert_same_json(form.value, {**base, "isLoyaltyBlocked": False})
        assert form.changed_paths == {("isLoyaltyBlocked",)}

        choice.value = "true"
        await pilot.pause()
        assert form.value["isLoyaltyBlocked"] is True

        choice.clear()  # back to "not set": the key is gone again, nothing changed
        await pilot.pause()
        assert "isLoyaltyBlocked" not in form.value
        assert not form.has_changes and app.changes[-1] == set()


@pytest.mark.parametrize("blocked", [True, False, None])
async def test_a_present_optional_boolean_shows_and_clears(blocked: Any) -> None:
    base = membership_with(blocked)
    app = FormApp("membership", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        choice = editor(form, ("isLoyaltyBlocked",), Select)
        assert choice.value == {True: "true", False: "false", None: Select.NULL}[blocked]
        assert not form.has_changes

        choice.value = "false" if blocked is not False else "true"
        await pilot.pause()
        assert form.value["isLoyaltyBlocked"] is (blocked is False)
        assert form.changed_paths == {("isLoyaltyBlocked",)}

        choice.clear()  # not set: removed (a null stays null)
        await pilot.pause()
        if blocked is None:
            assert form.value["isLoyaltyBlocked"] is None and not form.has_changes
        else:
            assert "isLoyaltyBlocked" not in form.value and form.changed_paths == {("isLoyaltyBlocked",)}

        if blocked is not None:  # picking the original value again: unchanged
            choice.value = "true" if blocked else "false"
            await pilot.pause()
            assert form.value["isLoyaltyBlocked"] is blocked and not form.has_changes


async def test_setting_a_boolean_from_code_updates_the_choice() -> None:
    app = FormApp("membership", membership_with(ABSENT))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        form.set(("isLoyaltyBlocked",), False)
        await pilot.pause()
        assert editor(form, ("isLoyaltyBlocked",), Select).value == "false"
        assert form.value["isLoyaltyBlocked"] is False


class _Host:
    """A bare FormHost for one field row."""

    section = None

    def __init__(self, base: dict) -> None:
        self.state = FormState(base)
        self.edits: list = []

    def full(self, rel):
        return rel

    def label_for(self, spec, rel):
        return spec.label

    def is_hidden(self, rel):
        return False

    def masked_view(self, rel, value):
        return value

    def error_for(self, rel):
        return None

    def field_edited(self, widget, rel):
        self.edits.append(rel)

    def request_reveal(self, rel):
        pass


class RowApp(App[None]):
    on_object_list_edit_item = show_item_editor  # a host of forms shows their item editors

    def __init__(self, host: _Host, spec: FieldSpec) -> None:
        super().__init__()
        self.host, self.spec = host, spec

    def compose(self) -> ComposeResult:
        yield FieldRow(self.host, self.spec, (self.spec.key,))


@pytest.mark.parametrize("required", [True, False])
async def test_a_required_boolean_stays_a_switch(required: bool) -> None:
    spec = FieldSpec(key="flag", path=("flag",), label="Flag", kind="bool", required=required)
    host = _Host({"other": 1})
    app = RowApp(host, spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        row = app.query_one(FieldRow)
        assert row.tri_state is not required
        if not required:
            assert row.query_one(Select).value == Select.NULL and not row.query(Switch)
            return
        switch = row.query_one(Switch)
        assert not row.query(Select)
        switch.toggle()
        await pilot.pause()
        assert host.state.doc == {"other": 1, "flag": True}
        switch.toggle()
        await pilot.pause()
        assert host.state.doc == {"other": 1}


# --- invalid values ---------------------------------------------------------------------------


async def test_invalid_values_are_flagged_and_block() -> None:
    base = seeded("business")
    app = FormApp("business", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        await type_into(pilot, form, ("email",), "not-an-email")
        await type_into(pilot, form, ("organizationRef", "id"), "")  # required: flagged, removed
        await type_into(pilot, form, ("designation",), "")  # optional: removed
        errors = dict(form.validate())
        await pilot.pause()
        assert errors[("email",)] == "not an email address"
        assert errors[("organizationRef", "id")] == "required"
        assert ("designation",) not in errors
        assert "designation" not in form.value and "id" not in form.value["organizationRef"]
        assert form.field_widget(("email",)).has_class("-error")
        assert form.field_widget(("organizationRef", "id")).has_class("-error")
        # fixing the field clears its mark
        await type_into(pilot, form, ("email",), "fixed@example.com")
        assert not form.field_widget(("email",)).has_class("-error")
        assert ("email",) not in dict(form.validate())

    travel = seeded("travel", 15)
    app = FormApp("travel", travel)
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        await expand(pilot, form, ("preferences", "airPref"))
        path = ("preferences", "airPref", "numStopPref", "numOfStops")
        await type_into(pilot, form, path, "two")
        assert form.field_widget(path).has_class("-error")
        assert dict(form.validate())[path] == "must be a whole number"
        await type_into(pilot, form, path, "2.5")
        assert dict(form.validate())[path] == "must be a whole number"


async def test_server_errors_land_on_fields_lists_and_the_banner() -> None:
    base = seeded("business")
    app = FormApp("business", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        form.set_errors(
            [
                (("employeeId",), "already taken"),
                ((), "the server said no"),
                (("phoneNumbers", 0, "countryCode"), "bad code"),
            ]
        )
        await pilot.pause()
        row = form.field_widget(("employeeId",))
        assert row.has_class("-error") and "already taken" in str(row.query_one(".field-error").render())
        phones = form.field_widget(("phoneNumbers",))
        assert phones.has_class("-error")
        assert "item 1" in str(phones.query_one(".list-error").render())
        assert form.has_class("-error") and "the server said no" in str(form.query_one(".form-errors").render())
        assert (("employeeId",), "already taken") in form.errors
        form.set_errors([])
        await pilot.pause()
        assert not row.has_class("-error") and not form.has_class("-error")


# --- masking ----------------------------------------------------------------------------------


async def test_masked_fields_show_masked_until_revealed() -> None:
    base = seeded("personal")
    dob = base["dob"]["iso8601"]
    doc_numbers = [
        next(iter(d.values())).get("docId") or next(iter(d.values())).get("number") for d in base["identityDocs"]
    ]
    app = FormApp("personal", copy.deepcopy(base), auto_reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        row = form.field_widget(("dob",))
        masked = row.query_one(MaskedValue)
        assert dob not in str(masked.render()) and "••••" in str(masked.render())
        assert not row.query(Input)
        table = form.field_widget(("identityDocs",)).query_one(DataTable)
        shown = " ".join(str(c) for r in range(table.row_count) for c in table.get_row_at(r))
        assert not any(n and n in shown for n in doc_numbers)

        masked.focus()
        await pilot.press("r")
        await pilot.pause()
        assert app.reveals == [("dob",)]
        assert ("dob",) in form.revealed
        assert editor(form, ("dob",), Input).value == dob
        assert not form.has_changes

        # in the item editor: masked there too; the request goes out through the form
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        sub = app.screen.form
        hidden = sub.query(MaskedValue)
        assert hidden and doc_numbers[0] not in str(hidden.first().render())
        hidden.first().focus()
        await pilot.press("r")
        await pilot.pause()
        assert app.reveals[-1][:2] == ("identityDocs", 0)
        assert not sub.query(MaskedValue)
        await pilot.press("escape")
        await pilot.pause()
        shown = " ".join(str(c) for c in table.get_row_at(0))
        assert doc_numbers[0][-4:] in shown


# --- programmatic edits and reset --------------------------------------------------------------


async def test_set_and_reset() -> None:
    base = seeded("business")
    app = FormApp("business", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        form.set(("designation",), "CTO")
        form.set(("workerType",), "CONTINGENT")
        await pilot.pause()
        assert editor(form, ("designation",), Input).value == "CTO"
        assert form.changed_paths == {("designation",), ("workerType",)}
        new_base = copy.deepcopy(form.value)
        form.reset(new_base)
        await pilot.pause()
        assert not form.has_changes and form.value == new_base
        assert not form.field_widget(("designation",)).has_class("-changed")
        assert app.changes[-1] == set()


# --- the state behind the form (no UI) ------------------------------------------------------------


def test_form_state_keeps_types_and_prunes_what_it_created() -> None:
    base = {"a": {"x": 5.0}, "n": None, "keep": [1, True]}
    state = FormState(base)
    assert state.set(("b", "c"), "new") and state.doc["b"] == {"c": "new"}
    assert state.clear(("b", "c")) and "b" not in state.doc
    assert state.set(("n", "k"), 1) and state.doc["n"] == {"k": 1}
    assert state.clear(("n", "k")) and state.doc["n"] is None
    assert not state.set(("a", "x"), 5.0)
    assert state.set(("a", "x"), 5) and state.changed(("a", "x"))  # 5 != 5.0 in JSON terms
    assert state.restore(("a", "x")) and type(state.doc["a"]["x"]) is float
    state.insert(("l",), {"i": 1})
    assert state.remove(("l",), 0) == {"i": 1} and "l" not in state.doc
    assert state.value == base and not state.has_changes
    base["a"]["x"] = 0  # the state holds its own copy
    assert state.doc["a"]["x"] == 5.0


# --- speed ---------------------------------------------------------------------------------------


def _fill(spec: FieldSpec) -> Any:
    """A value for every field of the tree (deprecated ones left out)."""
    kind = spec.kind
    if kind == "object":
        return {c.key: _fill(c) for c in spec.children if not c.deprecated}
    if kind == "object_list":
        return [_fill(spec.item_spec) for _ in range(2)]
    if kind == "union_list":
        return [_fill(v.spec) for v in spec.variants]
    if kind == "union":
        return _fill(spec.variants[0].spec)
    return {
        "text": "t",
        "int": 3,
        "number": 1.5,
        "bool": True,
        "json": {"k": "v"},
        "enum": spec.enum_values[-1] if spec.enum_values else "X",
        "enum_list": list(spec.enum_values[:2]),
        "str_list": ["a", "b"],
    }[kind]


async def test_the_biggest_section_mounts_fast_and_lossless() -> None:
    sec = section("travel")
    full = _fill(form_fields(sec.model, sec.label))
    app = FormApp("travel", copy.deepcopy(full))
    started = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        mounted = time.perf_counter() - started
        form = app.form
        lazy_widgets = len(form.query("*"))
        t = time.perf_counter()
        while True:  # expand every group, level by level
            closed = [g for g in form.query(FormGroup).results() if g.collapsed]
            if not closed:
                break
            for group in closed:
                group.expand()
            await pilot.pause()
        expanded = time.perf_counter() - t
        assert len(form.query("*")) > 2 * lazy_widgets  # collapsed groups were not mounted
        assert_same_json(form.value, full)
        assert not form.has_changes
    print(
        f"\ntravel, every field filled: first mount {mounted * 1000:.0f} ms "
        f"({lazy_widgets} widgets), expanding all {expanded * 1000:.0f} ms"
    )
    assert mounted < 3.0


async def test_an_incomplete_new_item_is_flagged_field_by_field_and_not_added() -> None:
    base = seeded("personal")
    app = FormApp("personal", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        form.field_widget(("identityDocs",)).open_editor(None)
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+s")  # no kind yet: stays open
        await pilot.pause()
        assert app.screen is screen
        screen.query_one("#item-kind", Select).value = "PassportWrapper"
        await pilot.pause()
        await type_into(pilot, screen.form, ("passport", "docId"), "P1234567")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        errors = dict(screen.form.errors)
        assert errors[("passport", "issueCountry")] == "required"
        assert errors[("passport", "expiryDate")] == "required"
        assert screen.form.field_widget(("passport", "issueCountry")).has_class("-error")
        assert not screen.form.has_class("-error")  # nothing left for the banner
        await pilot.press("escape")
        await pilot.pause()
        assert_same_json(form.value, base)


async def test_deprecated_fields_are_read_only_when_present_and_hidden_when_absent() -> None:
    base = copy.deepcopy(FIXED_PERSONAL)
    base["emergencyContactInfo"] = {"email": "old@example.com", "designation": "Old"}
    base["gender"] = "SOME_FUTURE_GENDER"  # an enum value this version does not list
    app = FormApp("personal", copy.deepcopy(base))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        await pilot.pause()
        group = form.field_widget(("emergencyContactInfo",))
        assert group is not None and group.read_only and "read-only" in str(group.title)
        group.expand()
        await pilot.pause()
        row = form.field_widget(("emergencyContactInfo", "email"))
        assert row.read_only and not row.query(Input)
        assert editor(form, ("gender",), Select).value == "SOME_FUTURE_GENDER"
        assert_same_json(form.value, base)
    del base["emergencyContactInfo"]
    app = FormApp("personal", base)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.form.field_widget(("emergencyContactInfo",)) is None


# --- snapshot -----------------------------------------------------------------------------------

FIXED_PERSONAL = {
    "name": {"given": "Ana", "family1": "García", "zzNick": "Anita"},
    "email": "ana.garcia@example.com",
    "title": "MS",
    "dob": {"iso8601": "1984-03-09"},
    "gender": "FEMALE",
    "phoneNumbers": [{"countryCode": 34, "nationalNumber": 600111222, "rawInput": "+34 600111222", "type": "MOBILE"}],
    "identityDocs": [
        {
            "passport": {
                "docId": "X12345678",
                "issueCountry": "ES",
                "nationalityCountry": "ES",
                "expiryDate": {"iso8601": "2031-01-01"},
            }
        }
    ],
}


def test_snapshot_personal_form_80x24(snap_compare) -> None:
    """Masked date and document number, one changed field, one field error, at 80x24."""

    async def run(pilot) -> None:
        form = pilot.app.form
        await pilot.pause()
        form.set(("name", "given"), "Ana María")
        form.set_errors([(("email",), "already used by another traveler")])
        form.scroll_home(animate=False)
        pilot.app.set_focus(None)
        await pilot.pause()

    assert snap_compare(FormApp("personal", copy.deepcopy(FIXED_PERSONAL)), terminal_size=SIZE, run_before=run)
