"""``httpx``, imported without its command-line client.

``import httpx`` also imports ``httpx._main`` (the ``httpx`` console command) whenever click,
pygments and rich are installed — they are, through textual — which costs ~25 ms of start-up
for code this package never runs. Blocking that one submodule while httpx loads makes its
``__init__`` take its own "CLI dependencies missing" fallback; the block is lifted right
after, so ``import httpx._main`` still works later. Modules of ``tui.api`` import httpx as
``from tui.api._httpx import httpx``.
"""

from __future__ import annotations

import sys

if "httpx" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]  # -> ImportError inside httpx
    try:
        import httpx
    finally:
        if "httpx._main" in sys.modules and sys.modules["httpx._main"] is None:
            del sys.modules["httpx._main"]

import httpx

__all__ = ["httpx"]
