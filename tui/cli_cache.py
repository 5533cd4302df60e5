"""``spotnana-tui cache sync|status|clear``: the offline cache from the command line.

The work is UI-free: :mod:`tui.domain.cache_sync` fills the cache, :mod:`tui.domain.cache`
keeps it; this module turns the command line into their arguments, shows progress on stderr
and maps failures to exit codes. Every ``cache`` subcommand (and the app, through
:func:`purge_at_start`) first drops the copies older than ``cache.max_age_days``.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_common import cli_environment, fail
from tui.cli_progress import ProgressPrinter
from tui.domain.cache_ages import ago

if TYPE_CHECKING:
    from tui.config import Environment, Settings
    from tui.domain.cache import ProfileCache

__all__ = ["add_cache_parser", "run_cache", "purge_at_start", "exit_code", "cache_env", "EXIT_OK", "EXIT_USERS"]

EXIT_OK, EXIT_USERS, EXIT_INPUT, EXIT_SERVER = 0, 1, 2, 3
SHOWN_FAILURES = 10

EXIT_CODES = """\
exit codes: 0 done; 1 some users could not be read, the sync was stopped before the end
(Ctrl+C), or clearing was declined; 2 bad input (query, options, an unusable cache file);
3 the server could not be reached or refused the credentials (what was synced is kept: run
the same command again to go on)."""

SYNC_HELP = f"""\
Fill the offline cache with the users of a query (--query: the list screen's search, filters
and free text) or of the whole TMC or company (--all, inactive users too): their list rows,
and the whole profile (GET /v2/users/{{id}}) and roles of every user whose lastUpdatedAt
differs from the cached copy's. A re-sync with nothing changed makes list calls only.

Interrupted (Ctrl+C, a lost connection, kill -9), it keeps what it stored; the same command
run again goes on where it stopped. Sensitive values (identity documents, date of birth) are
encrypted with a key in the OS keyring, or not cached at all where there is no keyring.

{EXIT_CODES}"""


def add_cache_parser(sub: Any) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    cache = sub.add_parser(
        "cache",
        help="the offline cache: sync users into it, status, clear",
        description="The offline cache of list rows, profiles and sections (and the drafts), per environment.",
    )
    cmds = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    s = argparse.SUPPRESS
    sy = cmds.add_parser(
        "sync", help="fill the cache with the users of a query", description=SYNC_HELP, formatter_class=raw
    )
    which = sy.add_mutually_exclusive_group(required=True)
    which.add_argument("--query", metavar="Q", help="the list screen's search (filters and text)")
    which.add_argument("--all", action="store_true", help="every user of the TMC or company")
    sy.add_argument("--concurrency", type=int, default=8, metavar="N", help="requests at the same time (default 8)")
    sy.add_argument("--page-size", type=int, metavar="N", help="users per list call (default 1000)")
    sy.add_argument("--env", metavar="NAME", default=s, help="named environment from the config file")
    sy.add_argument("--base-url", metavar="URL", default=s, help="Users API base URL")
    scope = sy.add_mutually_exclusive_group()
    scope.add_argument("--tmc-id", metavar="ID", default=s, help="the users of this TMC")
    scope.add_argument("--company-id", metavar="ID", default=s, help="the users of this company")
    sy.add_argument("--insecure", action="store_true", default=s, help="allow plain http:// to a non-loopback host")
    sy.add_argument("--config", metavar="FILE", default=s, help="config file to use instead of the default one")
    st = cmds.add_parser("status", help="what the cache holds, per environment")
    st.add_argument("--config", metavar="FILE", default=s, help="config file to use instead of the default one")
    cl = cmds.add_parser(
        "clear",
        help="drop cached copies (asks first when drafts would go)",
        description="Drop the cached copies of one environment (--env) or of all of them. When "
        "drafts (changes not sent yet) would go too, it asks first; --yes drops them without "
        "asking, --keep-drafts keeps them. Without a terminal to ask on, it refuses unless told.",
    )
    cl.add_argument("--env", metavar="NAME", default=s, help="only this environment (default: all of them)")
    drafts = cl.add_mutually_exclusive_group()
    drafts.add_argument("--yes", action="store_true", help="drop drafts too, without asking")
    drafts.add_argument("--keep-drafts", action="store_true", help="drop the copies, keep the drafts")
    cl.add_argument("--config", metavar="FILE", default=s, help="config file to use instead of the default one")


def run_cache(args: argparse.Namespace) -> int:
    """``cache sync``, ``status`` or ``clear``; every failure is one message and an exit code."""
    try:
        if args.cache_command == "sync":
            return _sync(args)
        if args.cache_command == "status":
            return _status(args)
        return _clear(args)
    except Exception as exc:
        code = exit_code(exc)
        if code is None:
            raise
        return fail(_message(exc), code)


def exit_code(exc: BaseException) -> int | None:
    """The exit code of a failure the agent can cause or meet (None: a bug, let it show)."""
    from tui.api.errors import (
        ApiConnectionError,
        ApiError,
        ApiTimeout,
        AuthError,
        CredentialsError,
        ForbiddenError,
        ServerError,
        SpotnanaError,
    )
    from tui.config import ConfigError
    from tui.domain.cache_db import CacheVersionError

    server = (CredentialsError, AuthError, ForbiddenError, ApiConnectionError, ApiTimeout, ServerError)
    if isinstance(exc, server):
        return EXIT_SERVER
    if isinstance(exc, (ApiError, SpotnanaError, ConfigError, CacheVersionError, ValueError, sqlite3.Error, OSError)):
        return EXIT_INPUT
    return None


def _message(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.Error):
        return f"the cache file cannot be used: {exc}"
    return str(exc)


# -- shared ----------------------------------------------------------------------------------
def cache_env(env: Environment) -> Any:
    """The cache's corner of ``env``: its base URL and the scope its list uses (the TMC when
    both are set, as the list does): the app's own rule, so what a sync keeps is what it shows."""
    from tui.ui.cache_thread import cache_env_of

    return cache_env_of(env)


