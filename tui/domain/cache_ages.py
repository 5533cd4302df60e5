"""How old a cached copy or a draft is, in words: ``just now``, ``5 min ago``, ``2 h ago``,
``3 d ago`` (``cache status``, ``drafts list``, the offline banner, tabs and the drafts screen).
UI-free, no imports: cheap to load. One place, so every screen and command says it alike."""

from __future__ import annotations

import time

__all__ = ["ago", "age_words", "age_text", "short_age"]


def age_words(seconds: float) -> str:
    """``"just now"``, ``"5 min"``, ``"2 h"``, ``"3 d"``."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def age_text(seconds: float) -> str:
    """``"just now"``, ``"5 min ago"``, ``"3 d ago"``."""
    text = age_words(seconds)
    return text if text == "just now" else f"{text} ago"


def short_age(seconds: float) -> str:
    """An age in three cells or so, for a tab label: ``"now"``, ``"5m"``, ``"2h"``, ``"3d"``."""
    text = age_words(seconds)
    return "now" if text == "just now" else text.replace(" min", "m").replace(" ", "")


def ago(stamp: float | None, now: float | None = None) -> str:
    """``stamp`` (seconds since the epoch) in words; ``never`` for None."""
    if stamp is None:
        return "never"
    return age_text((time.time() if now is None else now) - stamp)
