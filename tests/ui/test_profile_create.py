"""Creating a user (POST /v2/users) from the form: required fields checked in place, a
confirm, the new user stored by the sandbox, the audit entry, a server 400 next to its field."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Select

from tests.ui.test_profile_kit import wait_for, wait_screen
from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.ui.screens import create_user as create_module
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.create_user import CreateUserScreen, build_body, check
from tui.ui.screens.item_editor import show_item_editor


class CreateApp(App[None]):
    on_object_list_edit_item = show_item_editor  # a host of forms shows their item editors

    def __init__(self, sb, audit_file):
        super().__init__()
        self.animation_level = "none"
        self.client = UsersClient(sb.base_url, token=sb.token, retries=0, timeout=5)
        self.audit = AuditLog(audit_file)
        self.result: list = []

    def on_mount(self) -> None:
        self.push_screen(CreateUserScreen(OnlineBackend(self.client), "sandbox", self.audit), self.result.append)

    async def on_unmount(self) -> None:
        await self.client.aclose()


def _fill(screen: CreateUserScreen, sb, **over) -> None:
    company = sb.store.companies[0]
    values = {
        "persona": "EMPLOYEE",
        "given": "Ada",
        "family": "Quill",
        "email": "ada.quill@example.org",
        "organization": company.id,
        "legal_entity": company.legal_entities[0]["id"],
        **over,
    }
    for key, value in values.items():
        screen.set_value(key, value)


async def test_required_fields_are_marked_and_nothing_is_sent(sandbox, tmp_path):
    before = len(sandbox.requests)
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        screen.set_value("given", "Only Given")
        await pilot.press("ctrl+s")
        await pilot.pause()
        for key in ("persona", "family", "email", "organization", "legal_entity"):
            assert screen.query_one(f"#row-{key}").has_class("-error"), key
        assert not screen.query_one("#row-given").has_class("-error")
        assert not screen.query_one("#row-external_id").has_class("-error")  # optional
    assert len(sandbox.requests) == before
    assert app.audit.history() == []


async def test_create_after_confirm(sandbox, tmp_path):
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        _fill(screen, sandbox, external_id="EXT-NEW-1", tier="SEAT1A")
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.result, what="dismissed")
    new_id = app.result[0]
    assert new_id and sandbox.store.exists(new_id)
    personal = sandbox.store.get_section(new_id, "personal-info")
    assert personal == {"name": {"given": "Ada", "family1": "Quill"}, "email": "ada.quill@example.org"}
    business = sandbox.store.get_section(new_id, "business-info")
    assert business["legalEntityRef"]["id"] == sandbox.store.companies[0].legal_entities[0]["id"]
    assert sandbox.store.user_profile(new_id)["tier"] == "SEAT1A"
    [entry] = app.audit.history()
    assert (entry["action"], entry["result"], entry["user_id"]) == ("create", "ok", new_id)
    assert "personalInfo.email" in entry["fields"] and "ada.quill" not in str(entry)


async def test_declining_the_confirm_sends_nothing(sandbox, tmp_path):
    before = [r for r in sandbox.requests if r[0] == "POST" and r[1] == "/v2/users"]
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        _fill(screen, sandbox)
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await wait_screen(pilot, CreateUserScreen)
    assert [r for r in sandbox.requests if r[0] == "POST" and r[1] == "/v2/users"] == before


async def test_server_400_lands_next_to_its_field(sandbox, tmp_path, monkeypatch):
    monkeypatch.setattr(create_module, "check", lambda values: {})  # let the server judge
    app = CreateApp(sandbox, tmp_path / "audit.jsonl")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await wait_screen(pilot, CreateUserScreen)
        _fill(screen, sandbox)
        screen.query_one("#field-persona", Select).clear()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.query_one("#row-persona").has_class("-error"), what="persona error")
        assert not app.result  # still open, values kept
        assert screen.values()["given"] == "Ada"
    [entry] = app.audit.history()
    assert entry["result"] == "error" and entry["status"] == 400


ORG, LEGAL = "8a106739-2013-4e98-9a0d-24f534583da2", "47949621-c756-4742-b334-d97367202784"


def test_body_and_checks():
    values = {
        "persona": "GUEST",
        "given": " Bo ",
        "family": "Lund",
        "email": "bo@x.example",
        "organization": ORG,
        "legal_entity": LEGAL,
        "external_id": "",
        "tier": "",
    }
    assert build_body(values) == {
        "persona": "GUEST",
        "personalInfo": {"name": {"given": "Bo", "family1": "Lund"}, "email": "bo@x.example"},
        "businessInfo": {"organizationRef": {"id": ORG}, "legalEntityRef": {"id": LEGAL}},
    }
    assert check(values) == {}
    assert check({**values, "email": "nope"}) == {"email": "not an email address"}
    assert check({**values, "organization": "o-1"}) == {"organization": "must be a UUID (8-4-4-4-12 hex digits)"}


async def test_n_on_the_list_prefills_the_highlighted_users_company(sandbox, tmp_path):
    from textual.widgets import Static

    from tests.ui.app_kit import make_app, settled

    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(pilot)
        screen.table.focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        row = screen.table.highlighted_row
        assert row is not None and screen.table.cursor == 3
        truth = sandbox.store.get_section(row.user_id, "business-info")
        org, legal = truth["organizationRef"]["id"], truth["legalEntityRef"]["id"]
        await pilot.press("n")
        form = await wait_screen(pilot, CreateUserScreen)
        values = form.values()
        assert (values["organization"], values["legal_entity"]) == (org, legal)
        hint = str(form.query_one("#create-hint", Static).render())
        assert f"same company as {row.name}" in hint and row.company_name and row.company_name in hint
        form.set_value("legal_entity", "")  # still editable: typed back in below
        assert form.values()["legal_entity"] == ""
        form.set_value("legal_entity", legal)
        for key, value in {
            "persona": "EMPLOYEE",
            "given": "Lin",
            "family": "Prefill",
            "email": "lin.prefill@example.org",
        }.items():
            form.set_value(key, value)
        await pilot.press("ctrl+s")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        from tui.ui.screens.profile import ProfileScreen

        profile = await wait_screen(pilot, ProfileScreen)  # the new user's profile opens
        new_id = profile.user_id
        await app.workers.wait_for_complete()
    assert new_id and sandbox.store.exists(new_id)
    business = sandbox.store.get_section(new_id, "business-info")
    assert (business["organizationRef"]["id"], business["legalEntityRef"]["id"]) == (org, legal)
    assert sandbox.store.get_section(new_id, "personal-info")["email"] == "lin.prefill@example.org"
