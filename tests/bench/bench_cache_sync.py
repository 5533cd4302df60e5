"""Cache-sync benchmark: ``cache sync`` of 10,000 users from a sandbox at 20 ms latency.

    python tests/bench/bench_cache_sync.py [--users 10000] [--latency-ms 20] [--concurrency 8] [--runs 1] [--no-key]

The sandbox runs in its own process (``spotnana-tui sandbox --latency-ms 20``), so its CPU is
not this process's. Prints, for a sync into an empty cache file: wall time, the requests the
sandbox answered (``/_sandbox/requests``), the ideal (requests x latency / concurrency) and the
ratio to it (target <= 1.3x); the same requests made with the app's client and with stock
httpx, nothing stored, right after each sync, as the baselines this machine allows, and the
ratio to them (``--runs``: several rounds, interleaved, and the medians); a re-sync with
nothing changed (requests, time), one after five users changed behind the app's back, and the
cache file's size per 10,000 profiles. Sensitive values are sealed with a throwaway key (the
keyring path) unless --no-key. Not a pytest test (the filename keeps it out of collection).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_bulk import cpu_seconds, start_sandbox  # noqa: E402
from tui.api.client import UsersClient  # noqa: E402
from tui.domain.backend import OnlineBackend  # noqa: E402
from tui.domain.cache import CacheEnv, ProfileCache  # noqa: E402
from tui.domain.cache_crypto import Sealer  # noqa: E402
from tui.domain.cache_db import connect  # noqa: E402
from tui.domain.cache_sync import PAGE_SIZE, SyncResult, sync  # noqa: E402
from tui.domain.query import UserQuery  # noqa: E402
from tui.domain.rate_gate import RateGate  # noqa: E402


def sandbox_log(admin: httpx.Client) -> list[list]:
    return admin.get("/_sandbox/requests").json()["requests"]


async def one_sync(info: dict[str, str], cache: ProfileCache, concurrency: int) -> tuple[float, float, SyncResult]:
    body = UserQuery(status="ALL").to_request(tmc_id=info["tmc_id"])
    gate = RateGate(concurrency)
    async with UsersClient(info["base_url"], token=info["token"], on_retry=gate.on_retry) as client:
        cpu0, t0 = time.process_time(), time.perf_counter()
        result = await sync(OnlineBackend(client), cache, body, concurrency=concurrency, gate=gate)
        return time.perf_counter() - t0, time.process_time() - cpu0, result


async def bare_requests(info: dict[str, str], concurrency: int, client_kind: str) -> tuple[float, int]:
    """The same requests (list pages, then each user's profile and roles), the pages asked one
    after the other ahead of the fetches, nothing stored: with stock httpx (``"httpx"``) or with
    the app's own client (``"app"``: what the sync costs beyond its requests)."""
    headers = {"Authorization": f"Bearer {info['token']}"}
    if client_kind == "httpx":
        limits = httpx.Limits(max_connections=concurrency + 1)
        client: Any = httpx.AsyncClient(base_url=info["base_url"], headers=headers, timeout=30, limits=limits)

        async def post(body: dict[str, Any]) -> Any:
            return (await client.post("/v3/users/list", json=body)).json()

        async def get(name: str, uid: str) -> None:
            path = f"/v2/users/{uid}" if name == "get_user_info" else f"/v2/users/{uid}/roles"
            (await client.get(path, params={"includeInactive": "true"})).raise_for_status()

    else:
        client = UsersClient(info["base_url"], token=info["token"])

        async def post(body: dict[str, Any]) -> Any:
            return await client.call_raw("list_users_v3", body=body)

        async def get(name: str, uid: str) -> None:
            await client.call_raw(name, uid, **({"include_inactive": True} if name == "get_user_info" else {}))

    async with client:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        sem = asyncio.Semaphore(concurrency)
        count = [0]

        async def lister() -> None:
            offset, total = 0, None
            while total is None or offset < total:
                body = {
                    "tmcId": {"id": info["tmc_id"]},
                    "userStatusFilter": "ALL",
                    "pagination": {"offset": offset, "limit": PAGE_SIZE},
                }
                async with sem:
                    page = await post(body)
                count[0] += 1
                total = page["pagination"]["totalNumResults"]
                for row in page["users"]:
                    queue.put_nowait(row["userId"]["id"])
                offset += len(page["users"])
                if not page["users"]:
                    break
            for _ in range(concurrency):
                queue.put_nowait(None)

        async def worker() -> None:
            while (uid := await queue.get()) is not None:
                for name in ("get_user_info", "get_user_roles"):
                    async with sem:
                        await get(name, uid)
                    count[0] += 1

        t0 = time.perf_counter()
        await asyncio.gather(lister(), *(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0, count[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10000)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--no-key", action="store_true", help="no sealer: sensitive values are left out")
    ap.add_argument("--runs", type=int, default=1, help="syncs into an empty cache, each with its baselines")
    args = ap.parse_args()
    proc, info = start_sandbox(args.users - 50, args.latency_ms)  # start_sandbox adds 50
    lat, n = args.latency_ms / 1000, args.concurrency
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared with the rest of the machine)")
    try:
        admin = httpx.Client(base_url=info["base_url"], timeout=30)
        with tempfile.TemporaryDirectory() as tmp:
            sealer = None if args.no_key else Sealer(os.urandom(32))
            ratios: dict[str, list[float]] = {"sync": [], "app client": [], "httpx": []}
            for run in range(args.runs):  # interleaved: the machine's load falls on all alike
                path = Path(tmp) / f"cache-{run}.sqlite3"
                db = connect(path)
                cache = ProfileCache(db, CacheEnv.of("bench", info["base_url"], tmc_id=info["tmc_id"]), sealer)
                admin.delete("/_sandbox/requests")
                server0 = cpu_seconds(proc.pid)
                wall, cpu, result = asyncio.run(one_sync(info, cache, n))
                server_cpu = cpu_seconds(proc.pid) - server0
                made = len(sandbox_log(admin))
                ideal = made * lat / n
                ratios["sync"].append(wall / ideal)
                print(
                    f"run {run + 1}: sync of {result.progress.done} users into an empty cache, concurrency {n}, "
                    f"latency {args.latency_ms} ms (load average {os.getloadavg()[0]:.2f}):"
                )
                print(
                    f"  {wall:.2f} s, {made} requests ({result.list_calls} list calls of {PAGE_SIZE}, "
                    f"{result.profile_calls} profile and roles GETs), ideal {ideal:.2f} s, "
                    f"ratio {wall / ideal:.2f}x (target <= 1.3x)"
                )
                print(f"  cpu: this process {cpu:.2f} s, the sandbox {server_cpu:.2f} s")
                for kind, label in (("app", "app client"), ("httpx", "httpx")):
                    bare, count = asyncio.run(bare_requests(info, n, kind))
                    ratios[label].append(bare / (count * lat / n))
                    print(
                        f"  baseline, the same {count} requests with {'the app' + chr(39) + 's client' if kind == 'app' else 'stock httpx'}, "
                        f"nothing stored: {bare:.2f} s ({bare / (count * lat / n):.2f}x the ideal); "
                        f"the sync took {wall / bare:.2f}x that"
                    )
                if run < args.runs - 1:
                    db.close()
            print(
                "median ratio to the ideal: "
                + ", ".join(f"{k} {statistics.median(v):.2f}x" for k, v in ratios.items())
                + f" (over {args.runs} run{'s' if args.runs != 1 else ''})"
            )

            admin.delete("/_sandbox/requests")
            wall2, _, again = asyncio.run(one_sync(info, cache, n))
            log = sandbox_log(admin)
            kinds = sorted({f"{m} {p.split('/')[1]}/{p.split('/')[2]}/{p.split('/')[3]}" for m, p, _ in log})
            print(
                f"re-sync, nothing changed: {wall2:.2f} s, {len(log)} requests ({', '.join(kinds)}), "
                f"{again.progress.unchanged} unchanged, {again.progress.fetched} fetched"
            )

            store_ids = [r[0] for r in db.execute("SELECT user_id FROM profiles ORDER BY user_id LIMIT 5")]
            for uid in store_ids:
                admin.post(f"/_sandbox/users/{uid}/business-info", json={"designation": "Changed behind the back"})
            admin.delete("/_sandbox/requests")
            wall3, _, five = asyncio.run(one_sync(info, cache, n))
            log = sandbox_log(admin)
            gets = sorted({p.split("/")[3] for m, p, _ in log if m == "GET"})
            print(
                f"re-sync after 5 users changed: {wall3:.2f} s, {len(log)} requests, "
                f"{five.progress.fetched} fetched (the five changed: {gets == sorted(store_ids)})"
            )
            profiles = db.execute("SELECT count(*) FROM profiles").fetchone()[0]
            db.close()  # the WAL is checkpointed into the file
            size = sum(p.stat().st_size for p in Path(tmp).iterdir() if p.name.startswith(path.name))
            print(
                f"cache file: {size / 2**20:.1f} MiB for {profiles} profiles, their roles and list rows "
                f"({size / 2**20 * 10000 / max(1, profiles):.1f} MiB per 10,000 profiles; "
                f"{'sensitive values left out' if sealer is None else 'sensitive values sealed'})"
            )
        admin.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
