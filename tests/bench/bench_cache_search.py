"""Offline search over a cache of 100,000 users (a script, not a pytest test).

    .venv/bin/python tests/bench/bench_cache_search.py [--users 100000] [--file PATH] [--repeat 5]

Fills a cache file from the sandbox's seeder directly (the list rows as the sandbox's
``store.detail`` renders them, every profile and roles section as ``GET`` returns them,
sealed with a test key), unless ``--file`` names one this script filled before. Then, for
typing-style queries (the first 1..6 characters of common names and emails, typed one at a
time, with and without a filter; the first page of 100 and ``totalNumResults``), prints p50 /
p95 in milliseconds per query class for:

- ``cache``: :func:`tui.domain.cache_search.search_users` (the offline list);
- ``sandbox``: the sandbox's own in-memory index answering the same body in process (its
  token cache cleared, as bench_sandbox does) and rendering the page;
- ``sql scan``: a plain SQL answer over the same file (``instr`` over every row, filters read
  from ``row_json``), what the cache would cost without its bitsets.

Every cache answer is checked against the sandbox's (same users, same order, same total).
The objects built before measuring (the sandbox's index above all) are frozen out of the
garbage collector's passes, which would otherwise land at random in either side's timings.
Also printed: the first search after the whole file was written (its bits computed), opening
a cached profile (``OfflineBackend.get_user`` + ``read_section``) p50 / p95, and the file's
size per 10,000 profiles.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tui.domain.cache import CacheEnv, ProfileCache
from tui.domain.cache_backend import OfflineBackend
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.cache_search import prepare, search_users
from tui.domain.sections import section
from tui.sandbox.seed import Seeder
from tui.sandbox.store import Store

KEY = b"bench-cache-search-key-32-bytes!"
BASE_URL = "http://127.0.0.1:9"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def fill(store: Store, cache: ProfileCache, n: int) -> None:
    t = time.perf_counter()
    for start in range(0, n, 1000):
        cache.store_rows([store.detail(p) for p in range(start, min(n, start + 1000))])
    rows_s = time.perf_counter() - t
    t = time.perf_counter()
    roles = section("roles")
    for p in range(n):
        uid = store.row(p).user_id
        cache.store_profile(uid, store.user_profile(uid))
        cache.store_section(roles, uid, store.get_section(uid, "roles"))
        if p % 10000 == 9999:
            print(f"  profiles: {p + 1}", flush=True)
    print(f"filled: rows {rows_s:.1f} s, profiles and roles {time.perf_counter() - t:.1f} s")


def words(store: Store, n: int) -> list[str]:
    """Common given names, family names and email local parts (lowercase)."""
    rows = [store.row(p) for p in range(0, n, max(1, n // 5000))]
    given = Counter(r.given.lower() for r in rows)
    family = Counter(r.family.lower() for r in rows)
    out = [w for w, _ in given.most_common(4)] + [w for w, _ in family.most_common(4)]
    rng = random.Random(5)
    out += [r.email.split("@")[0].lower() for r in rng.sample(rows, 4)]
    return out


def sql_scan(db: Any, env: int, body: dict[str, Any]) -> tuple[int, list[str]]:
    """A plain SQL answer: every row read, filters from row_json / facets."""
    where, args = ["env = ?"], [env]
    status = body.get("userStatusFilter", "ACTIVE")
    if status != "ALL":
        where.append("is_active = ?")
        args.append(1 if status == "ACTIVE" else 0)
    for token in str(body.get("searchText", "")).lower().split():
        where.append("instr(search, ?) > 0")
        args.append(token)
    for flt in body.get("filters") or []:
        if "officeIds" in flt:
            where.append("json_extract(row_json, '$.businessDetail.office.id') = ?")
            args.append(flt["officeIds"][0]["id"])
        if "personas" in flt:
            where.append("json_extract(row_json, '$.persona') = ?")
            args.append(flt["personas"][0])
        if "tiers" in flt:
            where.append("user_id IN (SELECT user_id FROM facets WHERE env = ? AND field = 'tier' AND value = ?)")
            args += [env, flt["tiers"][0]]
    clause = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM users WHERE {clause}", args).fetchone()[0]
    rows = db.execute(f"SELECT row_json FROM users WHERE {clause} ORDER BY sort_name, user_id LIMIT 100", args)
    return total, [r[0] for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--file", type=Path, default=None, help="a cache file to fill, or reuse when already filled")
    ap.add_argument("--no-scan", action="store_true", help="leave out the plain SQL baseline (slow)")
    args = ap.parse_args()

    t = time.perf_counter()
    store = Store(Seeder(args.seed, args.users))
    print(f"users: {args.users}; sandbox index ready in {time.perf_counter() - t:.1f} s")
    path = args.file or Path(f"/tmp/bench-cache-{os.getpid()}.sqlite3")
    reuse = path.exists()
    db = connect(path)
    cache = ProfileCache(db, CacheEnv.of("bench", BASE_URL, tmc_id=store.tmc_id), Sealer(KEY))
    if reuse:
        print(f"reusing {path} ({cache.counts()[0]} users)")
    else:
        fill(store, cache, args.users)
        t = time.perf_counter()
        blocks = prepare(db, cache.env_id)
        print(f"bits of the whole file computed ({blocks} users) in {time.perf_counter() - t:.2f} s")
    env = cache.env_id
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    gc.collect()
    gc.freeze()  # the sandbox index's million objects: the collector's passes over them are not the search's time
    t = time.perf_counter()
    search_users(db, env, {"tmcId": {"id": store.tmc_id}, "searchText": "a"})
    print(f"first search of the process (reads the name order once): {(time.perf_counter() - t) * 1000:.1f} ms")

    sample = store.row(args.users // 2)
    filters: dict[str, list[dict[str, Any]] | None] = {
        "no filter": None,
        "office": [{"officeIds": [{"id": sample.office_id}]}],
        "tier SEAT1A": [{"tiers": ["SEAT1A"]}],
        "persona EMPLOYEE": [{"personas": ["EMPLOYEE"]}],
    }
    typed = words(store, args.users)
    print("typed words:", ", ".join(typed))
    classes = {"1 char": (1, 1), "2 chars": (2, 2), "3-4 chars": (3, 4), "5-6 chars": (5, 6)}
    print(
        f"{'query class':30} {'queries':>7} {'matches':>8} {'cache p50':>9} {'p95':>6}"
        f" {'sandbox p50':>11} {'p95':>6} {'sql scan p50':>12} {'p95':>6}"
    )
    all_cache: list[float] = []
    mismatches = 0
    for flabel, flt in filters.items():
        for clabel, (lo, hi) in classes.items():
            mine, theirs, scan, matches = [], [], [], []
            for word in typed:
                for k in range(lo, min(hi, len(word)) + 1):
                    body: dict[str, Any] = {
                        "tmcId": {"id": store.tmc_id},
                        "searchText": word[:k],
                        "pagination": {"offset": 0, "limit": 100},
                    }
                    if flt:
                        body["filters"] = flt
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        got = search_users(db, env, body)
                        mine.append((time.perf_counter() - t) * 1000)
                        store.index._cache.clear()
                        t = time.perf_counter()
                        pos = store.index.query(filters=flt, search=word[:k])
                        want = [store.detail(p) for p in pos[:100]]
                        theirs.append((time.perf_counter() - t) * 1000)
                    if not args.no_scan:
                        t = time.perf_counter()
                        sql_scan(db, env, body)
                        scan.append((time.perf_counter() - t) * 1000)
                    matches.append(len(pos))
                    ids = [u["userId"]["id"] for u in got["users"]]
                    if ids != [u["userId"]["id"] for u in want] or got["pagination"]["totalNumResults"] != len(pos):
                        mismatches += 1
            all_cache += mine
            label = f"{flabel}, {clabel}"
            scan_cols = f"{statistics.median(scan):>12.1f} {pct(scan, 0.95):>6.1f}" if scan else f"{'-':>12} {'-':>6}"
            print(
                f"{label:30} {len(matches):>7} {int(statistics.median(matches)):>8} {statistics.median(mine):>9.2f}"
                f" {pct(mine, 0.95):>6.2f} {statistics.median(theirs):>11.2f} {pct(theirs, 0.95):>6.2f} {scan_cols}"
            )
    print(f"all typing queries: cache p50 {statistics.median(all_cache):.2f} ms, p95 {pct(all_cache, 0.95):.2f} ms")

    domain = Counter(store.row(p).email.split("@")[-1] for p in range(0, args.users, 97)).most_common(1)[0][0]
    broad, theirs = [], []
    for k in range(4, min(12, len(domain)) + 1):
        body = {"tmcId": {"id": store.tmc_id}, "searchText": domain[:k], "pagination": {"offset": 0, "limit": 100}}
        for _ in range(args.repeat):
            t = time.perf_counter()
            got = search_users(db, env, body)
            broad.append((time.perf_counter() - t) * 1000)
            store.index._cache.clear()
            t = time.perf_counter()
            pos = store.index.query(search=domain[:k])
            [store.detail(p) for p in pos[:100]]
            theirs.append((time.perf_counter() - t) * 1000)
        mismatches += got["pagination"]["totalNumResults"] != len(pos)
    print(
        f"a company's email domain typed ({domain[:4]}..{domain[:12]}, {len(pos)} matches, not typing-style):"
        f" cache p50 {statistics.median(broad):.1f} p95 {pct(broad, 0.95):.1f} ms,"
        f" sandbox p50 {statistics.median(theirs):.1f} p95 {pct(theirs, 0.95):.1f} ms"
    )
    print(f"answers that differ from the sandbox's: {mismatches}")

    deep = []
    for offset in (0, 25_000, 45_000, 80_000):
        body = {
            "tmcId": {"id": store.tmc_id},
            "userStatusFilter": "ALL",
            "pagination": {"offset": offset, "limit": 100},
        }
        t = time.perf_counter()
        search_users(db, env, body)
        deep.append(f"{offset}: {(time.perf_counter() - t) * 1000:.1f}")
    print("paging (status ALL, ms at offset):", ", ".join(deep))

    offline = OfflineBackend(cache)
    personal = section("personal")
    rng = random.Random(9)
    opened = []

    async def open_profiles() -> None:
        for p in rng.sample(range(args.users), 300):
            uid = store.row(p).user_id
            t = time.perf_counter()
            await offline.get_user(uid)
            await offline.read_section(personal, uid)
            opened.append((time.perf_counter() - t) * 1000)

    asyncio.run(open_profiles())
    print(
        f"open a cached profile (get_user + read_section): p50 {statistics.median(opened):.2f} ms, p95 {pct(opened, 0.95):.2f} ms"
    )

    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    profiles = db.execute("SELECT count(*) FROM profiles WHERE env = ?", (env,)).fetchone()[0]
    print(
        f"file: {size / 1e6:.0f} MB for {profiles} profiles = {size / 1e6 / max(1, profiles) * 10_000:.1f} MB per 10,000"
    )
    try:
        parts = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
        print("largest parts (MB):", ", ".join(f"{n} {s / 1e6:.1f}" for n, s in parts))
    except Exception:  # dbstat is optional in SQLite builds
        pass
    db.close()
    if args.file is None:
        for p in path.parent.glob(path.name + "*"):
            p.unlink()


if __name__ == "__main__":
    main()
