"""Start a bulk job without a screen, for tests that run it in a subprocess (and kill it).

    SPOTNANA_TOKEN=... SPOTNANA_TUI_HOME=... python -m tests.sandbox.bulk_helper \\
        --base-url URL --tmc-id ID --count 300 --set designation=Bulk [--concurrency 4] [--yes-plan-only]

Lists the first ``--count`` users of the TMC (by name, every status), plans the change with the
engine, stores the job in the journal under ``SPOTNANA_TUI_HOME`` and prints ``job: <id>`` on
stdout before the first write, then runs it as ``bulk undo`` runs its jobs
(``tui.cli_bulk.run_new_job``). Issue 10's ``bulk plan`` / ``bulk apply`` will replace it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tui.cli_bulk import connect, run_new_job
from tui.config import Environment, load_settings
from tui.domain.bulk import Change, Deactivate, Set
from tui.domain.bulk_plan import Plan, UserRef, plan


async def _plan(env: Environment, change: Change, count: int, concurrency: int) -> Plan:
    client, backend, _ = connect(env, concurrency)
    try:
        refs: list[UserRef] = []
        offset = 0
        while len(refs) < count:
            body = {
                "tmcId": {"id": env.tmc_id},
                "userStatusFilter": "ALL",
                "pagination": {"offset": offset, "limit": min(100, count - len(refs))},
            }
            page = await backend.list_users(body)
            users = page.get("users", [])
            if not users:
                break
            for u in users:
                email = (u.get("businessDetail") or {}).get("businessEmail") or ""
                refs.append(UserRef(u["userId"]["id"], email=email))
            offset += len(users)
        return await plan(backend, change, refs, concurrency=concurrency, environment=env.name)
    finally:
        await client.aclose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--tmc-id", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--section", default="business")
    ap.add_argument("--set", metavar="PATH=VALUE", help="e.g. designation=Bulk")
    ap.add_argument("--deactivate", action="store_true")
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args(argv)
    settings = load_settings(None, {"base_url": args.base_url, "tmc_id": args.tmc_id})
    env = settings.environment()
    if args.deactivate:
        change = Change(None, (Deactivate(),))
    else:
        path, _, value = (args.set or "designation=Bulk").partition("=")
        change = Change(args.section, (Set(tuple(path.split(".")), value),))
    planned = asyncio.run(_plan(env, change, args.count, args.concurrency))
    print(f"plan: {planned.summary()}", flush=True)
    return run_new_job(
        settings, env, planned, concurrency=args.concurrency, on_created=lambda j: print(f"job: {j}", flush=True)
    )


if __name__ == "__main__":
    sys.exit(main())
