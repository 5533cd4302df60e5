"""A bounded monkey test: a few thousand random keys, from fixed seeds, into the real app on a
real sandbox at 80x24 and at 40x12. Keys go in bursts of ten, the way a terminal over SSH
delivers them (queued before the app handles the first); now and then a burst is a "chord"
of keys that fast hands type together (open the palette and page, answer a question and
leave). After a burst the app gets a short breath, and every fourth burst it is let go
idle, so keys also arrive while it is busy mounting a form. After every burst the app must
not have failed; at the end it must still be running, on a screen stack that still holds
the user list, and answer a key; no worker may have failed on the way (the app's "Something
went wrong"). About 2,600 keys, some 30 s of CPU.

Never sent: Ctrl+Q and Ctrl+C, and ``q``, which quits at once when nothing is unsaved
(``q`` then ``y`` would quit too). The palette's Quit command can still be typed at random:
a clean exit (return code 0, no exception) starts a fresh app for the rest of the keys.
$EDITOR / $VISUAL are ``true`` (a JSON edit changes nothing); screenshots go to a tmp dir.

Without the guards of tui/ui/textual_fixes.py these seeds fail: always with ``KeyError: 0``
(PageUp/PageDown in a just-opened palette); without the palette guard, with ``NoMatches:
'CommandList'`` or ``ScreenStackError`` (a palette dismissed twice); without the Select guard,
now and then (it is a race with the form being rebuilt) with ``NoMatches: 'SelectOverlay'``,
which tests/ui/test_textual_fixes.py reproduces every time.
"""

from __future__ import annotations

import logging
import random
import string
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette

from tests.ui.app_kit import burst, make_app, settled, wait_for
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.users import UsersScreen

CHARACTERS = [c for c in string.ascii_letters + string.digits + "/?[]" if c != "q"]
SPECIALS = [
    "enter",
    "enter",
    "escape",
    "escape",
    "tab",
    "tab",
    "shift+tab",
    "shift+tab",
    "up",
    "down",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "space",
    "backspace",
    "delete",
    "ctrl+p",
    "ctrl+s",
    "ctrl+d",
    "ctrl+u",
    "ctrl+f",
    "ctrl+t",
    "ctrl+r",
    "ctrl+g",
    "ctrl+l",
    "f1",
    "f2",
    "f5",
    "f10",
]
FORBIDDEN = {"q", "ctrl+q", "ctrl+c"}
BURST = 10
CHORDS = [
    # what fast hands (or SSH) deliver together; each is sent as one burst
    ("ctrl+p", "pagedown"),
    ("ctrl+p", "pageup"),
    ("f2", "pagedown", "pagedown"),
    ("x", "escape"),
    ("backspace", "escape", "ctrl+p"),
    ("J", "escape", "left", "ctrl+p", "v"),
    ("enter", "enter"),
    ("shift+tab", "enter", "escape"),
    ("a", "2", "y", "escape"),
    ("b", "3", "y", "escape"),
    ("r", "y", "escape"),
]
CHORD_RATE = 0.2
BREATH = 0.02  # seconds after a burst
IDLE_EVERY = 4  # every 4th burst waits until the app is idle

# (seed, (width, height), keys): about 2,600 keys in all
RUNS = [
    (5, (80, 24), 650),
    (13, (80, 24), 650),
    (5, (40, 12), 650),
    (13, (40, 12), 650),
]


def bursts(seed: int, count: int) -> list[tuple[str, ...]]:
    """About ``count`` keys for ``seed``, in bursts: mostly random keys (printable characters
    a little under half the time), now and then a chord of keys typed together."""
    rng = random.Random(seed)
    out: list[tuple[str, ...]] = []
    total = 0
    while total < count:
        if rng.random() < CHORD_RATE:
            keys = rng.choice(CHORDS)
        else:
            keys = tuple(rng.choice(CHARACTERS) if rng.random() < 0.45 else rng.choice(SPECIALS) for _ in range(BURST))
        out.append(keys)
        total += len(keys)
    return out


def test_key_streams_are_fixed_and_never_quit() -> None:
    assert bursts(5, 50) == bursts(5, 50) != bursts(13, 50)
    keys = {k for b in bursts(1, 5000) for k in b}
    assert not FORBIDDEN & keys
    assert {"ctrl+p", "pagedown", "enter", "escape", "ctrl+s", "f5"} <= keys


async def _still_answering(pilot: Any) -> None:
    app = pilot.app
    assert app.is_running and app._exception is None
    assert any(isinstance(s, UsersScreen) for s in app.screen_stack), app.screen_stack
    for _ in range(4):  # the palette and an open drop-down take no app keys; help does not open over help
        open_select = type(app.focused).__name__ == "SelectOverlay"
        if not isinstance(app.screen, (CommandPalette, HelpScreen)) and not open_select:
            break
        await pilot.press("escape")
        await pilot.pause()
    before = app.screen
    if "f1" not in before.active_bindings:  # a dialog that takes no app keys (the new-user form): Esc answers
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app._exception is None
        return
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what=f"the help screen over {before!r}")
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is before, what="back from help")
    assert app._exception is None


async def _monkey(sandbox: Any, tmp_path: Path, seed: int, size: tuple[int, int], count: int) -> int:
    """Send the bursts; return how many clean restarts (Quit typed at random) there were."""
    stream = bursts(seed, count)
    position = restarts = 0
    while position < len(stream):
        app = make_app(sandbox, tmp_path / f"home-{seed}-{restarts}")
        try:
            async with app.run_test(size=size) as pilot:
                await settled(pilot)
                while position < len(stream) and app.is_running:
                    position += 1
                    # mostly a short breath (keys keep coming while the app works), idle now and then
                    await burst(pilot, *stream[position - 1], settle=None if position % IDLE_EVERY == 0 else BREATH)
                    if app._exception is not None:
                        raise app._exception
                if app.is_running:
                    await _still_answering(pilot)
        except Exception as exc:
            recent = stream[max(0, position - 6) : position]
            raise AssertionError(f"seed {seed} at {size}, burst {position}: {recent!r} -> {exc!r}") from exc
        if position < len(stream):  # quit cleanly (the palette's Quit): go on in a fresh app
            assert app._exception is None and app.return_code in (0, None), (seed, app.return_code)
            restarts += 1
    return restarts


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("VISUAL", "true")
    monkeypatch.setenv("SPOTNANA_TUI_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("textual.app.user_downloads_path", lambda: tmp_path / "downloads")


@pytest.mark.parametrize(("seed", "size", "count"), RUNS, ids=[f"seed{s}-{w}x{h}" for s, (w, h), _ in RUNS])
async def test_monkey(sandbox_factory, tmp_path, quiet_env, caplog, seed, size, count):
    caplog.set_level(logging.ERROR, logger="tui.ui")
    await _monkey(sandbox_factory(users=200, seed=7), tmp_path, seed, size, count)
    failed = [r.getMessage() for r in caplog.records if r.name.startswith("tui.ui") and r.levelno >= logging.ERROR]
    assert failed == [], "unexpected failures (the app said 'Something went wrong' / 'Could not ...')"
