"""Habits of the code that CI keeps: the type checker is clean over what ``[tool.mypy]`` names
(tui/api and tui/domain), with its settings as they are in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_is_clean() -> None:
    # From the repository root, so mypy reads pyproject.toml and keeps its incremental cache in
    # .mypy_cache (gitignored): a warm run takes a second or two, a cold one some seconds more.
    out = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    report = out.stdout + out.stderr
    assert out.returncode == 0, report
    assert "Success" in out.stdout, report
