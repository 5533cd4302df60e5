"""Warnings on the profile (the tab's banner, next to the field, updated as the agent edits)
and in the diff dialog (the agent can still send), against the real sandbox; snapshots of
both at 80x24 and 120x40.

"Today" is fixed (ProfileScreen's ``today``) so what expires "next month" stays so.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual import events

from tests.ui.app_kit import sandbox_env
from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.sections import section
from tui.domain.warnings import add_months, warnings_for
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.warnings_view import FIELD_WARNING, WarningsBanner

TODAY = date(2026, 6, 10)
NEXT_MONTH = add_months(TODAY, 1).isoformat()
PERSONAL = section("personal")
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _seeded(sb, want) -> int:
    """The first seeded user whose personal info satisfies ``want(doc, warnings)``."""
    for pos in range(len(sb.store.index.active)):
        doc = sb.store.get_section(sb.store.row(pos).user_id, "personalInfo")
        if want(doc, warnings_for(PERSONAL, doc, today=TODAY)):
            return pos
    raise LookupError("no such seeded user")


def _valid_passport_only(doc, found) -> bool:
    docs = doc.get("identityDocs") or []
    return bool(docs) and "passport" in docs[0] and not found


def _app(sb, tmp_path, pos: int) -> ProfileApp:
    return ProfileApp(sb, sb.store.row(pos).user_id, tmp_path / "audit.jsonl", today=lambda: TODAY)


def _lookups(sb) -> list:
    return [r for r in list(sb.requests) if r[:2] == ("POST", "/v3/users/list")]


def _banner(app) -> str:
    banner = app.profile.pane("personal").query_one("#pane-warnings", WarningsBanner)
    return str(banner.render()) if banner.display and banner.has_class("-shown") else ""


async def test_passport_expiring_next_month_warns_on_the_tab_and_in_the_diff(sandbox_factory, tmp_path):
    sandbox = sandbox_factory()  # its own: this test saves, the snapshots below show the seeded copy
    pos = _seeded(sandbox, _valid_passport_only)
    app = _app(sandbox, tmp_path, pos)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        assert _banner(app) == ""
        assert not list(pane.form.query(f".{FIELD_WARNING}").results())

        country = pane.form.value["identityDocs"][0]["passport"]["issueCountry"]
        number = pane.form.value["identityDocs"][0]["passport"]["docId"]
        pane.form.set(("identityDocs", 0, "passport", "expiryDate", "iso8601"), NEXT_MONTH)
        expected = f"Passport {country} ••••{number[-4:]} expires on {NEXT_MONTH}, in 1 month."
        await wait_for(pilot, lambda: expected in _banner(app), what="the banner")
        assert number not in _banner(app)
        # next to the field: under the identity documents list
        placed = await wait_for(
            pilot, lambda: list(pane.form.query(f".{FIELD_WARNING}").results()), what="the field warning"
        )
        docs_list = pane.form.field_widget(("identityDocs",))
        assert placed[0].parent is docs_list.parent
        siblings = list(docs_list.parent.children)
        assert siblings.index(placed[0]) == siblings.index(docs_list) + 1
        assert expected in str(placed[0].render())

        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        await pilot.pause()
        shown = str(dialog.query_one("#diff-warnings", WarningsBanner).render())
        assert expected in shown
        await pilot.press("y")  # a warning, not a block: the agent can still send
        await wait_for(pilot, lambda: puts(sandbox, app.user_id), what="the PUT")
        await wait_for(pilot, lambda: not pane.busy, what="the save")
    stored = sandbox.store.get_section(app.user_id, "personalInfo")
    assert stored["identityDocs"][0]["passport"]["expiryDate"] == {"iso8601": NEXT_MONTH}


async def test_the_banner_follows_the_edits(sandbox, tmp_path):
    pos = _seeded(sandbox, lambda doc, found: not found and "dob" in doc)
    app = _app(sandbox, tmp_path, pos)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        assert _banner(app) == ""
        pane.form.reveal(("dob",))
        pane.form.set(("dob", "iso8601"), "2030-01-01")
        await wait_for(pilot, lambda: "Date of birth is in the future." in _banner(app), what="the dob warning")
        pane.form.set(("dob", "iso8601"), "1980-01-01")
        await wait_for(pilot, lambda: _banner(app) == "", what="the banner to go")
        assert not list(pane.form.query(f".{FIELD_WARNING}").results())
        pane.discard()  # nothing sent


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_personal_banner(snap_compare, sandbox, tmp_path, size):
    pos = _seeded(sandbox, lambda doc, found: len({w.code for w in found}) >= 2)

    async def run(pilot):
        await wait_ready(pilot, "personal")
        await pilot.pause()
        screen = pilot.app.profile
        screen.set_focus(screen.query_one("ContentTabs"))
        await pilot.pause()

    assert snap_compare(_app(sandbox, tmp_path, pos), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_diff_with_a_warning(snap_compare, sandbox, tmp_path, size):
    pos = _seeded(sandbox, _valid_passport_only)

    async def run(pilot):
        pane = await wait_ready(pilot, "personal")
        pane.form.set(("identityDocs", 0, "passport", "expiryDate", "iso8601"), NEXT_MONTH)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.pause()

    assert snap_compare(_app(sandbox, tmp_path, pos), terminal_size=size, run_before=run)


class EnvProfileApp(ProfileApp):
    """The profile in a real environment (a TMC to look emails up in), as the app opens it."""

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # instead of ProfileApp's screen
        self.push_screen(
            ProfileScreen(
                OnlineBackend(self.client),
                sandbox_env(self.sb),
                AuditLog(self.audit.path),
                self.user_id,
                today=lambda: TODAY,
            )
        )


async def test_an_email_another_user_has_warns_on_the_tab(sandbox, tmp_path):
    other = sandbox.store.get_section(sandbox.store.row(8).user_id, "personalInfo")
    app = EnvProfileApp(sandbox, sandbox.store.row(9).user_id, tmp_path / "audit.jsonl")
    before = len(_lookups(sandbox))
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        await wait_for(pilot, lambda: len(_lookups(sandbox)) > before, what="the lookup of its own email")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "already has" not in _banner(app)  # only the user itself has it
        pane.form.set(("email",), other["email"])
        owner = f"{other['name']['given']} {other['name']['family1']}"
        expected = f"Another user ({owner}) already has this email."
        await wait_for(pilot, lambda: expected in _banner(app), what="the duplicate email warning")
        email_row = pane.form.field_widget(("email",))
        siblings = list(email_row.parent.children)
        assert expected in str(siblings[siblings.index(email_row) + 1].render())
        pane.discard()
