"""How old a cached copy is, in words: ``just now``, ``5 min ago``, ``2 h ago``, ``3 d ago``
(``cache status``, and the offline banner and tabs). UI-free, no imports: cheap to load."""

from __future__ import annotations

import time

__all__ = ["ago"]


def ago(stamp: float | None, now: float | None = None) -> str:
    """``stamp`` (seconds since the epoch) in words; ``never`` for None."""
    if stamp is None:
        return "never"
    seconds = max(0.0, (time.time() if now is None else now) - stamp)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"
