"""The drafts screen over the real sandbox: it lists every draft of the environment with the
highlighted one's diff (masked), Enter opens that profile on that tab with the draft in the form,
``p`` pushes through the plan, the conflict view and the diff confirm (both ways out of a
conflict, and declining, which keeps the draft), ``P`` pushes them one by one (Esc skips one),
``x`` drops one after asking, and offline pushing says it needs the server until a probe finds
it back. The sandbox's request log is the witness of what was sent."""

from __future__ import annotations

from tests.ui.app_kit import settled, wait_for
from tests.ui.drafts_kit import (
    drafts_in,
    keep_draft,
    labels,
    open_first,
    pane_ready,
    puts,
    server,
    to_tab_bar,
    toasts,
    wait_screen,
)
from tests.ui.offline_kit import KEY, fill_cache, offline_app
from tui.domain.cache_crypto import Sealer
from tui.domain.masking import BULLET
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.conflict import ConflictScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.screens.drafts import DraftsScreen
from tui.ui.screens.profile import ProfileScreen
from tui.ui.widgets.draft_diff import DraftDiff
from tui.ui.widgets.fit_footer import FitFooter

DESIGNATION = ("designation",)


def designation(value: str):
    return lambda doc: doc.update(designation=value)


async def open_drafts(pilot) -> DraftsScreen:
    """``D`` on the list; the drafts screen once it has read the drafts."""
    await settled(pilot)
    await pilot.press("D")
    screen = await wait_screen(pilot, DraftsScreen)
    await wait_for(pilot, lambda: screen.loaded, what="the drafts read")
    await pilot.pause()
    return screen


def rows(screen: DraftsScreen) -> list[str]:
    from textual.widgets import OptionList

    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).prompt.plain.rstrip() for i in range(options.option_count)]


async def test_the_screen_lists_the_drafts_with_a_masked_diff_and_enter_opens_one(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    sealer = Sealer(KEY)  # the key a keyring would give: the date of birth is sealed in the file
    ids = await fill_cache(sb, tmp_path, profiles=2, sections=("business", "personal"), sealer=sealer)
    keep_draft(sb, tmp_path, ids[0], designation("Head Of Drafts"), label="First User <f@x.org>")
    keep_draft(
        sb,
        tmp_path,
        ids[1],
        lambda d: d.update(dob={"iso8601": "1970-01-02"}, preferredLanguage="fr-FR"),
        key="personal",
        offline=False,
        label="Second User <s@x.org>",
        sealer=sealer,
    )
    app = offline_app(sb, tmp_path, sealer=sealer)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        assert [r.split()[0:2] + r.split()[-3:] for r in rows(screen)] == [
            ["Second", "User", "just", "now", "parked"],  # newest first
            ["First", "User", "just", "now", "offline"],
        ]
        assert "Personal" in rows(screen)[0] and "Business" in rows(screen)[1]
        diff = screen.query_one(DraftDiff).text
        assert diff.startswith("2 changes to personal info · parked online just now")
        assert "1970-01-02" not in diff and BULLET in diff  # masked as the confirm masks it
        assert "fr-FR" in diff
        await pilot.press("down")
        await pilot.pause()
        assert "~ Job title (designation):" in screen.query_one(DraftDiff).text
        assert "Head Of Drafts" in screen.query_one(DraftDiff).text

        await pilot.press("enter")  # the profile, on that tab, the draft in the form
        profile = await wait_screen(pilot, ProfileScreen)
        pane = await pane_ready(pilot, profile, "business")
        assert profile.user_id == ids[0] and profile.pane().section.key == "business"
        assert pane.form.value["designation"] == "Head Of Drafts" and pane.form.changed_paths == {DESIGNATION}
        assert "✎" in labels(profile)[1]
        to_tab_bar(profile)
        await pilot.press("escape")  # back to the drafts screen (nothing unsaved: the draft keeps it)
        await wait_screen(pilot, DraftsScreen)
        assert len(rows(screen)) == 2


async def test_a_conflict_shows_and_both_ways_out_work(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=2, sections=("business",))
    first, second = ids[0], ids[1]
    keep_draft(sb, tmp_path, first, designation("Mine One"), label="A First <a@x.org>")
    keep_draft(
        sb,
        tmp_path,
        second,
        lambda d: d.update(designation="Mine Two", authorizerEmail="boss-two@example.org"),
        label="B Second <b@x.org>",
    )
    for uid in (first, second):  # changed on the server behind the app's back, after the drafts
        sb.store.tamper(uid, "business-info", {"designation": "Server Theirs"})
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        assert [r.split()[0] for r in rows(screen)] == ["B", "A"]
        since = len(sb.requests)

        # the second user's draft: the conflict, Esc sends nothing and keeps it
        await pilot.press("p")
        conflict = await wait_screen(pilot, ConflictScreen)
        assert [(c.path, c.theirs, c.mine) for c in conflict.conflicts] == [(DESIGNATION, "Server Theirs", "Mine Two")]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.pushing, what="the push over")
        assert "Nothing was sent; the draft is kept." in toasts(app)
        assert not puts(sb, since) and len(drafts_in(sb, tmp_path)) == 2

        # again, theirs for the conflict: the other change still goes, through its confirm
        await pilot.press("p")
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("t")
        await pilot.press("a")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.path for line in dialog.lines] == [("authorizerEmail",)]
        assert "B Second <b@x.org>" in str(dialog.query_one("#diff-summary").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.pushing and len(rows(screen)) == 1, what="the draft gone")
        assert server(sb, second)["designation"] == "Server Theirs"
        assert server(sb, second)["authorizerEmail"] == "boss-two@example.org"

        # the first user's: mine for the conflict, then its diff (theirs -> mine) confirmed
        await pilot.press("p")
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("m")
        await pilot.press("a")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.text() for line in dialog.lines] == ["~ designation: Server Theirs → Mine One"]
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.pushing and not rows(screen), what="no drafts left")
        assert any(t.startswith("Pushed: 1 change to business info; the draft is gone.") for t in toasts(app))
        assert "No drafts." in str(screen.query_one("#drafts-note").render())
    assert server(sb, first)["designation"] == "Mine One"
    assert drafts_in(sb, tmp_path) == []
    assert sorted(p.split("/")[3] for _, p, _ in puts(sb, since)) == sorted([first, second])  # one PUT each


