"""The command line: the app, the sandbox, config, audit, bulk jobs (``tui/cli_bulk.py``; plan and apply
of a CSV in ``tui/cli_plan.py``), export (``tui/cli_export.py``), drafts (``tui/cli_drafts.py``)
and the offline cache (``tui/cli_cache.py``).

Heavy imports (textual, the sandbox's server, the models) happen inside the commands that need them, so
``--help``, ``config path`` and ``audit`` answer at once. Every failure an agent can cause or
meet (bad URL, missing token, unreadable config, dead server) ends as one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from tui import __version__

EPILOG = """\
environment variables:
  SPOTNANA_TOKEN                  bearer token for --base-url / token_env environments
  SPOTNANA_CLIENT_ID, SPOTNANA_CLIENT_SECRET
                                  OAuth2 client credentials (exchanged at /v2/auth/oauth2-token)
  SPOTNANA_ENV, SPOTNANA_THEME, SPOTNANA_BASE_URL, SPOTNANA_TMC_ID, SPOTNANA_COMPANY_ID,
  SPOTNANA_PAGE_SIZE              override the config file
  SPOTNANA_CONFIG                 another config file;  SPOTNANA_TUI_HOME  one folder for all files

examples:
  spotnana-tui --demo                       the app on a built-in sandbox, no account needed
  spotnana-tui --env prod                   an environment from the config file
  spotnana-tui --offline --env prod         the same, from the offline cache, without connecting
  SPOTNANA_TOKEN=... spotnana-tui --base-url https://api.example.com --tmc-id <uuid>
  spotnana-tui sandbox --users 100000       serve the sandbox API on 127.0.0.1
  spotnana-tui config path                  where the config file is
  spotnana-tui audit --tail 20              the last writes made from this machine
  spotnana-tui bulk list                    bulk jobs; bulk show|resume|undo JOB (see bulk --help)
  spotnana-tui bulk plan --csv people.csv -o plan.json
  spotnana-tui bulk apply plan.json         a spreadsheet's per-user values: plan, review, apply
  spotnana-tui export --query 'persona:employee' --fields designation,office.id -o users.csv
                                            users to a file (see export --help)
  spotnana-tui drafts list                  changes kept as drafts, with their diffs; drafts drop ID
  spotnana-tui cache sync --all             every user into the offline cache; cache status|clear
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="spotnana-tui",
        description="Search, review and edit Spotnana traveler profiles from the terminal.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--demo", action="store_true", help="start a built-in sandbox on a free loopback port and connect to it"
    )
    p.add_argument(
        "--demo-users", type=int, default=2000, metavar="N", help="users in the --demo sandbox (default 2000)"
    )
    p.add_argument("--demo-seed", type=int, default=42, metavar="S", help="seed of the --demo sandbox (default 42)")
    p.add_argument(
        "--offline",
        action="store_true",
        help="open the app on the offline cache of the environment the connection options name, without connecting",
    )
    p.add_argument("--env", metavar="NAME", help="named environment from the config file")
    p.add_argument("--base-url", metavar="URL", help="Users API base URL (overrides the environment's)")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--tmc-id", metavar="ID", help="list the users of this TMC")
    scope.add_argument("--company-id", metavar="ID", help="list the users of this company")
    p.add_argument("--theme", metavar="NAME", help="theme name (bundled or from the user themes folder)")
    p.add_argument("--config", metavar="FILE", help="config file to use instead of the default one")
    p.add_argument("--page-size", type=int, metavar="N", help="users fetched per page (default 100)")
    p.add_argument(
        "--insecure", action="store_true", help="allow a plain http:// base URL to a host other than loopback"
    )

    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sb = sub.add_parser(
        "sandbox",
        help="serve the local sandbox of the Users API on 127.0.0.1",
        description="Serve a stateful, seeded sandbox of the Users API on 127.0.0.1. "
        "Prints base_url, token, tmc_id and company_ids, one 'key: value' a line.",
    )
    sb.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sb.add_argument("--users", type=int, default=1000, metavar="N", help="generated users (default 1000)")
    sb.add_argument("--seed", type=int, default=42, metavar="S", help="seed: the same seed gives the same data")
    sb.add_argument("--state", metavar="FILE", help="keep edits in this JSON file across restarts")
    sb.add_argument("--token", default="sandbox-token", metavar="T", help="bearer token it accepts")
    sb.add_argument("--latency-ms", type=int, default=0, metavar="MS", help="added to every answer")
    sb.add_argument("--error-rate", type=float, default=0.0, metavar="R", help="share of answers that are 500s (0..1)")
    sb.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="RPS",
        help="requests a second before answering 429 with Retry-After",
    )

    cfg = sub.add_parser("config", help="the config file", description="Show where the config file is, or print it.")
    cfg.add_argument("action", choices=["path", "show"], help="path: print its location; show: print it")

    au = sub.add_parser(
        "audit",
        help="print the audit log of writes",
        description="Print the audit log: every write attempted or done, PII masked.",
    )
    au.add_argument("--tail", type=int, metavar="N", help="only the last N entries")
    au.add_argument("--json", action="store_true", help="print the raw JSON lines")

    from tui.cli_bulk import add_bulk_parser
    from tui.cli_plan import add_plan_parsers

    add_plan_parsers(add_bulk_parser(sub))
    from tui.cli_export import add_export_parser

    add_export_parser(sub)
    from tui.cli_drafts import add_drafts_parser

    add_drafts_parser(sub)
    from tui.cli_cache import add_cache_parser

    add_cache_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:  # the app: no cycle collections while it starts (startup_gc.py)
        from tui.ui import startup_gc

        startup_gc.pause()
    try:
        if args.command == "sandbox":
            return _sandbox(args)
        if args.command == "config":
            return _config(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "bulk" and args.bulk_command in ("plan", "apply"):
            from tui.cli_plan import run_plan_command

            return run_plan_command(args)
        if args.command == "bulk":
            from tui.cli_bulk import run_bulk

            return run_bulk(args)
        if args.command == "export":
            from tui.cli_export import run_export

            return run_export(args)
        if args.command == "drafts":
            from tui.cli_drafts import run_drafts

            return run_drafts(args)
        if args.command == "cache":
            from tui.cli_cache import run_cache

            return run_cache(args)
        if args.demo:
            return _run_demo(args)  # before anything else loads: the sandbox starts first
        return _app(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not _reported(exc):
            raise
        print(f"spotnana-tui: {exc}", file=sys.stderr)
        return 2


def _reported(exc: Exception) -> bool:
    """A failure the agent can cause or meet, told in one line (anything else is a bug)."""
    from tui.api.errors import SpotnanaError
    from tui.config import ConfigError

    return isinstance(exc, (SpotnanaError, ConfigError, OSError, ValueError))


def _sandbox(args: argparse.Namespace) -> int:
    from tui.sandbox import SandboxConfig, serve_forever

    if not 0 <= args.error_rate <= 1:
        raise ValueError("--error-rate must be between 0 and 1")
    cfg = SandboxConfig(
        users=args.users,
        seed=args.seed,
        port=args.port,
        token=args.token,
        state_file=args.state,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        rate_limit=args.rate_limit,
    )
    serve_forever(cfg, out=sys.stdout)
    return 0


def _config(args: argparse.Namespace) -> int:
    from tui.config import config_path, load_settings

    path = args.config if getattr(args, "config", None) else None
    if args.action == "path":
        print(path or config_path())
        return 0
    settings = load_settings(path)
    print(settings.config_file.read_text(encoding="utf-8"), end="")
    return 0


def _audit(args: argparse.Namespace) -> int:
    import json

    from tui.config import load_settings
    from tui.domain.audit import AuditLog, format_entry

    settings = load_settings(args.config, create=False)
    entries = AuditLog(settings.paths.audit_file).history()  # an attempt folded into its outcome
    if args.tail:
        entries = entries[-args.tail :]
    if not entries:
        print(f"no writes recorded yet ({settings.paths.audit_file})", file=sys.stderr)
    for entry in entries:
        print(json.dumps(entry, ensure_ascii=False) if args.json else format_entry(entry))
    return 0


def _app(args: argparse.Namespace) -> int:
    from tui.config import load_settings

    overrides = {
        "env": args.env,
        "base_url": args.base_url,
        "tmc_id": args.tmc_id,
        "company_id": args.company_id,
        "theme": args.theme,
        "page_size": args.page_size,
    }
    settings = load_settings(args.config, overrides)
    env = settings.environment(args.env or os.environ.get("SPOTNANA_ENV"))
    if args.insecure:
        env.insecure = True
    _check_before_start(env)
    # (the app drops copies older than cache.max_age_days as its cache opens, on the cache's
    # thread after the first rows: tui/ui/cache_thread.py, not here in the way of the start)
    from tui.ui.run import run_app

    return run_app(settings, env, offline=args.offline)


def _check_before_start(env) -> None:
    """Refuse a bad or insecure base URL and missing scope on stderr, before the screen opens."""
    from tui.api._transport import check_base_url
    from tui.api.errors import InsecureUrlError

    try:
        check_base_url(env.base_url, insecure=env.insecure)
    except InsecureUrlError as exc:
        raise ValueError(f"{exc}; pass --insecure to allow it") from None
    if not (env.tmc_id or env.company_id):
        raise ValueError(f"environment {env.name!r} has no TMC or company to list: give --tmc-id or --company-id")


def _run_demo(args: argparse.Namespace) -> int:
    """The app on a sandbox of its own, started first: in a process of its own where the
    platform can pass it the listening socket (it seeds on another core while the app loads),
    else in a thread. Either way the list shows its loading line until the sandbox answers."""
    from tui.sandbox import process
    from tui.sandbox.config import SandboxConfig

    if args.offline:
        return _demo_offline(args)
    cfg = SandboxConfig(users=args.demo_users, seed=args.demo_seed, lazy_index=True)
    if process.supported():
        sandbox: Any = process.SandboxProcess(cfg)
    else:
        from tui.sandbox.background import BackgroundSandbox

        sandbox = BackgroundSandbox(cfg)
    with sandbox as sb:
        from tui.config import Environment, load_settings

        settings = load_settings(args.config, {"theme": args.theme, "page_size": args.page_size})
        from tui.cli_cache import purge_at_start

        purge_at_start(settings)
        env = Environment(
            name="demo",
            base_url=sb.base_url,
            tmc_id=sb.tmc_id,
            auth="none",
            label="demo sandbox",
            token=sb.token,
            cache_url=_demo_cache_url(args),
        )
        from tui.ui.run import run_app

        code = run_app(settings, env)
    if sb.error is not None:
        print(f"spotnana-tui: the demo sandbox failed: {sb.error}", file=sys.stderr)
        return code or 2
    return code


def _demo_cache_url(args: argparse.Namespace) -> str:
    """What the demo sandbox's users are cached under: its seed and size, not its port (a new
    one every run), so ``--demo --offline`` finds what earlier demo runs kept."""
    return f"demo-sandbox://seed-{args.demo_seed}-users-{args.demo_users}"


def _demo_offline(args: argparse.Namespace) -> int:
    """``--demo --offline``: the cache of earlier demo runs, no sandbox started (``r`` finds
    no server: there is none)."""
    from tui.config import Environment, load_settings
    from tui.sandbox.seed_ids import tmc_id_of
    from tui.ui.run import run_app

    settings = load_settings(args.config, {"theme": args.theme, "page_size": args.page_size})
    env = Environment(
        name="demo",
        base_url="http://127.0.0.1:9",  # the discard port: nothing answers there
        tmc_id=tmc_id_of(args.demo_seed),
        auth="none",
        label="demo sandbox",
        cache_url=_demo_cache_url(args),
    )
    return run_app(settings, env, offline=True)
