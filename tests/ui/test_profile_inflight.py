"""A save in flight on a slow sandbox: what the agent types meanwhile stays as pending edits, and
a change another client makes inside the save window is reported, never "Saved"."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from tests.ui.test_profile_kit import ProfileApp, wait_for, wait_ready, wait_screen
from tui.ui.screens.diff_confirm import DiffConfirmScreen

LATENCY_MS = 400


async def _type(pilot, form, path, text):
    field = form.field_widget(path).query_one(Input)
    field.focus()
    await pilot.pause()
    field.value = text
    await pilot.pause()


def _user(sb, n: int) -> str:
    return [sb.store.row(p).user_id for p in range(len(sb.store.index)) if sb.store.row(p).is_active][n]


async def test_typing_during_a_save_is_kept_as_pending_edits(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=30)
    user = _user(sb, 1)
    app = ProfileApp(sb, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        await _type(pilot, pane.form, ("designation",), "Saved Title")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        sb.faults.latency_ms = LATENCY_MS
        await pilot.press("y")
        await wait_for(pilot, lambda: pane.busy, what="save in flight")
        await _type(pilot, pane.form, ("employeeId",), "TYPED-DURING")  # the agent keeps working
        await wait_for(pilot, lambda: not pane.busy, timeout=15, what="save done")
        sb.faults.latency_ms = 0
        stored = sb.store.get_section(user, "business-info")
        assert stored["designation"] == "Saved Title"
        assert stored.get("employeeId") != "TYPED-DURING"  # never sent unseen
        assert pane.form.base["designation"] == "Saved Title"  # the new copy is the base
        assert pane.form.value["employeeId"] == "TYPED-DURING" and pane.has_changes
        assert pane.form.changed_paths == {("employeeId",)}
        assert "Pending" in str(pane.query_one("#pane-status").render())
        assert "•" in app.profile.query_one("TabbedContent").get_tab("tab-business").label.plain


async def test_a_change_landing_inside_the_save_window_is_reported_not_saved(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=30)
    user = _user(sb, 2)
    app = ProfileApp(sb, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        personal = await wait_ready(pilot, "personal")
        family = personal.form.value["name"]["family1"]
        await _type(pilot, personal.form, ("name", "family1"), "Agentsson")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        sb.faults.latency_ms = LATENCY_MS
        path = f"/v2/users/{user}/personal-info"
        await pilot.press("y")
        # a second client writes right after our PUT was applied, before the re-read
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while ("PUT", path, 200) not in sb.requests:
            assert loop.time() < deadline, "no PUT"
            await asyncio.sleep(0.005)
        name = dict(sb.store.get_section(user, "personal-info")["name"], family1=family, middle="Meddled")
        sb.store.tamper(user, "personal-info", {"name": name})
        await wait_for(pilot, lambda: not personal.busy, timeout=15, what="save done")
        sb.faults.latency_ms = 0
        messages = [n.message for n in app._notifications]
        assert not any(m.startswith("Saved") for m in messages), messages
        assert any(f"family name is back to {family}" in m and "middle name changed" in m for m in messages), messages
        status = str(personal.query_one("#pane-status").render())
        assert "Another change landed during the save" in status
        # the agent's edit is kept to apply again, on top of the server's copy
        assert personal.form.base["name"]["middle"] == "Meddled"
        assert personal.form.value["name"]["family1"] == "Agentsson" and personal.has_changes
    assert app.audit.history()[-1]["result"] == "overtaken"
