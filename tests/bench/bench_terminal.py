"""The real-terminal mode of bench_ui.py: the app and a bare Textual app in tmux at 80x24.

    python tests/bench/bench_ui.py --terminal [--runs 5] [--users 100000] [--keys 24]

1. start-up: the time from launching the command in a new tmux session until a row we know
   is on screen (``tmux capture-pane -p`` polled every few ms): the app against a running
   sandbox (``spotnana-tui sandbox``, its own process), ``spotnana-tui --demo``, and a bare
   Textual app showing one DataTable of 100 rows. The three run interleaved (the order turns
   each round), after one warm-up round; medians, and ratios against the bare app of this run.
2. search: in the app against the running sandbox of --users users, keystroke (tmux
   send-keys) -> the screen shows the new first row and the new total, minus the debounce;
   p50/p95 over every key of every launch, next to the server alone (the same list request
   over HTTP). A new word starts from an empty box (Esc), not from a burst of backspaces:
   Textual drops keys of a burst of backspaces sent in one write.

Everything runs on a tmux server of its own (``tmux -L``) with session names of this
process, killed at the end. Not a test: it prints figures and ratios.
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]

BARE_APP = r"""
from textual.app import App
from textual.widgets import DataTable
class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Name", "Email", "Emp. ID", "Persona", "Office", "Active")
        t.add_rows([(f"User {i}", f"user{i}@example.com", f"E{i:06}", "EMPLOYEE", "HQ", "yes") for i in range(100)])
Bare().run()
"""

POLL_S = 0.004


class Tmux:
    """A private tmux server; one 80x24 session at a time for the program under test."""

    def __init__(self) -> None:
        tag = f"spotnana-bench-{os.getpid()}"
        self.socket, self.session = tag, f"{tag}-run"
        # a session that only keeps the server up, so each launch meets a warm server
        self._tmux("new-session", "-d", "-s", f"{tag}-keep", "-x", "80", "-y", "24", "sleep 86400")

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        return out.stdout

    def launch(self, argv: list[str], env: dict[str, str]) -> float:
        """Start ``argv`` in a fresh 80x24 session; returns the monotonic time just before."""
        # -u: a shell that sets PYTHONDONTWRITEBYTECODE would recompile every module on each
        # launch (with PYTHONPYCACHEPREFIX not even textual's own .pyc files are read)
        command = shlex.join(["env", "-u", "PYTHONDONTWRITEBYTECODE", *(f"{k}={v}" for k, v in env.items()), *argv])
        t0 = time.monotonic()
        self._tmux("new-session", "-d", "-s", self.session, "-x", "80", "-y", "24", command)
        return t0

    def screen(self) -> list[str]:
        return self._tmux("capture-pane", "-p", "-t", self.session).splitlines()

    def wait_for(self, seen: Callable[[list[str]], bool], timeout: float = 30.0) -> float:
        """Poll the screen until ``seen``; returns the monotonic time it was first seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if seen(self.screen()):
                return time.monotonic()
            time.sleep(POLL_S)
        raise RuntimeError("timed out; the screen shows:\n" + "\n".join(self.screen()))

    def send(self, *keys: str) -> float:
        t0 = time.monotonic()
        self._tmux("send-keys", "-t", self.session, *keys)
        return t0

    def kill(self) -> None:
        self._tmux("kill-session", "-t", self.session)
        time.sleep(0.3)  # let the killed program go before the next one starts

    def close(self) -> None:
        self._tmux("kill-server")


def first_row_is(prefix: str, total: int | None = None) -> Callable[[list[str]], bool]:
    """The list's first row starts with ``prefix`` (and the status line says ``of total``)."""

    def seen(lines: list[str]) -> bool:
        for i, line in enumerate(lines[:-1]):
            if line.startswith("Name "):
                if not lines[i + 1].startswith(prefix):
                    return False
                return total is None or any(f"of {total:,}" in line for line in lines)
        return False

    return seen


def bare_row(lines: list[str]) -> bool:
    return any("user0@example.com" in line for line in lines)


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


