"""The ``--demo`` sandbox in a process of its own, started before the app loads (POSIX).

    with SandboxProcess(SandboxConfig(users=2000)) as sb:
        ... sb.base_url, sb.tmc_id and sb.token are known at once ...
    sb.error  # why the sandbox stopped early, or None

Start-up is CPU-bound on both sides: the app imports and lays out Textual while the sandbox
imports its server and models and seeds its index. In a thread of the app the two share one
interpreter lock and take turns; in a process of its own the sandbox runs on another core, and
is usually answering by the time the app asks for its first page.

As with :class:`~tui.sandbox.background.BackgroundSandbox`, the socket is bound and listening
here before the child starts, and the tenant's ids come from the seed, so a client may connect at
once: its request waits in the socket's backlog. The child serves on that socket (passed as a
file descriptor); this process closes its own copy, so a child that fails takes the socket with
it and a waiting client sees the connection refused rather than hang (:attr:`error` then says
why, from the child's stderr). The child never touches the terminal (its stdout and stderr are
not the app's) and is in a session of its own (the terminal's Ctrl+C is the app's); it ends with
this process: it watches its stdin, a pipe only this process holds, and stops once it closes.

On Linux the child is a fork of this process, taken before the app has loaded anything or
started a thread: no second interpreter to start and no modules loaded twice (about 30 ms of
the child's way to its first answer, and as much CPU less while both start). Elsewhere (macOS,
where a fork without exec is unsafe once system libraries are in use) it is a new interpreter:
``python -m tui.sandbox.process FD CONFIG_JSON`` is that child's entry.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import signal
import socket
import sys
import tempfile
import time
from typing import Any

from .config import SandboxConfig
from .listen import listening_socket
from .seed_ids import tmc_id_of

__all__ = ["SandboxProcess", "supported"]


def supported() -> bool:
    """Passing the listening socket to a child needs POSIX file descriptor inheritance."""
    return os.name == "posix"


FORK = sys.platform.startswith("linux")
"""Whether the child is a fork of this process (else a new interpreter)."""


class SandboxProcess:
    def __init__(self, cfg: SandboxConfig, *, fork: bool | None = None) -> None:
        self.config = cfg
        self.tmc_id = tmc_id_of(cfg.seed)
        self.token = cfg.token
        self.error: str | None = None
        sock = listening_socket(cfg)
        self.base_url = f"http://{cfg.host}:{sock.getsockname()[1]}"
        settings = {
            k: (str(v) if k == "state_file" and v is not None else v) for k, v in dataclasses.asdict(cfg).items()
        }
        self._stderr = tempfile.TemporaryFile()
        try:
            if FORK if fork is None else fork:
                self._proc: Any = _Forked(sock, settings, self._stderr.fileno())
            else:
                import subprocess

                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "tui.sandbox.process", str(sock.fileno()), json.dumps(settings)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=self._stderr,
                    pass_fds=(sock.fileno(),),
                    start_new_session=True,
                )
        finally:
            sock.close()  # the child's copy is the only one: its exit closes the socket

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the child (it saves its state file, if any) and note why it ended early (once)."""
        if self._stderr.closed:
            return
        proc = self._proc
        early = proc.poll()
        if early is None:
            if proc.stdin is not None:
                proc.stdin.close()  # the child's cue to stop
            import subprocess  # (loaded by now: asyncio uses it)

            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        elif early != 0:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            self.error = lines[-1] if lines else f"exit status {early}"
        self._stderr.close()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Forked:
    """The child as a fork of this process, with what :class:`SandboxProcess` uses of a
    ``subprocess.Popen``: ``pid``, ``stdin``, ``poll``, ``wait`` and ``kill``."""

    def __init__(self, sock: socket.socket, settings: dict[str, Any], stderr_fd: int) -> None:
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # (nothing buffered gets written twice)
            if stream is not None:
                stream.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                os.setsid()  # a session of its own: the terminal's Ctrl+C is the app's
                os.close(write)
                os.dup2(read, 0)
                os.close(read)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.close(null)
                os.dup2(stderr_fd, 2)
                # (this process's sys.stdout/sys.stderr may be anything: a test's capture, say)
                sys.stdout = open(1, "w", buffering=1, closefd=False)
                sys.stderr = open(2, "w", buffering=1, closefd=False)
                code = _main(sock.fileno(), settings)
            finally:
                try:
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        os.close(read)
        self.pid = pid
        self.stdin = os.fdopen(write, "wb", buffering=0)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while (code := self.poll()) is None:
            if time.monotonic() >= deadline:
                import subprocess

                raise subprocess.TimeoutExpired(f"sandbox process {self.pid}", timeout)
            time.sleep(0.01)
        return code

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


def _main(fd: int, settings: dict[str, Any]) -> int:
    """The child's life: serve until told to stop; a failure is one line on its stderr."""
    gc.disable()
    try:
        _serve(fd, settings)
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # one line for the parent to show (see SandboxProcess.stop)
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def _serve(fd: int, settings: dict[str, Any]) -> None:
    """The child: serve on the inherited socket until the parent closes our stdin."""
    import threading

    def parent_gone() -> None:
        # EOF: the parent closed the pipe, or is gone. (The raw descriptor, not sys.stdin: a
        # daemon thread blocked in a buffered read makes the interpreter's exit abort.)
        while os.read(0, 4096):
            pass
        os.kill(os.getpid(), signal.SIGTERM)  # the server's graceful stop

    threading.Thread(target=parent_gone, name="parent-watch", daemon=True).start()
    sock = socket.socket(fileno=fd)
    from .server import Sandbox

    sandbox = Sandbox(SandboxConfig(**settings), sock=sock)
    # (no cycle collections while loading and seeding: the index is not garbage, and later
    # collections skip it once frozen)
    gc.freeze()
    gc.enable()
    sandbox.run()


if __name__ == "__main__":
    raise SystemExit(_main(int(sys.argv[1]), json.loads(sys.argv[2])))
