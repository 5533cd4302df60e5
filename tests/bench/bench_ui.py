"""UI benchmark: start-up, search latency, memory — each next to a bare Textual DataTable app.

    python tests/bench/bench_ui.py [--runs 5] [--users 100000] [--keys 24] [--terminal]

--terminal measures the same in a real terminal instead (tmux at 80x24, see bench_terminal.py):
launch -> rows on screen for the app against a running sandbox, ``--demo`` and the bare app,
interleaved, and search keystroke -> new first row on screen.

1. start-up: process start -> first page painted (headless), the app against an in-process
   sandbox (started by this script, outside the timed child) vs a bare app that paints one
   DataTable of 100 rows. Median of --runs.
2. search: keystroke -> repaint of the new first page, p50/p95, against a sandbox of --users
   users, minus the debounce; the bare app refills its DataTable with 100 rows per key.
3. memory: peak RSS of a child that scrolls through 10,000 users vs a bare DataTable child
   holding 10,000 rows.
Targets (from the issue): start-up <= 1.3x bare, search p95 < 60 ms beyond the debounce,
peak memory < 200 MB. Not a pytest test (the filename keeps it out of collection).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# -- children ---------------------------------------------------------------------------------

BARE_START = r"""
import sys, time
from textual.app import App
from textual.widgets import DataTable
class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Name", "Email", "Emp. ID", "Persona", "Office", "Active")
        t.add_rows([(f"User {i}", f"user{i}@example.com", f"E{i:06}", "EMPLOYEE", "HQ", "yes") for i in range(100)])
        self.call_after_refresh(self.done)
    def done(self):
        print("PAINTED", time.time(), flush=True)
        self.exit()
Bare().run(headless=True)
"""

APP_START = r"""
from tui.ui import startup_gc
startup_gc.pause()  # as tui.cli.main does before it loads the app
import sys, time, json
cfg = json.loads(sys.argv[1])
from tui.config import Environment, load_settings
from tui.ui.app import SpotnanaApp
settings = load_settings(environ={"SPOTNANA_TUI_HOME": cfg["home"]}, create=False)
env = Environment("bench", cfg["base_url"], tmc_id=cfg["tmc_id"], token=cfg["token"])
app = SpotnanaApp(settings, env)
def painted():
    print("PAINTED", time.time(), flush=True)
    app.exit()
app.first_page_painted = painted
app.run(headless=True)
"""

# VmHWM, not ru_maxrss: Linux keeps the parent's peak (a 100k-user sandbox) across fork+exec
PEAK = r"""
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

BARE_MEMORY = (
    PEAK
    + r"""
from textual.app import App
from textual.widgets import DataTable
class Bare(App):
    def compose(self):
        yield DataTable()
    async def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Name", "Email", "Emp. ID", "Persona", "Office", "Active")
        for page in range(100):
            t.add_rows([(f"User {i}", f"user{i}@example.com", f"E{i:06}", "EMPLOYEE", "HQ", "yes")
                        for i in range(page * 100, page * 100 + 100)])
            t.move_cursor(row=page * 100 + 99)
        self.call_after_refresh(self.exit)
Bare().run(headless=True)
print("PEAK_KB", peak_kb(), flush=True)
"""
)

APP_MEMORY = (
    PEAK
    + r"""
import asyncio, json, sys
cfg = json.loads(sys.argv[1])
from tui.config import Environment, load_settings
from tui.ui.app import SpotnanaApp
async def main():
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": cfg["home"]}, create=False)
    env = Environment("bench", cfg["base_url"], tmc_id=cfg["tmc_id"], token=cfg["token"])
    app = SpotnanaApp(settings, env)
    async with app.run_test(size=(120, 40), headless=True) as pilot:
        while not getattr(app.screen, "model", None) or not app.screen.model.loaded:
            await pilot.pause(0.05)
        screen = app.screen
        while screen.table.cursor < 10_000:
            await pilot.press("pagedown")
            while screen.model.loading:
                await pilot.pause(0.01)
        assert screen.model.row(screen.table.cursor) is not None
        await app.workers.wait_for_complete()
asyncio.run(main())
print("PEAK_KB", peak_kb(), flush=True)
"""
)


# Children keep compiled bytecode (in a private folder, not the repo) even when this shell sets
# PYTHONDONTWRITEBYTECODE: textual comes precompiled from its install, so without this only the
# app would recompile its own modules on every run — not what an installed app does.
_PYCACHE = tempfile.mkdtemp(prefix="spotnana-bench-pyc-")


def _child(code: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "PYTHONPYCACHEPREFIX": _PYCACHE}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"child failed: {out.stderr[-2000:]}")
    return start, out.stdout


def _painted_after(code: str, *args: str) -> float:
    start, out = _child(code, *args)
    line = next(line for line in out.splitlines() if line.startswith("PAINTED"))
    return float(line.split()[1]) - start


def _peak_mb(code: str, *args: str) -> float:
    _, out = _child(code, *args)
    line = next(line for line in out.splitlines() if line.startswith("PEAK_KB"))
    return int(line.split()[1]) / 1024


# -- search latency (in this process, pilot) ---------------------------------------------------

QUERIES = [
    "m",
    "ma",
    "mar",
    "mari",
    "maria",
    "k",
    "ke",
    "ken",
    "s",
    "sm",
    "smi",
    "smit",
    "smith",
    "a",
    "ah",
    "ahm",
    "ahme",
    "j",
    "jo",
    "joh",
    "john",
    "l",
    "li",
    "lin",
]


