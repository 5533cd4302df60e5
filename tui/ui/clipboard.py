"""Copying a value where the agent can paste it: the terminal's clipboard (OSC 52, works over
SSH) and, inside tmux, the tmux paste buffer (tmux may not pass OSC 52 through)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

__all__ = ["in_tmux", "load_tmux_buffer"]

TMUX_TIMEOUT = 2.0


def in_tmux(environ: Mapping[str, str] | None = None) -> bool:
    return bool((os.environ if environ is None else environ).get("TMUX"))


async def load_tmux_buffer(value: str, timeout: float = TMUX_TIMEOUT) -> str | None:
    """``tmux load-buffer -`` with ``value`` on stdin (no shell, never on the command line).
    None when it worked, else a one-line reason."""
    try:
        process = await asyncio.create_subprocess_exec(
            "tmux",
            "load-buffer",
            "-",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        return f"tmux could not be run ({exc.strerror or type(exc).__name__})"
    try:
        _, err = await asyncio.wait_for(process.communicate(value.encode()), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return f"tmux did not answer within {timeout:g}s"
    if process.returncode:
        detail = " ".join(err.decode(errors="replace").split())[:120]
        return f"tmux load-buffer failed ({detail or f'exit {process.returncode}'})"
    return None
