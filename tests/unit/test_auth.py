"""Static tokens (env, keyring) and OAuth2 client credentials.

The OAuth2 flow is checked over MockTransport (exact counts, a fake clock, concurrency) and
against the real sandbox's POST /v2/auth/oauth2-token.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

import httpx
import pytest

from tui.api import ClientCredentials, StaticToken, UsersClient, token_from_env, token_from_keyring
from tui.api.errors import ApiDecodeError, AuthError, CredentialsError, InsecureUrlError, ServerError

UID = "11111111-2222-3333-4444-555555555555"
TOKEN_PATH = "/v2/auth/oauth2-token"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeAuthServer:
    """Issues tok-1, tok-2 ... ; accepts only the latest token (or any of ``valid``)."""

    def __init__(self, expires_in: int | None = 3600, token_status: int = 200) -> None:
        self.expires_in = expires_in
        self.token_status = token_status
        self.issued: list[str] = []
        self.forms: list[dict] = []
        self.api_calls: list[str | None] = []
        self.revoked: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            assert request.method == "POST"
            assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
            assert "Authorization" not in request.headers
            self.forms.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"errorMessages": [{"message": "invalid client"}]})
            token = f"tok-{len(self.issued) + 1}"
            self.issued.append(token)
            body = {"access_token": token, "token_type": "Bearer"}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return httpx.Response(200, json=body)
        given = request.headers.get("Authorization")
        self.api_calls.append(given)
        ok = self.issued and given == f"Bearer {self.issued[-1]}" and self.issued[-1] not in self.revoked
        return httpx.Response(200, json={"roles": []}) if ok else httpx.Response(401, json={})


def oauth_client(server: FakeAuthServer, **kw) -> tuple[UsersClient, ClientCredentials]:
    auth = ClientCredentials("https://auth.example.com", "cid", "s3cret-value", **kw)
    return UsersClient("https://api.example.com", auth=auth, transport=httpx.MockTransport(server), backoff=0), auth


# -- static tokens ------------------------------------------------------------------------


def test_static_token_masks_and_rejects_junk():
    tok = StaticToken("  abc.def  ")
    assert repr(tok) == str(tok) == "StaticToken(token='***')"
    for bad in ("", "   ", "a\nb"):
        with pytest.raises(CredentialsError):
            StaticToken(bad)


def test_token_from_env(monkeypatch):
    monkeypatch.setenv("SPOTNANA_TEST_TOKEN", "env-token-1")
    req = httpx.Request("GET", "https://x.example")
    next(token_from_env("SPOTNANA_TEST_TOKEN").auth_flow(req))
    assert req.headers["Authorization"] == "Bearer env-token-1"
    monkeypatch.setenv("SPOTNANA_TEST_TOKEN", " ")
    with pytest.raises(CredentialsError, match="SPOTNANA_TEST_TOKEN"):
        token_from_env("SPOTNANA_TEST_TOKEN")
    monkeypatch.delenv("SPOTNANA_TEST_TOKEN")
    with pytest.raises(CredentialsError, match="not set"):
        token_from_env("SPOTNANA_TEST_TOKEN")


def test_token_from_keyring(monkeypatch):
    import keyring
    from keyring.errors import NoKeyringError

    store = {("spotnana-tui", "agent"): "kr-token"}
    monkeypatch.setattr(keyring, "get_password", lambda service, user: store.get((service, user)))
    req = httpx.Request("GET", "https://x.example")
    next(token_from_keyring("spotnana-tui", "agent").auth_flow(req))
    assert req.headers["Authorization"] == "Bearer kr-token"
    with pytest.raises(CredentialsError, match="no token in the keyring"):
        token_from_keyring("spotnana-tui", "nobody")

    def broken(service, user):
        raise NoKeyringError("No recommended backend was available")

    monkeypatch.setattr(keyring, "get_password", broken)
    with pytest.raises(CredentialsError, match="keyring unavailable"):
        token_from_keyring("spotnana-tui", "agent")


async def test_static_token_401_is_an_auth_error_without_retry():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(
            401, json={"errorMessages": [{"errorCode": "UNAUTHORIZED", "message": "invalid bearer token"}]}
        )

    async with UsersClient("https://api.example.com", token="wrong", transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(AuthError) as err:
            await c.get_user_roles(UID)
    assert len(calls) == 1 and err.value.status == 401
    assert "wrong" not in str(err.value) + repr(err.value)


# -- OAuth2 client credentials -------------------------------------------------------------


async def test_token_fetched_once_and_reused():
    server = FakeAuthServer()
    c, auth = oauth_client(server, scope="users:read")
    async with c:
        for _ in range(3):
            await c.get_user_roles(UID)
    assert server.issued == ["tok-1"] and auth.fetch_count == 1
    assert server.api_calls == ["Bearer tok-1"] * 3
    assert server.forms == [{"grant_type": "client_credentials", "client_id": "cid",
                             "client_secret": "s3cret-value", "scope": "users:read"}]  # fmt: skip


async def test_concurrent_requests_share_one_fetch():
    server = FakeAuthServer()
    c, _ = oauth_client(server)
    async with c:
        await asyncio.gather(*(c.get_user_roles(UID) for _ in range(8)))
    assert server.issued == ["tok-1"] and len(server.api_calls) == 8


async def test_refreshed_once_on_401_then_retried():
    server = FakeAuthServer()
    c, auth = oauth_client(server)
    async with c:
        await c.get_user_roles(UID)
        server.revoked.add("tok-1")  # the server forgets the token behind our back
        await c.get_user_roles(UID)
        # a PUT body survives the replay
        await c.put_raw(f"/v2/users/{UID}/roles", {"roles": []})
    assert server.issued == ["tok-1", "tok-2"]
    assert server.api_calls == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]


async def test_concurrent_401s_refresh_once():
    server = FakeAuthServer()

    async def slow(request):
        await asyncio.sleep(0.01)  # let the requests interleave
        return server(request)

    auth = ClientCredentials("https://auth.example.com", "cid", "sec")
    async with UsersClient("https://api.example.com", auth=auth, transport=httpx.MockTransport(slow)) as c:
        await c.get_user_roles(UID)
        server.revoked.add("tok-1")
        await asyncio.gather(*(c.get_user_roles(UID) for _ in range(6)))
    assert server.issued == ["tok-1", "tok-2"]
    assert server.api_calls.count("Bearer tok-1") == 7 and server.api_calls.count("Bearer tok-2") == 6


async def test_second_401_is_returned_as_auth_error():
    server = FakeAuthServer()
    server.revoked.update({"tok-1", "tok-2", "tok-3"})
    c, _ = oauth_client(server)
    async with c:
        with pytest.raises(AuthError):
            await c.get_user_roles(UID)
    assert server.issued == ["tok-1", "tok-2"]  # one refresh, no loop


async def test_token_renewed_shortly_before_expiry():
    clock = Clock()
    server = FakeAuthServer(expires_in=300)
    c, _ = oauth_client(server, clock=clock, refresh_margin=60)
    async with c:
        await c.get_user_roles(UID)
        clock.now += 239
        await c.get_user_roles(UID)
        assert server.issued == ["tok-1"]
        clock.now += 1  # 240 s = expires_in - margin
        await c.get_user_roles(UID)
    assert server.issued == ["tok-1", "tok-2"]


async def test_short_lived_token_and_no_expiry():
    clock = Clock()
    server = FakeAuthServer(expires_in=20)  # margin capped at half the lifetime
    c, _ = oauth_client(server, clock=clock)
    async with c:
        await c.get_user_roles(UID)
        clock.now += 9
        await c.get_user_roles(UID)
        assert len(server.issued) == 1
        clock.now += 1
        await c.get_user_roles(UID)
        assert len(server.issued) == 2
    server = FakeAuthServer(expires_in=None)
    c, _ = oauth_client(server, clock=clock)
    async with c:
        await c.get_user_roles(UID)
        clock.now += 10**6
        await c.get_user_roles(UID)
    assert server.issued == ["tok-1"]


async def test_token_endpoint_refusal_and_garbage(caplog):
    caplog.set_level(logging.DEBUG)
    server = FakeAuthServer(token_status=403)
    c, auth = oauth_client(server)
    async with c:
        with pytest.raises(AuthError) as err:
            await c.get_user_roles(UID)
    assert str(err.value) == "403 Forbidden: invalid client"
    assert err.value.path == TOKEN_PATH and server.api_calls == []
    assert "s3cret-value" not in caplog.text + repr(auth) + str(err.value)
    assert (
        repr(auth)
        == "ClientCredentials(token_url='https://auth.example.com/v2/auth/oauth2-token', client_id='cid', client_secret='***')"
    )

    def no_token(request):
        return httpx.Response(200, json={"token_type": "Bearer"})

    auth = ClientCredentials("https://auth.example.com", "cid", "sec")
    async with UsersClient("https://api.example.com", auth=auth, transport=httpx.MockTransport(no_token)) as c:
        with pytest.raises(ApiDecodeError, match="access_token"):
            await c.get_user_roles(UID)


async def test_busy_token_endpoint_is_retried_for_safe_calls_only():
    server = FakeAuthServer()
    busy = [503, 503]

    def handler(request):
        if request.url.path == TOKEN_PATH and busy:
            return httpx.Response(busy.pop(), headers={"Retry-After": "0"})
        return server(request)

    auth = ClientCredentials("https://auth.example.com", "cid", "sec")
    async with UsersClient(
        "https://api.example.com", auth=auth, transport=httpx.MockTransport(handler), backoff=0
    ) as c:
        await c.get_user_roles(UID)
        assert server.issued == ["tok-1"] and not busy
        auth.invalidate()
        busy.append(503)
        with pytest.raises(ServerError) as err:
            await c.create_user({"persona": "GUEST"})
    assert err.value.status == 503 and err.value.path == TOKEN_PATH and busy == []


def test_token_url_checked():
    with pytest.raises(InsecureUrlError):
        ClientCredentials("http://auth.example.com", "cid", "sec")
    assert (
        str(ClientCredentials("http://127.0.0.1:5/base/", "cid", "sec").token_url)
        == "http://127.0.0.1:5/base/v2/auth/oauth2-token"
    )
    with pytest.raises(CredentialsError):
        ClientCredentials("https://auth.example.com", "cid", "")


def test_sync_clients_work_too():
    server = FakeAuthServer()
    auth = ClientCredentials("https://auth.example.com", "cid", "sec")
    with httpx.Client(auth=auth, transport=httpx.MockTransport(server)) as c:
        assert c.get(f"https://api.example.com/v2/users/{UID}/roles").status_code == 200
        server.revoked.add("tok-1")
        assert c.get(f"https://api.example.com/v2/users/{UID}/roles").status_code == 200
    assert server.issued == ["tok-1", "tok-2"]


# -- against the sandbox -------------------------------------------------------------------


async def test_client_credentials_against_the_sandbox(sandbox):
    auth = ClientCredentials(sandbox.base_url, sandbox.config.client_id, sandbox.config.client_secret)
    start = len(sandbox.requests)
    async with UsersClient(sandbox.base_url, auth=auth) as c:
        users = await c.query_user(tmc_id=sandbox.tmc_id)
        uid = users.elements[0].id
        await c.get_user_roles(uid)
        await c.get_personal_info(uid)
        token_posts = [r for r in sandbox.requests[start:] if r[1] == TOKEN_PATH]
        assert token_posts == [("POST", TOKEN_PATH, 200)] and auth.fetch_count == 1
        # a stale token: the sandbox answers 401, the auth refreshes once and the call succeeds
        auth._token = "stale-token"
        await c.get_user_roles(uid)
    log = sandbox.requests[start:]
    assert [r for r in log if r[1] == TOKEN_PATH] == [("POST", TOKEN_PATH, 200)] * 2
    assert log[-3:] == [("GET", f"/v2/users/{uid}/roles", 401), ("POST", TOKEN_PATH, 200),
                        ("GET", f"/v2/users/{uid}/roles", 200)]  # fmt: skip


async def test_wrong_client_secret_against_the_sandbox(sandbox):
    auth = ClientCredentials(sandbox.base_url, sandbox.config.client_id, "not-the-secret")
    async with UsersClient(sandbox.base_url, auth=auth) as c:
        with pytest.raises(AuthError) as err:
            await c.get_user_roles(UID)
    assert err.value.status == 403 and "invalid client credentials" in str(err.value)
    assert "not-the-secret" not in str(err.value) + repr(err.value)
