"""One gate for every worker: a 429 that one request gets holds the others too, then the
allowance ramps back up; the client's own retry is the only retry."""

from __future__ import annotations

import asyncio
import time

from tests.sandbox.bulk_kit import active_users, client_for
from tui.api.errors import ApiError
from tui.domain.backend import OnlineBackend
from tui.domain.rate_gate import GatedBackend, RateGate
from tui.domain.sections import section

BUSINESS = section("business")


async def test_a_429_to_one_worker_holds_every_worker_for_retry_after(sandbox) -> None:
    users = active_users(sandbox)[:5]
    gate = RateGate(4)
    async with client_for(sandbox, gate) as client:
        backend = GatedBackend(OnlineBackend(client), gate)
        sandbox.faults.inject(429, count=1, retry_after=1)
        since = len(sandbox.requests)
        started = time.monotonic()
        first = asyncio.create_task(backend.read_section(BUSINESS, users[0]))
        while gate.throttles == 0:
            await asyncio.sleep(0.005)
        assert gate.allowed == 2 and 0.8 < gate.waiting <= 1.0  # halved, and held for Retry-After
        others = await asyncio.gather(*(backend.read_section(BUSINESS, u) for u in users[1:]))
        waited = time.monotonic() - started
        await first
    assert waited >= 0.95 and all(isinstance(doc, dict) for doc in others)  # none went during the pause
    statuses = [s for _, p, s in sandbox.requests[since:]]
    assert statuses.count(429) == 1 and len(statuses) == 6  # one 429, retried once by the client only


async def test_the_allowance_ramps_back_up_after_successes(sandbox) -> None:
    users = active_users(sandbox)[5:9]
    gate = RateGate(4)
    gate.throttle(0)
    gate.throttle(0)
    assert gate.allowed == 1  # 4 -> 2 -> 1 (each pause over at once)
    async with client_for(sandbox, gate) as client:
        backend = GatedBackend(OnlineBackend(client), gate)
        for _ in range(4):
            await asyncio.gather(*(backend.read_section(BUSINESS, u) for u in users))
    assert gate.allowed == 4 and gate.in_flight == 0


async def test_a_429_the_client_gave_up_on_still_throttles(sandbox) -> None:
    uid = active_users(sandbox)[9]
    gate = RateGate(3)
    async with client_for(sandbox, retries=0) as client:  # no on_retry: the raised error tells
        backend = GatedBackend(OnlineBackend(client), gate)
        sandbox.faults.inject(429, count=1, retry_after=2)
        try:
            await backend.read_section(BUSINESS, uid)
        except ApiError as exc:
            assert exc.status == 429
        else:
            raise AssertionError("the injected 429 did not come back")
    assert gate.throttles == 1 and gate.allowed == 1 and 1.5 < gate.waiting <= 2.0