async def test_a_declined_push_keeps_the_draft_and_discard_mine_drops_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    keep_draft(sb, tmp_path, ids[0], designation("Declined Title"))
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        since = len(sb.requests)
        await pilot.press("p")  # no conflict: straight to the diff
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.path for line in dialog.lines] == [DESIGNATION]
        await pilot.press("n")
        await wait_for(pilot, lambda: not screen.pushing, what="declined")
        assert "Nothing was sent; the draft is kept." in toasts(app)
        assert len(rows(screen)) == 1 and len(drafts_in(sb, tmp_path)) == 1
        assert [m for m, _, _ in sb.requests[since:]] == ["GET"]  # the plan's read, nothing else

        sb.store.tamper(ids[0], "business-info", {"designation": "Server Wins"})
        await pilot.press("p")
        await wait_screen(pilot, ConflictScreen)
        await pilot.press("d")  # discard mine: the draft goes, the server's copy stands
        await wait_for(pilot, lambda: not screen.pushing and not rows(screen), what="dropped")
        assert any(t.startswith("Draft dropped: the server's business info stand") for t in toasts(app))
    assert not puts(sb, since) and drafts_in(sb, tmp_path) == []
    assert server(sb, ids[0])["designation"] == "Server Wins"


async def test_push_all_goes_one_by_one_and_esc_skips_one(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=3, sections=("business",))
    for i, uid in enumerate(ids[:3]):
        keep_draft(sb, tmp_path, uid, designation(f"Bulk Draft {i}"), label=f"User {i} <u{i}@x.org>")
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        since = len(sb.requests)
        await pilot.press("P")
        answers = iter(["y", "escape", "y"])  # newest first: user 2, user 1 (skipped), user 0
        for n in range(1, 4):
            dialog = await wait_screen(pilot, DiffConfirmScreen)
            assert f"Draft {n} of 3." in str(dialog.query_one("#diff-hint").render())
            await pilot.press(next(answers))
            await wait_for(pilot, lambda d=dialog: app.screen is not d, what="the next one")
        await wait_for(pilot, lambda: not screen.pushing, what="all done")
        assert "Drafts: 2 pushed or gone, 1 skipped, 0 kept (not sent)" in toasts(app)
        assert [r.split()[:2] for r in rows(screen)] == [["User", "1"]]
    assert server(sb, ids[0])["designation"] == "Bulk Draft 0" and server(sb, ids[2])["designation"] == "Bulk Draft 2"
    assert server(sb, ids[1])["designation"] != "Bulk Draft 1"  # skipped: not sent
    assert len(puts(sb, since)) == 2


