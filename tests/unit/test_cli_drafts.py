"""``spotnana-tui drafts list`` / ``drafts drop`` as a script meets them: a subprocess over a cache
file with drafts in two environments, a keyring (a file-backed test backend) holding the cache
key, or none."""

from __future__ import annotations

import base64
import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keyring_file import BACKEND, ENV_VAR, write_password
from tui.domain.cache import CacheEnv
from tui.domain.cache_crypto import KEYRING_SERVICE, KEYRING_USER, Sealer
from tui.domain.cache_db import connect
from tui.domain.drafts import DraftStore
from tui.domain.sections import section

ROOT = Path(__file__).resolve().parents[2]
KEY = b"0123456789abcdef" * 2
SANDBOX = CacheEnv.of("sandbox", "http://127.0.0.1:8123", tmc_id="tmc-1")
PROD = CacheEnv.of("prod", "https://api.example.com", tmc_id="tmc-9")
CLEAR = ("1980-02-03", "1981-12-25", "X1234567", "Y7654321")


def personal() -> dict:
    return {
        "name": {"given": "Ann", "family1": "Lee"},
        "email": "ann@example.org",
        "dob": {"iso8601": "1980-02-03"},
        "identityDocs": [{"passport": {"docId": "X1234567", "issueCountry": "GB"}}],
    }


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with a cache file: a personal draft (date of birth, passport number, email) in the
    sandbox environment, a business draft in prod."""
    home = tmp_path / "home"
    db = connect(home / "data" / "cache.sqlite3")
    edited = copy.deepcopy(personal())
    edited["dob"] = {"iso8601": "1981-12-25"}
    edited["identityDocs"][0]["passport"]["docId"] = "Y7654321"
    edited["email"] = "ann.new@example.org"
    DraftStore(db, SANDBOX, Sealer(KEY)).save(
        section("personal"), "u-ann", personal(), edited, user_label="Ann Lee <ann@example.org>", offline=True
    )
    DraftStore(db, PROD, Sealer(KEY)).save(
        section("business"), "u-bob", {"designation": "Analyst"}, {"designation": "Lead"}, note="ask Bob"
    )
    db.close()
    return home


def run(home: Path, *args: str, keyring: bool = True, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTNANA_", "PYTHON_KEYRING"))}
    env.update(SPOTNANA_TUI_HOME=str(home), PYTHONPATH=str(ROOT))
    if keyring:
        store = home / "keyring.json"
        write_password(store, KEYRING_SERVICE, KEYRING_USER, base64.b64encode(KEY).decode())
        env.update({"PYTHON_KEYRING_BACKEND": BACKEND, ENV_VAR: str(store)})
    cmd = [sys.executable, "-m", "tui", "drafts", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, input=stdin, timeout=120, cwd=home.parent)


def test_list_shows_every_draft_with_its_diff_masked(home: Path) -> None:
    out = run(home, "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    ann = next(i for i, line in enumerate(lines) if "Ann Lee <ann@example.org>" in line)
    bob = next(i for i, line in enumerate(lines) if "u-bob" in line)
    assert bob < ann  # newest first
    assert lines[ann].split("  ")[1:] == ["Ann Lee <ann@example.org>", "Personal", "just now", "offline", "sandbox"]
    assert lines[bob].split("  ")[1:] == ["u-bob", "Business", "just now", "parked", "prod"]
    text = out.stdout
    assert "~ Date of birth: ••••-••-•• → ••••-••-••" in text
    assert "~ passport GB ••••4567: passport number ••••4567 → ••••4321" in text
    assert "~ Email: ann@example.org → ann.new@example.org" in text
    assert "~ Job title: Analyst → Lead" in text and "note: ask Bob" in text
    assert [s for s in CLEAR if s in text + out.stderr] == []
    assert out.stderr.strip() == "2 drafts"


def test_list_of_one_environment(home: Path) -> None:
    out = run(home, "list", "--base-url", "http://127.0.0.1:8123", "--tmc-id", "tmc-1")
    assert out.returncode == 0, out.stderr
    assert "Ann Lee" in out.stdout and "u-bob" not in out.stdout
    assert out.stderr.strip() == "1 draft"
    other = run(home, "list", "--base-url", "http://127.0.0.1:8123", "--tmc-id", "another")
    assert other.stdout == "" and other.stderr.strip() == "no drafts"


def test_list_with_no_keyring_says_what_cannot_be_read(home: Path) -> None:
    out = run(home, "list", keyring=False)
    assert out.returncode == 0, out.stderr
    assert "cannot be pushed here: values sealed with a keyring key that is not here" in out.stdout
    assert "~ Email: ann@example.org → ann.new@example.org" in out.stdout
    assert [s for s in CLEAR if s in out.stdout] == []


def test_drop_asks_first(home: Path) -> None:
    listed = run(home, "list").stdout
    bob = next(line for line in listed.splitlines() if "u-bob" in line).split()[0].lstrip("#")
    kept = run(home, "drop", bob, stdin="n\n")
    assert kept.returncode == 1 and "Drop draft #" in kept.stderr and kept.stderr.rstrip().endswith("kept")
    assert "u-bob" in run(home, "list").stdout
    dropped = run(home, "drop", bob, stdin="y\n")
    assert dropped.returncode == 0 and f"dropped draft #{bob}" in dropped.stderr
    assert "u-bob" not in run(home, "list").stdout
    unknown = run(home, "drop", "999", "--yes")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "spotnana-tui: no draft #999"


def test_no_cache_file_yet(tmp_path: Path) -> None:
    out = run(tmp_path / "empty", "list", keyring=False)
    assert out.returncode == 0 and out.stdout == "" and out.stderr.startswith("no drafts (no cache file yet: ")
    assert not (tmp_path / "empty" / "data").exists()  # listing makes nothing
