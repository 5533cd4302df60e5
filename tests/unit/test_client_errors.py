"""Errors, URL checks and retries of UsersClient, over httpx.MockTransport (deterministic).

The same behaviours against the real sandbox are in test_client_sandbox.py.
"""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tui.api import RetryPolicy, UsersClient
from tui.api._transport import check_base_url, parse_retry_after
from tui.api.errors import (
    ApiConnectionError,
    ApiDecodeError,
    ApiError,
    ApiTimeout,
    AuthError,
    InsecureUrlError,
    InvalidUrlError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    SpotnanaError,
)

UID = "11111111-2222-3333-4444-555555555555"
TOKEN = "very-secret-token-123"


class Script:
    """Answers from a list, one per request (the last one repeats)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(script, *, retries=3, sleeps=None, **kw) -> UsersClient:
    policy = RetryPolicy(retries=retries, backoff=0.5, max_backoff=4, retry_after_cap=5,
                         sleep=sleeps if sleeps is not None else Sleeps(), random=lambda: 1.0)  # fmt: skip
    return UsersClient(
        "http://127.0.0.1:9", token=TOKEN, transport=httpx.MockTransport(script), retry_policy=policy, **kw
    )


def assert_clean(exc: BaseException) -> None:
    text = str(exc) + repr(exc)
    assert "\n" not in str(exc) and "Traceback" not in text
    assert TOKEN not in text and "Bearer" not in text and "Authorization" not in text


# -- ApiError text -------------------------------------------------------------------------


def test_api_error_one_line_from_error_response():
    body = {
        "debugIdentifier": "abc123",
        "errorMessages": [{"errorCode": "USER_NOT_FOUND", "message": "user\nnot found"}],
    }
    err = ApiError.from_body(404, body, method="GET", path="/v2/users/x")
    assert isinstance(err, NotFoundError)
    assert str(err) == "404 Not Found: user not found [USER_NOT_FOUND] (debug abc123)"
    assert err.status == 404 and err.debug_identifier == "abc123" and err.error_codes == ["USER_NOT_FOUND"]
    assert err.error_messages == body["errorMessages"]
    assert err.error_response().error_messages[0].error_code == "USER_NOT_FOUND"


@pytest.mark.parametrize(
    "status,body,expected,klass",
    [
        (400, {"errorMessages": [{"message": "a"}, {"errorCode": "B"}]}, "400 Bad Request: a; B", ApiError),
        (401, None, "401 Unauthorized", AuthError),
        (500, "<html>\n oops </html>", "500 Internal Server Error: <html> oops </html>", ServerError),
        (503, {"detail": "maintenance"}, "503 Service Unavailable: maintenance", ServerError),
        (429, {}, "429 Too Many Requests", RateLimitedError),
        (418, [1, 2], "418 I'm a Teapot", ApiError),
        (599, None, "599 HTTP error", ServerError),
    ],
)
def test_api_error_shapes(status, body, expected, klass):
    err = ApiError.from_body(status, body)
    assert type(err) is klass and str(err) == expected
    assert_clean(err)


def test_long_error_text_is_cut():
    err = ApiError.from_body(400, {"errorMessages": [{"message": "x" * 5000}]})
    assert len(str(err)) < 400 and str(err).endswith("…")


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://127.5.6.7", "http://localhost:1/api",
                                 "http://[::1]:80", "https://api.example.com", "https://10.0.0.1/x/"])  # fmt: skip
def test_urls_accepted(url):
    assert check_base_url(url).scheme in ("http", "https")


@pytest.mark.parametrize(
    "url", ["http://api.example.com", "http://10.0.0.1:80", "http://[::2]/", "http://localhost.evil.com"]
)
def test_plain_http_refused_unless_loopback(url):
    with pytest.raises(InsecureUrlError, match="https"):
        UsersClient(url, token="t")
    UsersClient(url, token="t", insecure=True)  # explicitly allowed


@pytest.mark.parametrize("url", ["", "api.example.com", "ftp://x.com", "https://", "http://:80", "not a url at all",
                                 "https://x.com/?a=1", "https://user:pw@x.com", "https://exa mple.com", "https://x.com:99999"])  # fmt: skip
def test_bad_urls_are_clear_errors(url):
    with pytest.raises(InvalidUrlError) as err:
        UsersClient(url, token="t")
    assert isinstance(err.value, SpotnanaError) and str(err.value).startswith("invalid base URL")
    assert "pw" not in str(err.value)


def test_retry_after_parsing():
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now=now) == 7.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None and parse_retry_after("nan") is None


# -- retries -------------------------------------------------------------------------------


async def test_429_then_success_honours_retry_after():
    sleeps = Sleeps()
    script = Script(httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json={"roles": []}))
    async with make(script, sleeps=sleeps) as c:
        roles = await c.get_user_roles(UID)
    assert roles.roles == [] and len(script.calls) == 2 and sleeps == [2.0]


async def test_retry_after_is_capped():
    sleeps = Sleeps()
    script = Script(httpx.Response(503, headers={"Retry-After": "3600"}), httpx.Response(200, json={"roles": []}))
    async with make(script, sleeps=sleeps) as c:
        await c.get_user_roles(UID)
    assert sleeps == [5.0]


@pytest.mark.parametrize("answer", [500, 502, 503, 504, "read_error"])
async def test_a_put_that_may_have_landed_is_never_resent(answer):
    """After a 5xx or a connection lost mid-request the PUT may have been applied: resending
    the same body could overwrite a change made meanwhile (the commit path decides)."""
    first = httpx.Response(answer) if isinstance(answer, int) else httpx.ReadError("connection reset")
    script = Script(first, httpx.Response(204))
    async with make(script, sleeps=Sleeps()) as c:
        with pytest.raises((ServerError, ApiConnectionError)):
            await c.update_user_roles(UID, {"roles": []})
    assert len(script.calls) == 1


@pytest.mark.parametrize("answer", [429, "connect_error"])
async def test_a_put_the_server_never_took_is_retried(answer):
    first = httpx.Response(answer) if isinstance(answer, int) else httpx.ConnectError("refused")
    script = Script(first, httpx.Response(204))
    async with make(script, sleeps=Sleeps()) as c:
        await c.update_user_roles(UID, {"roles": []})
    assert len(script.calls) == 2


async def test_500s_exhausted_with_exponential_backoff():
    sleeps = Sleeps()
    seen = []
    script = Script(httpx.Response(500, json={"errorMessages": [{"message": "boom"}]}))
    async with make(script, sleeps=sleeps, on_retry=seen.append) as c:
        with pytest.raises(ServerError) as err:
            await c.get_user_roles(UID)
    assert str(err.value) == "500 Internal Server Error: boom"
    assert len(script.calls) == 4 and sleeps == [0.5, 1.0, 2.0]  # random() pinned at 1 -> the ceiling
    assert [(i.attempt, i.of, i.reason) for i in seen] == [(1, 3, "500"), (2, 3, "500"), (3, 3, "500")]


def test_full_jitter_stays_under_the_ceiling():
    policy = RetryPolicy(backoff=1, max_backoff=3, random=lambda: 0.999)
    assert [round(policy.delay(a), 2) for a in range(4)] == [1.0, 2.0, 3.0, 3.0]
    assert RetryPolicy(random=lambda: 0.0).delay(2) == 0.0


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_errors_retried(status):
    script = Script(httpx.Response(status), httpx.Response(status), httpx.Response(200, json={"roles": []}))
    async with make(script) as c:
        await c.get_user_roles(UID)
    assert len(script.calls) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
async def test_client_errors_not_retried(status):
    script = Script(httpx.Response(status), httpx.Response(200, json={"roles": []}))
    async with make(script) as c:
        with pytest.raises(ApiError) as err:
            await c.get_user_roles(UID)
    assert err.value.status == status and len(script.calls) == 1
    assert err.value.method == "GET" and err.value.path == f"/v2/users/{UID}/roles"
    assert_clean(err.value)


@pytest.mark.parametrize("call", ["create_user", "add_favorite", "activate_user"])
async def test_creating_posts_never_retried(call):
    script = Script(httpx.Response(503), httpx.Response(200, json={"id": UID}))
    async with make(script) as c:
        args = {"create_user": ({"x": 1},), "add_favorite": (UID, {"x": 1}), "activate_user": (UID,)}[call]
        with pytest.raises(ServerError):
            await getattr(c, call)(*args)
    assert len(script.calls) == 1


async def test_list_users_v3_is_retried_and_raw_post_only_on_request():
    script = Script(httpx.Response(502), httpx.Response(200, json={}))
    async with make(script) as c:
        await c.list_users_v3({"tmcId": {"id": UID}, "pagination": {}})
        assert len(script.calls) == 2
        script.calls.clear()
        with pytest.raises(ServerError):
            await c.request_json("POST", "/v2/users", json={})
        assert len(script.calls) == 1
        script.calls.clear()
        assert await c.request_json("POST", "/v3/users/list", json={}, retry=True) == {}
        assert len(script.calls) == 2


async def test_retries_zero_means_one_attempt():
    script = Script(httpx.Response(503))
    async with make(script, retries=0) as c:
        with pytest.raises(ServerError):
            await c.get_raw("/v2/users/x")
    assert len(script.calls) == 1


async def test_connection_errors_retried_then_readable():
    script = Script(httpx.ConnectError("[Errno 111] Connection refused"))
    async with make(script) as c:
        with pytest.raises(ApiConnectionError) as err:
            await c.get_user_roles(UID)
    assert len(script.calls) == 4
    assert (
        str(err.value)
        == f"cannot connect for GET http://127.0.0.1:9/v2/users/{UID}/roles: [Errno 111] Connection refused"
    )
    assert_clean(err.value)


async def test_read_timeout_not_retried():
    script = Script(httpx.ReadTimeout("timed out"))
    async with make(script, timeout=2.5) as c:
        with pytest.raises(ApiTimeout) as err:
            await c.get_user_roles(UID)
    assert len(script.calls) == 1
    assert str(err.value) == f"GET http://127.0.0.1:9/v2/users/{UID}/roles timed out waiting for the answer after 2.5s"


async def test_malformed_json_is_a_decode_error():
    script = Script(httpx.Response(200, content=b'{"roles": [', headers={"Content-Type": "application/json"}))
    async with make(script) as c:
        with pytest.raises(ApiDecodeError) as err:
            await c.get_user_roles(UID)
        with pytest.raises(ApiDecodeError):
            await c.get_raw("/v2/users/x")
    assert str(err.value).startswith("malformed JSON from GET /v2/users/{userId}/roles (HTTP 200)")
    assert err.value.body == '{"roles": ['
    assert_clean(err.value)


async def test_connection_refused_on_a_closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: refused
        async with UsersClient(f"http://127.0.0.1:{port}", token=TOKEN, retries=1, backoff=0) as c:
            with pytest.raises(ApiConnectionError) as err:
                await c.get_user_roles(UID)
    assert f"127.0.0.1:{port}" in str(err.value)
    assert_clean(err.value)


async def test_token_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    script = Script(httpx.Response(429), httpx.Response(401, json={"errorMessages": [{"message": "bad token"}]}))
    async with make(script) as c:
        with pytest.raises(AuthError) as err:
            await c.put_raw("/v2/users/x/roles", {"roles": []})
    assert str(err.value) == "401 Unauthorized: bad token"
    assert caplog.records and all(TOKEN not in r.getMessage() for r in caplog.records)
    assert "retry 1/3" in caplog.text
    assert TOKEN not in repr(c) and "***" in repr(c)