def _open(settings: Settings, *, create: bool) -> sqlite3.Connection | None:
    """The cache file, its old copies dropped (None: there is none and ``create`` is false)."""
    from tui.domain.cache import purge
    from tui.domain.cache_db import connect

    path = settings.paths.cache_file
    if not create and not path.exists():
        return None
    db = connect(path)
    gone = purge(db, settings.cache_max_age_days)
    if gone:
        print(f"dropped {gone:,} cached copies older than {settings.cache_max_age_days} days", file=sys.stderr)
    return db


def purge_at_start(settings: Settings) -> None:
    """Drop the cache's copies older than ``cache.max_age_days`` as the app starts: quietly, and
    never in the way (no file yet, a file another process holds, an unusable one: nothing)."""
    path = settings.paths.cache_file
    if not path.exists():
        return
    try:
        from tui.domain.cache import purge
        from tui.domain.cache_db import CacheVersionError, connect

        db = connect(path)
    except (CacheVersionError, sqlite3.Error, OSError):
        return
    try:
        db.execute("PRAGMA busy_timeout = 200")  # a running cache sync holds it: next start
        purge(db, settings.cache_max_age_days)
    except sqlite3.Error:
        pass
    finally:
        db.close()


def _size(n: float) -> str:
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


# -- sync ------------------------------------------------------------------------------------
@dataclass
class _Shown:
    """What the progress bar shows (a ``PlanProgress``-like object)."""

    done: int
    total: int
    rate: float
    eta: float | None
    waiting: float = 0.0


def _sync(args: argparse.Namespace) -> int:
    from tui.domain.cache import ProfileCache
    from tui.domain.cache_crypto import Sealer
    from tui.domain.cache_sync import PAGE_SIZE

    if args.concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    page_size = args.page_size or PAGE_SIZE
    if page_size < 1:
        raise ValueError("--page-size must be at least 1")
    settings, env = cli_environment(args)
    query = None
    if not args.all:
        from tui.domain.query import parse_query

        query = parse_query(args.query)
    db = _open(settings, create=True)
    assert db is not None
    try:
        sealer = Sealer.from_keyring()
        if sealer is None:
            print(
                "no keyring on this machine: sensitive values (identity documents, date of birth) are not cached",
                file=sys.stderr,
            )
        cache = ProfileCache(db, cache_env(env), sealer)
        again = "spotnana-tui cache sync " + " ".join(_options(args))
        return _drive(lambda cancel: _sync_run(settings, env, cache, query, page_size, args, again, cancel))
    finally:
        db.close()


def _options(args: argparse.Namespace) -> list[str]:
    """The options of this ``cache sync``, to say how to run it again (the token stays where it is)."""
    out = ["--all"] if args.all else ["--query", shlex.quote(args.query)]
    for name in ("env", "base_url", "tmc_id", "company_id", "config", "page_size"):
        value = getattr(args, name, None)
        if value:
            out += [f"--{name.replace('_', '-')}", shlex.quote(str(value))]
    if getattr(args, "insecure", False):
        out.append("--insecure")
    return out


