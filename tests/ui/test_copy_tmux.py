"""Copy on the list (``y``/``Y``): OSC 52 as always, plus the tmux buffer inside tmux, and the
toast says where the value went. A fake ``tmux`` first on PATH records what it was given."""

from __future__ import annotations

import os
import stat

from tests.ui.app_kit import make_app, settled, shown_rows, wait_for

FAKE_TMUX = """#!/bin/sh
printf '%s\\n' "$*" > "{record}.args"
cat > "{record}.stdin"
exit {code}
"""


def fake_tmux(bin_dir, record, code: int = 0) -> None:
    bin_dir.mkdir()
    script = bin_dir / "tmux"
    script.write_text(FAKE_TMUX.format(record=record, code=code))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_copy_inside_tmux_loads_the_tmux_buffer(sandbox, tmp_path, monkeypatch):
    record = tmp_path / "tmux-call"
    fake_tmux(tmp_path / "bin", record)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    app = make_app(sandbox, tmp_path / "home")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        row = shown_rows(screen)[0]
        await pilot.press("y")
        await wait_for(pilot, lambda: any("tmux buffer" in t for t in toasts(app)), what="the copy toast")
        assert app.clipboard == row.user_id  # OSC 52 as before
        assert record.with_suffix(".stdin").read_text() == row.user_id  # on stdin, exactly
        assert record.with_suffix(".args").read_text().strip() == "load-buffer -"  # never on the command line
        assert f"Copied user ID of {row.name} to the clipboard (OSC 52) and the tmux buffer" in toasts(app)[-1]


async def test_a_failing_tmux_is_said_and_osc52_still_copies(sandbox, tmp_path, monkeypatch):
    record = tmp_path / "tmux-call"
    fake_tmux(tmp_path / "bin", record, code=1)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1234,0")
    app = make_app(sandbox, tmp_path / "home")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        row = next(r for r in shown_rows(screen) if r.email)
        await pilot.press("Y")
        await wait_for(pilot, lambda: any("tmux" in t for t in toasts(app)), what="the copy toast")
        assert app.clipboard == row.email
        assert "to the clipboard (OSC 52)" in toasts(app)[-1]
        assert "not to the tmux buffer: tmux load-buffer failed (exit 1)" in toasts(app)[-1]


async def test_outside_tmux_only_osc52(sandbox, tmp_path, monkeypatch):
    record = tmp_path / "tmux-call"
    fake_tmux(tmp_path / "bin", record)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(sandbox, tmp_path / "home")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot)
        row = shown_rows(screen)[0]
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Copied" in t for t in toasts(app)), what="the copy toast")
        assert toasts(app)[-1] == f"Copied user ID of {row.name} to the clipboard (OSC 52): {row.user_id}"
        assert not record.with_suffix(".stdin").exists()
