"""Run the app from the command line (``tui.cli`` calls :func:`run_app`)."""

from __future__ import annotations

import logging
from typing import Any

from tui.config import Environment, Settings

__all__ = ["run_app"]


def _log_to_file(settings: Settings) -> None:
    """Warnings and errors go to ``<log dir>/app.log`` (never the screen, never a secret)."""
    try:
        settings.paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(settings.paths.log_dir / "app.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tui")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def run_app(settings: Settings, env: Environment, client_factory: Any = None) -> int:
    """Run the TUI until the agent quits; returns the process exit code."""
    from tui.ui.app import SpotnanaApp

    _log_to_file(settings)
    app = SpotnanaApp(settings, env, client_factory=client_factory)
    app.run()
    return app.return_code or 0
