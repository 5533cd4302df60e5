"""Bulk-job benchmark: plan and apply one change to 1,000 users against the sandbox.

    python tests/bench/bench_bulk.py [--users 1000] [--latency-ms 20] [--concurrency 16] [--runs 1]

The sandbox runs in its own process (``spotnana-tui sandbox --latency-ms 20``), so its CPU is
not this process's. Prints: the time to plan (one read per user), the apply phase's wall time,
its requests per user from the sandbox's ``/_sandbox/requests``, the ideal wall time
(users x requests per user x latency / concurrency) and the ratio to it, and the journal's
size. Targets (from the issue): ratio <= 1.3x, at most 3 requests per user in the apply phase.
Not a pytest test (the filename keeps it out of collection).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.api.client import UsersClient  # noqa: E402
from tui.domain.backend import OnlineBackend  # noqa: E402
from tui.domain.bulk import Change, Set  # noqa: E402
from tui.domain.bulk_plan import UserRef, plan  # noqa: E402
from tui.domain.jobs import Journal  # noqa: E402
from tui.domain.rate_gate import RateGate  # noqa: E402
from tui.domain.runner import JobRunner  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_sandbox(users: int, latency_ms: int) -> tuple[subprocess.Popen, dict[str, str]]:
    cmd = [sys.executable, "-m", "tui", "sandbox", "--users", str(users + 50), "--latency-ms", str(latency_ms)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    info: dict[str, str] = {}
    while len(info) < 4:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            raise SystemExit("the sandbox did not start")
        key, _, value = line.strip().partition(": ")
        info[key] = value
    return proc, info


async def user_ids(backend: OnlineBackend, tmc_id: str, n: int) -> list[UserRef]:
    refs: list[UserRef] = []
    while len(refs) < n:
        page = await backend.list_users(
            {
                "tmcId": {"id": tmc_id},
                "userStatusFilter": "ALL",
                "pagination": {"offset": len(refs), "limit": min(100, n - len(refs))},
            }
        )
        rows = page.get("users", [])
        if not rows:
            break
        refs += [
            UserRef(r["userId"]["id"], email=(r.get("businessDetail") or {}).get("businessEmail", "")) for r in rows
        ]
    return refs


async def one_run(
    info: dict[str, str], args: argparse.Namespace, run: int, journal: Journal, server_pid: int
) -> dict[str, float]:
    admin = httpx.Client(base_url=info["base_url"], timeout=30)
    gate = RateGate(args.concurrency)
    async with UsersClient(info["base_url"], token=info["token"], on_retry=gate.on_retry) as client:
        backend = OnlineBackend(client)
        refs = await user_ids(backend, info["tmc_id"], args.users)
        change = Change("business", (Set(("designation",), f"Bench run {run}"),))
        admin.delete("/_sandbox/requests")
        t0 = time.perf_counter()
        planned = await plan(backend, change, refs, concurrency=args.concurrency)
        plan_s = time.perf_counter() - t0
        job_id = journal.create_job(planned, env="bench", base_url=info["base_url"])
        admin.delete("/_sandbox/requests")
        cpu0, server0 = time.process_time(), cpu_seconds(server_pid)
        t0 = time.perf_counter()
        report = await JobRunner(backend, journal, job_id, concurrency=args.concurrency, gate=gate).run()
        apply_s = time.perf_counter() - t0
        cpu, server_cpu = time.process_time() - cpu0, cpu_seconds(server_pid) - server0
    log = admin.get("/_sandbox/requests").json()["requests"]
    admin.close()
    per_user = Counter(path.split("/")[3] for _, path, _ in log if path.startswith("/v2/users/"))
    users = len(planned.users)
    rpu = len(log) / users
    ideal = users * rpu * args.latency_ms / 1000 / args.concurrency
    return {
        "users": users,
        "plan_s": plan_s,
        "plan_ideal_s": users * args.latency_ms / 1000 / args.concurrency,
        "apply_s": apply_s,
        "requests_per_user": rpu,
        "max_requests_one_user": max(per_user.values()),
        "ideal_s": ideal,
        "ratio": apply_s / ideal if ideal else float("nan"),
        "client_cpu_s": cpu,
        "server_cpu_s": server_cpu,
        "changed": report.progress.changed,
    }


async def bare_httpx(info: dict[str, str], refs: list[UserRef], concurrency: int) -> float:
    """The same three requests per user (GET, PUT of that body, GET) with bare httpx and no
    engine: what this machine's HTTP stack and this sandbox allow."""
    headers = {"Authorization": f"Bearer {info['token']}"}
    async with httpx.AsyncClient(base_url=info["base_url"], headers=headers, timeout=30) as client:
        queue = iter(refs)

        async def worker() -> None:
            for ref in queue:
                path = f"/v2/users/{ref.user_id}/business-info"
                body = (await client.get(path, params={"includeInactive": "true"})).content
                put = await client.put(path, content=body, headers={"content-type": "application/json"})
                put.raise_for_status()
                await client.get(path, params={"includeInactive": "true"})

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0


async def baseline(info: dict[str, str], args: argparse.Namespace) -> float:
    gate = RateGate(args.concurrency)
    async with UsersClient(info["base_url"], token=info["token"], on_retry=gate.on_retry) as client:
        refs = await user_ids(OnlineBackend(client), info["tmc_id"], args.users)
    return await bare_httpx(info, refs, args.concurrency)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    proc, info = start_sandbox(args.users, args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "jobs.sqlite3"
            with Journal(path) as journal:
                for run in range(args.runs):
                    r = asyncio.run(one_run(info, args, run, journal, proc.pid))
                    print(
                        f"run {run + 1}: {r['users']:.0f} users, concurrency {args.concurrency}, latency {args.latency_ms} ms"
                    )
                    print(f"  plan:  {r['plan_s']:.2f} s (ideal {r['plan_ideal_s']:.2f} s)")
                    print(
                        f"  apply: {r['apply_s']:.2f} s, {r['requests_per_user']:.2f} requests/user "
                        f"(max {r['max_requests_one_user']:.0f} for one user), ideal {r['ideal_s']:.2f} s, "
                        f"ratio {r['ratio']:.2f}x (target <= 1.3x), {r['changed']:.0f} changed"
                    )
                    print(
                        f"  cpu during apply: this process {r['client_cpu_s']:.2f} s, "
                        f"the sandbox {r['server_cpu_s']:.2f} s (2 cores shared with the rest of the machine)"
                    )
                bare = asyncio.run(baseline(info, args))
                ideal = args.users * 3 * args.latency_ms / 1000 / args.concurrency
                print(f"bare httpx, same 3 requests per user, no engine: {bare:.2f} s ({bare / ideal:.2f}x the ideal)")
            size = path.stat().st_size  # closed: the WAL is checkpointed into the file
            print(f"journal: {size / 1024:.0f} KiB for {args.runs} job(s) of {args.users} users")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
