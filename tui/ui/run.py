"""Run the app from the command line (``tui.cli`` calls :func:`run_app`)."""

from __future__ import annotations

import logging
from typing import Any

from tui.config import Environment, Settings
from tui.domain.private_files import private_dir, private_file

__all__ = ["run_app"]


def _log_to_file(settings: Settings) -> None:
    """Warnings and errors go to ``<log dir>/app.log`` (never the screen, never a secret). The
    log names users: its folder is 0700 and the file 0600, also when they exist already."""
    path = settings.paths.log_dir / "app.log"
    try:
        private_dir(settings.paths.log_dir, tighten_existing=True)
        private_file(path)  # before the handler opens it: created 0600, or tightened
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tui")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def run_app(settings: Settings, env: Environment, client_factory: Any = None, *, offline: bool = False) -> int:
    """Run the TUI until the agent quits (``offline``: on the cache, without connecting);
    returns the process exit code."""
    from tui.ui import startup_gc
    from tui.ui.app import SpotnanaApp

    _log_to_file(settings)
    app = SpotnanaApp(settings, env, client_factory=client_factory, offline=offline)
    try:
        app.run()
    finally:
        startup_gc.resume(collect=False)
    return app.return_code or 0
