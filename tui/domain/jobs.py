"""The job journal: every bulk job, its plan and what happened to each user, in SQLite.

One file (``jobs.sqlite3`` in the app's data dir; the caller gives the path), stdlib
``sqlite3`` in WAL mode, 0600 in a 0700 folder. Tables:

- ``jobs``: id, environment (name, base URL, scope), created, kind (``apply`` / ``undo``),
  ``of_job`` (the job an undo undoes), the change as JSON, state, the plan's summary line;
- ``users``: per job and user: the order, the user's email (how the agent knows them), the
  planned outcome, the user's own change when it differs, the planned edits and the touched
  fields (the value before and after of each field the change touches; never a whole copy);
- ``events``: an ``intent`` row written and committed before a user's write is attempted, then
  a ``result`` row after it: ``changed`` / ``skipped`` / ``failed`` / ``already``, the HTTP
  status, a message (field labels and error codes, no values) and the server's
  ``debugIdentifier``; a ``changed`` result keeps the touched fields as the server had them
  just before and just after the write (what undo restores).

No sensitive value ever lands here: a change refuses fields the spec marks ``x-pii:
SENSITIVE`` or the screen masks (:mod:`tui.domain.bulk_rules`), and only touched fields are
kept. Identifier-level values a change touches (a work email, a loyalty number) are kept, since
undo needs them; the file is the agent's alone.

Each write is its own transaction, so a process killed at any point (kill -9 included) leaves
a journal that says, per user, "not started", "intent without result" (the write may or may
not have landed: resume re-reads) or the result. Commits use ``synchronous=NORMAL``: in WAL mode
that survives a killed process; only a power cut can lose the last few rows, and a user whose
intent is lost is still safe (its replay finds the planned values and sends nothing).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path as FsPath
from typing import Any

from tui.domain.bulk import Touched, touched_to_json
from tui.domain.bulk_plan import Plan, UserPlan
from tui.domain.job_records import (
    Job,
    JobBusy,
    JobCounts,
    JobKind,
    JobState,
    JobUser,
    ResultStatus,
    UserStatus,
    alive,
    job_from_row,
    job_user_from_row,
    status_of,
)
from tui.domain.private_files import private_dir, private_file

__all__ = [
    "JOURNAL_FILE",
    "JobKind",
    "JobState",
    "ResultStatus",
    "UserStatus",
    "Job",
    "JobUser",
    "JobCounts",
    "Journal",
    "JobBusy",
    "unfinished_jobs",
]

JOURNAL_FILE = "jobs.sqlite3"
"""The journal's file name in the app's data dir."""
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    env TEXT NOT NULL,
    base_url TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('apply', 'undo')),
    of_job TEXT,
    change TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT,
    summary TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    change TEXT,
    edits TEXT NOT NULL,
    touched TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, user_id)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intent', 'result')),
    time TEXT NOT NULL,
    status TEXT,
    http INTEGER,
    message TEXT,
    debug TEXT,
    touched TEXT
);
CREATE INDEX IF NOT EXISTS events_by_user ON events (job_id, user_id, id);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_job_id() -> str:
    """``20260801-143207-7f3a``: sortable by time, short enough to type (a unique prefix does)."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


