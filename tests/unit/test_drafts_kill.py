"""kill -9 while drafts are being saved: the cache file opens afterwards and every draft in it is
whole (one save's base with the same save's edits, which apply to it), several times over."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.unit.drafts_saver import ENV, USERS, docs
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.drafts import DraftStore

ROOT = Path(__file__).resolve().parents[2]
KEY = bytes(range(32))
ROUNDS = 6


def generations(value: object) -> set[int]:
    return {int(g) for g in re.findall(r"\bg(\d+)", json.dumps(value))}


def test_kill_minus_9_during_draft_saves_leaves_every_draft_whole(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    newest = -1
    for round_ in range(ROUNDS):
        start = round_ * 1_000_000
        cmd = [sys.executable, "-m", "tests.unit.drafts_saver", str(path), KEY.hex(), str(start)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            assert line == "saving\n", proc.stderr.read() if proc.stderr else line
            time.sleep(rng.uniform(0.05, 0.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        assert proc.returncode == -signal.SIGKILL

        db = connect(path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            drafts = DraftStore(db, ENV, Sealer(KEY)).list()
            assert 0 < len(drafts) <= USERS * 2, f"seed {seed}"
            assert len({(d.user_id, d.section.key) for d in drafts}) == len(drafts)
            for d in drafts:
                (n,) = generations(d.base) | generations(d.edited) | generations(d.note)
                assert (d.base, d.edited) == docs(n, d.section.key), f"draft {d.id} not whole (seed {seed})"
                assert d.user_label == f"g{n}" and d.user_id == f"user-{n % USERS}"
                assert d.not_cached == [] and d.lost == []  # the sealed values open: the blobs are whole too
            last = max(max(generations(d.note)) for d in drafts)
            assert last >= start and last > newest, f"round {round_} saved nothing (seed {seed})"
            newest = last
        finally:
            db.close()
