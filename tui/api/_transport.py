"""The plumbing shared by the client and the OAuth2 auth: URL checks, JSON in and out,
and turning httpx failures into :mod:`tui.api.errors`.

Nothing here ever looks at request headers, so no token can leak into a message.
"""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from tui.api._httpx import httpx
from tui.api.errors import (
    ApiConnectionError,
    ApiDecodeError,
    ApiError,
    ApiTimeout,
    InsecureUrlError,
    InvalidUrlError,
    RequestBodyError,
    SpotnanaError,
    one_line,
)

__all__ = [
    "check_base_url",
    "is_loopback_host",
    "encode_json",
    "decode_json",
    "raise_for_status",
    "translate_transport_error",
    "parse_retry_after",
]


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 and ::1 (the only hosts plain http is allowed to by default)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_HOST = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.?")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOST.fullmatch(host)) and len(host) <= 253


def check_base_url(url: str | httpx.URL, *, insecure: bool = False, what: str = "base URL") -> httpx.URL:
    """Validate an API base URL and return it as an :class:`httpx.URL`.

    Raises :class:`InvalidUrlError` for anything that is not ``http(s)://host[:port][/path]``
    (no query or fragment), and :class:`InsecureUrlError` for plain http to a non-loopback
    host unless ``insecure`` is true.
    """
    text = str(url).strip()
    shown = one_line(text, 120) or "(empty)"
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InvalidUrlError(f"invalid {what} {shown!r}: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidUrlError(f"invalid {what} {shown!r}: expected https://host[:port]")
    if not _valid_host(parsed.host):
        raise InvalidUrlError(f"invalid {what} {shown!r}: bad host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise InvalidUrlError(f"invalid {what} {shown!r}: bad port")
    if parsed.query or parsed.fragment:
        raise InvalidUrlError(f"invalid {what} {shown!r}: no query string or fragment allowed")
    if parsed.userinfo:
        raise InvalidUrlError(f"invalid {what}: credentials in the URL are not allowed")
    if parsed.scheme == "http" and not insecure and not is_loopback_host(parsed.host):
        raise InsecureUrlError(f"refusing plain http to {parsed.host}: use https (or allow insecure explicitly)")
    return parsed


def encode_json(body: Any) -> bytes:
    """A body as UTF-8 JSON bytes. Pydantic models are dumped losslessly (``to_json()``)."""
    if hasattr(body, "to_json") and callable(body.to_json):
        body = body.to_json()
    elif hasattr(body, "model_dump"):
        body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    except (TypeError, ValueError) as exc:
        raise RequestBodyError(f"request body is not valid JSON: {exc}") from None


def decode_json(response: httpx.Response, *, what: str = "") -> Any:
    """The JSON of a response; ``None`` for an empty body. Malformed -> :class:`ApiDecodeError`."""
    content = response.content
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except (UnicodeDecodeError, ValueError) as exc:
        where = f" from {what}" if what else ""
        text = response.content.decode("utf-8", errors="replace")
        raise ApiDecodeError(
            f"malformed JSON{where} (HTTP {response.status_code}): {one_line(exc, 120)}",
            status=response.status_code,
            body=text,
        ) from None


def _error_body(response: httpx.Response) -> Any:
    try:
        return decode_json(response)
    except ApiDecodeError:
        return response.content.decode("utf-8", errors="replace")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def raise_for_status(response: httpx.Response) -> None:
    """Raise the matching :class:`ApiError` subclass for a non-2xx response."""
    if 200 <= response.status_code < 300:
        return
    request = response.request
    raise ApiError.from_body(
        response.status_code,
        _error_body(response),
        method=request.method,
        path=request.url.path,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def translate_transport_error(exc: Exception, method: str, url: httpx.URL, timeout: Any = None) -> SpotnanaError:
    """Turn an httpx exception into a one-line :class:`SpotnanaError` (no headers, no token)."""
    target = f"{method} {url.scheme}://{url.netloc.decode('ascii', 'replace')}{url.path}"
    if isinstance(exc, SpotnanaError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        kind = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the answer",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }.get(type(exc), "")
        after = f" after {timeout:g}s" if isinstance(timeout, (int, float)) else ""
        return ApiTimeout(f"{target} timed out{' ' + kind if kind else ''}{after}")
    if isinstance(exc, httpx.ConnectError):
        return ApiConnectionError(f"cannot connect for {target}: {one_line(exc, 160) or 'connection failed'}")
    if isinstance(exc, httpx.DecodingError):
        return ApiDecodeError(f"undecodable answer to {target}: {one_line(exc, 160)}")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return InvalidUrlError(f"cannot request {target}: {one_line(exc, 160)}")
    if isinstance(exc, httpx.TransportError):
        detail = one_line(exc, 160) or type(exc).__name__
        return ApiConnectionError(f"connection failed for {target}: {detail}")
    return ApiConnectionError(f"request failed for {target}: {type(exc).__name__}")
