"""The profile screen inside the real app: Enter on the list opens it (app client, audit file
under SPOTNANA_TUI_HOME), a save lands in the sandbox and in that audit file, Esc goes back."""

from __future__ import annotations

from tests.ui.app_kit import make_app, settled
from tests.ui.test_profile_kit import wait_for, wait_screen
from tui.domain.audit import AuditLog
from tui.ui.audit_path import audit_path
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.screens.users import UsersScreen


def test_audit_path_locations(tmp_path, monkeypatch):
    assert audit_path(None, {"SPOTNANA_TUI_HOME": str(tmp_path)}) == tmp_path / "data" / "audit.jsonl"

    class Paths:
        data_dir = tmp_path / "d"

    class Settings:
        paths = Paths()

    assert audit_path(Settings(), {}) == tmp_path / "d" / "audit.jsonl"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda name, appauthor=False: str(tmp_path / name))
    assert audit_path(None, {}) == tmp_path / "spotnana-tui" / "audit.jsonl"


async def test_enter_opens_the_profile_and_a_save_is_audited(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path))
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(pilot)
        row = screen.model.row(0)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        assert profile.user_id == row.user_id
        pane = profile.pane("personal")
        await wait_for(pilot, lambda: pane.state == "ready", what="personal loaded")
        await pilot.press("7")
        pane = profile.pane("external_id")
        await wait_for(pilot, lambda: pane.state == "ready", what="external id loaded")
        original = pane.form.value["externalId"]
        field = pane.form.field_widget(("externalId",)).query_one("Input")
        field.value = original + "-X"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
        profile.set_focus(None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen), what="back on the list")
    assert sandbox.store.get_section(row.user_id, "external-id")["externalId"] == original + "-X"
    entries = AuditLog(tmp_path / "data" / "audit.jsonl").history()
    assert [(e["action"], e["section"], e["result"], e["environment"]) for e in entries] == [
        ("update", "external_id", "ok", "sandbox")
    ]
