"""``spotnana-tui drafts ...``: the drafts kept in the offline cache, from the command line.

    drafts list [--env E]     the drafts (of one environment, or of all), newest first, with their diffs
    drafts drop ID [--yes]    drop one draft (asks first)

The connection options (--env, --base-url, --tmc-id / --company-id) only pick the
environment: nothing connects to a server. Diffs are masked as the app's confirm screen
masks them (identity-document numbers, date of birth). Pushing a draft is the app's (its
drafts screen): it goes through the diff confirm there. Exit codes: 0 done, 1 declined,
2 bad input (unknown draft, options, an unreadable cache file).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_bulk import add_connection_options, connection_given, line_text
from tui.cli_common import fail

if TYPE_CHECKING:
    import sqlite3

    from tui.config import Settings
    from tui.domain.cache import CacheEnv
    from tui.domain.drafts import Draft

__all__ = ["add_drafts_parser", "run_drafts", "print_draft"]

EXIT_OK, EXIT_DECLINED, EXIT_INPUT = 0, 1, 2


def add_drafts_parser(sub: Any) -> None:
    drafts = sub.add_parser(
        "drafts",
        help="the drafts kept in the offline cache: list, drop",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmds = drafts.add_subparsers(dest="drafts_command", metavar="ACTION", required=True)
    ls = cmds.add_parser("list", help="the drafts, newest first, with their diffs (masked)")
    add_connection_options(ls)
    drop = cmds.add_parser("drop", help="drop one draft (asks first)")
    drop.add_argument("id", type=int, metavar="ID", help="the draft's number, as drafts list shows it")
    drop.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_connection_options(drop)


def run_drafts(args: argparse.Namespace) -> int:
    import sqlite3

    from tui.config import load_settings
    from tui.domain.cache_db import CacheVersionError, connect

    settings = load_settings(getattr(args, "config", None), create=False)
    path = settings.paths.cache_file
    if not path.exists():
        print(f"no drafts (no cache file yet: {path})", file=sys.stderr)
        return EXIT_OK if args.drafts_command == "list" else fail(f"no draft #{args.id}", EXIT_INPUT)
    try:
        db = connect(path)
    except (CacheVersionError, sqlite3.Error) as exc:
        return fail(str(exc), EXIT_INPUT)
    try:
        env = _cache_env(settings, args) if connection_given(args) else None
        drafts = _drafts(db, env)
        if args.drafts_command == "list":
            return _list(drafts, sys.stdout)
        return _drop(db, drafts, args)
    except sqlite3.Error as exc:
        return fail(f"the cache file {path} cannot be used: {exc}", EXIT_INPUT)
    finally:
        db.close()


def _cache_env(settings: Settings, args: argparse.Namespace) -> CacheEnv:
    """The environment the connection options name (as the app would connect to it)."""
    from tui.config import load_settings
    from tui.domain.cache import CacheEnv

    given = {k: getattr(args, k, None) for k in ("env", "base_url", "tmc_id", "company_id")}
    env = load_settings(getattr(args, "config", None), given, create=False).environment(given["env"])
    return CacheEnv.of(env.name, env.base_url, env.tmc_id, env.company_id)


def _drafts(db: sqlite3.Connection, env: CacheEnv | None) -> list[Draft]:
    from tui.domain.cache_crypto import Sealer
    from tui.domain.drafts import DraftStore, all_drafts

    sealer = Sealer.from_keyring(create=False)  # only to read: no key is made for a listing
    return DraftStore(db, env, sealer).list() if env is not None else all_drafts(db, sealer)


def print_draft(draft: Draft, out: TextIO, now: float | None = None) -> None:
    """One draft as ``drafts list`` shows it: a heading line, then its diff (masked)."""
    from tui.domain.drafts import age_text

    who = draft.user_label or draft.user_id
    where = draft.env_name or draft.env
    age = age_text(draft.age_seconds(time.time() if now is None else now))
    print(f"#{draft.id}  {who}  {draft.section.title}  {age}  {draft.state}  {where}", file=out)
    if draft.user_label:
        print(f"    user {draft.user_id}", file=out)
    if draft.note:
        print(f"    note: {draft.note}", file=out)
    for line in draft.lines():
        print(f"    {line_text(line)}", file=out)
    if draft.lost:
        print("    cannot be pushed here: values sealed with a keyring key that is not here", file=out)


def _list(drafts: list[Draft], out: TextIO) -> int:
    now = time.time()
    for draft in drafts:
        print_draft(draft, out, now)
    n = len(drafts)
    print(f"{n} draft{'s' if n != 1 else ''}" if n else "no drafts", file=sys.stderr)
    return EXIT_OK


def _drop(db: sqlite3.Connection, drafts: list[Draft], args: argparse.Namespace) -> int:
    from tui.domain.cache import CacheEnv
    from tui.domain.drafts import DraftStore

    draft = next((d for d in drafts if d.id == args.id), None)
    if draft is None:
        return fail(f"no draft #{args.id}", EXIT_INPUT)
    print_draft(draft, sys.stderr)
    if not args.yes:
        sys.stderr.write(f"Drop draft #{draft.id}? Its changes were never sent. [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print("kept", file=sys.stderr)
            return EXIT_DECLINED
    DraftStore(db, CacheEnv(draft.env, draft.env_name), None).delete(draft.id)
    print(f"dropped draft #{draft.id}", file=sys.stderr)
    return EXIT_OK
