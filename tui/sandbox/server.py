"""Run the sandbox: its HTTP server (http_server.py) on 127.0.0.1 in a background thread
(start_sandbox) or in the foreground (serve_forever)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from typing import Any, TextIO

from .config import SandboxConfig
from .faults import Faults, RequestLog
from .http_server import HttpServer
from .listen import listening_socket
from .routes import build_app
from .seed import Seeder
from .store import Store


def _seeder(cfg: SandboxConfig) -> Seeder:
    return Seeder(seed=cfg.seed, n_users=cfg.users)


class Sandbox:
    """A running sandbox. Use as a context manager, or call :meth:`stop`.

    ``sock``: a :func:`listening_socket` to serve on (default: one bound here)."""

    def __init__(self, cfg: SandboxConfig, seeder: Any = None, sock: socket.socket | None = None) -> None:
        self.config = cfg
        self.store = Store(seeder if seeder is not None else _seeder(cfg), cfg.state_file, warm=not cfg.lazy_index)
        self.faults = Faults(cfg.latency_ms, cfg.error_rate, cfg.rate_limit, seed=cfg.seed)
        self.requests = RequestLog()  # (method, path, status) of the last API requests, oldest first
        self.token = cfg.token
        self.tmc_id = self.store.tmc_id
        self.company_ids = list(self.store.company_ids)
        self.app = build_app(
            self.store,
            self.faults,
            self.requests,
            token=cfg.token,
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
            token_expires_in=cfg.token_expires_in,
        )
        self._sock = sock if sock is not None else listening_socket(cfg)
        self.port = self._sock.getsockname()[1]
        self.base_url = f"http://{cfg.host}:{self.port}"
        self._server = HttpServer(self.app, self._sock)
        self._thread: threading.Thread | None = None

    def info(self) -> dict[str, str]:
        return {
            "base_url": self.base_url,
            "token": self.token,
            "tmc_id": self.tmc_id,
            "company_ids": ",".join(self.company_ids),
        }

    def start(self, timeout: float = 10.0) -> Sandbox:
        self._thread = threading.Thread(target=self._server.run, name=f"sandbox:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sandbox did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def run(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C)."""
        try:
            self._server.run()
        finally:
            self._close()

    def stop(self) -> None:
        self.faults.closing = True
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._close()

    def _close(self) -> None:
        try:
            self._sock.close()
        finally:
            self.store.save()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(cfg: SandboxConfig | None = None, *, seeder: Any = None) -> Sandbox:
    """Start a sandbox in a background thread; returns once it accepts connections."""
    return Sandbox(cfg or SandboxConfig(), seeder).start()


def serve_forever(cfg: SandboxConfig | None = None, out: TextIO | None = None) -> None:
    """Run in the foreground; first print ``key: value`` lines (base_url, token, tmc_id,
    company_ids) so a caller can connect."""
    out = out or sys.stdout
    sb = Sandbox(cfg or SandboxConfig())
    for key, value in sb.info().items():
        print(f"{key}: {value}", file=out)
    out.flush()
    sb.run()