class Journal:
    """The journal file. Open with ``Journal(path)``; every method commits its own writes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = FsPath(path)
        private_dir(self.path.parent)
        private_file(self.path)  # 0600 before SQLite writes a byte
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        for suffix in ("-wal", "-shm"):
            side = FsPath(str(self.path) + suffix)
            if side.exists():
                private_file(side)

    def close(self) -> None:
        try:  # fold the WAL back into the file (it is recreated on the next write)
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another process is reading: its turn to checkpoint
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, kind: object, *rest: object) -> None:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")

    def _tx(self) -> Journal._Tx:
        return Journal._Tx(self._db)

    # -- writing ---------------------------------------------------------------------------

    def create_job(self, plan: Plan, *, env: str, base_url: str = "", scope: str = "") -> str:
        """Store a confirmed plan as a new job (state ``planned``); its ID."""
        job_id = new_job_id()
        while self._db.execute("SELECT 1 FROM jobs WHERE id = ?", (job_id,)).fetchone():
            job_id = new_job_id()
        now = _now()
        change_json = plan.change.to_json()
        with self._tx() as db:
            db.execute(
                "INSERT INTO jobs (id, env, base_url, scope, created, kind, of_job, change, state, summary, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
                (job_id, env, base_url, scope, now, plan.kind, plan.of_job, _dump(change_json), plan.summary(), now),
            )
            db.executemany(
                "INSERT INTO users (job_id, user_id, seq, email, outcome, change, edits, touched, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_user_row(job_id, i, u, change_json) for i, u in enumerate(plan.users)),
            )
        return job_id

    def claim(self, job_id: str) -> str:
        """Mark the job as being run by this process and return the claim; ``JobBusy`` when
        another live process (or another runner in this one) holds it. A claim left by a dead
        process (kill -9) is taken over."""
        mine = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        with self._tx() as db:
            row = db.execute("SELECT owner FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                raise KeyError(f"no job {job_id!r} in {self.path}")
            if row["owner"] and alive(row["owner"]):
                host, pid, _ = row["owner"].rsplit(":", 2)
                raise JobBusy(f"job {job_id} is being run by process {pid} on {host}")
            db.execute("UPDATE jobs SET owner = ? WHERE id = ?", (mine, job_id))
        return mine

    def release(self, job_id: str, claim: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET owner = NULL WHERE id = ? AND owner = ?", (job_id, claim))

    def set_state(self, job_id: str, state: JobState) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET state = ?, updated = ? WHERE id = ?", (state, _now(), job_id))

    def intent(self, job_id: str, user_id: str) -> None:
        """Record (and commit) that a write for ``user_id`` is about to be attempted."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO events (job_id, user_id, kind, time) VALUES (?, ?, 'intent', ?)",
                (job_id, user_id, _now()),
            )

    def result(
        self,
        job_id: str,
        user_id: str,
        status: ResultStatus,
        *,
        http: int | None = None,
        message: str = "",
        debug: str | None = None,
        applied: Iterable[Touched] = (),
    ) -> None:
        """Record (and commit) how a user's write ended."""
        applied = tuple(applied)
        with self._tx() as db:
            db.execute(
                "INSERT INTO events (job_id, user_id, kind, time, status, http, message, debug, touched)"
                " VALUES (?, ?, 'result', ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    user_id,
                    _now(),
                    status,
                    http,
                    message[:500],
                    debug,
                    _dump(touched_to_json(applied)) if applied else None,
                ),
            )

    # -- reading ---------------------------------------------------------------------------

    def find(self, prefix: str) -> str:
        """The ID of the job ``prefix`` names (an ID or a unique start of one); ``KeyError``
        saying why when none or several match."""
        prefix = prefix.strip()
        rows = self._db.execute(
            "SELECT id FROM jobs WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (_like(prefix) + "%",)
        ).fetchall()
        exact = [r["id"] for r in rows if r["id"] == prefix]
        if exact:
            return exact[0]
        if not rows or not prefix:
            raise KeyError(f"no job {prefix!r} in {self.path}")
        if len(rows) > 1:
            raise KeyError(f"{prefix!r} names {len(rows)} jobs: {', '.join(r['id'] for r in rows[:5])}")
        return str(rows[0]["id"])

    def job(self, job_id: str) -> Job:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(f"no job {job_id!r} in {self.path}")
        return job_from_row(row, self._counts(job_id))

    def jobs(self) -> list[Job]:
        """Every job, newest first."""
        rows = self._db.execute("SELECT * FROM jobs ORDER BY created DESC, id DESC").fetchall()
        return [job_from_row(r, self._counts(r["id"])) for r in rows]

    def users(self, job_id: str, statuses: Iterable[str] | None = None) -> list[JobUser]:
        """The job's users in plan order, with their status; only those in ``statuses`` if given."""
        job_row = self._db.execute("SELECT change FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if job_row is None:
            raise KeyError(f"no job {job_id!r} in {self.path}")
        job_change = json.loads(job_row["change"])
        wanted = set(statuses) if statuses is not None else None
        out = []
        for row, last, intents in self._user_rows(job_id):
            user = job_user_from_row(row, last, intents, job_change)
            if wanted is None or user.status in wanted:
                out.append(user)
        return out

    def _user_rows(self, job_id: str) -> Iterator[tuple[sqlite3.Row, sqlite3.Row | None, int]]:
        last: dict[str, sqlite3.Row] = {}
        intents: dict[str, int] = {}
        for ev in self._db.execute("SELECT * FROM events WHERE job_id = ? ORDER BY id", (job_id,)):
            last[ev["user_id"]] = ev
            if ev["kind"] == "intent":
                intents[ev["user_id"]] = intents.get(ev["user_id"], 0) + 1
        for row in self._db.execute("SELECT * FROM users WHERE job_id = ? ORDER BY seq", (job_id,)):
            uid = row["user_id"]
            yield row, last.get(uid), intents.get(uid, 0)

    def _counts(self, job_id: str) -> JobCounts:
        tally: dict[str, int] = {}
        for row, last, _ in self._user_rows(job_id):
            status = status_of(row["outcome"], last)
            tally[status] = tally.get(status, 0) + 1
        return JobCounts(total=sum(tally.values()), **tally)

    def unfinished(self, env: str | None = None) -> list[Job]:
        """Jobs with users still to try (pending or interrupted), newest first; only those of
        environment ``env`` (its name) when given."""
        return [j for j in self.jobs() if j.unfinished and (env is None or j.env == env)]

    def size(self) -> int:
        """Bytes on disk (the file and its WAL)."""
        total = 0
        for suffix in ("", "-wal"):
            side = FsPath(str(self.path) + suffix)
            if side.exists():
                total += side.stat().st_size
        return total


def unfinished_jobs(path: str | os.PathLike[str], env: str | None = None) -> list[Job]:
    """The app's start-up check ("1 unfinished job — resume?"): jobs of ``env`` with users
    still to try. A missing journal has none (and is not created)."""
    if not FsPath(path).exists():
        return []
    with Journal(path) as journal:
        return journal.unfinished(env)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _user_row(job_id: str, seq: int, u: UserPlan, job_change: dict[str, Any]) -> tuple[Any, ...]:
    own = u.change.to_json()
    return (
        job_id,
        u.user_id,
        seq,
        u.email,
        u.outcome,
        None if own == job_change else _dump(own),
        _dump(u.edits.to_json()),
        _dump(touched_to_json(u.touched)),
        u.reason[:500],
    )
