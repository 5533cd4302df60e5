"""While a query's first page is on the way the list's own frame says so ("Loading users…"
under the column header, the table in place), and the rows replace that line when they come;
the error and empty states still take the list's place."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.ui.app_kit import make_app, settled, shown_rows, wait_for
from tui.api.client import UsersClient
from tui.config import Environment
from tui.ui.screens.users import UsersScreen


class GatedClient:
    """A real client whose list answers wait until the test opens the gate."""

    def __init__(self, env: Environment) -> None:
        self.inner = UsersClient(env.base_url, token=env.token, retries=0)
        self.gate = asyncio.Event()
        self.waiting = 0

    async def call_raw(self, name: str, *args: Any, body: Any = None, **kw: Any) -> Any:
        if name == "list_users_v3":
            self.waiting += 1
            await self.gate.wait()
        return await self.inner.call_raw(name, *args, body=body, **kw)

    async def aclose(self) -> None:
        await self.inner.aclose()


def screen_lines(app: Any) -> list[str]:
    """The screen as the terminal shows it, line by line."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def list_lines(lines: list[str]) -> list[str]:
    """The column header and what follows it."""
    start = next(i for i, line in enumerate(lines) if line.startswith("Name "))
    return lines[start:]


async def test_loading_line_then_rows_in_the_same_frame(sandbox, tmp_path):
    clients: list[GatedClient] = []

    def factory(env: Environment) -> GatedClient:
        clients.append(GatedClient(env))
        return clients[-1]

    app = make_app(sandbox, tmp_path, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: clients and clients[0].waiting, what="the first list request")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        table = list_lines(screen_lines(app))
        assert table[1].strip() == "Loading users…" and not any(line.strip() for line in table[2:-2])
        assert screen.table.display and not screen.state.display
        assert "loading…" in str(screen.status.query_one("#status-counts").render())

        clients[0].gate.set()
        screen = await settled(pilot)
        first = shown_rows(screen)[0]
        table = list_lines(screen_lines(app))
        assert table[1].startswith(first.name[:12])
        assert not any("Loading users" in line for line in screen_lines(app))


async def test_a_new_query_after_an_error_loads_in_the_table(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    sb.faults.inject(500, count=1)
    clients: list[GatedClient] = []

    def factory(env: Environment) -> GatedClient:
        clients.append(GatedClient(env))
        clients[-1].gate.set()
        return clients[-1]

    app = make_app(sb, tmp_path, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.state.display and not screen.table.display
        assert screen.state.query_one("#state-retry").display  # the Retry button came with the error
        assert "The server failed" in "\n".join(screen_lines(app))

        clients[0].gate.clear()  # the retry's answer is held back
        await pilot.press("r")
        await wait_for(pilot, lambda: clients[0].waiting == 2, what="the retried request")
        await pilot.pause()
        assert screen.table.display and not screen.state.display
        assert list_lines(screen_lines(app))[1].strip() == "Loading users…"

        clients[0].gate.set()
        screen = await settled(pilot)
        assert screen.model.total == 20 and screen.table.display
        assert list_lines(screen_lines(app))[1].startswith(shown_rows(screen)[0].name[:12])


async def test_a_search_keeps_rows_and_counts_until_its_answer_then_says_it_is_loading(sandbox, tmp_path):
    clients: list[GatedClient] = []

    def factory(env: Environment) -> GatedClient:
        clients.append(GatedClient(env))
        clients[-1].gate.set()
        return clients[-1]

    app = make_app(sandbox, tmp_path, client_factory=factory)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        counts = str(screen.status.query_one("#status-counts").render())
        assert "of 300" in counts
        before = list_lines(screen_lines(app))[1]
        spinner = screen.status.spinner

        text = shown_rows(screen)[0].name.split()[-1][:4].lower()
        clients[0].gate.clear()
        screen.search.value = text  # as if typed: one query, after the debounce
        await wait_for(pilot, lambda: clients[0].waiting == 2, what="the search's request")
        await pilot.pause()
        # a quick answer would replace all of it in one paint: nothing changes meanwhile
        assert str(screen.status.query_one("#status-counts").render()) == counts
        assert list_lines(screen_lines(app))[1] == before

        await pilot.pause(0.45)  # past LOADING_DELAY: a slow answer is said to be loading
        assert list_lines(screen_lines(app))[1].strip() == "Loading users…"
        assert str(screen.status.query_one("#status-counts").render()) == "loading…"
        assert str(spinner.render()).strip() != ""

        clients[0].gate.set()
        screen = await settled(pilot)
        assert 0 < screen.model.total < 300
        assert f"of {screen.model.total:,}" in str(screen.status.query_one("#status-counts").render())
        assert str(spinner.render()).strip() == ""


async def test_the_spinner_shows_nothing_for_a_quick_request():
    from textual.app import App, ComposeResult

    from tui.ui.widgets.spinner import Spinner

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Spinner(id="s")

    app = One()
    async with app.run_test() as pilot:
        spinner = app.query_one(Spinner)
        spinner.busy = True
        await pilot.pause()
        assert str(spinner.render()).strip() == ""  # its first frame comes after 80 ms
        await pilot.pause(0.25)
        assert str(spinner.render()).strip() != ""
        spinner.busy = False
        await pilot.pause()
        assert str(spinner.render()).strip() == ""
