"""Switching environment from the command palette: two environments in a config file under a
tmp SPOTNANA_TUI_HOME, each pointing at its own sandbox (different seeds and sizes, tokens in
environment variables). After the switch the list comes from the other sandbox and the status
bar names the new environment."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from tests.ui.app_kit import settings_for, settled, shown_rows, wait_for
from tui.ui.app import SpotnanaApp
from tui.ui.widgets.status_bar import StatusBar


def _config(alpha, beta) -> str:
    def env(name: str, sb, label: str) -> str:
        return (
            f'[environments.{name}]\nbase_url = "{sb.base_url}"\ntmc_id = "{sb.tmc_id}"\n'
            f'auth = "token_env"\ntoken_env = "{name.upper()}_TOKEN"\nlabel = "{label}"\n\n'
        )

    return env("alpha", alpha, "Alpha sandbox") + env("beta", beta, "Beta sandbox")


def _badge(app: SpotnanaApp) -> str:
    return str(app.screen.query_one(StatusBar).query_one("#env-badge", Static).render())


def _list_calls(sb) -> int:
    return sum(1 for r in sb.requests if r[0] == "POST" and r[1] == "/v3/users/list")


async def test_switch_environment_from_the_palette_reloads_the_list(sandbox_factory, tmp_path, monkeypatch):
    alpha = sandbox_factory(users=40, seed=7)
    beta = sandbox_factory(users=60, seed=11)
    home = tmp_path / "home"
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(home))
    monkeypatch.setenv("ALPHA_TOKEN", alpha.token)
    monkeypatch.setenv("BETA_TOKEN", beta.token)
    settings = settings_for(home, _config(alpha, beta), debounce_ms=20)
    assert set(settings.environments) == {"alpha", "beta"} and not settings.warnings
    app = SpotnanaApp(settings, settings.environments["alpha"])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settled(pilot)
        before = [r.user_id for r in shown_rows(screen)]
        assert before and all(alpha.store.exists(u) for u in before)
        assert "Alpha sandbox" in _badge(app)
        beta_calls = _list_calls(beta)

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"Beta")
        commands = app.screen.query_one(CommandList)  # searched in the background: wait for the hit

        def found() -> bool:
            return (
                commands.option_count > 0
                and commands.highlighted is not None
                and "Beta sandbox" in str(commands.get_option_at_index(commands.highlighted).prompt)
            )

        await wait_for(pilot, found, what="the switch command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.env.name == "beta", what="the switch")

        screen = await settled(pilot)
        after = [r.user_id for r in shown_rows(screen)]
        assert after and all(beta.store.exists(u) for u in after)
        assert not any(alpha.store.exists(u) for u in after)
        assert set(after).isdisjoint(before)
        assert _list_calls(beta) > beta_calls  # asked the new sandbox
        badge = _badge(app)
        assert "Beta sandbox" in badge and "Alpha" not in badge
