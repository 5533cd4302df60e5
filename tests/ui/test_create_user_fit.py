"""The new-user dialog at 80x24: every field, the buttons and the key hint in view; a warning
in the confirm step when another user already has the email (the list API's ``emails``
filter, against the real sandbox), which does not stop the agent from creating."""

from __future__ import annotations

from textual.widgets import Button, Static

from tests.ui.app_kit import make_app, settled
from tests.ui.test_profile_kit import wait_for, wait_screen
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.create_user import FIELDS, CreateUserScreen


def _fill(screen: CreateUserScreen, sb, email: str) -> None:
    company = sb.store.companies[0]
    values = {
        "persona": "EMPLOYEE",
        "given": "Ada",
        "family": "Quill",
        "email": email,
        "organization": company.id,
        "legal_entity": company.legal_entities[0]["id"],
    }
    for key, value in values.items():
        screen.set_value(key, value)


def _lists(sb) -> list:
    return [r for r in sb.requests if r[:2] == ("POST", "/v3/users/list")]


async def _confirm_text(pilot, sb, email: str) -> tuple[ConfirmScreen, str, int]:
    """Open the dialog, fill it, ctrl+s: the confirm, its text and how many list requests that made."""
    await settled(pilot)
    lists_before = len(_lists(sb))
    await pilot.press("n")
    screen = await wait_screen(pilot, CreateUserScreen)
    _fill(screen, sb, email)
    await pilot.press("ctrl+s")
    confirm = await wait_screen(pilot, ConfirmScreen)
    await pilot.pause()
    return confirm, str(confirm.query_one("#confirm-question", Static).render()), len(_lists(sb)) - lists_before


async def test_an_email_in_use_is_named_in_the_confirm_and_the_agent_may_still_create(sandbox, tmp_path):
    taken = sandbox.store.row(5)
    assert taken.email
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        confirm, text, lookups = await _confirm_text(pilot, sandbox, taken.email.upper())
        assert lookups == 1  # the lookup went through the list API
        assert "already has this email" in text and taken.given in text
        assert confirm.query_one("#no", Button).has_focus  # a duplicate starts on "Back"
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (CreateUserScreen, ConfirmScreen)), what="created")
    created = [r for r in sandbox.requests if r[:2] == ("POST", "/v2/users")]
    assert created and created[-1][2] == 201


async def test_a_fresh_email_gets_no_warning(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        confirm, text, lookups = await _confirm_text(pilot, sandbox, "nobody.has.this@example.org")
        assert lookups == 1
        assert "already" not in text and "⚠" not in text
        assert confirm.query_one("#yes", Button).has_focus
        await pilot.press("n")
        await wait_screen(pilot, CreateUserScreen)


async def test_the_dialog_fits_80x24_with_buttons_hint_and_a_warnings_slot(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        screen = await wait_screen(pilot, CreateUserScreen)
        await pilot.pause()
        screen_region = screen.region
        for selector in ["#create", "#cancel", "#create-keys", *(f"#field-{f.key}" for f in FIELDS)]:
            widget = screen.query_one(selector)
            assert screen_region.contains_region(widget.region) and widget.region.height, selector
        assert "esc cancel" in str(screen.query_one("#create-keys", Static).render())
        assert screen.query_one("#create-warnings", Static)  # the slot for domain warnings
