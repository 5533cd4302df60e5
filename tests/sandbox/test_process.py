"""SandboxProcess (``--demo``): the sandbox in a process of its own. Its address and tenant are
known before it runs, a request sent at once is answered, a failed start says why and refuses
connections, and it never outlives the process that started it. Both ways of starting it: a
fork of this process (Linux) and a new interpreter (elsewhere)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tui.sandbox import process
from tui.sandbox.config import SandboxConfig
from tui.sandbox.process import SandboxProcess
from tui.sandbox.seed import Seeder
from tui.sandbox.seed_ids import tmc_id_of

pytestmark = pytest.mark.skipif(not process.supported(), reason="needs POSIX descriptor passing")
HOW = pytest.mark.parametrize("fork", [True, False], ids=["fork", "interpreter"])


def list_first_page(sb: SandboxProcess, timeout: float = 30) -> httpx.Response:
    body = {"tmcId": {"id": sb.tmc_id}, "pagination": {"offset": 0, "limit": 5}, "userStatusFilter": "ACTIVE"}
    headers = {"Authorization": f"Bearer {sb.token}"}
    return httpx.post(f"{sb.base_url}/v3/users/list", json=body, headers=headers, timeout=timeout)


def alive(pid: int) -> bool:
    """Running (an exited process nobody has reaped yet is a zombie: not alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return True  # no /proc: trust kill(0)


@pytest.mark.parametrize("seed", [0, 7, 42, -3])
def test_the_tmc_id_is_the_seeders_without_loading_the_seed_data(seed):
    assert tmc_id_of(seed) == Seeder(seed=seed, n_users=10).tmc_id


@HOW
def test_a_request_sent_before_the_child_runs_is_answered_and_stop_ends_it(fork):
    with SandboxProcess(SandboxConfig(users=50, seed=7, lazy_index=True), fork=fork) as sb:
        assert sb.tmc_id == Seeder(seed=7, n_users=50).tmc_id  # known before the child has loaded anything
        answer = list_first_page(sb)
        assert answer.status_code == 200
        assert answer.json()["pagination"]["totalNumResults"] > 0
        search = {"tmcId": {"id": sb.tmc_id}, "pagination": {"limit": 5}, "searchText": "a"}
        found = httpx.post(
            f"{sb.base_url}/v3/users/list", json=search, headers={"Authorization": f"Bearer {sb.token}"}, timeout=30
        )
        assert found.status_code == 200 and found.json()["users"]  # the lazily taken index searches too
        pid = sb._proc.pid
        assert sb.running
        assert os.getsid(pid) == pid != os.getsid(0)  # a session of its own: Ctrl+C is not its
        if os.path.isdir(f"/proc/{pid}/fd"):  # its stdout is not this process's (the terminal)
            assert os.readlink(f"/proc/{pid}/fd/1") == os.devnull
    assert not alive(pid) and sb.error is None
    sb.stop()  # again: nothing to do
    with pytest.raises(httpx.ConnectError):
        list_first_page(sb, timeout=5)


@HOW
def test_a_failed_start_closes_the_socket_and_says_why(tmp_path, fork):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"format": "another", "tmcId": "someone-else"}))
    sb = SandboxProcess(SandboxConfig(users=10, state_file=state), fork=fork)
    try:
        with pytest.raises(httpx.HTTPError):  # refused, or closed unanswered: never a hang
            list_first_page(sb, timeout=20)
        deadline = time.monotonic() + 20
        while sb.running and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sb.stop()
    assert sb.error is not None and "written for another sandbox" in sb.error


@HOW
def test_the_child_ends_with_the_process_that_started_it(fork):
    """Even when that process is killed and never calls stop()."""
    script = f"""
from tui.sandbox.config import SandboxConfig
from tui.sandbox.process import SandboxProcess
sb = SandboxProcess(SandboxConfig(users=20, seed=3), fork={fork})
print(sb.base_url, sb._proc.pid, flush=True)
import os, time
time.sleep(60)
"""
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    base_url, pid = parent.stdout.readline().split()
    child = int(pid)
    headers = {"Authorization": "Bearer sandbox-token"}
    body = {"tmcId": {"id": tmc_id_of(3)}, "pagination": {"limit": 1}}
    assert httpx.post(f"{base_url}/v3/users/list", json=body, headers=headers, timeout=30).status_code == 200
    parent.kill()
    parent.wait(10)
    deadline = time.monotonic() + 20
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
