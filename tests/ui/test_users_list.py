"""The user list against the sandbox over loopback: search, filters, sort, paging, errors."""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.app_kit import DelayedClient, make_app, sandbox_env, settled, shown_rows, wait_for
from tui.api.client import UsersClient
from tui.config import Environment
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.users import UsersScreen
from tui.ui.widgets.list_state import ListState


def no_retries(env: Environment) -> UsersClient:
    return UsersClient(env.base_url, token=env.token, retries=0)


async def type_search(pilot, text: str) -> UsersScreen:
    await pilot.press("slash", *list(text))
    return await settled(pilot)


async def test_first_page_and_counts(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.total == 300
        assert len(screen.model.cached_pages()) == 1  # only what is on screen (+ look-ahead)
        counts = str(screen.status.query_one("#status-counts").render())
        assert "of 300" in counts and counts.startswith("showing 1–")
        assert "env: sandbox" in str(screen.status.query_one("#env-badge").render())
        assert screen.table.display and not screen.state.display
        assert app.first_paint_at is not None


async def test_search_narrows_the_list(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        first = shown_rows(app.screen)[0]
        text = first.name.split()[-1][:4].lower()
        screen = await type_search(pilot, text)
        assert 0 < screen.model.total < 300
        for row in shown_rows(screen):
            assert text in (row.name + " " + row.email).lower()
        assert app.focused is screen.search
        await pilot.press("escape")  # clears the search
        screen = await settled(pilot)
        assert screen.search.value == "" and screen.model.total == 300


async def test_typed_filter_query(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        app.screen.search.value = "persona:guest status:active"  # as if typed (Input.Changed)
        screen = await settled(pilot)
        assert 0 < screen.model.total < 300
        rows = shown_rows(screen)
        assert rows and all(r.persona == "GUEST" and r.active for r in rows)
        chips = str(screen.query_one("#chips").render())
        assert "persona: GUEST" in chips and "status: active" in chips


async def test_filter_panel_writes_the_query(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FiltersScreen")
        app.screen.query_one("#f-personas").value = "EMPLOYEE"
        app.screen.query_one("#f-status").value = "INACTIVE"
        await pilot.press("ctrl+s")
        screen = await settled(pilot)
        assert screen.search.value == "status:inactive persona:EMPLOYEE"
        rows = shown_rows(screen)
        assert rows and all(r.persona == "EMPLOYEE" and not r.active for r in rows)


async def test_sort_by_name_both_ways(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, page_size=500)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        ascending = [r.user_id for r in shown_rows(screen)]
        await pilot.press("s")
        screen = await settled(pilot)
        descending = [r.user_id for r in shown_rows(screen)]
        assert len(ascending) == len(descending) == 300
        assert descending != ascending and sorted(descending) == sorted(ascending)
        assert screen.query_state.to_request(tmc_id="t", descending=True)["sort"]["sortOrder"] == "DESCENDING"
        assert "Z→A" in str(screen.status.query_one("#status-right").render())


async def test_scrolling_past_the_first_page_loads_the_next(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, page_size=25)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.cached_pages() == [0, 1]  # the screen plus look-ahead
        for _ in range(3):
            await pilot.press("pagedown")
        screen = await settled(pilot)
        assert screen.table.cursor > 25
        assert {2, 3} <= set(screen.model.cached_pages())
        await pilot.press("G")
        screen = await settled(pilot)
        assert screen.table.cursor == 299
        assert screen.model.row(299) is not None
        assert 5 not in screen.model.cached_pages()  # nothing in between was fetched
        await pilot.press("g")
        assert screen.table.cursor == 0


async def test_stale_responses_never_overwrite_newer_ones(sandbox, tmp_path):
    clients: list[DelayedClient] = []

    def factory(env: Environment) -> DelayedClient:
        clients.append(DelayedClient(env, {"a": 0.4}))
        return clients[-1]

    app = make_app(sandbox, tmp_path, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("slash", "a")
        await wait_for(pilot, lambda: any(b.get("searchText") == "a" for b in clients[0].bodies))
        await pilot.press("b")  # newer query while "a" is still in flight
        screen = await settled(pilot)
        expected = screen.model.total
        assert all("ab" in (r.name + r.email).lower() for r in shown_rows(screen))
        await asyncio.sleep(0.6)  # the "a" answer has come back by now
        await pilot.pause()
        assert screen.model.total == expected
        assert all("ab" in (r.name + r.email).lower() for r in shown_rows(screen))


@pytest.mark.parametrize(
    "kind, title",
    [(500, "The server failed"), ("malformed", "Unexpected answer from the server")],
)
async def test_error_state_then_retry(sandbox_factory, tmp_path, kind, title):
    sb = sandbox_factory(users=30)
    sb.faults.inject(kind, count=1)
    app = make_app(sb, tmp_path, client_factory=no_retries)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.state.display and not screen.table.display
        assert str(screen.state.query_one("#state-title").render()) == title
        assert screen.state.query_one("#state-retry").display
        await pilot.press("r")
        screen = await settled(pilot)
        assert screen.table.display and screen.model.total == 30


async def test_unauthorized_state(sandbox, tmp_path):
    env = Environment("sandbox", sandbox.base_url, tmc_id=sandbox.tmc_id, token="wrong-token")
    app = make_app(sandbox, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        # a 401 asks for a token for this session (tests/ui/test_error_guidance.py); declined here
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TokenScreen", what="the token prompt")
        await pilot.press("escape")
        screen = await settled(pilot)
        assert screen.model.error.kind == "auth"
        assert "401" in str(screen.state.query_one("#state-title").render())
        assert "wrong-token" not in str(screen.state.query_one("#state-message").render())


async def test_connection_lost_state(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=10)
    env = sandbox_env(sb)
    sb.stop()
    app = make_app(sb, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, timeout=15)
        assert screen.model.error.kind == "connection"
        assert str(screen.state.query_one("#state-title").render()) == "Connection lost"


async def test_missing_credentials_is_a_state_not_a_crash(sandbox, tmp_path, monkeypatch):
    monkeypatch.delenv("SPOTNANA_TOKEN", raising=False)
    env = Environment("staging", sandbox.base_url, tmc_id=sandbox.tmc_id)
    app = make_app(sandbox, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error.kind == "config"
        assert "SPOTNANA_TOKEN" in str(screen.state.query_one("#state-message").render())


async def test_empty_results(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = await type_search(pilot, "zzqqxx")
        assert screen.model.total == 0
        assert screen.state.state_kind == "empty"
        assert isinstance(screen.state, ListState) and screen.state.display


async def test_copy_id_and_email(sandbox, tmp_path, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)  # inside tmux: tests/ui/test_copy_tmux.py
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await pilot.press("j", "y")
        row = screen.table.highlighted_row
        assert app.clipboard == row.user_id
        assert any("Copied user ID" in n.message for n in app._notifications)
        await pilot.press("Y")
        assert app.clipboard == row.email


async def test_keymap_override_from_config_file(sandbox, tmp_path):
    config = '[keymap]\n"users.search" = "ctrl+k"\n"users.cursor_down" = "n"\n'
    app = make_app(sandbox, tmp_path, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        await pilot.press("n", "n")
        assert screen.table.cursor == 2
        await pilot.press("j")  # no longer bound: starts a search instead
        assert app.focused is screen.search and screen.search.value == "j"
        await pilot.press("escape", "escape")
        assert app.focused is screen.table
        await pilot.press("slash")  # replaced by ctrl+k: "/" is not a binding any more
        assert app.focused is screen.table
        await pilot.press("ctrl+k")
        assert app.focused is screen.search


async def test_help_lists_every_binding_with_its_id(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path, config='[keymap]\n"users.sort" = "o"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = {r.binding_id: r for r in app.screen.rows}
        for ident in ("users.search", "users.open", "users.cursor_down", "users.copy_id", "app.quit", "app.help"):
            assert ident in rows, ident
        assert rows["users.sort"].keys == "o"
        assert "j" in rows["users.cursor_down"].keys
        await pilot.press("escape")
        assert isinstance(app.screen, UsersScreen)


async def test_enter_opens_the_user_and_escape_comes_back(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settled(pilot)
        row = screen.table.highlighted_row
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, UsersScreen), what="the user screen")
        assert row.user_id in repr(vars(app.screen).get("user_id", "")) or getattr(app.screen, "row", None) == row
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen))


async def test_quit_key(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_bad_theme_file_falls_back_with_a_notification(sandbox, tmp_path):
    themes = tmp_path / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    app = make_app(sandbox, tmp_path, theme="broken")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == "spotnana-dark"
        messages = " ".join(n.message for n in app._notifications)
        assert "broken.toml" in messages and "not found" in messages


async def test_user_theme_from_the_themes_dir(sandbox, tmp_path):
    themes = tmp_path / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#ff0000"\ndark = false\n')
    app = make_app(sandbox, tmp_path, theme="mine")
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        assert app.theme == "mine" and not app.current_theme.dark


async def test_production_is_unmistakable(sandbox, tmp_path):
    env = sandbox_env(sandbox, name="production", production=True)
    app = make_app(sandbox, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        badge = screen.status.query_one("#env-badge")
        assert "PRODUCTION" in str(badge.render()) and badge.has_class("-production")
