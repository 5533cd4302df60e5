"""Where the audit trail lives (until :class:`tui.config.Paths` names a data dir itself)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["audit_path", "AUDIT_FILE"]

AUDIT_FILE = "audit.jsonl"


def audit_path(settings: Any = None, environ: Mapping[str, str] | None = None) -> Path:
    """The audit file: ``settings.paths.audit_file`` or ``settings.paths.data_dir/audit.jsonl``
    when the settings know one; else ``$SPOTNANA_TUI_HOME/data/audit.jsonl``; else the
    platform's user data dir for ``spotnana-tui``."""
    paths = getattr(settings, "paths", None)
    for attr in ("audit_file", "audit_path"):
        value = getattr(paths, attr, None)
        if value:
            return Path(value)
    data_dir = getattr(paths, "data_dir", None)
    if data_dir:
        return Path(data_dir) / AUDIT_FILE
    environ = os.environ if environ is None else environ
    home = environ.get("SPOTNANA_TUI_HOME")
    if home:
        return Path(home).expanduser() / "data" / AUDIT_FILE
    import platformdirs

    return Path(platformdirs.user_data_dir("spotnana-tui", appauthor=False)) / AUDIT_FILE
