"""Saves drafts in a loop until it is killed (``tests/unit/test_drafts_kill.py`` kills it with
SIGKILL at random moments).

    python -m tests.unit.drafts_saver CACHE_FILE KEY_HEX START

Every value of save number ``n`` names ``n`` (:func:`docs`), base and edits alike, so a draft
read back afterwards shows whether it is whole: one save's base with the same save's edits.
"""

from __future__ import annotations

import sys

from tui.domain.cache import CacheEnv
from tui.domain.cache_crypto import Sealer
from tui.domain.cache_db import connect
from tui.domain.drafts import DraftStore
from tui.domain.sections import section

ENV = CacheEnv.of("sandbox", "http://127.0.0.1:9", tmc_id="tmc-kill")
SECTIONS = (section("personal"), section("business"))
USERS = 7
PHONES = 40


def docs(n: int, key: str) -> tuple[dict, dict]:
    """(base, edited) of save ``n`` of a section: every string holds ``g{n}``."""
    if key == "business":
        base = {"designation": f"b-g{n}", "employeeId": f"b-g{n}-id", "costCenterRef": {"id": f"b-g{n}-cc"}}
        return base, {**base, "designation": f"e-g{n}", "employeeId": f"e-g{n}-id"}
    phones = [{"rawInput": f"b-g{n}-{i}", "type": "MOBILE"} for i in range(PHONES)]
    base = {
        "name": {"given": f"b-g{n}-given", "family1": f"b-g{n}-family"},
        "email": f"b-g{n}@example.org",
        "dob": {"iso8601": f"b-g{n}-dob"},
        "phoneNumbers": phones,
    }
    edited = {
        **base,
        "email": f"e-g{n}@example.org",
        "dob": {"iso8601": f"e-g{n}-dob"},  # sealed, in the edits and the base
        "phoneNumbers": [{**p, "rawInput": p["rawInput"].replace("b-", "e-", 1)} for p in phones],
    }
    return base, edited


def main(argv: list[str]) -> None:
    path, key, start = argv[0], bytes.fromhex(argv[1]), int(argv[2])
    store = DraftStore(connect(path), ENV, Sealer(key))
    n = start
    while True:
        sec = SECTIONS[n % 2]
        base, edited = docs(n, sec.key)
        store.save(sec, f"user-{n % USERS}", base, edited, user_label=f"g{n}", note=f"g{n}", offline=bool(n % 3))
        if n == start:
            print("saving", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1:])
