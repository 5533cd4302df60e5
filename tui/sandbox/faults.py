"""Fault injection and request logging, as an ASGI middleware in front of the API routes.

Everything outside ``/_sandbox/`` counts as an API request: it is logged in the
:class:`RequestLog` as ``(method, path, status)`` and is subject to the faults, in this order: a
pending injected fault, the rate limit, the random error rate, then the added latency.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import time
import uuid
from collections import deque
from typing import Any

ADMIN_PREFIX = "/_sandbox"
KINDS = (429, 500, 502, 503, "malformed", "slow")
REQUEST_LOG_SIZE = 200_000  # entries kept; older ones drop off the front


class RequestLog(deque):
    """The last ``maxlen`` API requests as ``(method, path, status)``, oldest first.

    The path is the one requested (user ids included), the status the one sent. A deque that
    also slices like a list (``log[since:]``), compares equal to a list of the same entries,
    and iterates over a snapshot, so a test thread can read it while the server appends.
    Indices count from the oldest entry kept, so they shift once the log is full.
    """

    def __init__(self, entries: Any = (), maxlen: int = REQUEST_LOG_SIZE) -> None:
        super().__init__(entries, maxlen)

    def __iter__(self) -> Any:
        return iter(list(deque.__iter__(self)))  # one C-level copy: atomic under the GIL

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(self)[index]
        return super().__getitem__(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, deque)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def as_json(self) -> dict[str, list[list[Any]]]:
        """The body of ``GET /_sandbox/requests``."""
        return {"requests": [list(r) for r in self]}


class Faults:
    """Live-settable fault knobs. Thread-safe: tests set them while the server runs."""

    def __init__(
        self, latency_ms: float = 0, error_rate: float = 0.0, rate_limit: float | None = None, seed: int = 0
    ) -> None:
        self.latency_ms = latency_ms
        self.error_rate = error_rate
        self.rate_limit = rate_limit
        self.slow_seconds = 30.0  # how long a "slow" fault stalls (longer than any sane client timeout)
        self._rng = random.Random(seed)
        self._pending: deque[tuple[Any, int]] = deque()
        self._window: deque[float] = deque()
        self._lock = threading.Lock()
        self.closing = False  # set at shutdown: cuts "slow" stalls short

    def inject(self, kind: int | str, count: int = 1, retry_after: int = 1) -> None:
        """Make the next ``count`` API requests fail as ``kind`` (429, 500, 502, 503,
        "malformed": 200 with a truncated JSON body, "slow": stall ``slow_seconds``)."""
        if isinstance(kind, str) and kind.isdigit():
            kind = int(kind)
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        with self._lock:
            self._pending.extend([(kind, int(retry_after))] * int(count))

    def clear(self) -> None:
        """Drop pending injections and turn every knob off."""
        with self._lock:
            self._pending.clear()
            self._window.clear()
        self.latency_ms = 0
        self.error_rate = 0.0
        self.rate_limit = None

    @property
    def pending(self) -> int:
        return len(self._pending)

    def state(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "rate_limit": self.rate_limit,
            "pending": [k for k, _ in list(self._pending)],
        }

    def configure(self, data: dict[str, Any]) -> None:
        """Apply an admin request: knobs, ``inject`` ({kind, count, retry_after}), ``clear``."""
        if data.get("clear"):
            self.clear()
        for knob in ("latency_ms", "error_rate", "rate_limit", "slow_seconds"):
            if knob in data:
                setattr(self, knob, data[knob])
        inject = data.get("inject")
        if inject:
            for item in inject if isinstance(inject, list) else [inject]:
                self.inject(item["kind"], item.get("count", 1), item.get("retry_after", 1))

    def decide(self) -> tuple[Any, int] | None:
        """The fault for the request arriving now, or ``None`` to serve it."""
        with self._lock:
            if self._pending:
                return self._pending.popleft()
            limit = self.rate_limit
            if limit:
                now = time.monotonic()
                while self._window and now - self._window[0] >= 1.0:
                    self._window.popleft()
                if len(self._window) >= limit:
                    wait = 1.0 - (now - self._window[0])
                    return 429, max(1, math.ceil(wait))
                self._window.append(now)
            if self.error_rate and self._rng.random() < self.error_rate:
                return 500, 0
        return None


def _error_body(status: int, code: str, message: str) -> bytes:
    return json.dumps(
        {
            "debugIdentifier": f"sandbox-{uuid.uuid4().hex[:12]}",
            "errorMessages": [
                {
                    "errorCode": code,
                    "message": message,
                    "errorParameters": [],
                    "errorDetail": f"injected by the sandbox (HTTP {status})",
                }
            ],
        },
        separators=(",", ":"),
    ).encode()


async def _send(send, status: int, body: bytes, content_type: str, extra: list | None = None) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    """ASGI middleware: faults and the request log for every non-admin HTTP request."""

    def __init__(self, app, faults: Faults, log: RequestLog) -> None:
        self.app = app
        self.faults = faults
        self.log = log

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        logged = [False]

        async def send_logged(message) -> None:
            if message["type"] == "http.response.start" and not logged[0]:
                logged[0] = True  # logged before the client can see the response
                self.log.append((method, path, message["status"]))
            await send(message)

        try:
            fault = self.faults.decide()
            if fault is not None:
                await self._fail(fault, send_logged)
                return
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            await self.app(scope, receive, send_logged)
        finally:
            if not logged[0]:  # the app failed before answering; the server sends a 500
                self.log.append((method, path, 500))

    async def _fail(self, fault: tuple[Any, int], send) -> None:
        kind, retry_after = fault
        if kind == 429:
            await _send(
                send,
                429,
                _error_body(429, "RATE_LIMITED", "Too many requests"),
                "application/json",
                [(b"retry-after", str(retry_after).encode())],
            )
        elif kind == 502:
            await _send(send, 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        elif kind in (500, 503):
            code = "INTERNAL_ERROR" if kind == 500 else "SERVICE_UNAVAILABLE"
            await _send(send, kind, _error_body(kind, code, "Injected server error"), "application/json")
        elif kind == "malformed":
            await _send(send, 200, b'{"users": [{"userId": {"id": "', "application/json")
        elif kind == "slow":
            deadline = time.monotonic() + float(self.faults.slow_seconds)
            while time.monotonic() < deadline and not self.faults.closing:
                await asyncio.sleep(0.05)
            await _send(send, 503, _error_body(503, "SLOW", "Injected stall"), "application/json")
