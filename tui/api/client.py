"""``UsersClient``: the async client of the Spotnana Users API.

    async with UsersClient("https://api.example", token="...") as c:
        info = await c.get_personal_info(user_id)               # -> UserPersonalInfo
        raw = await c.get_raw(f"/v2/users/{user_id}/personal-info")  # -> dict, as received
        await c.update_personal_info(user_id, raw | changes)     # dicts are sent as is

Typed methods are named after the spec's operationIds (snake_case); path parameters come
first, then the body (a model, dumped with ``to_json()``, or a plain dict sent unchanged),
then the query parameters as keywords. They return the response model, or ``None`` for
operations without a response body. Every call goes through one ``_send``: retries (see
:mod:`tui.api._retry`), error translation (see :mod:`tui.api.errors`), logging without headers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.api._asyncio_transport import AsyncioTransport
from tui.api._httpx import httpx
from tui.api._retry import RETRY_SAFE_METHODS, RetryInfo, RetryPolicy
from tui.api._transport import (
    check_base_url,
    decode_json,
    encode_json,
    is_loopback_host,
    parse_retry_after,
    raise_for_status,
    translate_transport_error,
)
from tui.api.auth import StaticToken
from tui.api.errors import ApiDecodeError, ApiError, InvalidUrlError, one_line
from tui.api.operations import OPERATIONS, Operation

if TYPE_CHECKING:
    from tui.api.models import (
        AddFavoriteRequest,
        AddFavoriteResponse,
        BusinessInfo,
        EntityId,
        ExternalIdObject,
        GetRbacInfoResponse,
        ListFavoritesResponse,
        ListUsersV3Request,
        ListUsersV3Response,
        MembershipInfo,
        NotificationPreferences,
        RolesConfig,
        TravelPreferences,
        UserApplicablePolicies,
        UserCreateRequest,
        UserPersonalInfo,
        UserProfile,
        UserSummaryList,
        UserTravelArrangers,
        UserUpdateRequest,
    )

__all__ = ["UsersClient", "Body"]

log = logging.getLogger("tui.api")

Body = Any  # a SpotnanaModel or a JSON-ready dict
_HTTPX_ERRORS = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError)


def _model(name: str) -> Any:
    from tui.api import models  # imported on first typed call: keeps `import tui.api` light

    return getattr(models, name)


def _validate(model_name: str, data: Any, what: str) -> Any:
    from pydantic import ValidationError

    if data is None:
        raise ApiDecodeError(f"empty answer to {what}, expected {model_name}")
    try:
        return _model(model_name).model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ())) or "(root)"
        raise ApiDecodeError(
            f"answer to {what} does not match {model_name}: {exc.error_count()} error(s), "
            f"first at {loc}: {one_line(first.get('msg', ''), 120)}",
            body=data,
        ) from None


def _never_sent(exc: BaseException) -> bool:
    """The request never reached the server (no connection was made)."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


