"""Habits of the code that CI keeps: ruff's lint and format are clean over the repository, and the
type checker over what ``[tool.mypy]`` names (tui/api and tui/domain), with the settings as they
are in pyproject.toml."""

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


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_ruff_lint_is_clean() -> None:
    out = _ruff("check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_is_clean() -> None:
    out = _ruff("format", "--check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout + out.stderr
