"""``spotnana-tui --offline`` for real: the command in a tmux session of its own at 80x24, with
the same connection options as online (``--base-url``, ``--tmc-id``; ``--env`` from a config
file), on a cache filled from the sandbox: the cached list and the OFFLINE banner, and not one
request to the server; with nothing cached, the list says how to fill it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.offline_kit import fill_cache

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]


class Session:
    """One 80x24 tmux session on a tmux server of this test's own (``-L``)."""

    def __init__(self, tag: str) -> None:
        self.socket = f"spotnana-offline-{os.getpid()}-{tag}"
        self.name = "app"

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        return out.stdout

    def start(self, argv: list[str], env: dict[str, str]) -> None:
        command = shlex.join(["env", *(f"{k}={v}" for k, v in env.items()), *argv])
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", "-c", str(ROOT), command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def session(request):
    s = Session(request.node.name.split("[")[0][-20:])
    yield s
    s.close()


def app_env(home: Path, sb) -> dict[str, str]:
    return {"SPOTNANA_TUI_HOME": str(home), "SPOTNANA_TOKEN": sb.token, "TERM": "xterm-256color"}


async def test_offline_command_opens_the_cache_without_a_request(sandbox, tmp_path, session):
    await fill_cache(sandbox, tmp_path, users=120)
    since = len(sandbox.requests)
    argv = [sys.executable, "-m", "tui", "--offline", "--base-url", sandbox.base_url, "--tmc-id", sandbox.tmc_id]
    session.start(argv, app_env(tmp_path, sandbox))
    session.wait_for("OFFLINE · 120 users cached · newest copy just now")
    shown = session.wait_for("showing 1–18 of 120")
    assert "Aditya Jain" in shown
    assert sandbox.requests[since:] == []  # --offline: not even one request
    session.tmux("send-keys", "-t", session.name, "q")


async def test_offline_env_with_nothing_cached_says_how_to_fill_it(sandbox, tmp_path, session):
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[environments.sandbox]\nbase_url = "{sandbox.base_url}"\ntmc_id = "{sandbox.tmc_id}"\n')
    since = len(sandbox.requests)
    session.start([sys.executable, "-m", "tui", "--offline", "--env", "sandbox"], app_env(tmp_path, sandbox))
    shown = session.wait_for("nothing cached for sandbox yet")
    assert "run `spotnana-tui cache sync` while online" in shown.replace("\n", " ").replace("  ", " ")
    assert "OFFLINE · 0 users cached" in shown
    assert sandbox.requests[since:] == []
    session.tmux("send-keys", "-t", session.name, "q")