def _drive(make: Callable[[asyncio.Event], Coroutine[Any, Any, int]]) -> int:
    """Run the sync; the first Ctrl+C asks it to stop cleanly, a second one stops at once."""

    async def main() -> int:
        loop = asyncio.get_running_loop()
        cancel = asyncio.Event()

        def first() -> None:
            cancel.set()
            print("\nstopping: the requests in flight end and are kept (Ctrl+C again to quit now)", file=sys.stderr)
            loop.remove_signal_handler(signal.SIGINT)

        try:
            loop.add_signal_handler(signal.SIGINT, first)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
        return await make(cancel)

    return asyncio.run(main())


async def _sync_run(
    settings: Settings,
    env: Environment,
    cache: ProfileCache,
    query: Any,
    page_size: int,
    args: argparse.Namespace,
    again: str,
    cancel: asyncio.Event,
) -> int:
    from tui.api.errors import SpotnanaError
    from tui.cli_bulk import connect
    from tui.domain.cache_sync import sync, sync_state
    from tui.domain.export import ListScope, resolve_query
    from tui.domain.query import UserQuery

    scope = ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)
    client, backend, gate = connect(env, args.concurrency)
    bar = ProgressPrinter("cache sync")
    started = time.monotonic()
    first: list[int] = []

    def shown(done: int, total: int) -> None:
        if not first:
            first.append(done)
        elapsed = time.monotonic() - started
        rate = (done - first[0]) / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        bar.update(_Shown(done, total, rate, eta, gate.waiting))

    try:
        if query is None:
            query, label = UserQuery(status="ALL"), "every user, --all"
        else:
            label = f"--query {shlex.quote(args.query)}"
            query = await resolve_query(
                backend, query, scope, page_size=settings.page_size, default_status=settings.default_status
            )
        body = scope.request(query, offset=0, limit=page_size, default_status=settings.default_status)
        state = sync_state(cache, body)
        if state is not None and not state.finished and state.next:
            print(f"going on from an earlier run: {state.next:,} of {state.total:,} users were kept", file=sys.stderr)
        try:
            result = await sync(
                backend,
                cache,
                body,
                concurrency=args.concurrency,
                progress=shown,
                cancel=cancel,
                gate=gate,
                page_size=page_size,
                label=label,
            )
        except SpotnanaError as exc:
            code = exit_code(exc)
            if code is None:
                raise
            bar.close()
            fail(_message(exc), code)
            kept = sync_state(cache, body)
            where = f"{kept.next:,} of {kept.total:,} users are kept" if kept is not None else "nothing was kept"
            print(f"the sync stopped ({where}); run it again to go on: {again}", file=sys.stderr)
            return code
    finally:
        bar.close()
        await client.aclose()
    p = result.progress
    took = time.monotonic() - started
    if not result.finished:
        print(
            f"stopped at {p.done:,} of {p.total:,} users ({p.fetched:,} fetched this run, all kept); "
            f"run the same command again to go on: {again}",
            file=sys.stderr,
        )
        return EXIT_USERS
    print(
        f"synced {result.summary()} · {env.name} · "
        f"{result.requests:,} request{'s' if result.requests != 1 else ''} in {took:.1f} s",
        file=sys.stderr,
    )
    if not result.failures:
        return EXIT_OK
    for uid, why in result.failures[:SHOWN_FAILURES]:
        print(f"  {uid}: {why}", file=sys.stderr)
    if len(result.failures) > SHOWN_FAILURES:
        print(f"  ... and {len(result.failures) - SHOWN_FAILURES} more", file=sys.stderr)
    print(f"their cached copies (if any) stay as they were; {again} tries them again", file=sys.stderr)
    return EXIT_USERS


