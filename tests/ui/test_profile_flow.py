"""Profile screen against the sandbox: loading, saving through diff/confirm, cancelling."""

from __future__ import annotations

import pytest

from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tests.ui.test_profile_kit import ProfileApp, puts, use_stand_in_form, wait_for, wait_ready, wait_screen


@pytest.fixture
def sb(sandbox_factory):
    return sandbox_factory(users=40)


def uid(sb, i=3):
    return sb.store.row(i).user_id


async def test_edit_business_confirm_stores(sb, tmp_path, monkeypatch):
    use_stand_in_form(monkeypatch)
    app = ProfileApp(sb, uid(sb), tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        pane.form.set(("designation",), "Chief Tester")
        await pilot.pause()
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert len(dialog.lines) == 1
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sb), what="PUT")
        await wait_for(pilot, lambda: not pane.busy)
    assert sb.store.get_section(uid(sb), "business-info")["designation"] == "Chief Tester"
