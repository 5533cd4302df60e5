"""Between the screens and the API client: building a client for an environment, and
turning any failure into a :class:`PageError` the list can show (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.api.errors import (
    ApiConnectionError,
    ApiDecodeError,
    ApiError,
    ApiTimeout,
    AuthError,
    CredentialsError,
    ForbiddenError,
    InvalidUrlError,
    NotFoundError,
    SpotnanaError,
    TlsError,
)
from tui.config import Environment
from tui.ui.list_model import PageError

__all__ = ["ClientFactory", "default_client_factory", "classify_error", "ERROR_TITLES"]

ClientFactory = Callable[[Environment], Any]

ERROR_TITLES = {
    "auth": "Not signed in (401)",
    "forbidden": "Not allowed (403)",
    "server": "The server failed",
    "connection": "Connection lost",
    "tls": "Certificate problem (TLS)",
    "scope": "Wrong TMC or company (404)",
    "timeout": "The server did not answer in time",
    "decode": "Unexpected answer from the server",
    "client": "The request was refused",
    "config": "This environment is not set up",
    "query": "A name in the filters is not known",
    "bug": "Something went wrong in the app",
    "cache": "The offline cache cannot be used",
}


def default_client_factory(env: Environment) -> Any:
    """A ``UsersClient`` for ``env`` (token, keyring or client credentials).

    Raises ``CredentialsError``/``InvalidUrlError`` when the environment cannot be used;
    the app shows that as a 'not set up' state rather than failing to start.
    """
    from tui.api.auth import ClientCredentials
    from tui.api.client import UsersClient

    creds = env.credentials()
    if creds.kind == "client_credentials":
        auth = ClientCredentials(env.base_url, creds.client_id or "", creds.client_secret or "", insecure=env.insecure)
        return UsersClient(env.base_url, auth=auth, insecure=env.insecure)
    if creds.kind == "token":
        return UsersClient(env.base_url, token=creds.token, insecure=env.insecure)
    return UsersClient(env.base_url, insecure=env.insecure)


def classify_error(exc: BaseException, scope: tuple[str, str] | None = None) -> PageError:
    """A one-line, secret-free description of a failure, with its kind.

    ``scope`` is the ``("tmc_id", id)`` or ``("company_id", id)`` the request was made in: a 404
    of the user list means that scope is wrong, and the message names it."""
    from tui.ui.cache_wiring import CacheUnavailableError

    if isinstance(exc, CacheUnavailableError):
        return PageError("cache", str(exc))
    if isinstance(exc, AuthError):
        return PageError("auth", f"{exc}. Enter a token for this session (ctrl+k), or check the environment's token.")
    if isinstance(exc, NotFoundError) and scope is not None:
        key, value = scope
        what = "TMC" if key == "tmc_id" else "company"
        return PageError("scope", f"the server knows no {what} {value} ({exc}): the environment's {key} is wrong")
    if isinstance(exc, TlsError):
        return PageError("tls", str(exc))
    if isinstance(exc, ForbiddenError):
        return PageError("forbidden", str(exc))
    if isinstance(exc, ApiError):
        kind = "server" if exc.status >= 500 else "client"
        return PageError(kind, str(exc))
    if isinstance(exc, ApiTimeout):
        return PageError("timeout", str(exc))
    if isinstance(exc, ApiConnectionError):
        return PageError("connection", f"{exc}. Check the network or the server, then retry.")
    if isinstance(exc, ApiDecodeError):
        return PageError("decode", str(exc))
    if isinstance(exc, (CredentialsError, InvalidUrlError)):
        return PageError("config", str(exc))
    if isinstance(exc, SpotnanaError):
        return PageError("client", str(exc))
    return PageError("bug", f"{type(exc).__name__}: {str(exc)[:200]}")
