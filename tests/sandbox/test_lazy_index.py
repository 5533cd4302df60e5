"""A store whose index takes its search bitsets late (``lazy_index``, the ``--demo`` sandbox)
answers a first unfiltered page without them, then every query as an eager one does, also
after edits made before the bitsets were taken."""

from __future__ import annotations

import time

from tui.sandbox.seed import Seeder
from tui.sandbox.store import Store

QUERIES = [
    {},
    {"search": "a"},
    {"search": "an smith"},
    {"status": "ALL", "search": "e"},
    {"status": "INACTIVE"},
    {"filters": [{"personas": ["GUEST"]}]},
    {"filters": [{"personas": ["EMPLOYEE"], "tiers": ["SEAT1A"]}], "search": "a"},
    {"descending": True, "search": "o"},
]


def answers(store: Store) -> list[list[int]]:
    return [store.index.query(**q) for q in QUERIES]


def test_a_lazy_index_answers_like_an_eager_one():
    eager = Store(Seeder(seed=11, n_users=400))
    lazy = Store(Seeder(seed=11, n_users=400), warm=False)
    assert eager.index.warmed and not lazy.index.warmed
    assert lazy.index.query() == eager.index.query()  # the first page needs no bitsets...
    assert not lazy.index.warmed
    assert answers(lazy) == answers(eager)  # ...a search takes them
    assert lazy.index.warmed


def test_edits_before_the_bitsets_are_taken_are_in_them():
    eager = Store(Seeder(seed=4, n_users=300))
    lazy = Store(Seeder(seed=4, n_users=300), warm=False)
    for store in (eager, lazy):
        uid = store.seeder.user_id(5)
        store.set_section(uid, "personalInfo", {**store.get_section(uid, "personalInfo"), "name": {"given": "Zed"}})
        store.set_active(store.seeder.user_id(6), False)
    assert not lazy.index.warmed
    assert answers(lazy) == answers(eager)
    assert [lazy.index.query(search="zed")] == [eager.index.query(search="zed")] != [[]]


def test_warm_soon_takes_them_in_a_thread():
    store = Store(Seeder(seed=2, n_users=200), warm=False)
    store.warm_soon()
    deadline = time.monotonic() + 10
    while not store.index.warmed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.index.warmed
    store.warm_soon()  # once
    assert store._warming is not None and not store._warming.is_alive()