async def test_x_drops_a_draft_after_asking(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    keep_draft(sb, tmp_path, ids[0], designation("To Be Dropped"))
    app = offline_app(sb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_drafts(pilot)
        await pilot.press("x")
        ask = await wait_screen(pilot, ConfirmScreen)
        assert "Its changes were never sent" in ask.question
        await pilot.press("n")  # keep
        await wait_screen(pilot, DraftsScreen)
        await pilot.pause()
        assert len(rows(screen)) == 1 and len(drafts_in(sb, tmp_path)) == 1
        await pilot.press("x")
        await wait_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: not rows(screen), what="dropped")
        assert "Draft dropped: nothing was sent." in toasts(app)
    assert drafts_in(sb, tmp_path) == []


async def test_offline_a_push_needs_the_server_until_a_probe_finds_it(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    keep_draft(sb, tmp_path, ids[0], designation("Back Online Push"))
    sb.faults.error_rate = 1.0  # the server "down": the probe fails
    app = offline_app(sb, tmp_path)
    app.offline.probe_seconds = 0.2
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_drafts(pilot)
        since = len(sb.requests)
        await pilot.press("p")
        await pilot.pause()
        assert any(t.startswith("Pushing a draft needs the server") for t in toasts(app))
        assert isinstance(app.screen, DraftsScreen) and not puts(sb, since)
        assert "Try server" in [h.description for h in screen.query_one(FitFooter).hints]  # r, as on the list

        sb.faults.error_rate = 0.0
        await wait_for(pilot, lambda: app.backend.server_back, what="the probe finding the server")
        await pilot.press("p")  # the server is back: online, then the push
        await wait_screen(pilot, DiffConfirmScreen)
        assert not app.backend.offline
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.pushing and not rows(screen), what="pushed")
    assert server(sb, ids[0])["designation"] == "Back Online Push"


async def test_made_offline_then_back_online_the_push_shows_the_server_change_and_lands(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    ids = await fill_cache(sb, tmp_path, profiles=1, sections=("business",))
    since = len(sb.requests)
    app = offline_app(sb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        profile, pane = await open_first(pilot, "business")
        pane.form.set(DESIGNATION, "Made On The Train")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")  # "Save as draft"
        await wait_for(pilot, lambda: "Draft saved · push it when back online" in toasts(app))
        assert sb.requests[since:] == []
        sb.store.tamper(ids[0], "business-info", {"designation": "Changed In The Office"})

        to_tab_bar(profile)
        await pilot.press("escape")
        await settled(pilot)
        await pilot.press("r")  # the server answers: online again
        await wait_for(pilot, lambda: not app.backend.offline, what="online")
        screen = await open_drafts(pilot)
        assert rows(screen)[0].endswith("offline")
        await pilot.press("p")
        conflict = await wait_screen(pilot, ConflictScreen)
        assert [(c.theirs, c.mine) for c in conflict.conflicts] == [("Changed In The Office", "Made On The Train")]
        await pilot.press("m")
        await pilot.press("a")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [line.text() for line in dialog.lines] == ["~ designation: Changed In The Office → Made On The Train"]
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.pushing and not rows(screen), what="pushed")
    assert server(sb, ids[0])["designation"] == "Made On The Train" and drafts_in(sb, tmp_path) == []
    assert len(puts(sb, since)) == 1
