"""Progress of a long command on stderr: a bar on a terminal, one line per 5 % otherwise (CI
and cron logs stay short and readable)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = ["ProgressPrinter", "clock"]

STEP = 0.05
BAR = 24


def clock(seconds: float | None) -> str:
    """``0:07``, ``1:02:03``; ``--:--`` when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--:--"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPrinter:
    """``update(progress)`` with a ``PlanProgress`` or a ``JobProgress`` (anything with
    ``done``, ``total``, ``rate``, ``eta``; counts when it has them); ``close()`` ends the bar."""

    def __init__(self, what: str, out: TextIO | None = None, tty: bool | None = None) -> None:
        self.what = what
        self.out = out or sys.stderr
        self.tty = self.out.isatty() if tty is None else tty
        self._next = 0.0
        self._drawn = False
        self._last = ""

    def _text(self, p: Any) -> str:
        total = max(0, int(p.total))
        done = int(p.done)
        pct = 100 * done / total if total else 100.0
        parts = [f"{self.what}: {done}/{total} ({pct:.0f}%)"]
        counts = [
            f"{getattr(p, k)} {k}"
            for k in ("changed", "skipped", "failed", "already")
            if hasattr(p, k) and getattr(p, k)
        ]
        if counts:
            parts.append(", ".join(counts))
        parts.append(f"{p.rate:.1f}/s")
        parts.append(f"ETA {clock(p.eta)}")
        state = getattr(p, "state", "")
        if state and state not in ("running", "finished"):
            parts.append(state)
        if getattr(p, "waiting", 0) > 0:
            parts.append(f"rate-limited, waiting {p.waiting:.0f}s")
        return " · ".join(parts)

    def update(self, p: Any) -> None:
        text = self._text(p)
        fraction = p.done / p.total if p.total else 1.0
        if self.tty:
            filled = int(BAR * fraction)
            line = f"\r[{'#' * filled}{'.' * (BAR - filled)}] {text}"
            self.out.write(line.ljust(len(self._last)))
            self._last = line
            self._drawn = True
            self.out.flush()
            return
        if fraction + 1e-9 >= self._next or p.done == p.total:
            if text != self._last:
                self.out.write(text + "\n")
                self.out.flush()
                self._last = text
            while self._next <= fraction + 1e-9:
                self._next += STEP

    def close(self) -> None:
        if self.tty and self._drawn:
            self.out.write("\n")
            self.out.flush()
            self._drawn = False
