"""One gate for every worker of a bulk job: a 429 slows them all down, not only the one that
got it.

The HTTP client already retries a 429 itself, after the server's ``Retry-After``
(:mod:`tui.api._retry`), and says so through its ``on_retry`` hook. The gate listens to that
hook (:meth:`RateGate.on_retry`; the caller wires ``client.on_retry = gate.on_retry``) and to
429s the client gave up on (:class:`GatedBackend` sees them raised), so nothing is retried
twice: the worker that got the 429 waits inside the client, the gate holds every other
request until the same moment, and halves how many may be in flight. Each run of successes as
long as the current allowance adds one back (additive increase), up to the job's concurrency.

:class:`GatedBackend` wraps a :class:`ProfileBackend` so that every request passes the gate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tui.api.errors import ApiError
from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.sections import Section

__all__ = ["RateGate", "GatedBackend", "DEFAULT_PAUSE"]

DEFAULT_PAUSE = 1.0
"""Seconds every worker waits after a 429 that names no ``Retry-After``."""

T = TypeVar("T")


class RateGate:
    """At most ``allowed`` requests in flight (``limit`` at most, 1 at least), none before
    ``paused_until``. Not thread-safe: one event loop."""

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic, max_pause: float = 60.0) -> None:
        self.limit = max(1, int(limit))
        self.allowed = self.limit
        self.in_flight = 0
        self.paused_until = 0.0
        self.throttles = 0
        """429s seen (each one halves the allowance, at most once per pause)."""
        self._clock = clock
        self._max_pause = max_pause
        self._streak = 0
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:  # made in the running loop
            self._cond = asyncio.Condition()
        return self._cond

    @property
    def waiting(self) -> float:
        """Seconds until requests may go again (0 when they may)."""
        return max(0.0, self.paused_until - self._clock())

    def throttle(self, retry_after: float | None = None) -> None:
        """A 429: hold every request ``retry_after`` seconds (default :data:`DEFAULT_PAUSE`)
        and halve the allowance (once per pause: a burst of 429s from one window counts once)."""
        now = self._clock()
        pause = DEFAULT_PAUSE if retry_after is None else min(max(0.0, retry_after), self._max_pause)
        if now >= self.paused_until:
            self.allowed = max(1, self.allowed // 2)
        self.paused_until = max(self.paused_until, now + pause)
        self._streak = 0
        self.throttles += 1

    def on_retry(self, info: Any) -> None:
        """The client's ``on_retry`` hook (a ``RetryInfo``): 429s throttle the gate."""
        if str(getattr(info, "reason", "")) == "429":
            self.throttle(float(getattr(info, "delay", DEFAULT_PAUSE)))

    def _succeeded(self) -> None:
        if self.allowed >= self.limit:
            return
        self._streak += 1
        if self._streak >= self.allowed:
            self.allowed += 1
            self._streak = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one request's place (waits for the pause and a free slot)."""
        cond = self._condition()
        async with cond:
            while True:
                wait = self.paused_until - self._clock()
                if wait > 0:
                    cond.release()
                    try:
                        await asyncio.sleep(wait)
                    finally:
                        await cond.acquire()
                    continue
                if self.in_flight < self.allowed:
                    break
                await cond.wait()
            self.in_flight += 1
        ok = False
        try:
            yield
            ok = True
        finally:
            async with cond:
                self.in_flight -= 1
                if ok:
                    self._succeeded()
                cond.notify_all()


class GatedBackend:
    """A :class:`ProfileBackend` whose every request passes ``gate``; a 429 raised through it
    (the client's retries exhausted) throttles the gate before it goes on up."""

    def __init__(self, inner: ProfileBackend, gate: RateGate) -> None:
        self.inner = inner
        self.gate = gate

    async def _through(self, call: Callable[[], Awaitable[T]]) -> T:
        async with self.gate.slot():
            try:
                return await call()
            except ApiError as exc:
                if exc.status == 429:
                    self.gate.throttle(getattr(exc, "retry_after", None))
                raise

    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._through(lambda: self.inner.list_users(body))

    async def get_user(self, user_id: str) -> dict[str, Any]:
        return await self._through(lambda: self.inner.get_user(user_id))

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        return await self._through(lambda: self.inner.read_section(section, user_id))

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        await self._through(lambda: self.inner.write_section(section, user_id, body))

    async def set_active(self, user_id: str, active: bool) -> None:
        await self._through(lambda: self.inner.set_active(user_id, active))

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._through(lambda: self.inner.create_user(body))
