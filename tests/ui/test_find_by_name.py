"""Finding users by what agents know, against the sandbox over loopback: the filter panel
picks offices by name, typed filters take names (``office:"Toronto HQ"``) and emails."""

from __future__ import annotations

import httpx

from tests.ui.app_kit import make_app, settled, shown_rows, wait_for
from tui.ui.screens.filters import FiltersScreen


def office_of_first_row(screen) -> tuple[str, str]:
    for row in shown_rows(screen):
        for kind, ref_id, name in row.references:
            if kind == "offices":
                return ref_id, name
    raise AssertionError("no row with an office on the first page")


def users_of_office(sandbox, office_ids: tuple[str, ...]) -> int:
    body = {
        "tmcId": {"id": sandbox.tmc_id},
        "userStatusFilter": "ALL",
        "pagination": {"offset": 0, "limit": 1},
        "filters": [{"officeIds": [{"id": i} for i in office_ids]}],
    }
    answer = httpx.post(
        f"{sandbox.base_url}/v3/users/list", json=body, headers={"Authorization": f"Bearer {sandbox.token}"}
    ).json()
    return answer["pagination"]["totalNumResults"]


def assert_only_office(screen, office_ids: tuple[str, ...], expected_total: int) -> None:
    assert screen.model.error is None, screen.model.error
    assert 0 < screen.model.total == expected_total < 300
    rows = shown_rows(screen)
    assert rows and all(any(k == "offices" and i in office_ids for k, i, _ in r.references) for r in rows)


async def test_filter_panel_picks_an_office_by_part_of_its_name(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        _, name = office_of_first_row(screen)
        ids = app.directory.by_name("offices", name)
        part = name.lower()[: len(name) - 1]  # "toronto h": part of the name, in another case
        assert app.directory.resolve("offices", part) == (ids, None)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FiltersScreen), what="the filter panel")
        app.screen.query_one("#f-offices").focus()
        await pilot.press(*part)
        matches = str(app.screen.query_one("#filters-matches").render())
        assert name in matches
        await pilot.press("enter")
        screen = await settled(pilot)
        assert screen.search.value == f'office:"{name}"' if " " in name else f"office:{name}"
        assert f"office: {name}" in str(screen.query_one("#chips").render())
        assert_only_office(screen, ids, users_of_office(sandbox, ids))


async def test_filter_panel_says_when_a_name_matches_nothing(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FiltersScreen), what="the filter panel")
        app.screen.query_one("#f-departments").focus()
        await pilot.press(*"atlantis")
        assert "no department matches" in str(app.screen.query_one("#filters-matches").render())
        await pilot.press("enter")  # not applied: the panel stays and says why
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        assert "no department named 'atlantis'" in str(app.screen.query_one("#filters-matches").render())


async def test_up_down_step_through_matching_names(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        names = app.directory.names("offices")
        assert len(names) > 1
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FiltersScreen), what="the filter panel")
        field = app.screen.query_one("#f-offices")
        field.focus()
        await pilot.press("down")
        assert field.value == names[0]
        await pilot.press("down")
        assert field.value == names[1]
        await pilot.press("up")
        assert field.value == names[0]
        await pilot.press("ctrl+s")
        screen = await settled(pilot)
        ids = app.directory.by_name("offices", names[0])
        assert_only_office(screen, ids, users_of_office(sandbox, ids))


async def test_typed_office_by_quoted_name_and_by_one_word(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        _, name = office_of_first_row(screen)
        ids = app.directory.by_name("offices", name)
        expected = users_of_office(sandbox, ids)
        app.screen.search.value = f'office:"{name.upper()}"'  # as if typed
        screen = await settled(pilot)
        assert_only_office(screen, ids, expected)
        word = name.split()[0]
        if app.directory.resolve("offices", word)[0] == ids:  # a single word naming just this office
            app.screen.search.value = f"office:{word.lower()}"
            screen = await settled(pilot)
            assert_only_office(screen, ids, expected)


async def test_typed_unknown_name_says_so(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        before = len(sandbox.requests)
        app.screen.search.value = 'office:"Atlantis HQ"'
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "query"
        assert screen.state.display and not screen.table.display
        message = str(screen.state.query_one("#state-message").render())
        assert "no office named 'Atlantis HQ'" in message
        assert "not known" in str(screen.state.query_one("#state-title").render())
        assert len(sandbox.requests) == before  # nothing sent for a query that cannot be meant


async def test_typed_email_filter(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        row = next(r for r in shown_rows(screen) if r.email)
        app.screen.search.value = f"email:{row.email.upper()}"
        screen = await settled(pilot)
        assert screen.model.total == 1
        assert [r.user_id for r in shown_rows(screen)] == [row.user_id]
        assert f"email: {row.email.upper()}" in str(screen.query_one("#chips").render())
