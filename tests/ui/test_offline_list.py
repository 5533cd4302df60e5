"""The list offline, over the real sandbox: ``--offline`` on a cache filled through the app's own
CachingBackend, the same search, typed filters, filter panel, sort and paging as the server
gives, nothing sent meanwhile; an empty cache that says so; the app writing through to the
cache as it browses online."""

from __future__ import annotations

import httpx

from tests.ui.app_kit import settled, shown_rows, wait_for
from tests.ui.offline_kit import fill_cache, offline_app, raw_file, table_count
from tui.domain.sections import section
from tui.ui.list_model import UserRow
from tui.ui.screens.filters import FiltersScreen
from tui.ui.widgets.offline_banner import OfflineBanner


def server_rows(sb, body: dict) -> list[UserRow]:
    """The rows the sandbox answers for the list body (every page)."""
    whole = {**body, "pagination": {"offset": 0, "limit": 1000}}
    with httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"}, timeout=10) as c:
        answer = c.post("/v3/users/list", json=whole).json()
    return [UserRow.from_detail(u) for u in answer["users"]]


async def to_the_end(pilot, screen) -> None:
    """The last page too (End): the list pages from the cache as from the server."""
    screen.set_focus(screen.table)
    await pilot.press("end")
    await settled(pilot)
    last = screen.model.total - 1
    await wait_for(pilot, lambda: screen.model.row(last) is not None, what="the last row")


def loaded(screen) -> dict[int, UserRow]:
    model = screen.model
    return {i: row for i in range(model.row_count) if (row := model.row(i)) is not None}


def assert_as_the_server(sb, screen) -> dict[int, UserRow]:
    """The totals agree, and every row loaded is the server's row at that place. (Users of
    the same name may come in another order: the sandbox orders them as it made them, the
    cache by user ID; the names at each place and the users are the same.)"""
    assert screen.model.error is None, screen.model.error
    want = server_rows(sb, screen._request_body(0, 1000))
    got = loaded(screen)
    assert screen.model.total == len(want)
    assert {i: r.name for i, r in got.items()} == {i: want[i].name for i in got}
    for i, row in got.items():
        assert row.user_id in {w.user_id for w in want if w.name == want[i].name}
    assert len({r.user_id for r in got.values()}) == len(got)
    return got


def banner(app) -> str:
    return app.screen.query_one(OfflineBanner).text


async def test_offline_start_shows_the_cached_list_and_sends_nothing(sandbox, tmp_path):
    ids = await fill_cache(sandbox, tmp_path)
    before = len(sandbox.requests)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert app.backend.offline
        assert screen.model.total == len(ids) == 300
        await wait_for(pilot, lambda: "300 users" in banner(app), what="the banner's counts")
        assert banner(app) == "OFFLINE · 300 users cached · newest copy just now · r: try the server"
        screen.action_toggle_sort()
        screen = await settled(pilot)
        assert sandbox.requests[before:] == []  # nothing went to the server
        assert assert_as_the_server(sandbox, screen)


async def test_offline_search_filters_sort_and_paging_answer_as_the_server(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path, profiles=300, sections=("roles",))  # tier, role: not in the rows
    app = offline_app(sandbox, tmp_path, page_size=40)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await to_the_end(pilot, screen)
        rows = assert_as_the_server(sandbox, screen)
        assert 0 in rows and 299 in rows

        await pilot.press("slash", *"an")  # search as you type
        screen = await settled(pilot)
        assert screen.search.value == "an" and 0 < screen.model.total < 300
        await to_the_end(pilot, screen)
        assert_as_the_server(sandbox, screen)

        await pilot.press("s")  # sort by name, Z to A
        screen = await settled(pilot)
        assert screen.descending
        await to_the_end(pilot, screen)
        assert screen.model.row(0).name >= screen.model.row(screen.model.total - 1).name
        assert_as_the_server(sandbox, screen)

        for typed in ("persona:guest", "tier:seat1a status:active", "role:travel_arranger", "an persona:employee"):
            screen.set_query_text(typed)
            screen = await settled(pilot)
            await to_the_end(pilot, screen) if screen.model.total else None
            assert_as_the_server(sandbox, screen)
            assert screen.model.total > 0, typed


async def test_offline_filter_panel_picks_an_office_by_name(sandbox, tmp_path):
    await fill_cache(sandbox, tmp_path)
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        office = next(name for r in shown_rows(screen) for kind, _, name in r.references if kind == "offices" and name)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FiltersScreen), what="the filter panel")
        app.screen.query_one("#f-offices").focus()
        await pilot.press(*office.lower())
        await pilot.press("enter")
        screen = await settled(pilot)
        assert "office" in screen.search.value
        assert 0 < screen.model.total < 300
        got = assert_as_the_server(sandbox, screen)
        assert all(any(n == office for k, _, n in r.references if k == "offices") for r in shown_rows(screen))
        assert got


async def test_offline_with_nothing_cached_says_so(sandbox, tmp_path):
    app = offline_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.total == 0 and not screen.table.display
        assert screen.state.state_kind == "uncached"
        message = str(screen.state.query_one("#state-message").render())
        assert message == "nothing cached for sandbox yet: run `spotnana-tui cache sync` while online"
        assert banner(app).startswith("OFFLINE · 0 users cached · nothing cached yet")
        screen.set_query_text("smith")  # a search in an empty cache: still "nothing cached"
        screen = await settled(pilot)
        assert screen.state.state_kind == "uncached"


async def test_online_the_app_keeps_what_it_reads(sandbox, tmp_path):
    app = offline_app(sandbox, tmp_path, offline=False, page_size=50)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert not app.backend.offline and not banner(app)
        await pilot.press("enter")  # a profile: the whole user, and its first tab
        await wait_for(pilot, lambda: app.screen.id == "profile", what="the profile")
        await app.workers.wait_for_complete()
        await pilot.pause()
        user_id = app.screen.user_id
        await pilot.press("escape")
        await settled(pilot)
        await wait_for(pilot, lambda: app.backend.cache.is_open, what="the cache open")
        await wait_for(pilot, lambda: app.backend.counts()[0] == 50, what="the first page kept")
        cached = app.backend.cached_section(section("personal"), user_id)
        assert cached is not None and cached.age_seconds() < 60
    assert table_count(tmp_path, "profiles") == 1
    assert table_count(tmp_path, "sections") == 1  # the personal tab, as it came
    personal = sandbox.store.get_section(user_id, "personal-info")
    secrets = [personal["dob"]["iso8601"]] + [
        doc["docId"] for item in personal.get("identityDocs", []) for doc in item.values() if doc.get("docId")
    ]
    assert len(secrets) > 1
    raw = raw_file(tmp_path)
    assert [s for s in secrets if s.encode() in raw] == []  # no keyring here: never stored at all