class UsersClient:
    """Async client of the Users API over :class:`httpx.AsyncClient`.

    ``token`` (a string) or ``auth`` (any :class:`httpx.Auth`, e.g. ``ClientCredentials``),
    not both. ``insecure=True`` allows plain http to a non-loopback host. ``retries``,
    ``backoff`` etc. build a :class:`RetryPolicy` unless ``retry_policy`` is given.
    ``transport`` replaces the network (tests: ``httpx.MockTransport``). ``on_retry`` is
    called with a :class:`RetryInfo` before each wait (e.g. for a status line).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = 10.0,
        insecure: bool = False,
        retries: int = 3,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        retry_after_cap: float = 20.0,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_retry: Callable[[RetryInfo], object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url, insecure=insecure)
        if token is not None and auth is not None:
            raise ValueError("give either token or auth, not both")
        if token is not None:
            auth = StaticToken(token)
        self.auth = auth
        self.timeout = timeout
        self.retry = retry_policy or RetryPolicy(
            retries=retries, backoff=backoff, max_backoff=max_backoff, retry_after_cap=retry_after_cap
        )
        self.on_retry = on_retry
        # proxies/netrc/SSL_CERT_FILE from the environment only for real hosts, never for the sandbox
        trust_env = not is_loopback_host(self.base_url.host)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            timeout=timeout,
            transport=transport if transport is not None else AsyncioTransport(trust_env=trust_env),
            follow_redirects=False,
            trust_env=trust_env,
            headers={"Accept": "application/json", "User-Agent": "spotnana-tui", **(headers or {})},
        )

    def __repr__(self) -> str:
        return f"UsersClient({str(self.base_url)!r}, auth={self.auth!r})"

    async def __aenter__(self) -> UsersClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    # -- the one request path ------------------------------------------------------------

    async def _send(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None, retry: bool
    ) -> httpx.Response:
        if not path.startswith("/") or path.startswith("//") or "://" in path:
            raise InvalidUrlError(f"API path must be relative and start with '/': {one_line(path, 80)!r}")
        content = None if body is None else encode_json(body)
        headers = {"Content-Type": "application/json"} if content is not None else None
        attempts = 1 + (self.retry.retries if retry else 0)
        # A PUT is retried only where the server surely did not apply it (429, or no
        # connection made): after a 5xx or a connection lost mid-request it may have landed,
        # and resending the same body could overwrite a change made meanwhile. The commit
        # path (tui.domain.commit) re-reads and decides.
        unsent_only = method == "PUT"
        for attempt in range(attempts):
            last = attempt == attempts - 1
            started = time.perf_counter()
            try:
                response = await self._http.request(method, path, params=params, content=content, headers=headers)
            except ApiError as exc:  # raised by the auth flow (token endpoint busy/down)
                if not last and self.retry.retry_status(exc.status):
                    after = getattr(exc, "retry_after", None)
                    await self._wait(method, path, attempt, attempts - 1, after, str(exc.status))
                    continue
                raise
            except _HTTPX_ERRORS as exc:
                if not last and self.retry.retry_exception(exc) and (not unsent_only or _never_sent(exc)):
                    await self._wait(method, path, attempt, attempts - 1, None, type(exc).__name__)
                    continue
                log.debug("%s %s failed: %s", method, path, type(exc).__name__)
                url = self._http.base_url.join(path.lstrip("/"))
                raise translate_transport_error(exc, method, url, self.timeout) from exc
            status = response.status_code
            log.debug("%s %s -> %d in %.0f ms", method, path, status, (time.perf_counter() - started) * 1000)
            if not last and self.retry.retry_status(status) and (not unsent_only or status == 429):
                after = parse_retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
                await self._wait(method, path, attempt, attempts - 1, after, str(status))
                continue
            raise_for_status(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait(self, method: str, path: str, attempt: int, of: int, after: float | None, reason: str) -> None:
        delay = self.retry.delay(attempt, after)
        log.info("%s %s: %s, retry %d/%d in %.2fs", method, path, reason, attempt + 1, of, delay)
        if self.on_retry is not None:
            self.on_retry(RetryInfo(method, path, attempt + 1, of, delay, reason))
        if delay > 0:
            await self.retry.sleep(delay)

    # -- raw JSON (the edit flow: fresh server copy + changes, never re-serialised) -------

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        retry: bool | None = None,
    ) -> Any:
        """Send ``json`` (a dict sent as is; None = no body) and return the decoded answer
        exactly as received (None when empty). ``retry`` defaults to the method's safety."""
        method = method.upper()
        safe = method in RETRY_SAFE_METHODS if retry is None else retry
        response = await self._send(method, path, params=params, body=json, retry=safe)
        return decode_json(response, what=f"{method} {path}")

    async def get_raw(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self.request_json("GET", path, params=params)

    async def put_raw(self, path: str, body: Any, params: dict[str, Any] | None = None) -> Any:
        return await self.request_json("PUT", path, params=params, json=body)

    async def call_raw(self, name: str, *path_args: str, body: Body = None, **query: Any) -> Any:
        """Like the typed method ``name`` but returns the decoded JSON as received."""
        op, path, params = self._prepare(name, path_args, query)
        response = await self._send(op.method, path, params=params, body=body, retry=op.retry_safe)
        return decode_json(response, what=f"{op.method} {op.path}")

    # -- typed operations ----------------------------------------------------------------

    @staticmethod
    def _prepare(name: str, path_args: tuple[Any, ...], query: dict[str, Any]) -> tuple[Operation, str, dict]:
        op = OPERATIONS[name]
        return op, op.format_path(path_args), op.params(query)

    async def _call(self, name: str, *path_args: str, body: Body = None, **query: Any) -> Any:
        op, path, params = self._prepare(name, path_args, query)
        if op.request is not None and body is None:
            raise TypeError(f"{name}() needs a body ({op.request} or dict)")
        response = await self._send(op.method, path, params=params, body=body, retry=op.retry_safe)
        if op.response is None:
            return None  # the spec declares no body: whatever came back is ignored
        return _validate(op.response, decode_json(response, what=f"{op.method} {op.path}"), f"{op.method} {op.path}")

    async def list_users_v3(self, body: ListUsersV3Request | dict) -> ListUsersV3Response:
        return await self._call("list_users_v3", body=body)

    async def query_user(
        self,
        *,
        company_id: str | None = None,
        tmc_id: str | None = None,
        email: str | None = None,
        external_id: str | None = None,
        employee_id: str | None = None,
        include_inactive: bool | None = None,
    ) -> UserSummaryList:
        return await self._call(
            "query_user", company_id=company_id, tmc_id=tmc_id, email=email,
            external_id=external_id, employee_id=employee_id, include_inactive=include_inactive,
        )  # fmt: skip

    async def get_user_info(self, user_id: str, *, include_inactive: bool | None = None) -> UserProfile:
        return await self._call("get_user_info", user_id, include_inactive=include_inactive)

    async def create_user(self, body: UserCreateRequest | dict) -> EntityId:
        return await self._call("create_user", body=body)

    async def update_user(self, user_id: str, body: UserUpdateRequest | dict) -> None:
        return await self._call("update_user", user_id, body=body)

    async def delete_user(self, user_id: str) -> None:
        return await self._call("delete_user", user_id)

    async def activate_user(self, user_id: str) -> None:
        return await self._call("activate_user", user_id)

    async def get_personal_info(self, user_id: str, *, include_inactive: bool | None = None) -> UserPersonalInfo:
        return await self._call("get_personal_info", user_id, include_inactive=include_inactive)

    async def update_personal_info(
        self, user_id: str, body: UserPersonalInfo | dict, *, include_inactive: bool | None = None
    ) -> None:
        return await self._call("update_personal_info", user_id, body=body, include_inactive=include_inactive)

    async def get_business_info(self, user_id: str, *, include_inactive: bool | None = None) -> BusinessInfo:
        return await self._call("get_business_info", user_id, include_inactive=include_inactive)

    async def update_business_info(
        self, user_id: str, body: BusinessInfo | dict, *, include_inactive: bool | None = None
    ) -> None:
        return await self._call("update_business_info", user_id, body=body, include_inactive=include_inactive)

    async def get_user_travel_preferences(self, user_id: str) -> TravelPreferences:
        return await self._call("get_user_travel_preferences", user_id)

    async def update_travel_preferences(self, user_id: str, body: TravelPreferences | dict) -> None:
        return await self._call("update_travel_preferences", user_id, body=body)

    async def get_membership_info(self, user_id: str) -> MembershipInfo:
        return await self._call("get_membership_info", user_id)

    async def update_membership_info(self, user_id: str, body: MembershipInfo | dict) -> None:
        return await self._call("update_membership_info", user_id, body=body)

    async def get_user_roles(self, user_id: str) -> RolesConfig:
        return await self._call("get_user_roles", user_id)

    async def update_user_roles(self, user_id: str, body: RolesConfig | dict) -> None:
        return await self._call("update_user_roles", user_id, body=body)

    async def get_notification_preferences(self, user_id: str) -> NotificationPreferences:
        return await self._call("get_notification_preferences", user_id)

    async def update_notification_preferences(self, user_id: str, body: NotificationPreferences | dict) -> None:
        return await self._call("update_notification_preferences", user_id, body=body)

    async def get_user_travel_arrangers(self, user_id: str) -> UserTravelArrangers:
        return await self._call("get_user_travel_arrangers", user_id)

    async def get_external_id(self, user_id: str, *, include_inactive: bool | None = None) -> ExternalIdObject:
        return await self._call("get_external_id", user_id, include_inactive=include_inactive)

    async def update_external_id(
        self, user_id: str, body: ExternalIdObject | dict, *, include_inactive: bool | None = None
    ) -> None:
        return await self._call("update_external_id", user_id, body=body, include_inactive=include_inactive)

    async def get_user_applicable_policies(self, user_id: str) -> UserApplicablePolicies:
        return await self._call("get_user_applicable_policies", user_id)

    async def add_favorite(self, user_id: str, body: AddFavoriteRequest | dict) -> AddFavoriteResponse:
        return await self._call("add_favorite", user_id, body=body)

    async def list_favorites(
        self, user_id: str, *, types: list[str] | None = None, query: str | None = None
    ) -> ListFavoritesResponse:
        return await self._call("list_favorites", user_id, types=types, query=query)

    async def remove_favorite(self, user_id: str, favorite_id: str) -> None:
        return await self._call("remove_favorite", user_id, favorite_id)

    async def get_rbac_info(self, user_id: str) -> GetRbacInfoResponse:
        return await self._call("get_rbac_info", user_id)
