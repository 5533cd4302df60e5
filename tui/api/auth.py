"""Authentication for the Users API: a static bearer token, or OAuth2 client credentials.

Both are :class:`httpx.Auth` objects; pass one as ``UsersClient(..., auth=...)``.
Secrets are never written anywhere by this module, never logged, and masked in ``repr``.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

from tui.api._httpx import httpx
from tui.api._transport import check_base_url, decode_json, raise_for_status
from tui.api.errors import ApiDecodeError, ApiError, AuthError, CredentialsError
from tui.api.operations import TOKEN_PATH

__all__ = [
    "StaticToken",
    "ClientCredentials",
    "token_from_env",
    "token_from_keyring",
    "TOKEN_PATH",
    "DEFAULT_TOKEN_ENV",
]

DEFAULT_TOKEN_ENV = "SPOTNANA_TOKEN"


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _clean(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise CredentialsError(f"{what} must be a string")
    value = value.strip()
    if not value:
        raise CredentialsError(f"{what} is empty")
    if any(c in value for c in "\r\n\x00"):
        raise CredentialsError(f"{what} contains control characters")
    return value


class StaticToken(httpx.Auth):
    """A fixed bearer token. A 401 is not retried: it surfaces as :class:`AuthError`."""

    def __init__(self, token: str) -> None:
        self._token = _clean(token, "token")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = _bearer(self._token)
        yield request

    def __repr__(self) -> str:
        return "StaticToken(token='***')"

    __str__ = __repr__


def token_from_env(name: str = DEFAULT_TOKEN_ENV) -> StaticToken:
    """A :class:`StaticToken` from environment variable ``name`` (CredentialsError if unset/empty)."""
    value = os.environ.get(name, "")
    if not value.strip():
        raise CredentialsError(f"environment variable {name} is not set or empty")
    return StaticToken(value)


def token_from_keyring(service: str, user: str) -> StaticToken:
    """A :class:`StaticToken` from the OS keyring entry (service, user)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        raise CredentialsError("the keyring package is not installed") from None
    try:
        value = keyring.get_password(service, user)
    except KeyringError as exc:
        raise CredentialsError(f"keyring unavailable: {type(exc).__name__}") from None
    except Exception as exc:  # backends raise all sorts (dbus, secretstorage ...)
        raise CredentialsError(f"keyring lookup failed: {type(exc).__name__}") from None
    if not value:
        raise CredentialsError(f"no token in the keyring for service {service!r}, user {user!r}")
    return StaticToken(value)


class ClientCredentials(httpx.Auth):
    """OAuth2 client credentials (``POST /v2/auth/oauth2-token``, form-encoded).

    The token is fetched on first use and reused until ``refresh_margin`` seconds before its
    ``expires_in`` (never more than half its lifetime early; no ``expires_in`` = reused until a
    401). On a 401 the token is refreshed once and the request sent once more; a second 401
    is returned to the caller (-> :class:`AuthError`). Concurrent requests share one fetch.

    The token request goes through the same httpx client (same transport, TLS, timeouts).
    """

    requires_request_body = True  # the 401 replay needs the body in memory

    def __init__(
        self,
        token_url_base: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        audience: str | None = None,
        refresh_margin: float = 60.0,
        insecure: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = check_base_url(token_url_base, insecure=insecure, what="token URL")
        self.token_url = base.copy_with(path=base.path.rstrip("/") + TOKEN_PATH)
        self.client_id = _clean(client_id, "client_id")
        self._secret = _clean(client_secret, "client_secret")
        self.scope = scope
        self.audience = audience
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at: float = 0.0
        self.fetch_count = 0  # how many tokens were fetched (diagnostics and tests)
        self._async_lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(token_url={str(self.token_url)!r}, client_id={self.client_id!r}, client_secret='***')"
        )

    __str__ = __repr__

    # -- token state ----------------------------------------------------------------------

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at

    def invalidate(self) -> None:
        """Forget the current token; the next request fetches a new one."""
        self._token = None
        self._expires_at = 0.0

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._secret}
        if self.scope:
            form["scope"] = self.scope
        if self.audience:
            form["audience"] = self.audience
        return httpx.Request("POST", self.token_url, data=form, headers={"Accept": "application/json"})

    def _accept(self, response: httpx.Response) -> None:
        if response.status_code // 100 != 2:
            try:
                raise_for_status(response)
            except ApiError as exc:
                if exc.status not in (400, 401, 403):
                    raise  # 429/5xx: transient, the client may retry the whole call
                raise AuthError(
                    exc.status,
                    error_messages=exc.error_messages,
                    debug_identifier=exc.debug_identifier,
                    method="POST",
                    path=TOKEN_PATH,
                    detail="OAuth2 token request failed",
                ) from None
        data: Any = decode_json(response, what="the token endpoint")
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token.strip():
            raise ApiDecodeError("the token endpoint answered without an access_token", status=response.status_code)
        expires_in = data.get("expires_in")
        now = self._clock()
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
            margin = min(self.refresh_margin, expires_in / 2)
            self._expires_at = now + expires_in - margin
        else:
            self._expires_at = float("inf")
        self._token = token.strip()
        self.fetch_count += 1

    def _lock(self) -> asyncio.Lock:
        # one lock per event loop: an asyncio.Lock cannot be shared across loops
        loop = asyncio.get_running_loop()
        if self._async_lock is None or self._lock_loop is not loop:
            self._async_lock = asyncio.Lock()
            self._lock_loop = loop
        return self._async_lock

    # -- httpx flows ----------------------------------------------------------------------

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        if not self._fresh():
            async with self._lock():
                if not self._fresh():
                    response = yield self._token_request()
                    await response.aread()
                    self._accept(response)
        used = self._token
        request.headers["Authorization"] = _bearer(used or "")
        response = yield request
        if response.status_code != 401:
            return
        async with self._lock():
            if self._token == used:  # nobody refreshed meanwhile
                self.invalidate()
                token_response = yield self._token_request()
                await token_response.aread()
                self._accept(token_response)
        request.headers["Authorization"] = _bearer(self._token or "")
        yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        with self._thread_lock:
            if not self._fresh():
                response = yield self._token_request()
                response.read()
                self._accept(response)
            used = self._token
        request.headers["Authorization"] = _bearer(used or "")
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
            if self._token == used:
                self.invalidate()
                token_response = yield self._token_request()
                token_response.read()
                self._accept(token_response)
        request.headers["Authorization"] = _bearer(self._token or "")
        yield request
