"""The theme picker: bundled themes, then the agent's own, then Textual's; the choice is saved to
the config file with its comments kept, and the file stays 0600."""

from __future__ import annotations

import stat
import tomllib

from textual.command import CommandList, CommandPalette

from tests.ui.app_kit import make_app, settled, wait_for
from tui.config import default_config_text, load_settings

OWN_THEME = 'name = "agent-amber"\ndark = true\nprimary = "#ffb000"\n'


def option_texts(palette: CommandPalette) -> list[str]:
    options = palette.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]


async def open_picker(pilot, app) -> CommandPalette:
    await pilot.press("ctrl+t")
    palette = await wait_for(
        pilot, lambda: app.screen if isinstance(app.screen, CommandPalette) else None, what="the theme picker"
    )
    await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 4, what="the themes listed")
    return palette


async def test_picker_order_and_the_choice_is_saved_with_comments(sandbox, tmp_path):
    config = default_config_text() + "\n# a note of the agent's own, kept\n"
    (tmp_path / "config" / "themes").mkdir(parents=True)
    (tmp_path / "config" / "themes" / "agent-amber.toml").write_text(OWN_THEME)
    app = make_app(sandbox, tmp_path, config=config)
    path = app.settings.config_file
    path.chmod(0o600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        palette = await open_picker(pilot, app)
        names = option_texts(palette)
        assert names[:4] == ["spotnana-dark", "spotnana-high-contrast", "spotnana-light", "agent-amber"]
        assert "textual-dark" in names[4:]
        await pilot.press(*"spotnana-light")
        await wait_for(pilot, lambda: option_texts(palette)[:1] == ["spotnana-light"], what="the search")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "spotnana-light", what="the theme to change")
        await wait_for(pilot, lambda: any("saved" in n.message for n in app._notifications), what="the toast")
    text = path.read_text()
    assert tomllib.loads(text)["theme"] == "spotnana-light"
    before, after = config.splitlines(), text.splitlines()
    assert [line for line in after if line.lstrip().startswith("#")] == [
        line for line in before if line.lstrip().startswith("#")
    ]  # every comment kept, in place
    assert len(after) == len(before)  # only the theme line changed
    assert [a for a, b in zip(after, before, strict=True) if a != b] == ['theme = "spotnana-light"']
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(path, environ={"SPOTNANA_TUI_HOME": str(tmp_path)}).theme == "spotnana-light"


async def test_a_first_choice_writes_the_commented_default_file(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)  # no config file yet
    path = app.settings.config_file
    assert not path.exists()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        palette = await open_picker(pilot, app)
        await pilot.press(*"textual-light")
        await wait_for(pilot, lambda: option_texts(palette)[:1] == ["textual-light"], what="the search")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "textual-light", what="the theme to change")
    text = path.read_text()
    assert tomllib.loads(text)["theme"] == "textual-light"
    assert "# spotnana-tui configuration (TOML)." in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
