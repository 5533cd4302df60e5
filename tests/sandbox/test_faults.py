"""Fault injection, rate limiting, latency and the request log."""

from __future__ import annotations

import time

import httpx
import pytest


@pytest.fixture
def sb(sandbox_factory):
    return sandbox_factory(users=30)


@pytest.fixture
def client(sb):
    with httpx.Client(base_url=sb.base_url, timeout=5, headers={"Authorization": f"Bearer {sb.token}"}) as c:
        yield c


def a_user(sb) -> str:
    """An active user (GET /v2/users/{id} answers 404 for inactive ones)."""
    return next(r.user_id for r in map(sb.store.row, range(len(sb.store.index))) if r.is_active)


def test_injected_429_has_retry_after_then_recovers(sb, client, conforms):
    sb.faults.inject(429, count=2, retry_after=3)
    path = f"/v2/users/{a_user(sb)}/roles"
    for _ in range(2):
        resp = client.get(path)
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "3"
        conforms(resp.json(), "ErrorResponse")
    assert client.get(path).status_code == 200
    assert [s for _, _, s in sb.requests] == [429, 429, 200]


@pytest.mark.parametrize("kind", [500, 502, 503])
def test_injected_server_errors(sb, client, kind):
    sb.faults.inject(kind)
    resp = client.get(f"/v2/users/{a_user(sb)}")
    assert resp.status_code == kind
    if kind == 502:
        assert resp.headers["content-type"].startswith("text/html")
    else:
        assert resp.json()["errorMessages"]
    assert client.get(f"/v2/users/{a_user(sb)}").status_code == 200


def test_injected_malformed_body(sb, client):
    sb.faults.inject("malformed")
    resp = client.get(f"/v2/users/{a_user(sb)}")
    assert resp.status_code == 200
    with pytest.raises(ValueError):
        resp.json()


def test_injected_slow_exceeds_client_timeout(sb):
    sb.faults.slow_seconds = 1.0
    sb.faults.inject("slow")
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"{sb.base_url}/v2/users/{a_user(sb)}", timeout=0.3, headers={"Authorization": f"Bearer {sb.token}"})


def test_unknown_fault_kind_rejected(sb):
    with pytest.raises(ValueError):
        sb.faults.inject(418)


def test_rate_limit(sandbox_factory):
    sb = sandbox_factory(users=10, rate_limit=3)
    with httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"}) as c:
        codes = [c.get(f"/v2/users/{a_user(sb)}/roles") for _ in range(5)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    assert codes[3].status_code == 429
    assert int(codes[3].headers["Retry-After"]) >= 1
    time.sleep(1.05)
    sb.faults.rate_limit = None
    with httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"}) as c:
        assert all(c.get(f"/v2/users/{a_user(sb)}/roles").status_code == 200 for _ in range(6))


def test_error_rate_is_seeded_and_live(sb, client):
    sb.faults.error_rate = 1.0
    assert client.get(f"/v2/users/{a_user(sb)}").status_code == 500
    sb.faults.error_rate = 0.5
    codes = [client.get(f"/v2/users/{a_user(sb)}").status_code for _ in range(40)]
    assert set(codes) == {200, 500}
    sb.faults.error_rate = 0.0
    assert client.get(f"/v2/users/{a_user(sb)}").status_code == 200


def test_error_rate_from_config(sandbox_factory):
    sb = sandbox_factory(users=10, error_rate=1.0)
    resp = httpx.get(f"{sb.base_url}/v2/users/{a_user(sb)}", headers={"Authorization": f"Bearer {sb.token}"})
    assert resp.status_code == 500


def test_latency(sandbox_factory):
    sb = sandbox_factory(users=10, latency_ms=200)
    started = time.monotonic()
    httpx.get(f"{sb.base_url}/v2/users/{a_user(sb)}", headers={"Authorization": f"Bearer {sb.token}"})
    assert time.monotonic() - started >= 0.2


def test_admin_faults_endpoint(sb, client):
    resp = httpx.post(f"{sb.base_url}/_sandbox/faults", json={"inject": {"kind": 503, "count": 1}, "latency_ms": 0})
    assert resp.status_code == 200 and resp.json()["pending"] == [503]
    assert client.get(f"/v2/users/{a_user(sb)}").status_code == 503
    assert httpx.post(f"{sb.base_url}/_sandbox/faults", json={"inject": {"kind": "nope"}}).status_code == 400
    assert httpx.post(f"{sb.base_url}/_sandbox/faults", json={"clear": True}).json()["pending"] == []


def test_request_log(sb, client):
    uid = a_user(sb)
    client.get(f"/v2/users/{uid}/personal-info")
    client.put(f"/v2/users/{uid}/external-id", json={"externalId": "X1"})
    client.get("/v2/users/not-a-user")
    assert sb.requests == [
        ("GET", f"/v2/users/{uid}/personal-info", 200),
        ("PUT", f"/v2/users/{uid}/external-id", 200),
        ("GET", "/v2/users/not-a-user", 404),
    ]
    logged = httpx.get(f"{sb.base_url}/_sandbox/requests").json()["requests"]
    assert logged == [list(r) for r in sb.requests]
    httpx.delete(f"{sb.base_url}/_sandbox/requests")
    assert sb.requests == []
