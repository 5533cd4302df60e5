"""The profile screen offline, over the real sandbox: each cached tab says how old its copy is
(on the tab where it fits, always on the tab's line), a section never cached says "not cached"
without an error, sensitive values the cache does not hold show "not cached" and cannot be
revealed, saving sends nothing and keeps the edits, and back online the clean tabs reload while
edited ones keep their edits and save through the usual diff and merge."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent, Tabs

from tests.ui.app_kit import settled, wait_for
from tests.ui.offline_kit import DAY, KEY, fill_cache, offline_app
from tui.domain.audit import AuditLog
from tui.domain.cache_crypto import NOT_CACHED, Sealer
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.form_fields import MaskedValue, NotCachedField
from tui.ui.widgets.offline_banner import OfflineBanner
from tui.ui.widgets.profile_section import SectionPane


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_first(pilot) -> ProfileScreen:
    """Enter on the list's first row; the profile with its first tab loaded."""
    await settled(pilot)
    await pilot.press("enter")
    screen = await wait_for(pilot, lambda: app_screen(pilot, ProfileScreen), what="the profile")
    await pane_ready(pilot, screen, "personal")
    return screen


def app_screen(pilot, cls):
    return pilot.app.screen if isinstance(pilot.app.screen, cls) else None


async def pane_ready(pilot, screen: ProfileScreen, key: str) -> SectionPane:
    pane = screen.pane(key)
    await wait_for(pilot, lambda: pane.state in ("ready", "error", "uncached"), what=f"{key} loaded")
    await pilot.pause()
    return pane


def labels(screen: ProfileScreen) -> list[str]:
    tabs = screen.query_one(TabbedContent)
    return [tabs.get_tab(f"tab-{s.key}").label.plain for s in screen.sections]


def to_tab_bar(screen: ProfileScreen) -> None:
    screen.set_focus(screen.query_one(TabbedContent).query_one(Tabs))


def status(pane: SectionPane) -> str:
    return str(pane.query_one("#pane-status").render())


def puts(sb, since: int = 0) -> list:
    return [r for r in sb.requests[since:] if r[0] == "PUT"]


async def test_cached_tabs_say_their_age_and_a_never_cached_one_says_so(sandbox, tmp_path):
    ids = await fill_cache(sandbox, tmp_path, profiles=1, sections=("personal",), age=3 * DAY)
    since = len(sandbox.requests)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        assert screen.user_id == ids[0]
        # 120 columns: a mark on every tab (◷ cached, ∅ never cached: roles and policies have
        # no part in the whole profile, and were never read on their own)
        assert labels(screen) == [
            "1 Personal ◷",
            "2 Business ◷",
            "3 Travel ◷",
            "4 Loyalty ◷",
            "5 Notify ◷",
            "6 Roles ∅",
            "7 Ext ID ◷",
            "8 Arrangers ◷",
            "9 Policy ∅",
        ]
        personal = screen.pane("personal")
        assert status(personal) == "Cached copy from 3 d ago · offline: nothing is sent (r tries the server)"
        assert personal.form is not None and personal.form.value["email"]

        await pilot.press("6")
        roles = await pane_ready(pilot, screen, "roles")
        assert roles.state == "uncached"
        assert status(roles) == "Roles: not cached (kept once opened online, or by `spotnana-tui cache sync`)"
        assert not roles.query_one("#pane-status").has_class("-error")
        assert not roles.query_one("#retry").display  # not an error: nothing to retry
        assert not [t for t in toasts(app) if "Could not" in t]

        await pilot.press("2")
        business = await pane_ready(pilot, screen, "business")
        assert status(business).startswith("Cached copy from 3 d ago")  # the profile's part of it
        assert screen.query_one(OfflineBanner).text.startswith("OFFLINE · 300 users cached · newest copy 3 d ago")

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.tab_form == "compact" and labels(screen)[0] == "1Personal"  # no room: the line says it
        await pilot.resize_terminal(170, 40)
        await pilot.pause()
        assert labels(screen)[:2] == ["1 Personal · 3d", "2 Business · 3d"] and labels(screen)[5] == "6 Roles · ∅"
    assert sandbox.requests[since:] == []


