"""A section changed on the server between opening and saving (sandbox tamper): detected,
never overwritten silently, and both ways out work."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.ui.screens.conflict import ConflictScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen


async def _open_business_and_edit(pilot, sandbox, user, tamper, designation):
    await wait_ready(pilot, "personal")
    await pilot.press("2")
    pane = await wait_ready(pilot, "business")
    sandbox.store.tamper(user, "business-info", tamper)  # someone else saves meanwhile
    pane.form.set(("designation",), designation)
    await pilot.press("ctrl+s")
    await wait_screen(pilot, DiffConfirmScreen)
    await pilot.press("y")
    return pane, await wait_screen(pilot, ConflictScreen)


async def test_different_fields_merge_without_asking_in_three_requests(sandbox, tmp_path):
    user = sandbox.store.row(40).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        sandbox.store.tamper(user, "business-info", {"employeeId": "SRV-77"})  # someone else saves meanwhile
        pane.form.set(("designation",), "Mine Only")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        since = len(sandbox.requests)
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user))
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes)
        assert not isinstance(app.screen, ConflictScreen)
        assert pane.form.value["employeeId"] == "SRV-77"  # the form shows the re-read copy
        calls = [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sandbox.requests[since:] if user in p]
        assert calls == [("GET", "business-info"), ("PUT", "business-info"), ("GET", "business-info")]
    stored = sandbox.store.get_section(user, "business-info")
    assert stored["employeeId"] == "SRV-77" and stored["designation"] == "Mine Only"


async def test_cancel_on_the_conflict_sends_nothing(sandbox, tmp_path):
    user = sandbox.store.row(41).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, _ = await _open_business_and_edit(pilot, sandbox, user, {"designation": "SRV-78"}, "Kept")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not pane.busy)
        assert pane.has_changes and pane.form.value["designation"] == "Kept"
    assert puts(sandbox, user) == []
    assert sandbox.store.get_section(user, "business-info")["designation"] == "SRV-78"


@pytest.mark.parametrize("choice,expected", [("mine", "Agent Title"), ("theirs", "Server Title")])
async def test_same_field_per_field_choice(sandbox, tmp_path, choice, expected):
    user = sandbox.store.row(42 if choice == "mine" else 43).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, dialog = await _open_business_and_edit(
            pilot, sandbox, user, {"designation": "Server Title", "employeeId": "SRV-9"}, "Agent Title"
        )
        assert [c.path for c in dialog.conflicts] == [("designation",)]
        assert dialog.query_one("#apply", Button).disabled  # no choice yet: nothing can be applied
        await pilot.press("a")
        assert isinstance(app.screen, ConflictScreen)
        await pilot.click(f"#choice-0-{choice}")
        await pilot.pause()
        assert dialog.choices == {("designation",): choice}
        assert not dialog.query_one("#apply", Button).disabled
        await pilot.press("a")
        await wait_for(pilot, lambda: not pane.busy and not isinstance(app.screen, ConflictScreen))
        await wait_for(pilot, lambda: not pane.busy)
    stored = sandbox.store.get_section(user, "business-info")
    assert stored["designation"] == expected
    assert stored["employeeId"] == "SRV-9"  # the server's other change is kept either way
    results = [e["result"] for e in app.audit.history()]
    if choice == "mine":
        assert results == ["conflict", "ok"] and len(puts(sandbox, user)) == 1
    else:
        # keeping theirs leaves nothing of the agent's to send: no PUT at all
        assert puts(sandbox, user) == []
        assert pane.form.value["designation"] == "Server Title" and not pane.has_changes


async def test_discard_mine_shows_the_server_copy(sandbox, tmp_path):
    user = sandbox.store.row(44).user_id
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane, _ = await _open_business_and_edit(pilot, sandbox, user, {"designation": "Server Only"}, "Dropped")
        await pilot.press("d")
        await wait_for(pilot, lambda: not pane.busy)
        assert not pane.has_changes and pane.form.value["designation"] == "Server Only"
    assert puts(sandbox, user) == []
