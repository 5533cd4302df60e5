"""Two processes on one cache file (the app and a ``cache sync``): opening it must never drop the
locks SQLite holds on it. Closing any descriptor of a file drops every POSIX lock the process
holds on it; a reader that then found no lock on the ``-shm`` reset it under the writer, which
died of SIGBUS."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WRITER = """
import sys, time
from tui.domain.cache_db import connect, transaction
db = connect(sys.argv[1])
db.execute("INSERT INTO envs (key, name, base_url, scope) VALUES ('k', 'n', 'u', 'all')")
connect(sys.argv[1]).close()  # a second connection in this process, as the app may open
deadline = time.monotonic() + float(sys.argv[2])
i = 0
while time.monotonic() < deadline:
    with transaction(db):
        db.execute(
            "INSERT INTO profiles (env, user_id, doc_json, fetched_at) VALUES (1, ?, '{}', 0)", (str(i),)
        )
    i += 1
print(i)
"""


def test_a_writer_and_readers_in_other_processes_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "2.0"], cwd=root, stdout=subprocess.PIPE, text=True
    )
    seen = 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        if path.exists():
            db = sqlite3.connect(path, timeout=30)
            try:
                seen = max(seen, db.execute("SELECT count(*) FROM profiles").fetchone()[0])
            except sqlite3.OperationalError:
                pass  # the schema is not there yet
            finally:
                db.close()
        time.sleep(0.005)
    out, _ = writer.communicate(timeout=30)
    assert writer.returncode == 0  # -7 was SIGBUS
    assert 0 < seen <= int(out)
