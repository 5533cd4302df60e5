"""The profile screen with the real SectionForm: typing into a field, saving, and a 400 from
the sandbox shown next to the field it names."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent

from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.ui.screens.diff_confirm import DiffConfirmScreen


async def _type(pilot, form, path, text):
    field = form.field_widget(path).query_one(Input)
    field.focus()
    await pilot.pause()
    field.value = text
    await pilot.pause()


async def test_type_into_the_form_and_save(sandbox, tmp_path):
    user = sandbox.store.row(80).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        await _type(pilot, pane.form, ("designation",), "Typed Title")
        assert pane.has_changes
        assert app.profile.query_one(TabbedContent).get_tab("tab-business").label.plain.endswith("•")
        # digits typed in a text field stay there; ctrl+s still saves from inside the field
        await pilot.press("3")
        assert pane.form.value["designation"] == "Typed Title3"
        assert app.profile.active_section.key == "business"
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [str(line.new) for line in dialog.lines] == ["Typed Title3"]
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user))
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes)
        assert pane.form.value["designation"] == "Typed Title3"
    assert sandbox.store.get_section(user, "business-info")["designation"] == "Typed Title3"


async def test_server_400_is_shown_next_to_the_field(sandbox, tmp_path):
    user = sandbox.store.row(81).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        # meanwhile the server's copy got a value the API itself rejects on the way back in
        sandbox.store.tamper(user, "business-info", {"employeeId": 12345})
        await _type(pilot, pane.form, ("designation",), "Will Not Pass")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")  # merged with the server's copy (other fields) -> PUT -> 400
        field = pane.form.field_widget(("employeeId",))
        await wait_for(pilot, lambda: field.has_class("-error"), what="error on employeeId")
        assert "valid string" in str(field.query_one(".field-error").render())  # the server's own words
        assert pane.has_changes and pane.form.value["designation"] == "Will Not Pass"
        assert not pane.form.field_widget(("designation",)).has_class("-error")
    assert ("PUT", f"/v2/users/{user}/business-info", 400) in sandbox.requests