@pytest.mark.parametrize("keyed", [False, True], ids=["no-keyring", "keyring"])
async def test_sensitive_values_not_cached_show_so_and_cannot_be_revealed(sandbox, tmp_path, keyed):
    sealer = Sealer(KEY) if keyed else None
    await fill_cache(sandbox, tmp_path, profiles=1, sections=("personal",), sealer=sealer)
    app = offline_app(sandbox, tmp_path, sealer=sealer)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        form = screen.pane("personal").form
        dob = form.field_widget(("dob",))
        if keyed:  # the key opens the sealed values: masked as online, revealed on request
            assert form.base["dob"] != NOT_CACHED
            assert dob.query(MaskedValue)
        else:  # no key: the value was never stored
            assert form.base["dob"] == NOT_CACHED
            assert isinstance(dob, NotCachedField)
            assert "not cached (offline copy)" in str(dob.query_one(".field-value").render())
            assert not dob.query(MaskedValue)
            assert not form.is_hidden(("dob",))  # nothing to reveal
            dob.focus() if dob.can_focus else None
            form.action_reveal_focused()
            await pilot.pause()
            reveals = [e for e in AuditLog(app.settings.paths.audit_file).history() if e.get("action") == "reveal"]
            assert reveals == []
        # the header takes the name from the list's row when the profile's is not cached
        assert "‹" not in screen.query_one("#profile-header").render().plain


async def test_saving_offline_sends_nothing_and_keeps_the_edits(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path, profiles=1, sections=("personal",))
    since = len(sandbox.requests)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        personal = screen.pane("personal")
        personal.form.set(("preferredLanguage",), "de-DE")  # next to values not cached (no keyring)
        await pilot.pause()
        await pilot.press("ctrl+s")  # the diff first, to keep as a draft (tests/ui/test_drafts_*.py)
        dialog = await wait_for(pilot, lambda: app_screen(pilot, DiffConfirmScreen), what="the diff")
        assert [line.path for line in dialog.lines] == [("preferredLanguage",)]
        assert str(dialog.query_one("#send").label) == "Save as draft (y)"
        assert not [t for t in toasts(app) if "before saving" in t]  # not-cached values block nothing
        await pilot.press("n")
        await wait_for(pilot, lambda: not personal.busy, what="back on the form")
        assert "Nothing was sent; your edits are kept." in toasts(app)
        assert personal.has_changes and personal.form.value["preferredLanguage"] == "de-DE"
        assert "•" in labels(screen)[0]

        to_tab_bar(screen)
        footer = [h.description for h in screen.query_one("FitFooter").hints]
        assert "Try server" in footer and "Reload" not in footer  # offline: r tries the server
        assert "Deactivate" not in footer and "Activate" not in footer  # keys that need the server: hidden
        await pilot.press("D")
        await pilot.pause()
        assert any(t.startswith("Activating or deactivating a user needs the server") for t in toasts(app))
        assert isinstance(app.screen, ProfileScreen)
    assert sandbox.requests[since:] == []  # nothing at all went to the server


async def test_back_online_reloads_clean_tabs_and_saves_edits_made_offline(sandbox, tmp_path):
    ids = await fill_cache(sandbox, tmp_path, profiles=1, sections=("personal",))
    user = ids[0]
    before = sandbox.store.get_section(user, "personal-info")
    since = len(sandbox.requests)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        to_tab_bar(screen)
        await pilot.press("2")
        business = await pane_ready(pilot, screen, "business")
        assert status(business).startswith("Cached copy from just now")
        await pilot.press("1")
        personal = await pane_ready(pilot, screen, "personal")
        personal.form.set(("preferredLanguage",), "de-DE")
        await pilot.pause()
        assert personal.has_changes and sandbox.requests[since:] == []
        to_tab_bar(screen)
        await pilot.press("r")  # try the server: it answers
        await wait_for(pilot, lambda: not app.backend.offline, what="back online")
        await wait_for(pilot, lambda: "Back online: your edits stay" in status(personal), what="the edits' note")
        await wait_for(pilot, lambda: business.state == "ready" and not status(business), what="business reloaded")
        gets = [p for m, p, _ in sandbox.requests[since:] if m == "GET"]
        assert f"/v2/users/{user}/business-info" in gets and f"/v2/users/{user}" in gets  # the tab, the header
        assert personal.has_changes and personal.form.base["dob"] == NOT_CACHED  # still the cached copy
        assert not screen.query_one(OfflineBanner).display

        await pilot.press("ctrl+s")  # the usual way: diff, confirm, merge with the server's copy
        dialog = await wait_for(pilot, lambda: app_screen(pilot, DiffConfirmScreen), what="the diff")
        assert [line.path for line in dialog.lines] == [("preferredLanguage",)]
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, since), what="the PUT")
        await wait_for(pilot, lambda: not personal.busy and not personal.has_changes, what="saved")
        assert personal.form.base["dob"] != NOT_CACHED  # the re-read server copy
    after = sandbox.store.get_section(user, "personal-info")
    assert after["preferredLanguage"] == "de-DE"
    assert {k: v for k, v in after.items() if k != "preferredLanguage"} == {
        k: v for k, v in before.items() if k != "preferredLanguage"
    }  # nothing the cache lacked was sent in its place
    assert NOT_CACHED not in repr(after)
