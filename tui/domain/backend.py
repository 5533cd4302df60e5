"""The calls the domain and the UI make, typed once: :class:`ProfileBackend`.

The profile screen, the list, the commit path (and next bulk jobs and offline drafts) talk to
a ``ProfileBackend``, never to the HTTP client. :class:`OnlineBackend` implements it over the
Users API; the local cache implements the same protocol, so the screens run over either.

Documents are raw JSON as the server sent them (``JsonDoc``): the lossless rule says a PUT body
is the fresh server copy plus the agent's edits, so nothing is re-serialised on the way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tui.api.errors import ApiDecodeError
from tui.api.operations import OPERATIONS

if TYPE_CHECKING:  # (the sections and their forms load with the first profile, not the list)
    from tui.domain.sections import Section

__all__ = ["JsonDoc", "ProfileBackend", "RawClient", "OnlineBackend"]

JsonDoc = Any
"""Decoded JSON exactly as received (a dict for every section the spec describes)."""


@runtime_checkable
class ProfileBackend(Protocol):
    """Where profiles come from and where writes go."""

    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """One page of ``POST /v3/users/list``: the raw ``ListUsersV3Response``."""
        ...

    async def get_user(self, user_id: str) -> dict[str, Any]:
        """``GET /v2/users/{id}`` (inactive users too)."""
        ...

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        """The section's GET (``{}`` when the server sends no body)."""
        ...

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        """The section's PUT of ``body`` exactly as given. Never retried by the backend once
        the request may have reached the server: the commit path decides what to resend."""
        ...

    async def set_active(self, user_id: str, active: bool) -> None:
        """Activate (``POST .../activate``) or deactivate (``DELETE /v2/users/{id}``)."""
        ...

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v2/users``: the raw answer (``{"id": ...}``)."""
        ...


class RawClient(Protocol):
    """What :class:`OnlineBackend` needs of :class:`tui.api.client.UsersClient`."""

    async def call_raw(self, name: str, *path_args: str, body: Any = None, **query: Any) -> Any: ...


ClientSource = Callable[[], Awaitable[RawClient]]


class OnlineBackend:
    """:class:`ProfileBackend` over the Users API.

    ``client`` is a ready client or an async callable that returns one on first use (the app
    builds its client lazily, so a missing token shows as a state, not a crash). Every
    operation that takes ``includeInactive`` gets it: a deactivated user's profile is still
    shown and editable instead of answering 404.
    """

    def __init__(self, client: RawClient | ClientSource) -> None:
        if hasattr(client, "call_raw"):
            ready: RawClient = client

            async def same() -> RawClient:
                return ready

            self._source: ClientSource = same
        else:
            self._source = client

    async def _call(self, name: str, *args: str, body: Any = None) -> Any:
        query: dict[str, Any] = {}
        if any(k == "include_inactive" for k, _ in OPERATIONS[name].query):
            query["include_inactive"] = True
        client = await self._source()
        return await client.call_raw(name, *args, body=body, **query)

    async def list_users(self, body: Mapping[str, Any]) -> dict[str, Any]:
        raw = await self._call("list_users_v3", body=dict(body))
        if not isinstance(raw, dict) or not isinstance(raw.get("users", []), list):
            raise ApiDecodeError("POST /v3/users/list: the answer is not a user list", body=raw)
        return raw

    async def get_user(self, user_id: str) -> dict[str, Any]:
        raw = await self._call("get_user_info", user_id)
        if not isinstance(raw, dict):
            raise ApiDecodeError("GET /v2/users/{userId}: the answer is not a user", body=raw)
        return raw

    async def read_section(self, section: Section, user_id: str) -> JsonDoc:
        data = await self._call(section.get_method, user_id)
        return {} if data is None else data

    async def write_section(self, section: Section, user_id: str, body: JsonDoc) -> None:
        if not section.editable or not section.put_method:
            raise ValueError(f"{section.title} is read-only")
        await self._call(section.put_method, user_id, body=body)

    async def set_active(self, user_id: str, active: bool) -> None:
        await self._call("activate_user" if active else "delete_user", user_id)

    async def create_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        raw = await self._call("create_user", body=dict(body))
        return raw if isinstance(raw, dict) else {}
