"""A local, stateful stand-in for the Spotnana Users API (seeded data, edits, faults)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import SandboxConfig

if TYPE_CHECKING:
    from .server import Sandbox, serve_forever, start_sandbox

__all__ = ["Sandbox", "SandboxConfig", "serve_forever", "start_sandbox"]


def __getattr__(name: str) -> Any:
    """The server (starlette, the models) loads on first use: ``--demo`` imports
    ``tui.sandbox.background`` on the main thread and the server in its start-up thread."""
    if name in ("Sandbox", "serve_forever", "start_sandbox"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
