"""Profile screen against the sandbox: tabs, loading, saving through diff/confirm,
cancelling, unknown fields, server errors, activate/deactivate, the audit trail."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, TabbedContent

from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.domain.editing import SectionEditor
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.profile_json import JsonView
from tui.ui.widgets.section_form import SectionForm


def uid(sb, i):
    return sb.store.row(i).user_id


EDITS = [
    # tab key, number key, path, new value, how to read it back from the store
    ("personal", "1", ("name", "given"), "Zed", lambda s: s["name"]["given"]),
    ("business", "2", ("designation",), "Chief Tester", lambda s: s["designation"]),
    ("travel", "3", ("preferences", "preferredCurrency"), "CHF", lambda s: s["preferences"]["preferredCurrency"]),
    ("membership", "4", ("isLoyaltyBlocked",), True, lambda s: s["isLoyaltyBlocked"]),
]
SLUGS = {
    "personal": "personal-info",
    "business": "business-info",
    "travel": "travel-preferences",
    "membership": "membership-info",
    "notifications": "notification-preferences",
    "roles": "roles",
    "external_id": "external-id",
}


@pytest.mark.parametrize("key,number,path,value,read", EDITS, ids=[e[0] for e in EDITS])
async def test_edit_each_main_section_and_confirm(sandbox, tmp_path, key, number, path, value, read):
    user = uid(sandbox, 10 + int(number))
    before = sandbox.store.get_section(user, SLUGS[key])
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press(number)
        pane = await wait_ready(pilot, key)
        assert pane.state == "ready" and app.profile.active_section.key == key
        pane.form.set(path, value)
        await pilot.pause()
        assert (
            "•" in app.profile.query_one(TabbedContent).get_tab(f"tab-{key}").label.plain
        )  # the tab shows unsaved work
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.path for line in dialog.lines] == [path]
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user), what="PUT")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved and re-read")
    stored = sandbox.store.get_section(user, SLUGS[key])
    assert read(stored) == value
    # everything else stayed as it was
    assert {k: v for k, v in stored.items() if k != path[0]} == {k: v for k, v in before.items() if k != path[0]}
    entries = app.audit.history()
    assert [(e["action"], e["result"], e["section"]) for e in entries] == [("update", "ok", key)]
    assert entries[0]["fields"] == [".".join(map(str, path))]


async def test_cancel_sends_nothing_and_keeps_edits(sandbox, tmp_path):
    user = uid(sandbox, 20)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        pane.form.set(("designation",), "Never Sent")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: not pane.busy)
        assert pane.has_changes and pane.form.value["designation"] == "Never Sent"
        # Esc on the dialog is a cancel too
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not pane.busy)
        assert pane.has_changes
    assert puts(sandbox, user) == []
    assert sandbox.store.get_section(user, "business-info").get("designation") != "Never Sent"
    assert [e["result"] for e in app.audit.history()] == ["cancelled", "cancelled"]


async def test_unknown_field_survives_an_edit(sandbox, tmp_path):
    user = uid(sandbox, 21)
    raw = sandbox.store.get_section(user, "business-info")
    raw["futureField"] = {"nested": [1, 2.5, None], "flag": True}
    sandbox.store.set_section(user, "business-info", raw)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("right_square_bracket")
        pane = await wait_ready(pilot, "business")
        pane.form.set(("employeeId",), "EMP-UNKNOWN-1")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user))
        await wait_for(pilot, lambda: not pane.busy)
    stored = sandbox.store.get_section(user, "business-info")
    assert stored["futureField"] == {"nested": [1, 2.5, None], "flag": True}
    assert stored["employeeId"] == "EMP-UNKNOWN-1"


async def test_server_400_lands_next_to_its_field(sandbox, tmp_path, monkeypatch):
    # the server is stricter than the app here: the app's own model check is skipped
    monkeypatch.setattr(SectionEditor, "validate", lambda self, edited: [])
    monkeypatch.setattr(SectionForm, "validate", lambda self: [])
    user = uid(sandbox, 22)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        pane.form.set(("designation",), 12345)
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: pane.form.errors, what="field errors")
        assert pane.has_changes  # the edits are kept
    paths = [p for p, _ in pane.form.errors]
    assert paths == [("designation",)]
    assert ("PUT", f"/v2/users/{user}/business-info", 400) in sandbox.requests
    entry = app.audit.history()[-1]
    assert entry["result"] == "error" and entry["status"] == 400 and entry["debugIdentifier"].startswith("sandbox-")


async def test_server_failure_keeps_edits(sandbox, tmp_path):
    user = uid(sandbox, 23)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        pane.form.set(("designation",), "Lost In Transit")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        sandbox.faults.inject(503)  # the re-read before the PUT fails
        await pilot.press("y")
        await wait_for(pilot, lambda: not pane.busy)
        assert pane.has_changes
        # once the server is back, the same edits go through
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user))
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes)
    assert sandbox.store.get_section(user, "business-info")["designation"] == "Lost In Transit"
    assert [e["result"] for e in app.audit.history()] == ["error", "ok"]


async def test_section_load_error_and_retry(sandbox, tmp_path):
    user = uid(sandbox, 24)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        sandbox.faults.inject(500)
        await pilot.press("4")
        pane = await wait_ready(pilot, "membership")
        assert pane.state == "error"
        assert pane.query_one("#retry", Button).display
        await pilot.click("#pane-membership #retry")
        await wait_for(pilot, lambda: pane.state == "ready")
        assert pane.form.value == sandbox.store.get_section(user, "membership-info")


async def test_tabs_keys_and_leaving_with_unsaved_changes(sandbox, tmp_path):
    user = uid(sandbox, 25)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        personal = await wait_ready(pilot, "personal")
        screen = app.profile
        await pilot.press("9")
        assert screen.active_section.key == "policies"
        policies = await wait_ready(pilot, "policies")
        assert isinstance(policies.view, JsonView) and policies.form is None
        await pilot.press("right_square_bracket")
        assert screen.active_section.key == "personal"  # wraps around
        await pilot.press("left_square_bracket")
        assert screen.active_section.key == "policies"
        await pilot.press("1")
        # typing a digit in a text field types it, it does not change tabs
        field = personal.form.field_widget(("name", "given")).query_one(Input)
        field.focus()
        await pilot.press("end", "3", "left_square_bracket")
        assert screen.active_section.key == "personal" and field.value.endswith("3[")
        screen.set_focus(None)
        personal.form.set(("name", "given"), "Unsaved")
        await pilot.press("2")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert screen.active_section.key == "personal" and personal.has_changes
        await pilot.press("2")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")  # drop and leave
        await wait_for(pilot, lambda: screen.active_section.key == "business")
        assert not personal.has_changes
        # leaving the screen with unsaved changes asks too
        business = await wait_ready(pilot, "business")
        business.form.set(("designation",), "x")
        await pilot.press("escape")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.has_unsaved_changes
    assert puts(sandbox, user) == []


async def test_deactivate_and_activate_behind_a_confirm(sandbox, tmp_path):
    user = uid(sandbox, 26)
    assert sandbox.store.is_active(user)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        screen = app.profile
        await wait_for(pilot, lambda: screen.profile)
        await pilot.press("D")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert sandbox.store.is_active(user)
        await pilot.press("D")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.profile and screen.profile.get("isActive") is False, what="inactive")
        assert not sandbox.store.is_active(user)
        await pilot.press("A")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.profile.get("isActive") is True, what="active again")
    assert sandbox.store.is_active(user)
    assert [(e["action"], e["result"]) for e in app.audit.history()] == [("deactivate", "ok"), ("activate", "ok")]


async def test_reveal_in_the_diff_is_audited_without_values(sandbox, tmp_path):
    user = uid(sandbox, 27)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        pane.form.set(("dob",), {"iso8601": "1970-01-02"})
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert "1970-01-02" not in str(dialog.query_one("#diff-line-0").render())
        await pilot.press("r")
        await pilot.pause()
        assert "1970-01-02" in str(dialog.query_one("#diff-line-0").render())
        await pilot.press("n")
        # a reveal asked for by the form is recorded too (and the form told to reveal)
        pane.form.post_message(pane.form.RevealRequested(("dob",)))
        await wait_for(pilot, lambda: ("dob",) in pane.form.revealed)
    entries = app.audit.history()
    reveals = [e for e in entries if e["action"] == "reveal"]
    assert [e["fields"] for e in reveals] == [["dob.iso8601"], ["dob"]]
    text = (tmp_path / "audit.jsonl").read_text()
    assert "1970-01-02" not in text
