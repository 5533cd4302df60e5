"""Python's cycle collector, held off while the app starts.

Start-up allocates a great deal and frees little (modules, the stylesheet, widgets), so the
cyclic garbage collector runs again and again over ever more objects: in tmux at 80x24 against a
local sandbox that was about a sixth of the CPU time to the first rows. ``tui.cli`` calls
:func:`pause` first thing; the app calls :func:`resume` a moment after its first page is on
screen (and at the latest ``START_LIMIT`` seconds after it mounted, or when it ends): one
collection, then ``gc.freeze()`` (later collections skip the app's long-lived objects, so they
stay short while the agent works), then the collector is on again.

Reference counting frees everything that is not a cycle meanwhile, as always; only garbage
cycles wait. :func:`resume` only undoes this module's own :func:`pause` (a process that turned
the collector off itself keeps it off) and does nothing the second time.
"""

from __future__ import annotations

import gc

__all__ = ["pause", "resume", "paused", "RESUME_AFTER", "START_LIMIT"]

RESUME_AFTER = 0.5
"""Seconds after the first page is painted (its frame written) before the collection runs."""
START_LIMIT = 5.0
"""Seconds after the app mounted by which the collector is on again, first page or not."""

_paused = False


def paused() -> bool:
    return _paused


def pause() -> None:
    """Stop the cycle collector (if it runs) until :func:`resume`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(*, collect: bool = True) -> None:
    """Collect once (unless ``collect`` is false), freeze what is left, turn the collector on."""
    global _paused
    if not _paused:
        return
    _paused = False
    if collect:
        gc.collect()
    gc.freeze()
    gc.enable()