class Sandbox:
    """``spotnana-tui sandbox`` in a process of its own, and what its list answers."""

    def __init__(self, users: int, seed: int = 42) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "sandbox", "--users", str(users), "--seed", str(seed)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=_child_env(),
        )
        info = {}
        assert self.proc.stdout is not None
        while len(info) < 4:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox did not start")
            key, _, value = line.strip().partition(": ")
            info[key] = value
        self.base_url, self.token, self.tmc_id = info["base_url"], info["token"], info["tmc_id"]
        self.http = httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.token}"})

    def first(self, text: str, default_status: str, page_size: int) -> tuple[str, int, float]:
        """The first row's name, the total and the HTTP time of the app's request for ``text``."""
        from tui.domain.query import parse_query

        body = parse_query(text).to_request(tmc_id=self.tmc_id, limit=page_size, default_status=default_status)
        t0 = time.perf_counter()
        answer = self.http.post("/v3/users/list", json=body).json()
        took = time.perf_counter() - t0
        users = answer.get("users") or []
        name = users[0]["personalDetail"]["name"] if users else {}
        full = " ".join(name.get(k) or "" for k in ("given", "middle", "family1", "family2") if name.get(k))
        return full, answer["pagination"]["totalNumResults"], took

    def stop(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _app_argv() -> list[str]:
    script = Path(sys.executable).with_name("spotnana-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def run(users: int, runs: int, queries: list[str]) -> None:
    from tui.config import load_settings

    if shutil.which("tmux") is None:
        raise SystemExit("the --terminal mode needs tmux")
    work = Path(tempfile.mkdtemp(prefix="spotnana-bench-tmux-"))
    bare_py = work / "bare.py"
    bare_py.write_text(BARE_APP)
    pyc = str(work / "pyc")  # compiled bytecode kept, as an installed app has it
    base_env = {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": pyc}
    homes = {kind: work / kind for kind in ("app", "demo")}
    for home in homes.values():
        home.mkdir()
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": str(homes["app"])}, create=False)
    status, page = settings.default_status, settings.page_size

    print(f"starting a sandbox of {users:,} users (its own process) …", flush=True)
    sandbox = Sandbox(users)
    tmux = Tmux()
    try:
        demo_first = _demo_first_row(status, page)
        app_first, app_total, _ = sandbox.first("", status, page)
        launches: dict[str, tuple[list[str], dict[str, str], Callable[[list[str]], bool]]] = {
            "bare": ([sys.executable, str(bare_py)], base_env, bare_row),
            "app": (
                [*_app_argv(), "--base-url", sandbox.base_url, "--tmc-id", sandbox.tmc_id],
                {**base_env, "SPOTNANA_TUI_HOME": str(homes["app"]), "SPOTNANA_TOKEN": sandbox.token},
                first_row_is(app_first[:12], app_total),
            ),
            "demo": (
                [*_app_argv(), "--demo", "--demo-users", "2000", "--demo-seed", "42"],
                {**base_env, "SPOTNANA_TUI_HOME": str(homes["demo"])},
                first_row_is(demo_first[:12]),
            ),
        }
        times: dict[str, list[float]] = {kind: [] for kind in launches}
        order = list(launches)
        for round_ in range(runs + 1):  # round 0 warms the file cache and writes the config files
            for kind in order[round_ % 3 :] + order[: round_ % 3]:
                argv, env, seen = launches[kind]
                t0 = tmux.launch(argv, env)
                took = tmux.wait_for(seen) - t0
                tmux.kill()
                if round_:
                    times[kind].append(took)
        bare = statistics.median(times["bare"])
        print(f"real terminal (tmux 80x24), launch -> rows on screen, median of {runs} interleaved runs:")
        print(f"  bare DataTable app   {bare * 1000:6.0f} ms")
        for kind, label, target in (("app", "app, running sandbox", 1.3), ("demo", "app --demo", 1.6)):
            med = statistics.median(times[kind])
            print(f"  {label:20} {med * 1000:6.0f} ms  ratio {med / bare:.2f}x (target <= {target}x)")

        _search(tmux, launches["app"], sandbox, queries, settings.debounce_ms, status, page, users, runs)
    finally:
        tmux.close()
        sandbox.stop()


def _demo_first_row(status: str, page: int) -> str:
    """The first row ``--demo`` shows: its sandbox is seeded, so one of the same seed knows it."""
    demo = Sandbox(2000)
    try:
        return demo.first("", status, page)[0]
    finally:
        demo.stop()


def _search(
    tmux: Tmux,
    launch: tuple,
    sandbox: Sandbox,
    queries: list[str],
    debounce_ms: int,
    status: str,
    page: int,
    users: int,
    runs: int,
) -> None:
    expected = [sandbox.first(q, status, page) for q in queries]
    server = [sandbox.first(q, status, page)[2] for q in queries for _ in range(2)]
    beyond: list[float] = []
    for _ in range(max(1, runs // 2)):
        argv, env, seen = launch
        tmux.launch(argv, env)
        tmux.wait_for(seen)
        tmux.send("/")
        time.sleep(0.3)
        unfiltered = sandbox.first("", status, page)[:2]
        typed, shown = "", unfiltered
        for query, (name, total, _) in zip(queries, expected, strict=True):
            if not query.startswith(typed):  # a new word: Esc clears the box (and searches)
                tmux.send("Escape")
                tmux.wait_for(first_row_is(unfiltered[0][:12], unfiltered[1]))
                time.sleep(0.3)  # past Textual's wait for the rest of an escape sequence
                typed, shown = "", unfiltered
            t0 = tmux.send(*query[len(typed) :])  # one send-keys: a burst within the debounce
            typed = query
            if (name[:12], total) == (shown[0][:12], shown[1]):
                time.sleep(0.5)  # nothing on screen would change: not measurable, let it settle
                continue
            t1 = tmux.wait_for(first_row_is(name[:12], total))
            shown = (name, total)
            beyond.append(t1 - t0 - debounce_ms / 1000)
            time.sleep(0.05)
        tmux.kill()
    print(
        f"real terminal search ({users:,} users), send-keys -> new first row and total on screen, "
        f"beyond the {debounce_ms} ms debounce, {len(beyond)} keys:"
    )
    print(
        f"  p50 {_pct(beyond, 50) * 1000:.0f} ms, p95 {_pct(beyond, 95) * 1000:.0f} ms (target p95 <= 60 ms); "
        f"the server alone over HTTP p50 {_pct(server, 50) * 1000:.0f} ms, p95 {_pct(server, 95) * 1000:.0f} ms"
    )
