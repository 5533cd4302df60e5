"""Settings of one sandbox run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SandboxConfig:
    """How to start a sandbox: size and seed of the fake tenant, where to listen, faults.

    ``port=0`` picks a free port. ``state_file`` (if set) keeps edits, created users and
    favorites across runs (loaded at start, saved after every write and at shutdown).
    ``rate_limit`` is in requests per second (``None``: unlimited). ``lazy_index``: the search
    index's bitsets are taken after the first answer (in a thread) instead of before serving,
    so that a first, unfiltered page comes sooner (the ``--demo`` sandbox).
    """

    users: int = 1000
    seed: int = 42
    port: int = 0
    token: str = "sandbox-token"
    state_file: str | Path | None = None
    latency_ms: float = 0
    error_rate: float = 0.0
    rate_limit: float | None = None
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    host: str = "127.0.0.1"
    token_expires_in: int = 3600
    lazy_index: bool = False