# -- status ----------------------------------------------------------------------------------
def _status(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from tui.config import load_settings
    from tui.domain.cache import status
    from tui.domain.cache_sync import unfinished_syncs

    out = out or sys.stdout
    settings = load_settings(getattr(args, "config", None), create=False)
    db = _open(settings, create=False)
    path = settings.paths.cache_file
    if db is None:
        print(f"the cache is empty (no file yet: {path})", file=out)
        return EXIT_OK
    try:
        size = sum(p.stat().st_size for p in _files(path))
        print(f"{path} · {_size(size)} · copies older than {settings.cache_max_age_days} days are dropped", file=out)
        rows = status(db)
        if not rows:
            print("nothing cached yet", file=out)
        for row in rows:
            name, _, scope = row.key.rpartition(" ")
            print(f"{row.name or '(unnamed)'} · {name} · {scope}", file=out)
            print(
                f"  {row.users:,} users · {row.profiles:,} profiles · {row.sections:,} sections · "
                f"{row.drafts:,} draft{'s' if row.drafts != 1 else ''} · about {_size(_env_bytes(db, row.key))}",
                file=out,
            )
            print(f"  oldest copy {ago(row.oldest)} · newest {ago(row.newest)}", file=out)
            env = db.execute("SELECT id FROM envs WHERE key = ?", (row.key,)).fetchone()[0]
            for state in unfinished_syncs(db, env):
                print(
                    f"  unfinished sync ({state.label or 'a query'}): {state.next:,} of {state.total:,} users "
                    f"kept, {ago(state.updated_at)}; cache sync goes on from there",
                    file=out,
                )
    finally:
        db.close()
    return EXIT_OK


def _files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def _env_bytes(db: sqlite3.Connection, key: str) -> int:
    """Roughly what an environment's copies take in the file (their stored text and blobs)."""
    env = "(SELECT id FROM envs WHERE key = ?)"
    total = 0
    for sql in (
        f"SELECT sum(length(row_json) + length(search)) FROM users WHERE env = {env}",
        f"SELECT sum(length(doc_json) + ifnull(length(sealed), 0)) FROM profiles WHERE env = {env}",
        f"SELECT sum(length(doc_json) + ifnull(length(sealed), 0)) FROM sections WHERE env = {env}",
        f"SELECT sum(length(base_json) + length(edits_json)) FROM drafts WHERE env = {env}",
    ):
        total += db.execute(sql, (key,)).fetchone()[0] or 0
    return int(total)


# -- clear -----------------------------------------------------------------------------------
def _clear(args: argparse.Namespace, inp: TextIO | None = None, err: TextIO | None = None) -> int:
    from tui.config import ConfigError, load_settings
    from tui.domain.cache import clear, drafts_count

    inp, err = inp or sys.stdin, err or sys.stderr
    settings = load_settings(getattr(args, "config", None), create=False)
    name = getattr(args, "env", None)
    db = _open(settings, create=False)
    if db is None:
        print(f"the cache is empty (no file yet: {settings.paths.cache_file})", file=err)
        return EXIT_OK
    try:
        keys: list[str | None] = [None]
        what = "every environment"
        if name:
            keys = [r[0] for r in db.execute("SELECT key FROM envs WHERE name = ?", (name,))]
            try:
                key = cache_env(settings.environment(name)).key
                if key not in keys and db.execute("SELECT 1 FROM envs WHERE key = ?", (key,)).fetchone():
                    keys.append(key)
            except ConfigError:
                pass  # not in the config (any more): what the cache knows by that name
            what = f"environment {name!r}"
            if not keys:
                print(f"nothing cached for {what}", file=err)
                return EXIT_OK
        drafts = sum(drafts_count(db, k) for k in keys)
        drop_drafts = bool(drafts) and not args.keep_drafts
        if drop_drafts and not args.yes:
            plural = "drafts (changes not sent yet)" if drafts != 1 else "draft (a change not sent yet)"
            if not inp.isatty():
                print(
                    f"spotnana-tui: {drafts} {plural} of {what} would go: nothing cleared; "
                    "--yes drops them too, --keep-drafts keeps them",
                    file=err,
                )
                return EXIT_USERS
            err.write(f"Clearing the cache of {what} drops {drafts} {plural} too. Drop them? [y/N] ")
            err.flush()
            if inp.readline().strip().lower() not in ("y", "yes"):
                print("nothing cleared (--keep-drafts clears the copies and keeps the drafts)", file=err)
                return EXIT_USERS
        gone = sum(clear(db, k, drafts=drop_drafts) for k in keys)
        try:
            db.execute("PRAGMA busy_timeout = 1000")
            db.execute("VACUUM")  # give the space back
        except sqlite3.OperationalError:
            pass  # the app has it open: the file shrinks on a later clear
        kept = f"; {drafts} draft{'s' if drafts != 1 else ''} kept" if drafts and not drop_drafts else ""
        print(f"cleared the cache of {what}: {gone:,} rows dropped{kept}", file=err)
    finally:
        db.close()
    return EXIT_OK
