"""UsersClient against the real sandbox over loopback: every operation, and the failures
(401, 404, 400, 429, 5xx, timeout, malformed JSON) produced by the sandbox's fault injection."""

from __future__ import annotations

import copy

import pytest

from tui.api import RetryPolicy, UsersClient
from tui.api.errors import (
    ApiDecodeError,
    ApiError,
    ApiTimeout,
    AuthError,
    NotFoundError,
    ServerError,
)
from tui.api.models import (
    BusinessInfo,
    EntityId,
    ExternalIdObject,
    GetRbacInfoResponse,
    ListUsersV3Response,
    RolesConfig,
    UserApplicablePolicies,
    UserPersonalInfo,
    UserProfile,
    UserSummaryList,
    UserTravelArrangers,
)

UNKNOWN = "00000000-0000-4000-8000-000000000000"


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def c(sandbox, sleeps):
    sandbox.faults.clear()
    policy = RetryPolicy(retries=3, backoff=0.01, sleep=sleeps)
    async with UsersClient(sandbox.base_url, token=sandbox.token, timeout=5, retry_policy=policy) as client:
        yield client
    sandbox.faults.clear()


@pytest.fixture(scope="module")
def uids(sandbox) -> list[str]:
    """Active user ids of the module's sandbox, in the server's order."""
    import asyncio

    async def ids() -> list[str]:
        async with UsersClient(sandbox.base_url, token=sandbox.token) as client:
            found = await client.query_user(tmc_id=sandbox.tmc_id)
        return [u.id for u in found.elements]

    return asyncio.run(ids())


def log_since(sandbox, start: int) -> list[tuple[str, str, int]]:
    return [r for r in sandbox.requests[start:] if not r[1].startswith("/_sandbox")]


# -- every operation -----------------------------------------------------------------------


async def test_query_and_list(c, sandbox, uids):
    found = await c.query_user(tmc_id=sandbox.tmc_id)
    assert isinstance(found, UserSummaryList) and len(found.elements) == found.length > 100
    one = found.elements[0]
    by_email = await c.query_user(email=one.email, include_inactive=True)
    assert [u.id for u in by_email.elements] == [one.id]
    page = await c.list_users_v3({"tmcId": {"id": sandbox.tmc_id}, "pagination": {"offset": 0, "limit": 5}})
    assert isinstance(page, ListUsersV3Response) and len(page.users) == 5


async def test_get_user_info_and_read_only_sections(c, uids):
    uid = uids[0]
    profile = await c.get_user_info(uid)
    assert isinstance(profile, UserProfile)
    assert isinstance(await c.get_user_travel_arrangers(uid), UserTravelArrangers)
    assert isinstance(await c.get_user_applicable_policies(uid), UserApplicablePolicies)
    assert isinstance(await c.get_rbac_info(uid), GetRbacInfoResponse)


SECTIONS = [  # (get, update, store key)
    ("get_personal_info", "update_personal_info", "personalInfo"),
    ("get_business_info", "update_business_info", "businessInfo"),
    ("get_user_travel_preferences", "update_travel_preferences", "travelPreferences"),
    ("get_membership_info", "update_membership_info", "membershipInfo"),
    ("get_user_roles", "update_user_roles", "roles"),
    ("get_notification_preferences", "update_notification_preferences", "notificationPreferences"),
    ("get_external_id", "update_external_id", "externalId"),
]


@pytest.mark.parametrize("get,update,key", SECTIONS, ids=[s[0] for s in SECTIONS])
async def test_section_round_trip_typed_and_raw(c, sandbox, uids, get, update, key):
    uid = uids[10 + [s[0] for s in SECTIONS].index(get)]  # one user per section
    model = await getattr(c, get)(uid)
    raw = await c.call_raw(get, uid)
    assert model.to_json() == raw
    assert await getattr(c, update)(uid, model) is None  # a model goes out losslessly
    assert await c.call_raw(get, uid) == raw
    raw_with_extra = {**raw, "fieldFromTheFuture": {"kept": [1, 2]}}
    await getattr(c, update)(uid, raw_with_extra)  # a dict goes out as is
    assert await c.call_raw(get, uid) == raw_with_extra


async def test_lossless_put_of_fresh_copy_plus_changes(c, sandbox, uids):
    uid = uids[20]
    sandbox.store.tamper(uid, "businessInfo", {"serverOnly": {"x": 1}})
    path = f"/v2/users/{uid}/business-info"
    fresh = await c.get_raw(path)
    assert fresh["serverOnly"] == {"x": 1}
    edited = copy.deepcopy(fresh) | {"designation": "Chief Tester"}
    assert await c.put_raw(path, edited) is None
    assert await c.get_raw(path) == edited
    assert isinstance(await c.get_business_info(uid), BusinessInfo)


async def test_create_update_delete_activate(c, sandbox, uids):
    created = await c.create_user({"persona": "GUEST", "externalId": "ext-client-test"})
    assert isinstance(created, EntityId)
    uid = created.id
    ext = await c.get_external_id(uid)
    assert isinstance(ext, ExternalIdObject) and ext.external_id == "ext-client-test"
    business = await c.call_raw("get_business_info", uids[42])  # a complete one, from a seeded user
    await c.update_user(uid, {"persona": "GUEST", "businessInfo": business, "tier": "SEAT1A"})
    assert (await c.get_user_info(uid)).tier == "SEAT1A"
    sandbox.store.update_user(uid, {"tier": "PLATINUM"})  # a value this spec does not list, set server-side
    assert (await c.get_user_info(uid)).tier == "PLATINUM"  # read as it is
    await c.update_user(uid, {"persona": "GUEST", "businessInfo": business, "tier": "PLATINUM"})  # and written back
    await c.delete_user(uid)
    with pytest.raises(NotFoundError):
        await c.get_user_info(uid)
    assert (await c.get_user_info(uid, include_inactive=True)).is_active is False
    await c.activate_user(uid)
    assert (await c.get_user_info(uid)).is_active is True


