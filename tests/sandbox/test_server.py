"""Starting and stopping, the OAuth2 token endpoint, state files, serve_forever."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest


def test_oauth_token(sandbox, conforms):
    url = f"{sandbox.base_url}/v2/auth/oauth2-token"
    ok = httpx.post(
        url, data={"grant_type": "client_credentials", "client_id": "sandbox-client", "client_secret": "sandbox-secret"}
    )
    assert ok.status_code == 200
    conforms(ok.json(), "OAuthTokenResponse")
    assert ok.json()["token_type"] == "Bearer"
    token = ok.json()["access_token"]
    uid = sandbox.store.row(1).user_id
    assert (
        httpx.get(f"{sandbox.base_url}/v2/users/{uid}/roles", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    bad = httpx.post(
        url, data={"grant_type": "client_credentials", "client_id": "sandbox-client", "client_secret": "nope"}
    )
    assert bad.status_code == 403
    conforms(bad.json(), "ErrorResponse")
    missing = httpx.post(url, data={"grant_type": "client_credentials"})
    assert missing.status_code == 400
    assert {"client_id", "client_secret"} <= {
        p["name"] for m in missing.json()["errorMessages"] for p in m["errorParameters"]
    }


def test_custom_credentials_and_token(sandbox_factory):
    sb = sandbox_factory(users=5, token="t0k", client_id="me", client_secret="s3")
    resp = httpx.post(
        f"{sb.base_url}/v2/auth/oauth2-token",
        data={"grant_type": "client_credentials", "client_id": "me", "client_secret": "s3"},
    )
    assert resp.json()["access_token"] == "t0k" == sb.token


def test_sandbox_attributes(sandbox):
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert len(sandbox.company_ids) >= 3
    assert sandbox.tmc_id and sandbox.token == "sandbox-token"


def test_stop_frees_the_port(sandbox_factory):
    sb = sandbox_factory(users=5)
    url = sb.base_url
    sb.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v2/users", timeout=1)


def test_state_file_keeps_edits(sandbox_factory, tmp_path):
    state = tmp_path / "state.json"
    sb = sandbox_factory(users=20, state_file=state)
    headers = {"Authorization": f"Bearer {sb.token}"}
    uid = sb.store.row(3).user_id
    httpx.put(f"{sb.base_url}/v2/users/{uid}/external-id", json={"externalId": "KEPT", "zz": 1}, headers=headers)
    httpx.delete(f"{sb.base_url}/v2/users/{sb.store.row(4).user_id}", headers=headers)
    company = sb.store.seeder.companies[0]
    new = httpx.post(
        f"{sb.base_url}/v2/users",
        headers=headers,
        json={
            "persona": "GUEST",
            "businessInfo": {"organizationRef": {"id": company.id}, "legalEntityRef": company.legal_entities[0]},
        },
    ).json()["id"]
    httpx.post(f"{sb.base_url}/v2/users/{uid}/favorites", headers=headers, json={"type": "T", "displayName": "D"})
    sb.stop()
    assert json.loads(state.read_text())["format"] == 1

    again = sandbox_factory(users=20, state_file=state)
    headers = {"Authorization": f"Bearer {again.token}"}
    assert httpx.get(f"{again.base_url}/v2/users/{uid}/external-id", headers=headers).json() == {
        "externalId": "KEPT",
        "zz": 1,
    }
    assert again.store.is_active(again.store.row(4).user_id) is False
    assert httpx.get(f"{again.base_url}/v2/users/{new}", headers=headers).status_code == 200
    assert len(httpx.get(f"{again.base_url}/v2/users/{uid}/favorites", headers=headers).json()["favorites"]) == 1
    found = httpx.post(
        f"{again.base_url}/v3/users/list",
        headers=headers,
        json={"tmcId": {"id": again.tmc_id}, "pagination": {}, "filters": [{"externalIds": ["KEPT"]}]},
    ).json()
    assert [u["userId"]["id"] for u in found["users"]] == [uid]


def test_state_file_of_another_sandbox_is_refused(sandbox_factory, tmp_path):
    state = tmp_path / "state.json"
    sandbox_factory(users=20, seed=1, state_file=state).stop()
    with pytest.raises(ValueError, match="another sandbox"):
        sandbox_factory(users=20, seed=2, state_file=state)


def test_serve_forever_prints_connection_lines():
    code = "from tui.sandbox import SandboxConfig, serve_forever; serve_forever(SandboxConfig(users=20, seed=3))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    try:
        lines = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(4))
        assert set(lines) == {"base_url", "token", "tmc_id", "company_ids"}
        assert len(lines["company_ids"].split(",")) >= 3
        resp = httpx.post(
            f"{lines['base_url']}/v3/users/list",
            timeout=10,
            headers={"Authorization": f"Bearer {lines['token']}"},
            json={"tmcId": {"id": lines["tmc_id"]}, "pagination": {"limit": 5}},
        )
        assert resp.status_code == 200 and len(resp.json()["users"]) == 5
    finally:
        proc.terminate()
        proc.wait(timeout=10)
