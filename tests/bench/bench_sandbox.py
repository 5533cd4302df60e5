"""Sandbox at scale: readiness time, memory, and list latency (a script, not a pytest test).

    /work/venv/bin/python tests/bench/bench_sandbox.py [--users 100000] [--repeat 30]

Prints the time until the sandbox accepts requests, the process RSS, and for a set of typical
POST /v3/users/list requests the server-side time (index query + rendering a page, in process)
and the end-to-end HTTP time (httpx on the same machine), as median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from tui.sandbox import SandboxConfig, start_sandbox


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    base_rss = rss_mb()
    t0 = time.perf_counter()
    sb = start_sandbox(SandboxConfig(users=args.users, seed=args.seed))
    ready = time.perf_counter() - t0
    print(f"users: {args.users}")
    print(f"ready_s: {ready:.2f}")
    print(f"rss_mb: {rss_mb():.0f} (before start: {base_rss:.0f})")

    store = sb.store
    sample = next(r for r in map(store.row, range(args.users // 2, args.users)) if r.is_active)
    office = sample.office_id
    queries = {
        "first page (ACTIVE, by name)": {},
        "descending, deep offset 40000": {
            "sort": {"sortBy": "NAME", "sortOrder": "DESCENDING"},
            "pagination": {"offset": 40_000, "limit": 100},
        },
        "status ALL": {"userStatusFilter": "ALL"},
        "search common 'an'": {"searchText": "an"},
        "search family name": {"searchText": sample.family},
        "search full name": {"searchText": f"{sample.given} {sample.family}"},
        "search email exact": {"searchText": sample.email},
        "filter persona GUEST": {"filters": [{"personas": ["GUEST"]}]},
        "filter office + search": {"filters": [{"officeIds": [{"id": office}]}], "searchText": "a"},
        "two filters OR": {"filters": [{"tiers": ["SEAT1A"]}, {"roles": ["TRAVEL_ARRANGER"]}]},
        "company scope": {"companyId": {"id": sb.company_ids[0]}},
    }
    headers = {"Authorization": f"Bearer {sb.token}"}
    print(f"{'query':34} {'matches':>8} {'server p50':>10} {'p95':>7} {'http p50':>9} {'p95':>7}")
    with httpx.Client(base_url=sb.base_url, headers=headers, timeout=30) as client:
        for label, extra in queries.items():
            body = {"pagination": {"offset": 0, "limit": 100}, **extra}
            if "companyId" not in body:
                body["tmcId"] = {"id": sb.tmc_id}
            page = body["pagination"]
            server, http = [], []
            for _ in range(args.repeat):
                store.index._cache.clear()  # measure cold searches, not the search cache
                t = time.perf_counter()
                with store.lock:
                    pos = store.index.query(
                        company=(body.get("companyId") or {}).get("id"),
                        filters=body.get("filters"),
                        status=body.get("userStatusFilter", "ACTIVE"),
                        search=body.get("searchText", ""),
                        descending=(body.get("sort") or {}).get("sortOrder") == "DESCENDING",
                    )
                    [store.detail(p) for p in pos[page["offset"] : page["offset"] + page["limit"]]]
                server.append((time.perf_counter() - t) * 1000)
                store.index._cache.clear()
                t = time.perf_counter()
                resp = client.post("/v3/users/list", json=body)
                http.append((time.perf_counter() - t) * 1000)
                assert resp.status_code == 200, resp.text
            total = resp.json()["pagination"]["totalNumResults"]
            print(
                f"{label:34} {total:>8} {statistics.median(server):>10.1f} {pct(server, 0.95):>7.1f} "
                f"{statistics.median(http):>9.1f} {pct(http, 0.95):>7.1f}"
            )

        uid = sample.user_id
        t = time.perf_counter()
        info = client.get(f"/v2/users/{uid}/personal-info").json()
        info["name"] = {**info.get("name", {}), "given": "Benchmarkina"}
        client.put(f"/v2/users/{uid}/personal-info", json=info)
        found = client.post(
            "/v3/users/list", json={"tmcId": {"id": sb.tmc_id}, "pagination": {}, "searchText": "benchmarkina"}
        ).json()
        assert [u["userId"]["id"] for u in found["users"]] == [uid]
        print(f"edit -> GET, PUT, list finds it: {(time.perf_counter() - t) * 1000:.1f} ms")
    print(f"rss_mb_after: {rss_mb():.0f}")
    sb.stop()


if __name__ == "__main__":
    main()
