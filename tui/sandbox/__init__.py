"""A local, stateful stand-in for the Spotnana Users API (seeded data, edits, faults)."""

from .config import SandboxConfig
from .server import Sandbox, serve_forever, start_sandbox

__all__ = ["Sandbox", "SandboxConfig", "serve_forever", "start_sandbox"]
