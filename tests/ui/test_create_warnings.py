"""The new-user form warns (never blocks) for an email another user already has (looked up
through the backend's list_users with the ``emails`` filter, on the real sandbox) and for a
date of birth in the future; the warnings are in the confirm question too."""

from __future__ import annotations

from datetime import date

from textual.app import App

from tests.ui.app_kit import sandbox_env
from tests.ui.test_profile_kit import wait_for, wait_screen
from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.create_user import CreateUserScreen
from tui.ui.widgets.warnings_view import WarningsBanner

TODAY = date(2026, 6, 10)


class CreateApp(App[None]):
    def __init__(self, sb, audit_file):
        super().__init__()
        self.animation_level = "none"
        self.client = UsersClient(sb.base_url, token=sb.token, retries=0, timeout=5)
        self.env = sandbox_env(sb)
        self.audit = AuditLog(audit_file)

    def on_mount(self) -> None:
        self.push_screen(CreateUserScreen(OnlineBackend(self.client), self.env, self.audit, today=lambda: TODAY))

    async def on_unmount(self) -> None:
        await self.client.aclose()


def _warnings(screen: CreateUserScreen) -> str:
    banner = screen.query_one("#create-warnings", WarningsBanner)
    return str(banner.render()) if banner.has_class("-shown") else ""


def _lookups(sb) -> list:
    return [r for r in list(sb.requests) if r[:2] == ("POST", "/v3/users/list")]


async def test_duplicate_email_and_future_dob_warn_as_the_agent_types(sandbox, tmp_path):
    taken = sandbox.store.get_section(sandbox.store.row(5).user_id, "personalInfo")
    owner = f"{taken['name']['given']} {taken['name']['family1']}"
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 44)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        assert _warnings(screen) == ""

        before = len(_lookups(sandbox))
        screen.query_one("#field-email").focus()
        await pilot.press(*taken["email"].upper())  # the same address, typed differently
        expected = f"Another user ({owner}) already has this email."
        await wait_for(pilot, lambda: expected in _warnings(screen), what="the duplicate email warning")
        assert len(_lookups(sandbox)) > before  # looked up through POST /v3/users/list

        screen.query_one("#field-dob").focus()
        await pilot.press(*"2031-02-03")
        await wait_for(pilot, lambda: "Date of birth is in the future." in _warnings(screen), what="the dob warning")
        assert "2031" not in _warnings(screen)
        assert expected in _warnings(screen)

        screen.set_value("dob", "1985-02-03")
        screen.set_value("email", "nobody.else@example.org")
        await wait_for(pilot, lambda: _warnings(screen) == "", what="the warnings to go")


async def test_the_confirm_question_repeats_the_warnings(sandbox, tmp_path):
    taken = sandbox.store.get_section(sandbox.store.row(6).user_id, "personalInfo")
    company = sandbox.store.companies[0]
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 44)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        values = {
            "persona": "EMPLOYEE",
            "given": "Ada",
            "family": "Quill",
            "email": taken["email"],
            "dob": "2030-01-01",
            "organization": company.id,
            "legal_entity": company.legal_entities[0]["id"],
        }
        for key, value in values.items():
            screen.set_value(key, value)
        await pilot.press("ctrl+s")
        confirm = await wait_screen(pilot, ConfirmScreen)
        assert "already has this email" in confirm.question
        assert "Date of birth is in the future." in confirm.question
        await pilot.press("n")  # back to the form: nothing sent
        await wait_screen(pilot, CreateUserScreen)
