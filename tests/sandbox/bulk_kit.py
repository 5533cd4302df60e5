"""Shared by the bulk-job tests: users of a sandbox, a backend over loopback, one job run."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.bulk import Change
from tui.domain.bulk_plan import Plan, UserRef, plan
from tui.domain.commit import AuditTrail
from tui.domain.jobs import Journal
from tui.domain.rate_gate import RateGate
from tui.domain.runner import JobReport, JobRunner


def active_users(sandbox: Any) -> list[str]:
    store = sandbox.store
    return [r.user_id for r in map(store.row, range(len(store.index))) if r.is_active]


def client_for(sandbox: Any, gate: RateGate | None = None, **kw: Any) -> UsersClient:
    """The app's client over loopback, with fast retries (the waits are not what is tested)."""
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_backoff", 0.05)
    return UsersClient(sandbox.base_url, token=sandbox.token, on_retry=gate.on_retry if gate else None, **kw)


async def plan_and_run(
    client: UsersClient,
    journal: Journal,
    change: Change,
    users: list[str] | list[UserRef],
    *,
    concurrency: int = 4,
    gate: RateGate | None = None,
    audit: AuditLog | None = None,
) -> tuple[Plan, str, JobReport]:
    backend = OnlineBackend(client)
    planned = await plan(backend, change, users, concurrency=concurrency, environment="sandbox")
    job_id = journal.create_job(planned, env="sandbox", base_url=str(client.base_url))
    runner = JobRunner(backend, journal, job_id, concurrency=concurrency, gate=gate, audit=AuditTrail(audit, "sandbox"))
    return planned, job_id, await runner.run()


def successful_puts(sandbox: Any, since: int = 0) -> Counter[str]:
    """Successful PUTs per user ID, from the sandbox's request log."""
    out: Counter[str] = Counter()
    for method, path, status in sandbox.requests[since:]:
        if method == "PUT" and status < 300:
            out[path.split("/")[3]] += 1
    return out


def calls_for(sandbox: Any, since: int, user_id: str) -> list[tuple[str, int]]:
    return [(m, s) for m, p, s in sandbox.requests[since:] if f"/{user_id}" in p]
