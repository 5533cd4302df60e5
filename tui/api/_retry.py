"""When and how long to wait before trying a request again.

Policy (see also ``UsersClient``):
- only *retry-safe* operations are retried: GET, PUT, DELETE and the read-only
  ``POST /v3/users/list``; creating/acting POSTs (create user, activate, add favorite) never are;
  a PUT only on 429 or when no connection was made (anything else may have landed: the commit
  path re-reads before it sends again, see ``tui.domain.commit``);
- retried answers: 429, 500, 502, 503, 504; retried failures: connection refused/reset,
  connect timeouts, a connection dropped mid-answer. A *read* timeout is not retried (the agent
  already waited the full timeout once; it surfaces as ``ApiTimeout``);
- at most ``retries`` extra attempts (default 3);
- wait: ``Retry-After`` (429/503) when given, capped at ``retry_after_cap``; otherwise
  exponential backoff with full jitter: ``uniform(0, min(max_backoff, backoff * 2**attempt))``.
``sleep`` and ``random`` are injectable so tests run instantly and deterministically.
"""

from __future__ import annotations

import asyncio
import random as _random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tui.api._httpx import httpx
from tui.api._transport import tls_failure

__all__ = ["RetryPolicy", "RetryInfo", "RETRY_STATUSES", "RETRY_SAFE_METHODS"]

RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
RETRY_SAFE_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_RETRY_EXCEPTIONS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)


@dataclass(frozen=True, slots=True)
class RetryInfo:
    """Passed to ``on_retry`` before each wait: attempt is 1 for the first retry."""

    method: str
    path: str
    attempt: int
    of: int
    delay: float
    reason: str  # "503", "429", "ConnectError" ...


@dataclass(slots=True)
class RetryPolicy:
    retries: int = 3
    backoff: float = 0.25
    max_backoff: float = 8.0
    retry_after_cap: float = 20.0
    statuses: frozenset[int] = RETRY_STATUSES
    sleep: Callable[[float], Awaitable[object]] = field(default=asyncio.sleep)
    random: Callable[[], float] = field(default=_random.random)

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("retries must be >= 0")
        if self.backoff < 0 or self.max_backoff < 0 or self.retry_after_cap < 0:
            raise ValueError("backoff values must be >= 0")

    def retry_status(self, status: int) -> bool:
        return status in self.statuses

    @staticmethod
    def retry_exception(exc: BaseException) -> bool:
        # a refused certificate does not get better by asking again
        return isinstance(exc, _RETRY_EXCEPTIONS) and tls_failure(exc) is None

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(max(0.0, retry_after), self.retry_after_cap)
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return self.random() * ceiling
