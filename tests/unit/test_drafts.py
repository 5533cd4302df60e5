"""Drafts in the cache file: save, get, list, replace, delete, each save whole or absent;
sensitive values sealed (the raw file bytes hold none of them) or, with no key, refused in the
edits and left out of the base."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest

from tui.domain.cache import CacheEnv, sensitive_patterns
from tui.domain.cache_crypto import NOT_CACHED, Sealer, seal_doc
from tui.domain.cache_db import connect
from tui.domain.drafts import DraftError, DraftStore, age_text, all_drafts
from tui.domain.sections import section

KEY = b"0123456789abcdef" * 2
OTHER_KEY = b"fedcba9876543210" * 2
PERSONAL, BUSINESS, POLICIES = section("personal"), section("business"), section("policies")
ENV = CacheEnv.of("sandbox", "http://127.0.0.1:8123", tmc_id="tmc-1")
PROD = CacheEnv.of("prod", "https://api.example.com", tmc_id="tmc-1")

SECRETS = ("1980-02-03", "1981-12-25", "X1234567", "Y7654321", "Annabelle", "Quintessa", "Zanzibar Road 9")


def personal() -> dict:
    """A personal section with sensitive values (names, date of birth, a passport, an address)
    and a field no model knows (kept as it is)."""
    return {
        "name": {"given": "Annabelle", "family1": "Quintessa"},
        "email": "ann@example.org",
        "dob": {"iso8601": "1980-02-03"},
        "identityDocs": [
            {"passport": {"docId": "X1234567", "issueCountry": "GB", "expiryDate": {"iso8601": "2031-04-05"}}}
        ],
        "addresses": [{"addressLines": ["Zanzibar Road 9"], "regionCode": "GB"}],
        "phoneNumbers": [{"countryCode": 44, "nationalNumber": 2079460000, "type": "MOBILE"}],
        "futureField": {"kept": [1, 2.5, True, None]},
    }


def keyless(doc: dict) -> dict:
    """``doc`` as a cache with no key holds it: every sensitive value ``NOT_CACHED``."""
    return seal_doc(doc, sensitive_patterns(PERSONAL.model_name, PERSONAL.masked_paths), None, "")[0]


def business(designation: str = "Analyst") -> dict:
    return {"designation": designation, "employeeId": "E-1", "email": "ann@corp.example"}


def changed(doc: dict, **top: object) -> dict:
    out = copy.deepcopy(doc)
    out.update(top)
    return out


@pytest.fixture
def db(tmp_path: Path):
    conn = connect(tmp_path / "cache.sqlite3")
    yield conn
    conn.close()


@pytest.fixture
def clock():
    ticks = itertools.count(1_700_000_000, 60)
    return lambda: float(next(ticks))


def raw_bytes(db, tmp_path: Path) -> bytes:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("cache.sqlite3"))


def test_save_get_list_replace_delete(db, clock) -> None:
    store = DraftStore(db, ENV, Sealer(KEY), clock)
    first = store.save(BUSINESS, "u1", business(), business("Lead"), user_label="Ann Lee <ann@x.org>", offline=True)
    assert (first.user_id, first.section, first.offline, first.state) == ("u1", BUSINESS, True, "offline")
    assert first.user_label == "Ann Lee <ann@x.org>" and first.created_at == first.updated_at
    assert first.base == business() and first.edited == business("Lead")
    assert [(e.path, e.old, e.new) for e in first.edits] == [(("designation",), "Analyst", "Lead")]
    second = store.save(PERSONAL, "u1", personal(), changed(personal(), email="a@b.org"), note="ask Ann")
    third = store.save(BUSINESS, "u2", business(), business("Boss"))
    assert second.state == "parked" and second.note == "ask Ann"

    assert [d.id for d in store.list()] == [third.id, second.id, first.id]  # newest first
    assert [d.id for d in store.list("u1")] == [second.id, first.id]
    assert store.counts_for("u1") == {"business": 1, "personal": 1}
    assert store.counts_for("nobody") == {}
    assert store.count() == 3
    assert store.get(BUSINESS, "u1") == first and store.get_by_id(first.id) == first
    assert store.get(PERSONAL, "u2") is None

    again = store.save(BUSINESS, "u1", business("Lead"), business("Chief"), user_label="Ann", offline=False)
    assert again.id == first.id and again.created_at == first.created_at and again.updated_at > first.updated_at
    assert again.base == business("Lead") and again.edited == business("Chief") and not again.offline
    assert store.count() == 3 and store.list()[0].id == first.id  # one per user and section, newest now

    assert store.delete(third.id) is True and store.delete(third.id) is False
    assert store.get_by_id(third.id) is None and store.count() == 2


def test_environments_keep_their_own_drafts(db) -> None:
    sandbox, prod = DraftStore(db, ENV, None), DraftStore(db, PROD, None)
    assert prod.list() == [] and prod.count() == 0 and prod.get(BUSINESS, "u1") is None
    a = sandbox.save(BUSINESS, "u1", business(), business("Sandbox"))
    b = prod.save(BUSINESS, "u1", business(), business("Prod"))
    assert a.id != b.id
    assert [d.edited["designation"] for d in sandbox.list()] == ["Sandbox"]
    assert prod.get_by_id(a.id) is None and prod.delete(a.id) is False
    assert {(d.env_name, d.edited["designation"]) for d in all_drafts(db, None)} == {
        ("sandbox", "Sandbox"),
        ("prod", "Prod"),
    }


def test_edits_round_trip_losslessly(db) -> None:
    store = DraftStore(db, ENV, Sealer(KEY))
    base = personal()
    edited = copy.deepcopy(base)
    edited["phoneNumbers"].append({"countryCode": 33, "nationalNumber": 612345678, "type": "LANDLINE"})
    edited["futureField"]["kept"].insert(0, {"deep": 1.0})
    edited["dob"] = None
    del edited["addresses"]
    draft = store.save(PERSONAL, "u1", base, edited)
    again = DraftStore(db, ENV, Sealer(KEY)).get(PERSONAL, "u1")
    assert again is not None and again.edited == edited and again.base == base
    assert list(again.edited) == list(edited)  # key order kept
    assert type(again.edited["futureField"]["kept"][0]["deep"]) is float  # 1.0 stays a float
    assert again.edits == draft.edits and again.not_cached == [] and again.lost == []


def test_nothing_to_keep_and_read_only_sections_are_refused(db) -> None:
    store = DraftStore(db, ENV, Sealer(KEY))
    with pytest.raises(DraftError, match="no changes"):
        store.save(BUSINESS, "u1", business(), business())
    with pytest.raises(DraftError, match="read-only"):
        store.save(POLICIES, "u1", {}, {"x": 1})
    assert store.count() == 0


def test_a_save_is_whole_or_absent(db, clock) -> None:
    store = DraftStore(db, ENV, Sealer(KEY), clock)
    kept = store.save(PERSONAL, "u1", personal(), changed(personal(), email="first@x.org"), note="first")
    # the disk refuses the second write of a replace half way (a trigger stands in for a full disk)
    for when in ("INSERT", "UPDATE"):
        db.execute(
            f"CREATE TEMP TRIGGER refuse_{when.lower()} BEFORE {when} ON drafts WHEN NEW.note = 'boom'"
            " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(DraftError, match="could not be saved: disk full"):
        store.save(PERSONAL, "u1", personal(), changed(personal(), email="second@x.org"), note="boom")
    with pytest.raises(DraftError, match="could not be saved"):
        store.save(BUSINESS, "u9", business(), business("New"), note="boom")
    again = store.get(PERSONAL, "u1")
    assert again == kept and again.edited["email"] == "first@x.org"
    assert store.count() == 1 and not db.in_transaction


def test_sensitive_values_are_sealed_in_base_and_edits(db, tmp_path) -> None:
    store = DraftStore(db, ENV, Sealer(KEY))
    edited = personal()
    edited["dob"] = {"iso8601": "1981-12-25"}
    edited["identityDocs"][0]["passport"]["docId"] = "Y7654321"
    edited["email"] = "new@example.org"
    draft = store.save(PERSONAL, "u1", personal(), edited, offline=True)
    assert draft.edited == edited and draft.not_cached == []

    raw = raw_bytes(db, tmp_path)
    assert [s for s in SECRETS if s.encode() in raw] == []
    assert b"new@example.org" in raw  # only the sensitive ones are sealed

    assert DraftStore(db, ENV, Sealer(KEY)).get(PERSONAL, "u1").edited == edited
    other = DraftStore(db, ENV, Sealer(OTHER_KEY)).get(PERSONAL, "u1")  # another key opens nothing
    assert ("dob",) in other.not_cached and other.base["dob"] == NOT_CACHED
    assert set(other.lost) == {("dob", "iso8601"), ("identityDocs", 0, "passport", "docId")}
    assert DraftStore(db, ENV, None).get(PERSONAL, "u1").lost == other.lost
    # what can be shown still is (the date of birth was a whole sealed object: its edit is left out)
    assert other.edited["email"] == "new@example.org" and other.edited["dob"] == NOT_CACHED
    assert [line.path for line in other.lines()] == [("email",)]  # the lost values show no change


def test_a_sealed_draft_opens_only_in_its_own_row(db) -> None:
    store = DraftStore(db, ENV, Sealer(KEY))
    edited = changed(personal(), dob={"iso8601": "1981-12-25"})
    a = store.save(PERSONAL, "u1", personal(), edited)
    store.save(PERSONAL, "u2", personal(), changed(personal(), email="z@x.org"))
    db.execute(
        "UPDATE drafts SET base_sealed = (SELECT base_sealed FROM drafts WHERE id = ?),"
        " edits_json = (SELECT edits_json FROM drafts WHERE id = ?),"
        " edits_sealed = (SELECT edits_sealed FROM drafts WHERE id = ?) WHERE user_id = 'u2'",
        (a.id, a.id, a.id),
    )
    moved = store.get(PERSONAL, "u2")
    assert moved.lost and moved.not_cached  # a blob copied to another user's draft does not open


def test_no_key_refuses_edits_that_hold_a_sensitive_value(db, tmp_path) -> None:
    store = DraftStore(db, ENV, None)
    edited = copy.deepcopy(personal())
    edited["identityDocs"][0]["passport"]["docId"] = "Y7654321"
    with pytest.raises(DraftError) as refused:
        store.save(PERSONAL, "u1", personal(), edited)
    assert str(refused.value) == (
        "no keyring here: a draft cannot hold a passport number; send it online or leave that field"
    )
    with pytest.raises(DraftError, match="cannot hold a date of birth"):
        store.save(PERSONAL, "u1", personal(), changed(personal(), dob={"iso8601": "1981-12-25"}))
    with pytest.raises(DraftError, match="cannot hold a given name"):
        store.save(PERSONAL, "u1", personal(), changed(personal(), name={"given": "Bea", "family1": "Quintessa"}))
    added = changed(personal())
    added["identityDocs"].append({"passport": {"docId": "Y7654321", "issueCountry": "FR"}})
    with pytest.raises(DraftError, match="no keyring here"):
        store.save(PERSONAL, "u1", personal(), added)
    assert store.count() == 0


def test_no_key_keeps_other_edits_with_the_base_values_not_cached(db, tmp_path) -> None:
    store = DraftStore(db, ENV, None)
    edited = changed(personal(), email="new@example.org")
    edited["phoneNumbers"][0]["type"] = "LANDLINE"
    draft = store.save(PERSONAL, "u1", personal(), edited, offline=True)
    assert {("dob",), ("name", "given"), ("identityDocs", 0, "passport", "docId"), ("addresses",)} <= set(
        draft.not_cached
    )
    assert draft.base["dob"] == NOT_CACHED and draft.base["email"] == "ann@example.org"
    assert draft.edited["email"] == "new@example.org" and draft.edited["phoneNumbers"][0]["type"] == "LANDLINE"
    assert draft.lost == []
    raw = raw_bytes(db, tmp_path)
    assert [s for s in SECRETS if s.encode() in raw] == []


def test_no_key_refuses_edits_tangled_with_values_not_cached(db) -> None:
    """Inside a list whose items hold values that are not cached, an index no longer tells
    which document it was: such edits are refused rather than risk mixing two documents."""
    store = DraftStore(db, ENV, None)
    edited = copy.deepcopy(personal())
    edited["identityDocs"][0]["passport"]["issueCountry"] = "FR"
    with pytest.raises(DraftError, match="identity documents hold values that are not cached"):
        store.save(PERSONAL, "u1", personal(), edited)
    with pytest.raises(DraftError, match="cannot hold a passport number"):  # the removed one
        store.save(PERSONAL, "u1", personal(), changed(personal(), identityDocs=[]))
    cached = keyless(personal())  # the copy a cache with no key holds
    with pytest.raises(DraftError, match="identity documents hold values that are not cached"):
        store.save(PERSONAL, "u1", cached, changed(cached, identityDocs=[]))
    # with a key, a base that comes from the cache with holes in it is held to the same
    edited = copy.deepcopy(cached)
    edited["identityDocs"][0]["passport"]["issueCountry"] = "FR"
    with pytest.raises(DraftError, match="identity documents"):
        DraftStore(db, ENV, Sealer(KEY)).save(PERSONAL, "u1", cached, edited)
    moved = changed(cached, emergencyContact={"name": NOT_CACHED})
    with pytest.raises(DraftError, match="not cached"):
        DraftStore(db, ENV, Sealer(KEY)).save(PERSONAL, "u1", cached, moved)
    assert store.count() == 0


def test_no_key_lets_a_not_cached_value_be_cleared(db) -> None:
    store = DraftStore(db, ENV, None)
    cached = keyless(personal())
    assert cached["dob"] == NOT_CACHED
    draft = store.save(PERSONAL, "u1", cached, changed(cached, dob=None, emergencyContact=None))
    assert draft.edited["dob"] is None and ("dob",) in draft.not_cached


def test_draft_lines_are_masked_and_reprs_hold_no_values(db) -> None:
    store = DraftStore(db, ENV, Sealer(KEY))
    edited = changed(personal(), dob={"iso8601": "1981-12-25"})
    edited["identityDocs"][0]["passport"]["docId"] = "Y7654321"
    draft = store.save(PERSONAL, "u1", personal(), edited, user_label="Annabelle Quintessa")
    text = "\n".join(line.text() for line in draft.lines())
    assert "••••-••-••" in text and "••••4321" in text
    assert "1981-12-25" not in text and "Y7654321" not in text and "X1234567" not in text
    assert draft.summary() == "2 changes to personal info"
    assert not any(s in repr(draft) for s in SECRETS)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "just now"),
        (59, "just now"),
        (60, "1 min ago"),
        (3599, "59 min ago"),
        (7200, "2 h ago"),
        (3 * 86400, "3 d ago"),
    ],
)
def test_age_text(seconds, text) -> None:
    assert age_text(seconds) == text
