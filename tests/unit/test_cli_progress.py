"""Progress on stderr: one line per 5 % in a log, one redrawn bar on a terminal."""

from __future__ import annotations

import io

from tui.cli_progress import ProgressPrinter, clock
from tui.domain.bulk_plan import PlanProgress
from tui.domain.runner import JobProgress


def test_a_log_gets_a_line_per_5_percent() -> None:
    out = io.StringIO()
    printer = ProgressPrinter("job J", out, tty=False)
    for done in range(0, 401):
        printer.update(JobProgress("J", 400, done=done, changed=done, elapsed=done / 50 + 0.001))
    printer.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 21 and "\r" not in out.getvalue()
    assert lines[1].startswith("job J: 20/400 (5%) · 20 changed · ") and "ETA 0:08" in lines[1]  # 380 left at 50/s
    assert lines[-1].startswith("job J: 400/400 (100%)") and lines[-1].endswith("ETA 0:00")


def test_a_terminal_gets_one_bar_redrawn_in_place() -> None:
    out = io.StringIO()
    printer = ProgressPrinter("planning", out, tty=True)
    for done in range(1, 11):
        printer.update(PlanProgress(done, 10, elapsed=done * 0.5))
    printer.close()
    text = out.getvalue()
    assert text.count("\r") == 10 and text.endswith("\n") and text.count("\n") == 1
    assert "[########################] planning: 10/10 (100%) · 2.0/s" in text


def test_paused_and_rate_limited_show_on_the_line() -> None:
    out = io.StringIO()
    ProgressPrinter("job", out, tty=False).update(JobProgress("J", 10, done=10, state="paused", waiting=3, elapsed=1))
    assert "paused" in out.getvalue() and "rate-limited, waiting 3s" in out.getvalue()
    assert clock(None) == "--:--" and clock(3725) == "1:02:05" and clock(65) == "1:05"