async def test_favorites(c, uids):
    uid = uids[30]
    added = await c.add_favorite(uid, {"type": "company", "displayName": "Acme Paris", "params": {"k": "v"}})
    await c.add_favorite(uid, {"type": "trip", "displayName": "Berlin"})
    fav_id = added.favorite.favorite_id
    only = await c.list_favorites(uid, types=["company"], query="paris")
    assert [f.favorite.favorite_id for f in only.favorites] == [fav_id]
    assert len((await c.list_favorites(uid)).favorites) == 2
    assert await c.remove_favorite(uid, fav_id) is None
    with pytest.raises(NotFoundError):
        await c.remove_favorite(uid, fav_id)


# -- failures ------------------------------------------------------------------------------


async def test_wrong_token_is_401_not_retried(sandbox, uids):
    start = len(sandbox.requests)
    async with UsersClient(sandbox.base_url, token="wrong-token", backoff=0) as client:
        with pytest.raises(AuthError) as err:
            await client.get_personal_info(uids[0])
    assert err.value.status == 401 and "invalid bearer token" in str(err.value)
    assert "wrong-token" not in str(err.value) + repr(err.value)
    assert log_since(sandbox, start) == [("GET", f"/v2/users/{uids[0]}/personal-info", 401)]


async def test_unknown_user_is_404(c):
    with pytest.raises(NotFoundError) as err:
        await c.get_user_info(UNKNOWN)
    assert err.value.status == 404 and err.value.debug_identifier
    assert str(err.value).startswith("404 Not Found: ") and f"(debug {err.value.debug_identifier})" in str(err.value)


async def test_bad_body_is_400_with_error_messages(c, sandbox, uids):
    start = len(sandbox.requests)
    with pytest.raises(ApiError) as err:
        await c.update_external_id(uids[40], {"externalId": 12345})
    assert err.value.status == 400 and err.value.error_messages
    assert all("errorCode" in m for m in err.value.error_messages)
    assert str(err.value).startswith("400 Bad Request: ") and "\n" not in str(err.value)
    assert len(log_since(sandbox, start)) == 1  # 400 is not retried


async def test_429_then_success_honours_retry_after(c, sandbox, sleeps, uids):
    sandbox.faults.inject(429, count=1, retry_after=2)
    start = len(sandbox.requests)
    roles = await c.get_user_roles(uids[0])
    assert isinstance(roles, RolesConfig)
    assert sleeps == [2.0]
    assert [s for _, _, s in log_since(sandbox, start)] == [429, 200]


async def test_500s_exhausted(c, sandbox, sleeps, uids):
    sandbox.faults.inject(500, count=4)
    start = len(sandbox.requests)
    with pytest.raises(ServerError) as err:
        await c.get_user_roles(uids[0])
    assert str(err.value).startswith("500 Internal Server Error: Injected server error")
    assert [s for _, _, s in log_since(sandbox, start)] == [500] * 4 and len(sleeps) == 3


async def test_gateway_html_error_retried(c, sandbox, uids):
    sandbox.faults.inject(502)
    sandbox.faults.inject(503)
    start = len(sandbox.requests)
    await c.put_raw(f"/v2/users/{uids[41]}/roles", await c.call_raw("get_user_roles", uids[41]))
    assert [s for _, _, s in log_since(sandbox, start)] == [502, 503, 200, 204]


async def test_create_is_never_retried(c, sandbox):
    sandbox.faults.inject(503)
    start = len(sandbox.requests)
    with pytest.raises(ServerError):
        await c.create_user({"persona": "GUEST"})
    assert log_since(sandbox, start) == [("POST", "/v2/users", 503)]


async def test_timeout(sandbox, uids):
    sandbox.faults.clear()
    sandbox.faults.slow_seconds = 2.0
    sandbox.faults.inject("slow")
    try:
        async with UsersClient(sandbox.base_url, token=sandbox.token, timeout=0.3, backoff=0) as client:
            with pytest.raises(ApiTimeout) as err:
                await client.get_user_roles(uids[0])
            assert sandbox.faults.pending == 0
            assert isinstance(await client.get_user_roles(uids[0]), RolesConfig)  # next call is fine
    finally:
        sandbox.faults.slow_seconds = 30.0
    assert "timed out" in str(err.value) and "0.3s" in str(err.value)


async def test_malformed_json(c, sandbox, uids):
    sandbox.faults.inject("malformed")
    with pytest.raises(ApiDecodeError) as err:
        await c.get_personal_info(uids[0])
    assert str(err.value).startswith("malformed JSON from GET /v2/users/{userId}/personal-info (HTTP 200)")
    sandbox.faults.inject("malformed")
    with pytest.raises(ApiDecodeError):
        await c.get_raw(f"/v2/users/{uids[0]}/personal-info")
    assert isinstance(await c.get_personal_info(uids[0]), UserPersonalInfo)


async def test_no_token_in_any_debug_log(sandbox, uids, caplog):
    import logging

    caplog.set_level(logging.DEBUG)  # root: httpx included
    caplog.set_level(logging.DEBUG, logger="tui")  # and the transport, whatever an earlier test set
    sandbox.faults.clear()
    sandbox.faults.inject(503)
    secret = sandbox.token
    async with UsersClient(sandbox.base_url, token=secret, backoff=0) as client:
        await client.get_user_roles(uids[0])
    assert "connecting to http://127.0.0.1" in caplog.text  # the transport really was logged
    assert "HTTP Request: GET" in caplog.text and "retry 1/3" in caplog.text
    assert secret not in caplog.text
