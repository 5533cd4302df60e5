"""Going offline and back, over the real sandbox: the list's error state offers the cache when
the server cannot be reached (a stopped sandbox, injected 500s), ``o`` goes offline, ``r``
tries the server (still offline when it fails, back online when it answers), the quiet probe
finds the server back and says how many drafts wait; offline, what needs the server says so."""

from __future__ import annotations

import sqlite3

from tests.ui.app_kit import settled, shown_rows, wait_for
from tests.ui.offline_kit import add_draft, cache_file, fill_cache, offline_app
from tui.ui.widgets.offline_banner import OfflineBanner


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


def banner(app) -> OfflineBanner:
    return app.screen.query_one(OfflineBanner)


def state_text(screen) -> str:
    return "\n".join(str(screen.state.query_one(f"#state-{part}").render()) for part in ("title", "message", "hint"))


async def test_a_stopped_server_offers_the_cache_then_r_comes_back(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=60)
    await fill_cache(sb, tmp_path)
    port = sb.port
    sb.stop()
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "connection"
        assert screen.state.offer == "work offline: 60 users cached, newest just now"
        assert "Or press o to work offline: 60 users cached, newest just now." in state_text(screen)
        assert screen.state.query_one("#state-offline").display

        await pilot.press("o")
        await wait_for(pilot, lambda: app.backend.offline, what="offline")
        screen = await settled(pilot)
        assert screen.model.error is None and screen.model.total == 60 and screen.table.display
        assert banner(app).text.startswith("OFFLINE · 60 users cached · newest copy just now")
        first = shown_rows(screen)[0]

        await pilot.press("r")  # the server is still down: offline stays, and says why
        await wait_for(pilot, lambda: any(t.startswith("Still offline") for t in toasts(app)), what="still offline")
        assert app.backend.offline and screen.model.total == 60
        assert "Connection lost" in next(t for t in toasts(app) if t.startswith("Still offline"))

        back = sandbox_factory(users=60, port=port)  # the same seed: the same users
        await pilot.press("r")
        await wait_for(pilot, lambda: not app.backend.offline, what="back online")
        screen = await settled(pilot)
        assert screen.model.error is None and screen.model.total == 60
        assert shown_rows(screen)[0] == first
        assert not banner(app).display and banner(app).text == ""
        assert any(m == "POST" and p == "/v3/users/list" for m, p, _ in back.requests)
        assert any(t.startswith("Back online") for t in toasts(app))


async def test_server_errors_offer_the_cache_and_the_probe_finds_the_server_back(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=40)
    ids = await fill_cache(sb, tmp_path)
    add_draft(sb, tmp_path, ids[0])
    sb.faults.error_rate = 1.0  # every request a 500
    app = offline_app(sb, tmp_path, offline=False)
    app.offline.probe_seconds = 0.2
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error.kind == "server"
        assert screen.state.offer == "work offline: 40 users cached, newest just now"
        since = len(sb.requests)  # (nothing in flight: the list has its answer)
        await pilot.click("#state-offline")  # the button does what o does
        await wait_for(pilot, lambda: app.backend.offline, what="offline")
        screen = await settled(pilot)
        assert screen.model.total == 40

        await wait_for(pilot, lambda: app.offline.probes >= 3, what="three quiet probes")
        assert app.backend.offline and not app.backend.server_back
        assert not [t for t in toasts(app) if "500" in t or "failed" in t]  # silent on failure
        assert banner(app).kind == "offline"

        sb.faults.error_rate = 0.0
        await wait_for(pilot, lambda: app.backend.server_back, what="the probe finding the server")
        await pilot.pause()
        assert app.backend.offline  # nothing switches by itself
        assert "Back online · 1 draft to push (D on the list) · r switches back (you are still on the cache)" in toasts(
            app
        )
        assert banner(app).kind == "back"
        assert banner(app).text.startswith("BACK ONLINE · 1 draft to push · r: work online · D: review them")
        probes = app.offline.probes
        await pilot.pause(0.5)
        assert app.offline.probes == probes  # found: no more probes
        # while offline, only the probes went to the server, one request each (all answered now)
        assert len(sb.requests) - since == probes
        assert {(m, p) for m, p, _ in sb.requests[since:]} == {("POST", "/v3/users/list")}

        await pilot.press("r")
        await wait_for(pilot, lambda: not app.backend.offline, what="back online")
        screen = await settled(pilot)
        assert screen.model.total == 40 and not banner(app).display
        assert "Back online: working with the server again. 1 draft to push: D on the list shows them." in toasts(app)


async def test_no_offer_without_a_cache(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    sb.faults.error_rate = 1.0
    app = offline_app(sb, tmp_path, offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error.kind == "server"
        assert screen.state.offer is None
        assert "work offline" not in state_text(screen)
        assert not screen.state.query("#state-offline") or not screen.state.query_one("#state-offline").display
        await pilot.press("o")
        await pilot.pause(0.2)
        assert not app.backend.offline


async def test_offline_what_needs_the_server_says_so(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        await pilot.press("space", "b")
        await pilot.pause()
        assert app.screen.id == "users"
        said = toasts(app)
        assert any(t.startswith("Creating a user needs the server: the app is working offline") for t in said)
        assert any(t.startswith("A bulk change needs the server") for t in said)


def newer_cache(home) -> None:
    """A cache file written by a newer version of the app (a schema this one does not know)."""
    path = cache_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.close()


async def test_a_cache_that_cannot_be_opened_is_one_notice_and_the_app_works_online(sandbox, tmp_path):
    newer_cache(tmp_path)
    app = offline_app(sandbox, tmp_path, offline=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await wait_for(pilot, lambda: app.backend.cache.notice, what="the cache's notice")
        await pilot.pause()
        assert screen.model.error is None and screen.model.total == 300
        notices = [t for t in toasts(app) if "offline cache cannot be used" in t]
        assert len(notices) == 1
        assert "written by a newer spotnana-tui" in notices[0] and "works online without it" in notices[0]
        await pilot.press("enter")  # the profile loads online as ever
        await wait_for(pilot, lambda: app.screen.id == "profile", what="the profile")
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        screen = await settled(pilot)
        assert screen.model.total == 300
        assert len([t for t in toasts(app) if "offline cache" in t]) == 1


async def test_offline_with_a_cache_that_cannot_be_opened_says_so(sandbox, tmp_path):
    newer_cache(tmp_path)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "cache"
        assert "The offline cache cannot be used" in state_text(screen)
        assert "Press r to try the server." in state_text(screen)
        await pilot.press("r")  # the server is there: online, without a cache
        await wait_for(pilot, lambda: not app.backend.offline, what="online")
        screen = await settled(pilot)
        assert screen.model.error is None and screen.model.total == 300


async def test_switching_environment_offline_switches_the_cache(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path)
    config = f"""
default_env = "sandbox"
[environments.sandbox]
base_url = "{sandbox.base_url}"
tmc_id = "{sandbox.tmc_id}"
[environments.other]
base_url = "{sandbox.base_url}"
company_id = "no-such-company"
"""
    app = offline_app(sandbox, tmp_path, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.total == 300
        since = len(sandbox.requests)
        await app.switch_environment("other")
        screen = await settled(pilot)
        assert app.backend.offline  # offline stays offline
        assert screen.state.state_kind == "uncached"
        assert "nothing cached for other yet" in state_text(screen)
        await app.switch_environment("sandbox")
        screen = await settled(pilot)
        assert screen.model.total == 300
        assert sandbox.requests[since:] == []
