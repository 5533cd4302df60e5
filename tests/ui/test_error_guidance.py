"""Errors that say what to do, against the sandbox over loopback: a 401 asks for a token for
this session (memory only) and retries; a 404 of the TMC or company names the wrong scope."""

from __future__ import annotations

import logging
import uuid

from tests.ui.app_kit import make_app, sandbox_env, settled, wait_for
from tests.ui.test_profile_kit import wait_screen
from tui.ui.run import _log_to_file
from tui.ui.screens.profile import ProfileScreen
from tui.ui.screens.token import TokenScreen

RIGHT_TOKEN = "right-token-7f3a9c1e5b"


def files_holding(root, secret: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


async def test_401_asks_for_a_token_and_retries(sandbox_factory, tmp_path, caplog):
    sb = sandbox_factory(users=40, token=RIGHT_TOKEN)
    env = sandbox_env(sb)
    env.token = "a-stale-token"
    app = make_app(sb, tmp_path, env=env)
    _log_to_file(app.settings)  # the app's log file under SPOTNANA_TUI_HOME, as `spotnana-tui` sets it up
    caplog.set_level(logging.DEBUG)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TokenScreen), what="the token prompt")
            dialog = app.screen
            assert "401" in str(dialog.query_one("#token-why").render())
            field = dialog.query_one("#token-input")
            assert field.password  # not shown on screen
            await pilot.press(*RIGHT_TOKEN, "enter")
            screen = await settled(pilot)
            assert screen.model.error is None and screen.model.total == 40
            assert app.env.token == RIGHT_TOKEN  # for this session
            await pilot.press("q")
    finally:
        for handler in list(logging.getLogger("tui").handlers):
            if isinstance(handler, logging.FileHandler):
                handler.close()
                logging.getLogger("tui").removeHandler(handler)
    log_file = tmp_path / "logs" / "app.log"
    assert log_file.exists() and "list users failed: 401" in log_file.read_text()
    assert files_holding(tmp_path, RIGHT_TOKEN) == []  # not in the config, the log, the audit log ...
    assert RIGHT_TOKEN not in caplog.text


async def test_401_prompt_cancelled_keeps_the_state_and_ctrl_k_asks_again(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20, token=RIGHT_TOKEN)
    env = sandbox_env(sb)
    env.token = "wrong"
    app = make_app(sb, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TokenScreen), what="the token prompt")
        await pilot.press("escape")
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "auth"
        assert "ctrl+k" in str(screen.state.query_one("#state-hint").render())
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, TokenScreen), what="the token prompt again")
        await pilot.press(*RIGHT_TOKEN, "enter")
        screen = await settled(pilot)
        assert screen.model.total == 20


async def test_404_of_the_tmc_names_the_scope(sandbox, tmp_path):
    wrong = str(uuid.uuid4())
    env = sandbox_env(sandbox)
    env.tmc_id = wrong
    app = make_app(sandbox, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "scope"
        title = str(screen.state.query_one("#state-title").render())
        message = str(screen.state.query_one("#state-message").render())
        hint = str(screen.state.query_one("#state-hint").render())
        assert title == "Wrong TMC or company (404)"
        assert f"the server knows no TMC {wrong}" in message and "tmc_id is wrong" in message
        assert "tmc_id / company_id" in hint


async def test_404_of_the_company_names_the_scope(sandbox, tmp_path):
    wrong = str(uuid.uuid4())
    env = sandbox_env(sandbox)
    env.tmc_id, env.company_id = None, wrong
    app = make_app(sandbox, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        assert screen.model.error is not None and screen.model.error.kind == "scope"
        message = str(screen.state.query_one("#state-message").render())
        assert f"the server knows no company {wrong}" in message and "company_id is wrong" in message


async def test_401_on_a_profile_tab_offers_a_token_and_loads_the_tab_again(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20, token=RIGHT_TOKEN)
    env = sandbox_env(sb)
    app = make_app(sb, tmp_path, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        profile = await wait_screen(pilot, ProfileScreen)
        await wait_for(pilot, lambda: profile.pane("personal").state == "ready", what="personal loaded")
        env.token = "expired"  # the token stops working mid-session
        await app._close_client()
        await pilot.press("2")
        pane = profile.pane("business")
        await wait_for(pilot, lambda: pane.state == "error", what="the 401")
        assert "ctrl+k" in str(pane.query_one("#pane-status").render()).lower()
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, TokenScreen), what="the token prompt")
        await pilot.press(*RIGHT_TOKEN, "enter")
        await wait_for(pilot, lambda: pane.state == "ready", what="business loaded with the new token")
        assert app.screen is profile
    assert files_holding(tmp_path, RIGHT_TOKEN) == []
