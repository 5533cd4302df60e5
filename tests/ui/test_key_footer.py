"""KeyFooter (one line of text) looks like Textual's Footer (a widget per key), cell by cell:
compact or not, disabled, hidden and description-less keys, the palette key, narrow screens,
every theme of the app; it follows focus changes, and a click presses the key. FitFooter (a
KeyFooter) leaves out whole the hints that do not fit, Help and Back last, and looks then like
Textual's Footer showing only the hints it kept; they come back when the terminal grows."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tests.ui.app_kit import make_app, settled, wait_for
from tui.ui.themes import bundled_themes_dir, load_themes
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.key_footer import KeyFooter


class Keys(Screen):
    AUTO_FOCUS = ""  # (a focused Input takes the printable keys: their bindings leave the footer)
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("f,ctrl+f", "filter", "Filter"),
        Binding("x", "off", "Disabled"),
        Binding("y", "gone", "Hidden"),
        Binding("z", "bare", ""),
        Binding("s", "sort", "Sort", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, footer: type, compact: bool, hide: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.footer, self.compact, self.hide, self.pressed = footer, compact, hide, []

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield Input(id="box")
        yield self.footer(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "refresh" and isinstance(self.focused, Input) or action in self.hide:
            return False
        return {"off": None, "gone": False}.get(action, True)

    def action_search(self) -> None:
        self.pressed.append("search")

    def action_filter(self) -> None:
        self.pressed.append("filter")

    def action_off(self) -> None:
        pass

    def action_bare(self) -> None:
        pass

    def action_refresh(self) -> None:
        pass

    def action_help(self) -> None:
        pass

    def action_back(self) -> None:
        pass


class One(App[None]):
    def __init__(self, footer: type, compact: bool, theme: str | None = None, hide: frozenset[str] = frozenset()):
        super().__init__()
        self.footer, self.compact, self.wanted, self.hide = footer, compact, theme, hide

    def on_mount(self) -> None:
        if self.wanted:
            for theme in load_themes(bundled_themes_dir(), None).themes:
                self.register_theme(theme)
            self.theme = self.wanted
        self.push_screen(Keys(self.footer, self.compact, self.hide))


def cells(app: App) -> list[tuple[str, object, object, bool]]:
    """The footer line, cell by cell: character, colours, bold (Textual turns dim into colours)."""
    out = []
    for segment in app.screen._compositor.render_strips()[-1]:
        style = segment.style
        for ch in segment.text:
            out.append(
                (ch, style.color if style else None, style.bgcolor if style else None, bool(style and style.bold))
            )
    return out


async def footer_line(
    footer: type,
    compact: bool,
    width: int,
    theme: str | None = None,
    focus_box: bool = False,
    hide: frozenset[str] = frozenset(),
):
    app = One(footer, compact, theme, hide)
    async with app.run_test(size=(width, 6)) as pilot:
        await pilot.pause()
        if focus_box:
            app.screen.set_focus(app.screen.query_one("#box"))
        for _ in range(3):
            await pilot.pause()
        return cells(app)


async def fitted(compact: bool, width: int) -> tuple[list, list[str], list[str], list[str]]:
    """FitFooter's line at ``width``, the actions it has, those it drew, the descriptions it left
    out; checking on the way that each drawn hint is where its layout says, and that the first
    hint left out (Help and Back aside) would not have fitted in the cells left over."""
    app = One(FitFooter, compact)
    async with app.run_test(size=(width, 6)) as pilot:
        for _ in range(4):
            await pilot.pause()
        footer = app.screen.query_one(FitFooter)
        line = cells(app)
        text = "".join(c[0] for c in line)
        laid = footer.layout()
        for x, n, hint in laid.hints:
            assert text[x : x + n].strip() == f"{hint.display} {hint.description}" and x + n <= laid.room
        drawn = [hint for _, _, hint in laid.hints]
        left_out = [h for h in footer.hints if not h.palette and h not in drawn]
        first = next((h for h in left_out if h.action not in ("help", "back")), None)
        if first is not None:
            assert laid.room - sum(n for _, n, _ in laid.hints) < footer.hint_cells(first)
        actions = [hint.action for hint in footer.hints if not hint.palette]
        return line, actions, [hint.action for hint in drawn], footer.dropped


@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("width", [80, 60, 44])
async def test_the_same_line_as_textuals_footer(compact, width):
    # (when keys are cut off, Textual may let one show through the palette key's margin cell;
    # KeyFooter keeps that cell blank)
    ours = await footer_line(KeyFooter, compact, width)
    textual = await footer_line(Footer, compact, width)
    assert "".join(c[0] for c in ours[:-1]) == "".join(c[0] for c in textual[:-1])
    assert ours[:-1] == textual[:-1]
    assert ours[-1][0] == " " and (ours[-1] == textual[-1] or textual[-1][0] != " ")
    if width == 80:
        assert ours == textual  # (nothing cut off)


@pytest.mark.parametrize("theme", ["spotnana-dark", "spotnana-light", "spotnana-high-contrast", "textual-light"])
async def test_the_same_colours_in_every_theme(theme):
    assert await footer_line(KeyFooter, True, 80, theme) == await footer_line(Footer, True, 80, theme)


async def test_it_follows_the_focus_like_textuals():
    ours = await footer_line(KeyFooter, True, 80, focus_box=True)
    assert ours == await footer_line(Footer, True, 80, focus_box=True)
    assert "Refresh" not in "".join(c[0] for c in ours)  # hidden while the box has the focus


async def test_a_click_presses_the_key_and_a_disabled_one_does_nothing():
    app = One(KeyFooter, True)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = "".join(c[0] for c in cells(app))
        await pilot.click(KeyFooter, offset=(line.index("Filter"), 0))
        await pilot.click(KeyFooter, offset=(line.index("Disabled"), 0))
        await pilot.click(KeyFooter, offset=(line.index("Search"), 0))
        await pilot.pause()
        assert app.screen.pressed == ["filter", "search"]
        await pilot.hover(KeyFooter, offset=(line.index("Search"), 0))
        await pilot.pause()
        assert footer.tooltip == "Search"


async def test_the_list_screen_shows_its_keys_and_follows_the_search_box(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        await settled(pilot)
        line = lambda: app.screen._compositor.render_strips()[-1].text  # noqa: E731
        assert line().startswith("/ Search f Filter s Sort") and "^p Commands" in line()
        await pilot.press("slash")
        await wait_for(pilot, lambda: not line().startswith("/ Search"), what="the footer without / Search")
        await pilot.press("escape")
        await wait_for(pilot, lambda: line().startswith("/ Search"), what="/ Search back")


@pytest.mark.parametrize("compact", [True, False])
@pytest.mark.parametrize("width", [120, 80, 67, 62, 57, 44, 34])  # (67, 57: compact, tight; 62: not)
async def test_fit_footer_is_textuals_footer_with_the_hints_it_left_out_hidden(compact, width):
    line, actions, drawn, dropped = await fitted(compact, width)
    assert actions == ["search", "filter", "off", "refresh", "help", "back"]
    left_out = frozenset(a for a in actions if a not in drawn)
    assert len(left_out) == len(dropped)
    if width <= 60:
        assert left_out  # something had to give
    if width >= 44:
        assert {"help", "back"} <= set(drawn)  # listed last, yet kept while keys before them go
    # what is left fits whole: Textual's Footer with only those keys draws the same line
    assert line == await footer_line(Footer, compact, width, hide=left_out)
    text = "".join(c[0] for c in line)
    assert text.rstrip().endswith("▏^p palette")


async def test_fit_footer_hints_come_back_when_the_terminal_grows():
    app = One(FitFooter, True)
    async with app.run_test(size=(40, 6)) as pilot:
        for _ in range(3):
            await pilot.pause()
        footer = app.screen.query_one(FitFooter)
        narrow = footer.dropped
        assert "Refresh" in narrow and "Help" not in narrow
        await pilot.resize_terminal(120, 6)
        for _ in range(3):
            await pilot.pause()
        assert footer.dropped == []
        assert "r Refresh ? Help esc Back" in "".join(c[0] for c in cells(app))
        await pilot.resize_terminal(40, 6)
        for _ in range(3):
            await pilot.pause()
        assert footer.dropped == narrow
