"""BackgroundSandbox (``--demo``): its address and tenant are known before the server runs,
and a request sent at once is answered once it is up."""

from __future__ import annotations

import json

import httpx

from tui.sandbox.background import BackgroundSandbox
from tui.sandbox.config import SandboxConfig
from tui.sandbox.seed import Seeder


def test_a_request_sent_before_the_server_runs_is_answered():
    with BackgroundSandbox(SandboxConfig(users=50, seed=7)) as sb:
        assert sb.tmc_id == Seeder(seed=7, n_users=50).tmc_id  # from the seed, before the start
        body = {"tmcId": {"id": sb.tmc_id}, "pagination": {"offset": 0, "limit": 5}}
        answer = httpx.post(
            f"{sb.base_url}/v3/users/list", json=body, timeout=30, headers={"Authorization": f"Bearer {sb.token}"}
        )
        assert answer.status_code == 200
        assert answer.json()["pagination"]["totalNumResults"] > 0
        running = sb.wait(30)
        assert running.base_url == sb.base_url and running.tmc_id == sb.tmc_id
        assert sb.error is None


def test_a_failed_start_closes_the_socket_and_says_why(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": "another", "tmcId": "someone-else"}))
    sb = BackgroundSandbox(SandboxConfig(users=10, state_file=state))
    try:
        sb.wait(30)
    except RuntimeError as exc:
        assert "written for another sandbox" in str(exc)
    else:
        raise AssertionError("wait() should raise")
    try:
        httpx.get(f"{sb.base_url}/v3/users/list", timeout=5)
    except httpx.ConnectError:
        pass
    else:
        raise AssertionError("the socket should be closed")
    sb.stop()
    assert "written for another sandbox" in str(sb.error)
