"""Drafts on the profile screen, over the real sandbox: offline Ctrl+S keeps a draft (the same diff
first, "Save as draft" instead of "Send"; nothing goes to the server), the tab says "1 draft" and
opens on it (the draft's base, its edits as pending edits), ``d`` in the online diff parks one,
a draft that cannot be kept says why and keeps the typed edits, and online Ctrl+S on a tab with
a draft pushes it through the draft push path: declined it stays, confirmed it goes."""

from __future__ import annotations

from tests.ui.app_kit import wait_for
from tests.ui.drafts_kit import (
    drafts_in,
    keep_draft,
    labels,
    open_first,
    pane_ready,
    puts,
    server,
    status,
    to_tab_bar,
    toasts,
    wait_screen,
)
from tests.ui.offline_kit import fill_cache, offline_app
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.profile import ProfileScreen

DESIGNATION = ("designation",)


async def test_offline_save_keeps_a_draft_and_sends_nothing(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    since = len(sb.requests)
    app = offline_app(sb, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await open_first(pilot, "business")
        assert screen.user_id == ids[0]
        assert "1 draft" not in " ".join(labels(screen))
        pane.form.set(DESIGNATION, "Offline Designation")
        await pilot.pause()
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.path for line in dialog.lines] == [DESIGNATION]  # the same diff as online
        assert str(dialog.query_one("#send").label) == "Save as draft (y)"
        assert not dialog.query("#park")  # offline, y is the draft
        assert "Offline: nothing is sent" in str(dialog.query_one("#diff-hint").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: "Draft saved · push it when back online" in toasts(app), what="the toast")
        await wait_for(pilot, lambda: not pane.busy, what="the save done")

        assert isinstance(app.screen, ProfileScreen)
        assert pane.form.value["designation"] == "Offline Designation"  # the form stays as edited
        assert pane.form.has_changes and not pane.has_changes  # kept by the draft: nothing unsaved
        assert labels(screen)[1] == "2 Business ◷ ✎"  # (offline at 120 columns: the ages leave room for a mark)
        assert status(pane) == "1 draft (made offline just now), not sent · push it when back online"
        [draft] = drafts_in(sb, tmp_path)
        assert (draft.user_id, draft.section.key, draft.offline) == (ids[0], "business", True)
        assert [e.path for e in draft.edits] == [DESIGNATION] and draft.edited["designation"] == "Offline Designation"
        assert draft.base == pane.editor.base  # the cached copy the form was loaded on

        to_tab_bar(screen)
        await pilot.press("1")  # nothing unsaved: no question
        await pane_ready(pilot, screen, "personal")
        assert not isinstance(app.screen, ConfirmScreen)
    assert sb.requests[since:] == []  # nothing at all went to the server (no PUT, no GET)


async def test_a_tab_with_a_draft_says_so_and_opens_on_it_and_a_declined_push_keeps_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    user = ids[0]
    server_before = server(sb, user)
    keep_draft(sb, tmp_path, user, lambda d: d.update(designation="Drafted Title"), label="Ann Draft <ann@x.org>")
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, _ = await open_first(pilot, "personal")
        await wait_for(pilot, lambda: "business" in screen.draft_keys, what="the draft marks")
        assert labels(screen)[1] == "2 Business · 1 draft" and "draft" not in labels(screen)[0]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert labels(screen)[1] == "2Business✎"  # no room for words: the mark
        await pilot.resize_terminal(120, 40)
        since = len(sb.requests)
        to_tab_bar(screen)
        await pilot.press("2")
        pane = await pane_ready(pilot, screen, "business")
        assert not [p for m, p, _ in sb.requests[since:] if m == "GET"]  # the draft's own copy: no read
        assert pane.form.value["designation"] == "Drafted Title"  # the agent's edit, as pending edits
        assert pane.form.base["designation"] == server_before["designation"]  # on the draft's base
        assert pane.form.changed_paths == {DESIGNATION}
        assert not pane.has_changes  # the draft holds them
        assert status(pane) == "1 draft (made offline just now), not sent · Ctrl+S pushes it"

        pane.form.set(("authorizerEmail",), "approvals-new@example.org")  # typed on top of the draft
        await pilot.pause()
        assert pane.has_changes and "•" in labels(screen)[1]
        await pilot.press("ctrl+s")  # online: the draft push path (read, merge, this diff)
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert sorted(line.path for line in dialog.lines) == [("authorizerEmail",), DESIGNATION]
        assert str(dialog.query_one("#send").label) == "Send (y)"
        await pilot.press("n")
        await wait_for(pilot, lambda: not pane.busy, what="back on the form")
        assert "Nothing was sent; the draft is kept." in toasts(app)
        assert not puts(sb, since)
        [draft] = drafts_in(sb, tmp_path)  # kept, with what was typed on top of it
        assert sorted(e.path for e in draft.edits) == [("authorizerEmail",), DESIGNATION]
        assert not pane.has_changes and labels(screen)[1] == "2 Business · 1 draft"
    assert server(sb, user) == server_before


async def test_d_in_the_online_diff_parks_a_draft_then_ctrl_s_pushes_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await open_first(pilot, "business")
        user = screen.user_id
        since = len(sb.requests)
        pane.form.set(DESIGNATION, "Waiting On Traveler")
        await pilot.pause()
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert str(dialog.query_one("#park").label) == "Save as draft (d)"
        await pilot.press("d")
        await wait_for(pilot, lambda: any(t.startswith("Draft saved · nothing sent") for t in toasts(app)))
        await wait_for(pilot, lambda: not pane.busy, what="parked")
        assert sb.requests[since:] == []  # parking sends nothing
        assert pane.form.value["designation"] == "Waiting On Traveler" and not pane.has_changes
        assert labels(screen)[1] == "2 Business · 1 draft"
        [draft] = drafts_in(sb, tmp_path)
        assert (draft.user_id, draft.offline, draft.state) == (user, False, "parked")
        assert status(pane) == "1 draft (parked just now), not sent · Ctrl+S pushes it"

        await pilot.press("ctrl+s")  # the draft's push: the fresh copy read, the diff confirmed
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.path for line in dialog.lines] == [DESIGNATION] and not dialog.query("#park")
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sb, since), what="the PUT")
        await wait_for(pilot, lambda: not pane.busy and not drafts_in(sb, tmp_path), what="the draft gone")
        assert any(t.startswith("Pushed: 1 change to business info; the draft is gone.") for t in toasts(app))
        assert labels(screen)[1] == "2 Business" and not pane.form.has_changes
        assert pane.form.base["designation"] == "Waiting On Traveler"  # the re-read copy
        assert status(pane) == ""
    assert server(sb, user)["designation"] == "Waiting On Traveler"
    assert len(puts(sb, since)) == 1


async def test_a_draft_that_cannot_be_kept_says_why_and_keeps_the_edits(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    app = offline_app(sb, tmp_path, offline=False)  # no keyring here: a sensitive value cannot be kept
    async with app.run_test(size=(120, 40)) as pilot:
        screen, pane = await open_first(pilot, "personal")
        since = len(sb.requests)
        pane.form.set(("dob", "iso8601"), "1980-02-03")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("d")
        await wait_for(pilot, lambda: any(t.startswith("Not kept as a draft") for t in toasts(app)), what="why")
        assert (
            "Not kept as a draft: no keyring here: a draft cannot hold a date of birth; send it online or leave "
            "that field. Your edits stay in the form." in toasts(app)
        )
        await wait_for(pilot, lambda: not pane.busy)
        assert pane.has_changes and pane.form.value["dob"] == {"iso8601": "1980-02-03"}
        assert drafts_in(sb, tmp_path) == [] and "draft" not in labels(screen)[0]
        assert not puts(sb, since)  # (only the duplicate-email warning's list lookups went out)
