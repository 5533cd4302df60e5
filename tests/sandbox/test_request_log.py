"""The request log (``GET``/``DELETE /_sandbox/requests``): format, order, bound, clearing."""

from __future__ import annotations

import threading

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tui.sandbox.faults import REQUEST_LOG_SIZE, FaultMiddleware, Faults, RequestLog


def _active_user(sb) -> str:
    return next(r.user_id for r in map(sb.store.row, range(len(sb.store.index))) if r.is_active)


def test_log_over_http_is_oldest_first_with_the_path_as_requested(sandbox_factory, conforms):
    sb = sandbox_factory(users=20)
    uid = _active_user(sb)
    auth = {"Authorization": f"Bearer {sb.token}"}
    with httpx.Client(base_url=sb.base_url, headers=auth, timeout=5) as c:
        c.get(f"/v2/users/{uid}/roles", params={"includeInactive": "true"})
        c.put(f"/v2/users/{uid}/external-id", json={"externalId": "LOG-1"})
        c.put(f"/v2/users/{uid}/external-id", json={"externalId": 5})
        httpx.get(f"{sb.base_url}/v2/users/{uid}")  # no token
        c.get("/v2/nowhere")
        c.get("/_sandbox/faults")  # admin requests are not logged
    expected = [
        ["GET", f"/v2/users/{uid}/roles", 200],
        ["PUT", f"/v2/users/{uid}/external-id", 200],
        ["PUT", f"/v2/users/{uid}/external-id", 400],
        ["GET", f"/v2/users/{uid}", 401],
        ["GET", "/v2/nowhere", 404],
    ]
    got = httpx.get(f"{sb.base_url}/_sandbox/requests")
    assert got.status_code == 200
    assert got.json() == {"requests": expected}
    assert sb.requests == [tuple(e) for e in expected]
    assert sb.requests[1:3] == [tuple(e) for e in expected[1:3]]
    cleared = httpx.delete(f"{sb.base_url}/_sandbox/requests")
    assert cleared.status_code == 200 and cleared.json() == {"requests": []}
    assert httpx.get(f"{sb.base_url}/_sandbox/requests").json() == {"requests": []}
    assert len(sb.requests) == 0
    httpx.get(f"{sb.base_url}/v2/users", headers=auth)
    assert httpx.get(f"{sb.base_url}/_sandbox/requests").json() == {"requests": [["GET", "/v2/users", 200]]}


def test_sandbox_log_is_bounded_to_the_last_200000():
    assert REQUEST_LOG_SIZE == 200_000
    log = RequestLog()
    assert log.maxlen == REQUEST_LOG_SIZE
    log.extend(("GET", f"/p/{i}", 200) for i in range(REQUEST_LOG_SIZE + 5))
    assert len(log) == REQUEST_LOG_SIZE
    assert log[0] == ("GET", "/p/5", 200) and log[-1] == ("GET", f"/p/{REQUEST_LOG_SIZE + 4}", 200)


async def test_middleware_keeps_only_the_newest_entries_in_order():
    async def ok(request):
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/n/{i}", ok)])
    log = RequestLog(maxlen=3)
    transport = httpx.ASGITransport(app=FaultMiddleware(app, Faults(), log))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        for i in range(5):
            await client.get(f"/n/{i}")
    assert log == [("GET", "/n/2", 200), ("GET", "/n/3", 200), ("GET", "/n/4", 200)]
    assert log.as_json() == {"requests": [["GET", f"/n/{i}", 200] for i in (2, 3, 4)]}


def test_log_reads_are_safe_while_another_thread_appends():
    log = RequestLog(maxlen=1000)
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            log.append(("GET", "/x", 200))

    t = threading.Thread(target=writer)
    t.start()
    try:
        for _ in range(300):
            assert all(r == ("GET", "/x", 200) for r in log)  # iterating a live deque would raise
            assert len(log[-10:]) <= 10
    finally:
        stop.set()
        t.join()
