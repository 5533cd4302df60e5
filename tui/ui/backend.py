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
    SpotnanaError,
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
    "timeout": "The server did not answer in time",
    "decode": "Unexpected answer from the server",
    "client": "The request was refused",
    "config": "This environment is not set up",
    "query": "A name in the filters is not known",
    "bug": "Something went wrong in the app",
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


def classify_error(exc: BaseException) -> PageError:
    """A one-line, secret-free description of a failure, with its kind."""
    if isinstance(exc, AuthError):
        return PageError("auth", f"{exc}. Check the token for this environment, then retry.")
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
