"""CSV benchmark: plan and apply a spreadsheet of per-user values against the sandbox.

    python tests/bench/bench_csv.py [--users 10000] [--latency-ms 20] [--concurrency 16] [--key email]

The sandbox runs in its own process (``spotnana-tui sandbox --latency-ms 20``). A CSV of
``--users`` rows (the key column and a new job title per row, as Excel saves it: BOM, ``;``,
CRLF) is planned and applied through the same code the commands run: ``plan_csv`` (read and
check the file, find the users in batches, read every user's section), the plan file written
and read back (digest and verification), then ``run_new_job`` (the journal and the runner).

Prints: user resolution (list calls, per 100 rows; target <= 1), the time to check the file,
find the users and plan (against the ideal of users x 20 ms / concurrency), the plan file's
size and its write + read time, the apply phase's wall time, its requests per user from the
sandbox's ``/_sandbox/requests`` and the ratio to the ideal (users x requests per user x
latency / concurrency; target <= 1.3x), and the CPU both processes spent. On a small shared
machine 10,000 users take a few minutes; ``--users`` scales it down. Not a pytest test (the
filename keeps it out of collection).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import resource
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
from tui.domain.sections import section  # noqa: E402

KEY_FIELD = {"email": ("businessDetail", "businessEmail"), "userId": ("userId", "id"), "externalId": ("externalId",)}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def start_sandbox(users: int, latency_ms: int) -> tuple[subprocess.Popen, dict[str, str]]:
    size = users * 6 // 5 + 200  # some users are inactive or share an email: enough distinct active keys
    cmd = [sys.executable, "-m", "tui", "sandbox", "--users", str(size), "--latency-ms", str(latency_ms)]
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


async def keys(info: dict[str, str], n: int, key: str) -> list[str]:
    """``n`` distinct key values of active users (the setup, not measured)."""
    out: dict[str, None] = {}
    async with UsersClient(info["base_url"], token=info["token"]) as client:
        backend = OnlineBackend(client)
        offset = 0
        while len(out) < n:
            body = {"tmcId": {"id": info["tmc_id"]}, "pagination": {"offset": offset, "limit": 100}}
            rows = (await backend.list_users(body)).get("users", [])
            if not rows:
                break
            offset += len(rows)
            for r in rows:
                value: object = r
                for step in KEY_FIELD[key]:
                    value = value.get(step, "") if isinstance(value, dict) else ""
                if isinstance(value, str) and value and value.lower() not in out:
                    out[value.lower() if key == "email" else value] = None
    return list(out)[:n]


def excel_csv(key: str, values: list[str]) -> bytes:
    lines = [f"{key};designation"] + [f"{v};Bench title {i % 97}" for i, v in enumerate(values)]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode()


def log(admin: httpx.Client) -> list[list]:
    return admin.get("/_sandbox/requests").json()["requests"]


def run(info: dict[str, str], args: argparse.Namespace, server_pid: int, home: Path) -> None:
    os.environ["SPOTNANA_TUI_HOME"] = str(home)
    from tui.cli_bulk import connect, run_new_job, scope_of
    from tui.config import Environment, load_settings
    from tui.domain.bulk_plan import plan
    from tui.domain.csv_import import CsvPlan, load_csv
    from tui.domain.export import ListScope
    from tui.domain.jobs import Journal
    from tui.domain.plan_file import PlanFile, Target, read_plan_file, write_plan_file

    values = asyncio.run(keys(info, args.users, args.key))
    data = excel_csv(args.key, values)
    csv_path = home / "people.csv"
    csv_path.write_bytes(data)
    admin = httpx.Client(base_url=info["base_url"], timeout=60)
    settings = load_settings(None)
    env = Environment(name="bench", base_url=info["base_url"], tmc_id=info["tmc_id"], auth="none", token=info["token"])
    scope = ListScope(tmc_id=env.tmc_id)
    n = args.concurrency
    print(f"{len(values)} rows keyed by {args.key}, concurrency {n}, latency {args.latency_ms} ms", flush=True)

    admin.delete("/_sandbox/requests")
    cpu0, server0 = own_cpu(), cpu_seconds(server_pid)

    async def planning() -> tuple[CsvPlan, float, float]:
        client, backend, _ = connect(env, n)
        try:
            t0 = time.perf_counter()
            imported = await load_csv(backend, csv_path, section=section("business"), scope=scope, concurrency=n)
            t1 = time.perf_counter()
            planned = await plan(backend, imported.change(), imported.refs(), concurrency=n, validate=False)
            t2 = time.perf_counter()
            return CsvPlan(imported, planned), t1 - t0, t2 - t1
        finally:
            await client.aclose()

    result, lookup_s, read_s = asyncio.run(planning())
    plan_cpu, plan_server = own_cpu() - cpu0, cpu_seconds(server_pid) - server0
    requests = log(admin)
    lists = sum(1 for m, p, _ in requests if p == "/v3/users/list")
    rows = len(result.imported.rows)
    print(f"  users found: {lists} list calls for {rows} rows = {lists / rows * 100:.2f} per 100 rows (target <= 1)")
    plan_ideal = rows * args.latency_ms / 1000 / n
    print(
        f"  plan: check + find {lookup_s:.2f} s, read every section {read_s:.2f} s "
        f"(ideal {plan_ideal:.2f} s, {read_s / plan_ideal:.2f}x), total {lookup_s + read_s:.2f} s; "
        f"{result.plan.summary()}"
    )
    print(f"  cpu while planning: this process {plan_cpu:.1f} s, the sandbox {plan_server:.1f} s")
    t0 = time.perf_counter()
    target = Target(env.name, env.base_url, scope_of(env))
    plan_path = home / "plan.json"
    write_plan_file(plan_path, PlanFile.from_csv(result, target))
    back = read_plan_file(plan_path)
    print(
        f"  plan file: {plan_path.stat().st_size / 1e6:.1f} MB, written + read + verified in {time.perf_counter() - t0:.2f} s"
    )

    admin.delete("/_sandbox/requests")
    cpu0, server0 = own_cpu(), cpu_seconds(server_pid)
    t0 = time.perf_counter()
    with Journal(settings.paths.jobs_file) as journal:
        code = run_new_job(settings, env, back.plan, concurrency=n, journal=journal, err=io.StringIO())
    apply_s = time.perf_counter() - t0
    cpu, server_cpu = own_cpu() - cpu0, cpu_seconds(server_pid) - server0
    requests = log(admin)
    users = len(back.plan.will_change)
    per_user = Counter(p.split("/")[3] for _, p, _ in requests if p.startswith("/v2/users/"))
    rpu = sum(per_user.values()) / users
    ideal = users * rpu * args.latency_ms / 1000 / n
    print(
        f"  apply: {apply_s:.2f} s for {users} users, {rpu:.2f} requests/user (max {max(per_user.values())} "
        f"for one), {len(requests) - sum(per_user.values())} other; ideal {ideal:.2f} s, ratio {apply_s / ideal:.2f}x "
        f"(target <= 1.3x); exit code {code}"
    )
    print(f"  cpu while applying: this process {cpu:.1f} s, the sandbox {server_cpu:.1f} s (2 shared cores)")
    ids = [u.user_id for u in back.plan.will_change]
    bare = asyncio.run(bare_httpx(info, ids, n))
    floor = len(ids) * 3 * args.latency_ms / 1000 / n
    print(
        f"  bare httpx, the same 3 requests per user and no engine (this machine's floor): {bare:.2f} s "
        f"({bare / floor:.2f}x the ideal); apply / bare = {apply_s / bare:.2f}x"
    )
    admin.close()


async def bare_httpx(info: dict[str, str], user_ids: list[str], concurrency: int) -> float:
    """GET, PUT of that body, GET per user with bare httpx: what this machine and sandbox allow."""
    headers = {"Authorization": f"Bearer {info['token']}"}
    async with httpx.AsyncClient(base_url=info["base_url"], headers=headers, timeout=60) as client:
        queue = iter(user_ids)

        async def worker() -> None:
            for uid in queue:
                path = f"/v2/users/{uid}/business-info"
                body = (await client.get(path, params={"includeInactive": "true"})).content
                put = await client.put(path, content=body, headers={"content-type": "application/json"})
                put.raise_for_status()
                await client.get(path, params={"includeInactive": "true"})

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--latency-ms", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--key", choices=sorted(KEY_FIELD), default="email")
    args = ap.parse_args()
    proc, info = start_sandbox(args.users, args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(info, args, proc.pid, Path(tmp))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
