"""Errors raised by the API layer.

Every error is a :class:`SpotnanaError` whose ``str()`` is one readable line (safe to show an
agent in a status bar) and never contains a token or an ``Authorization`` header.

    SpotnanaError
    +-- InvalidUrlError          base URL that is not http(s)://host[:port][/path]
    |   +-- InsecureUrlError     plain http:// to a host that is not loopback
    +-- CredentialsError         no token in the env var / keyring, bad client credentials config
    +-- RequestBodyError         a body that cannot be encoded as JSON
    +-- ApiTimeout               connect/read/write timed out
    +-- ApiConnectionError       refused, reset, DNS failure ...
    |   +-- TlsError             the server's certificate was refused (unverified, wrong host)
    +-- ApiDecodeError           malformed JSON, or JSON that does not match the response model
    +-- ApiError                 any non-2xx answer (.status, .error_messages, .debug_identifier)
        +-- AuthError            401 (and a failed OAuth2 token request)
        +-- ForbiddenError       403
        +-- NotFoundError        404
        +-- RateLimitedError     429 (.retry_after)
        +-- ServerError          5xx

Only the standard library is imported here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

__all__ = [
    "SpotnanaError",
    "InvalidUrlError",
    "InsecureUrlError",
    "CredentialsError",
    "RequestBodyError",
    "ApiTimeout",
    "ApiConnectionError",
    "TlsError",
    "ApiDecodeError",
    "ApiError",
    "AuthError",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitedError",
    "ServerError",
    "one_line",
]

_MAX_TEXT = 300


def one_line(text: Any, limit: int = _MAX_TEXT) -> str:
    """Collapse whitespace (newlines included) and cut to ``limit`` characters."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


class SpotnanaError(Exception):
    """Base of every error of the API layer. ``str(e)`` is a single readable line."""

    def __init__(self, message: str) -> None:
        self.message = one_line(message, 1000)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidUrlError(SpotnanaError):
    """The base URL (or token URL) cannot be used."""


class InsecureUrlError(InvalidUrlError):
    """A plain ``http://`` URL to a host that is not loopback, without ``insecure=True``."""


class CredentialsError(SpotnanaError):
    """Credentials are missing or unusable (empty env var, no keyring entry ...)."""


class RequestBodyError(SpotnanaError):
    """The request body cannot be encoded as JSON (NaN, a set, an object ...)."""


class ApiTimeout(SpotnanaError):
    """The server did not answer in time."""


class ApiConnectionError(SpotnanaError):
    """The server could not be reached (refused, reset, DNS, TLS)."""


class TlsError(ApiConnectionError):
    """The TLS handshake failed: a certificate that cannot be verified, or one for another host."""


class ApiDecodeError(SpotnanaError):
    """The answer is not JSON, or does not match the expected model.

    ``body`` holds the raw text (or the decoded JSON when it was JSON) for diagnostics;
    it is not part of ``str()``.
    """

    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "HTTP error"


def _describe(item: dict[str, Any]) -> str:
    message = item.get("message") or item.get("errorDetail") or ""
    code = item.get("errorCode") or ""
    if message and code:
        return f"{message} [{code}]"
    return str(message or code)


class ApiError(SpotnanaError):
    """A non-2xx answer.

    Attributes: ``status`` (int), ``reason`` (e.g. "Not Found"), ``error_messages`` (the
    ``errorMessages`` dicts of the ErrorResponse body, as received), ``debug_identifier``,
    ``method`` and ``path`` of the request, ``body`` (decoded JSON or text, not in ``str()``).
    """

    def __init__(
        self,
        status: int,
        *,
        error_messages: list[dict[str, Any]] | None = None,
        debug_identifier: str | None = None,
        method: str | None = None,
        path: str | None = None,
        body: Any = None,
        detail: str | None = None,
    ) -> None:
        self.status = status
        self.reason = _reason(status)
        self.error_messages = list(error_messages or [])
        self.debug_identifier = debug_identifier
        self.method = method
        self.path = path
        self.body = body
        text = "; ".join(s for s in (_describe(m) for m in self.error_messages) if s)
        text = text or (detail or "")
        line = f"{status} {self.reason}"
        if text:
            line += f": {one_line(text)}"
        if debug_identifier:
            line += f" (debug {one_line(debug_identifier, 80)})"
        super().__init__(line)

    @property
    def error_codes(self) -> list[str]:
        return [str(m["errorCode"]) for m in self.error_messages if m.get("errorCode")]

    def error_response(self) -> Any:
        """The body as a ``tui.api.models.ErrorResponse`` (imported on demand)."""
        from tui.api.models import ErrorResponse

        return ErrorResponse.model_validate(
            {
                k: v
                for k, v in (("debugIdentifier", self.debug_identifier), ("errorMessages", self.error_messages))
                if v is not None
            }
        )

    @classmethod
    def from_body(
        cls,
        status: int,
        body: Any,
        *,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
    ) -> ApiError:
        """Build the right subclass from a decoded error body (dict, text or None)."""
        messages: list[dict[str, Any]] = []
        debug: str | None = None
        detail: str | None = None
        if isinstance(body, dict):
            raw = body.get("errorMessages")
            if isinstance(raw, list):
                messages = [m for m in raw if isinstance(m, dict)]
            dbg = body.get("debugIdentifier")
            debug = str(dbg) if dbg not in (None, "") else None
            if not messages:
                for key in ("message", "detail", "error_description", "error"):
                    if isinstance(body.get(key), str) and body[key]:
                        detail = body[key]
                        break
        elif isinstance(body, str) and body.strip():
            detail = body
        kwargs: dict[str, Any] = dict(
            error_messages=messages,
            debug_identifier=debug,
            method=method,
            path=path,
            body=body,
            detail=detail,
        )
        if status == 429:
            return RateLimitedError(status, retry_after=retry_after, **kwargs)
        klass: type[ApiError] = {401: AuthError, 403: ForbiddenError, 404: NotFoundError}.get(status, ApiError)
        if status >= 500:
            klass = ServerError
        return klass(status, **kwargs)


class AuthError(ApiError):
    """401: the token is missing, wrong or expired (or the OAuth2 token request failed)."""


class ForbiddenError(ApiError):
    """403: authenticated, but not allowed."""


class NotFoundError(ApiError):
    """404: no such user (or section, or favorite)."""


class RateLimitedError(ApiError):
    """429: too many requests; ``retry_after`` seconds when the server said so."""

    def __init__(self, status: int = 429, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(status, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server failed."""
