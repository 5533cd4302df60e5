"""The confirm and conflict dialogs driven by clicking their buttons (not their keys), with the
real form on the real sandbox: what was sent is counted in the sandbox's request log."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input

from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.ui.screens.conflict import ConflictScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.profile_section import SectionPane


def logged_puts(api, user: str) -> list:
    """The PUTs for ``user`` in the sandbox's request log, read over HTTP."""
    rows = api.get("/_sandbox/requests").json()["requests"]
    return [r for r in rows if r[0] == "PUT" and user in r[1]]


async def _business_with_edit(pilot, text: str) -> SectionPane:
    await wait_ready(pilot, "personal")
    await pilot.press("2")
    pane = await wait_ready(pilot, "business")
    field = pane.form.field_widget(("designation",)).query_one(Input)
    field.focus()
    await pilot.pause()
    field.value = text
    await pilot.pause()
    assert pane.has_changes
    return pane


async def _save(pilot) -> DiffConfirmScreen:
    await pilot.press("ctrl+s")
    return await wait_screen(pilot, DiffConfirmScreen)


# --- the confirm dialog -------------------------------------------------------------------------


async def test_clicking_send_sends_one_put(sandbox, api, tmp_path):
    user = sandbox.store.row(200).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _business_with_edit(pilot, "Clicked Send")
        dialog = await _save(pilot)
        assert [line.path for line in dialog.lines] == [("designation",)]
        assert logged_puts(api, user) == []  # nothing before the click
        assert await pilot.click("#send")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
        assert not isinstance(app.screen, DiffConfirmScreen)
    assert [r[2] for r in logged_puts(api, user)] == [204]
    assert sandbox.store.get_section(user, "business-info")["designation"] == "Clicked Send"
    assert [e["result"] for e in app.audit.history()] == ["ok"]


async def test_clicking_cancel_sends_nothing_and_keeps_the_edit(sandbox, api, tmp_path):
    user = sandbox.store.row(201).user_id
    before = sandbox.store.get_section(user, "business-info")
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _business_with_edit(pilot, "Clicked Cancel")
        await _save(pilot)
        assert await pilot.click("#cancel")
        await wait_for(
            pilot, lambda: not pane.busy and not isinstance(app.screen, DiffConfirmScreen), what="back on the form"
        )
        assert pane.has_changes and pane.form.value["designation"] == "Clicked Cancel"
        # and a second save, confirmed by its button this time, sends exactly one PUT
        await _save(pilot)
        assert logged_puts(api, user) == []
        assert await pilot.click("#send")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
    assert len(logged_puts(api, user)) == 1
    assert sandbox.store.get_section(user, "business-info") == {**before, "designation": "Clicked Cancel"}
    assert [e["result"] for e in app.audit.history()] == ["cancelled", "ok"]


# --- the conflict dialog ------------------------------------------------------------------------


async def _to_conflict(pilot, sandbox, user: str, tamper: dict, mine: str) -> tuple[SectionPane, ConflictScreen]:
    pane = await _business_with_edit(pilot, mine)
    sandbox.store.tamper(user, "business-info", tamper)  # someone else saves meanwhile
    await _save(pilot)
    assert await pilot.click("#send")
    return pane, await wait_screen(pilot, ConflictScreen)


@pytest.mark.parametrize("choice,row", [("mine", 203), ("theirs", 204)])
async def test_clicking_a_per_field_choice_then_apply(sandbox, tmp_path, choice, row):
    user = sandbox.store.row(row).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, dialog = await _to_conflict(
            pilot, sandbox, user, {"designation": "Server Title", "employeeId": f"SRV-{row}"}, "Agent Title"
        )
        assert [c.path for c in dialog.conflicts] == [("designation",)]
        apply = dialog.query_one("#apply", Button)
        assert apply.disabled
        await pilot.click("#apply")  # disabled: nothing happens
        await pilot.pause()
        assert app.screen is dialog and puts(sandbox, user) == []
        assert await pilot.click(f"#choice-0-{choice}")
        await wait_for(pilot, lambda: not apply.disabled, what="apply enabled")
        assert await pilot.click("#apply")
        await wait_for(pilot, lambda: not pane.busy and app.screen is not dialog, what="applied")
        assert not pane.has_changes
    stored = sandbox.store.get_section(user, "business-info")
    assert stored["employeeId"] == f"SRV-{row}"  # the server's other change is kept either way
    if choice == "mine":
        assert stored["designation"] == "Agent Title" and len(puts(sandbox, user)) == 1
    else:
        assert stored["designation"] == "Server Title" and puts(sandbox, user) == []


async def test_clicking_discard_mine_sends_nothing_and_shows_the_server_copy(sandbox, tmp_path):
    user = sandbox.store.row(205).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, dialog = await _to_conflict(pilot, sandbox, user, {"designation": "Server 205"}, "Dropped 205")
        assert await pilot.click("#discard")
        await wait_for(pilot, lambda: not pane.busy and app.screen is not dialog, what="discarded")
        assert not pane.has_changes and pane.form.value["designation"] == "Server 205"
    assert puts(sandbox, user) == []


async def test_clicking_cancel_on_the_conflict_sends_nothing_and_keeps_the_edit(sandbox, tmp_path):
    user = sandbox.store.row(206).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, dialog = await _to_conflict(pilot, sandbox, user, {"designation": "SRV-206"}, "Kept 206")
        assert await pilot.click("#cancel")
        await wait_for(pilot, lambda: not pane.busy and app.screen is not dialog, what="cancelled")
        assert pane.has_changes and pane.form.value["designation"] == "Kept 206"
    assert puts(sandbox, user) == []
    stored = sandbox.store.get_section(user, "business-info")
    assert stored["designation"] == "SRV-206"