async def _app_latency(cfg: dict, keys: int) -> tuple[list[float], int]:
    from tui.config import Environment, load_settings
    from tui.ui.app import SpotnanaApp

    settings = load_settings(environ={"SPOTNANA_TUI_HOME": cfg["home"]}, create=False)
    env = Environment("bench", cfg["base_url"], tmc_id=cfg["tmc_id"], token=cfg["token"])
    app = SpotnanaApp(settings, env)
    out: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while not getattr(screen, "model", None) or not screen.model.loaded:
            await pilot.pause(0.05)
            screen = app.screen
        for query in QUERIES[:keys]:
            screen.search.value = query[:-1]  # type the last character for real
            screen.start_query()
            while screen.model.loading:
                await pilot.pause(0.005)
            screen.set_focus(screen.search)
            await pilot.pause()
            generation = screen.model.generation
            t0 = time.monotonic()
            await pilot.press(query[-1])
            while screen.painted_generation <= generation:
                await pilot.pause(0.002)
            out.append(screen.last_page_at - max(t0, screen.typed_at))  # from the key being handled
    return out, settings.debounce_ms


async def _bare_latency(keys: int) -> list[float]:
    from textual.app import App
    from textual.widgets import DataTable, Input

    class Bare(App):
        painted = 0.0
        typed = 0.0

        def compose(self):
            yield Input()
            yield DataTable()

        def on_mount(self):
            self.query_one(DataTable).add_columns("Name", "Email", "Emp. ID", "Persona", "Office", "Active")

        def on_input_changed(self, event):
            self.typed = time.monotonic()
            t = self.query_one(DataTable)
            t.clear()
            t.add_rows(
                [(f"{event.value} {i}", f"u{i}@x.example", f"E{i}", "EMPLOYEE", "HQ", "yes") for i in range(100)]
            )
            self.call_after_refresh(self._mark)

        def _mark(self):
            self.painted = time.monotonic()

    app = Bare()
    out = []
    async with app.run_test(size=(120, 40)) as pilot:
        for query in QUERIES[:keys]:
            t0 = time.monotonic()
            await pilot.press(query[-1])
            while app.painted < t0:
                await pilot.pause(0.002)
            out.append(app.painted - max(t0, app.typed))
    return out


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=len(QUERIES))
    parser.add_argument("--terminal", action="store_true", help="measure in tmux at 80x24 (bench_terminal.py)")
    args = parser.parse_args()
    _load("before")
    if args.terminal:
        from tests.bench.bench_terminal import run

        run(args.users, args.runs, QUERIES[: args.keys])
        _load("after")
        return 0

    from tui.sandbox import SandboxConfig, start_sandbox

    home = tempfile.mkdtemp(prefix="spotnana-bench-")
    print(f"starting a sandbox of {args.users:,} users …", flush=True)
    with start_sandbox(SandboxConfig(users=args.users, seed=42)) as sb:
        cfg = {"home": home, "base_url": sb.base_url, "tmc_id": sb.tmc_id, "token": sb.token}
        arg = json.dumps(cfg)

        _painted_after(BARE_START), _painted_after(APP_START, arg)  # warm the file cache
        bare = statistics.median(_painted_after(BARE_START) for _ in range(args.runs))
        ours = statistics.median(_painted_after(APP_START, arg) for _ in range(args.runs))
        print(
            f"start-up to first page painted: app {ours * 1000:.0f} ms, bare DataTable {bare * 1000:.0f} ms, "
            f"ratio {ours / bare:.2f}x (target <= 1.3x)"
        )

        app_runs, bare_runs = [], []
        for _ in range(max(1, args.runs // 2)):
            lat, debounce = asyncio.run(_app_latency(cfg, args.keys))
            app_runs.append(lat)
            bare_runs.append(asyncio.run(_bare_latency(args.keys)))
        beyond = [[v - debounce / 1000 for v in run] for run in app_runs]
        p50 = statistics.median(_pct(run, 50) for run in beyond)
        p95 = statistics.median(_pct(run, 95) for run in beyond)
        b50 = statistics.median(_pct(run, 50) for run in bare_runs)
        b95 = statistics.median(_pct(run, 95) for run in bare_runs)
        print(
            f"search keystroke -> repaint beyond the {debounce} ms debounce ({args.users:,} users): "
            f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target p95 < 60 ms); "
            f"bare DataTable refill p50 {b50 * 1000:.1f} ms, p95 {b95 * 1000:.1f} ms; "
            f"ratio p50 {p50 / b50:.1f}x, p95 {p95 / b95:.1f}x"
        )

        runs = max(1, args.runs // 2)
        mem = statistics.median(_peak_mb(APP_MEMORY, arg) for _ in range(runs))
        bare_mem = statistics.median(_peak_mb(BARE_MEMORY) for _ in range(runs))
        print(
            f"peak memory after scrolling 10,000 users: app {mem:.0f} MB, bare DataTable with 10,000 rows "
            f"{bare_mem:.0f} MB, ratio {mem / bare_mem:.2f}x (target < 200 MB)"
        )
    _load("after")
    return 0


def _load(when: str) -> None:
    """The machine's load average: figures taken under load are noisy (the ratios less so)."""
    if hasattr(os, "getloadavg"):
        one, five, fifteen = os.getloadavg()
        print(f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
