"""The contract with the Spotnana Users API: models, client, auth and errors.

Never imports textual nor any other ``tui`` package. Kept light: the errors (standard library
only) load eagerly; the client and auth (httpx) load on first access; the models (pydantic,
the heaviest) only when ``tui.api.models`` is imported or a typed call parses an answer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tui.api.errors import (
    ApiConnectionError,
    ApiDecodeError,
    ApiError,
    ApiTimeout,
    AuthError,
    CredentialsError,
    ForbiddenError,
    InsecureUrlError,
    InvalidUrlError,
    NotFoundError,
    RateLimitedError,
    RequestBodyError,
    ServerError,
    SpotnanaError,
    TlsError,
)

if TYPE_CHECKING:
    from tui.api._retry import RetryInfo, RetryPolicy
    from tui.api.auth import ClientCredentials, StaticToken, token_from_env, token_from_keyring
    from tui.api.client import UsersClient
    from tui.api.operations import OPERATIONS, Operation

_LAZY = {
    "UsersClient": "tui.api.client",
    "StaticToken": "tui.api.auth",
    "ClientCredentials": "tui.api.auth",
    "token_from_env": "tui.api.auth",
    "token_from_keyring": "tui.api.auth",
    "RetryPolicy": "tui.api._retry",
    "RetryInfo": "tui.api._retry",
    "OPERATIONS": "tui.api.operations",
    "Operation": "tui.api.operations",
}

__all__ = [
    "ApiConnectionError",
    "ApiDecodeError",
    "ApiError",
    "ApiTimeout",
    "AuthError",
    "CredentialsError",
    "ForbiddenError",
    "InsecureUrlError",
    "InvalidUrlError",
    "NotFoundError",
    "RateLimitedError",
    "RequestBodyError",
    "ServerError",
    "SpotnanaError",
    "TlsError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tui.api' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
