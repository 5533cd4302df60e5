"""The one commit path against the real sandbox over loopback: three requests per save, a change
landing inside the save window reported, a PUT cut off by 5xx never resent stale, the audit's
attempt-then-outcome records (also across a kill -9)."""

from __future__ import annotations

import copy
import itertools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tui.api.client import UsersClient
from tui.api.errors import ServerError
from tui.domain.audit import UNRESOLVED, AuditLog, format_entry
from tui.domain.backend import OnlineBackend
from tui.domain.commit import AuditTrail, commit_section
from tui.domain.sections import section

PERSONAL = section("personal")
BUSINESS = section("business")


@pytest.fixture(scope="module")
def _users(sandbox):
    rows = [sandbox.store.row(p) for p in range(len(sandbox.store.index))]
    return itertools.cycle([r.user_id for r in rows if r.is_active][150:])


@pytest.fixture
def uid(_users) -> str:
    return next(_users)


@pytest.fixture
async def client(sandbox):
    async with UsersClient(sandbox.base_url, token=sandbox.token, retries=0) as c:
        yield c


@pytest.fixture
def audit(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


class Meddling(OnlineBackend):
    """The real backend, with something happening on the server around the PUT (another
    client's write, an injected fault, a 500 after the write was applied)."""

    def __init__(self, client, before_put=None, after_put=None, fail_after_put=0) -> None:
        super().__init__(client)
        self.before_put, self.after_put, self.fail_after_put = before_put, after_put, fail_after_put

    async def write_section(self, section, user_id, body):
        if self.before_put:
            self.before_put()
        await super().write_section(section, user_id, body)
        if self.after_put:
            self.after_put()
        if self.fail_after_put:
            self.fail_after_put -= 1
            raise ServerError(502, error_messages=[{"message": "bad gateway"}])


def _calls(sandbox, since: int, uid: str) -> list[tuple[str, str]]:
    return [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sandbox.requests[since:] if uid in p]


async def test_a_clean_save_is_three_requests_and_audited_before_and_after(sandbox, client, uid, audit):
    base = await OnlineBackend(client).read_section(BUSINESS, uid)
    edited = {**base, "designation": "Three Requests"}
    since = len(sandbox.requests)
    result = await commit_section(
        OnlineBackend(client), BUSINESS, uid, base, edited, trail=AuditTrail(audit, "sandbox", job_id="job-7")
    )
    assert result.status == "ok" and result.requests == 3
    assert _calls(sandbox, since, uid) == [("GET", "business-info"), ("PUT", "business-info"), ("GET", "business-info")]
    attempted, outcome = audit.read()
    assert attempted["result"] == "attempted" and outcome["result"] == "ok"
    assert attempted["attempt"] == outcome["attempt"] and attempted["job"] == outcome["job"] == "job-7"
    assert attempted["fields"] == ["designation"]
    [line] = audit.history()
    assert line["result"] == "ok" and line["attempted_at"] == attempted["time"]


async def test_a_change_landing_inside_the_save_window_is_reported(sandbox, client, uid, audit):
    backend = OnlineBackend(client)
    base = await backend.read_section(PERSONAL, uid)
    family = base["name"]["family1"]
    edited = copy.deepcopy(base)
    edited["name"]["family1"] = "Mine-Family"

    def second_client_writes():  # lands after our PUT, before the re-read
        name = copy.deepcopy(sandbox.store.get_section(uid, "personal-info")["name"])
        name.update({"family1": family, "middle": "Meddled"})
        sandbox.store.tamper(uid, "personal-info", {"name": name})

    result = await commit_section(
        Meddling(client, after_put=second_client_writes),
        PERSONAL,
        uid,
        base,
        edited,
        trail=AuditTrail(audit, "sandbox"),
    )
    assert result.status == "overtaken" and not result.ok
    assert result.landed == [f"family name is back to {family}", "middle name changed"]
    assert result.message.startswith("another change landed during the save: family name is back to")
    assert result.base["name"]["middle"] == "Meddled"  # the new base is what the server holds
    assert result.pending["name"]["family1"] == "Mine-Family"  # the agent's edit, to apply again
    assert result.pending["name"]["middle"] == "Meddled"
    assert audit.history()[-1]["result"] == "overtaken"


async def test_a_put_cut_off_by_500_is_resent_only_after_a_reread_shows_nothing_changed(sandbox, client, uid, audit):
    backend = Meddling(client, before_put=lambda: sandbox.faults.inject(500, count=1))
    base = await backend.read_section(BUSINESS, uid)
    since = len(sandbox.requests)
    result = await commit_section(
        _once(backend), BUSINESS, uid, base, {**base, "designation": "After A 500"}, trail=AuditTrail(audit, "sandbox")
    )
    assert result.status == "ok", result.error
    assert [(m, s) for m, _, s in sandbox.requests[since:]] == [
        ("GET", 200),
        ("PUT", 500),
        ("GET", 200),
        ("PUT", 204),
        ("GET", 200),
    ]
    assert sandbox.store.get_section(uid, "business-info")["designation"] == "After A 500"
    assert [e["result"] for e in audit.history()] == ["ok"]


def _once(backend: Meddling) -> Meddling:
    hook = backend.before_put

    def first_time_only():
        backend.before_put = None
        hook()

    backend.before_put = first_time_only
    return backend


async def test_a_put_that_landed_before_its_500_is_not_sent_again(sandbox, client, uid, audit):
    backend = Meddling(client, fail_after_put=1)
    base = await backend.read_section(BUSINESS, uid)
    since = len(sandbox.requests)
    result = await commit_section(
        backend, BUSINESS, uid, base, {**base, "designation": "Landed Once"}, trail=AuditTrail(audit, "sandbox")
    )
    assert result.status == "ok"
    assert [m for m, _ in _calls(sandbox, since, uid)] == ["GET", "PUT", "GET"]  # one PUT only


async def test_a_put_cut_off_while_someone_else_wrote_is_not_resent(sandbox, client, uid, audit):
    def fault_and_meddle():
        sandbox.faults.inject(503, count=1)
        sandbox.store.tamper(uid, "business-info", {"accountingCode": "THEIRS-1"})

    backend = _once(Meddling(client, before_put=fault_and_meddle))
    base = await backend.read_section(BUSINESS, uid)
    since = len(sandbox.requests)
    result = await commit_section(
        backend, BUSINESS, uid, base, {**base, "designation": "Not Resent"}, trail=AuditTrail(audit, "sandbox")
    )
    assert result.status == "overtaken"
    assert [m for m, _ in _calls(sandbox, since, uid)] == ["GET", "PUT", "GET"]
    assert "accounting code changed" in result.landed
    assert result.pending["designation"] == "Not Resent" and result.pending["accountingCode"] == "THEIRS-1"
    assert sandbox.store.get_section(uid, "business-info").get("designation") != "Not Resent"


async def test_server_error_text_is_masked_before_it_is_logged(sandbox, client, uid, audit):
    class Quoting(OnlineBackend):
        async def write_section(self, section, user_id, body):
            raise ServerError(500, error_messages=[{"message": f"cannot store dob {body['dob']['iso8601']}"}])

    backend = Quoting(client)
    base = await backend.read_section(PERSONAL, uid)
    edited = {**base, "dob": {"iso8601": "1961-07-14"}}
    result = await commit_section(backend, PERSONAL, uid, base, edited, trail=AuditTrail(audit, "sandbox"))
    assert result.status == "error"
    assert "1961-07-14" not in audit.path.read_text()


CHILD = textwrap.dedent("""
    import asyncio, copy, sys
    from tui.api.client import UsersClient
    from tui.domain.audit import AuditLog
    from tui.domain.backend import OnlineBackend
    from tui.domain.commit import AuditTrail, commit_section
    from tui.domain.sections import section

    async def main(base_url, token, uid, audit_file):
        async with UsersClient(base_url, token=token, retries=0, timeout=60) as client:
            backend = OnlineBackend(client)
            sec = section("business")
            base = await backend.read_section(sec, uid)
            print("ready", flush=True)
            await commit_section(backend, sec, uid, base, {**base, "designation": "Killed Mid-PUT"},
                                 trail=AuditTrail(AuditLog(audit_file), "sandbox"))

    asyncio.run(main(*sys.argv[1:]))
""")


def test_a_write_cut_off_by_kill_9_reads_back_as_attempted_outcome_unknown(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    uid = next(sb.store.row(p).user_id for p in range(len(sb.store.index)) if sb.store.row(p).is_active)
    audit_file = tmp_path / "audit.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, sb.base_url, sb.token, uid, str(audit_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        sb.faults.latency_ms = 1500  # the fresh GET, then the PUT, each take 1.5 s: kill during the PUT
        deadline = time.monotonic() + 30
        while "attempted" not in (audit_file.read_text() if audit_file.exists() else ""):
            assert time.monotonic() < deadline, "the child never recorded its attempt"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        sb.faults.clear()
    [entry] = AuditLog(audit_file).history()
    assert entry["result"] == "attempted" and entry["outcome"] == "unknown"
    assert entry["fields"] == ["designation"]
    assert UNRESOLVED in format_entry(entry)
    assert json.loads(audit_file.read_text().splitlines()[-1])["result"] == "attempted"
