"""A sandbox that starts in a thread while the caller goes on (``spotnana-tui --demo``).

    sandbox = BackgroundSandbox(SandboxConfig(users=2000))
    ... sandbox.base_url, sandbox.tmc_id and sandbox.token are known at once ...
    sandbox.stop()

The socket is bound and listening before the thread starts, and the tenant's ids come from
the seed, so a client can send its first request right away: it waits in the socket's backlog
until the server (starlette, the routes, the seeded store) is up. This module imports
none of that itself. A start that fails closes the socket, so a waiting client sees the
connection fail rather than hang; :attr:`error` then says what went wrong.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .config import SandboxConfig
from .listen import listening_socket
from .seed import Seeder

if TYPE_CHECKING:
    import socket

    from .server import Sandbox

__all__ = ["BackgroundSandbox"]


class BackgroundSandbox:
    def __init__(self, cfg: SandboxConfig) -> None:
        self.config = cfg
        self._seeder = Seeder(seed=cfg.seed, n_users=cfg.users)
        self.tmc_id = self._seeder.tmc_id
        self.token = cfg.token
        self._sock: socket.socket = listening_socket(cfg)
        self.base_url = f"http://{cfg.host}:{self._sock.getsockname()[1]}"
        self.sandbox: Sandbox | None = None
        self.error: BaseException | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._start, name="sandbox-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            from .server import Sandbox

            self.sandbox = Sandbox(self.config, self._seeder, sock=self._sock).start()
        except Exception as exc:  # kept in .error for the caller to report
            self.error = exc
            self._sock.close()
        finally:
            self._started.set()

    def wait(self, timeout: float | None = None) -> Sandbox:
        """The running sandbox, once it is up (raises what made its start fail)."""
        if not self._started.wait(timeout):
            raise TimeoutError(f"the sandbox on {self.base_url} did not start")
        if self.error is not None:
            raise RuntimeError(f"the sandbox did not start: {self.error}") from self.error
        assert self.sandbox is not None
        return self.sandbox

    def stop(self) -> None:
        """Stop the server once its start is over (a failed start has nothing to stop)."""
        self._started.wait(30)
        if self.sandbox is not None:
            self.sandbox.stop()

    def __enter__(self) -> BackgroundSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
