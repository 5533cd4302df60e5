"""A change replayed on one user's copy, its touched fields, and its inverse; with property tests
over payloads generated from the spec (unknown fields and enum values included)."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests import specdata
from tests.strategies import from_schema
from tui.domain.bulk import (
    STATUS_PATH,
    Activate,
    AddItem,
    Change,
    Clear,
    Deactivate,
    RemoveWhere,
    Set,
    Touched,
    check_change,
    commit_docs,
    replay,
    replay_status,
    touched_fields,
    undo_change,
)
from tui.domain.edits import json_equal
from tui.domain.merge import merge
from tui.domain.paths import ABSENT

BA = {"id": "1234567", "issuedBy": "BA", "type": "AIR"}
LH = {"id": "7654321", "issuedBy": "LH", "type": "AIR", "tier": "Gold"}


def memberships(*items) -> dict:
    return {"membershipInfos": [copy.deepcopy(i) for i in items], "isLoyaltyBlocked": False, "zzFuture": {"k": [1]}}


def test_set_changes_one_field_and_keeps_the_rest_byte_for_byte() -> None:
    current = {"designation": "Engineer", "zzFuture": {"a": [1, 2.0]}, "costCenterRef": {"id": "c1", "name": "Ops"}}
    r = replay(Change("business", (Set(("designation",), "Lead"),)), current)
    assert r.outcome == "will_change"
    assert json.dumps(r.new) == json.dumps({**current, "designation": "Lead"})
    assert r.touched == (Touched(("designation",), "Engineer", "Lead"),)
    assert [e.path for e in r.edits] == [("designation",)]
    assert current["designation"] == "Engineer"  # the copy read is not touched


def test_a_copy_that_holds_the_values_already_is_already_as_asked() -> None:
    current = {"designation": "Lead", "officeRef": {"id": "o1", "name": "Paris"}}
    r = replay(Change("business", (Set(("designation",), "Lead"), Clear(("costCenterRef",)))), current)
    assert r.outcome == "already" and not r.edits and r.touched == ()


def test_add_item_appends_unless_an_item_holds_every_given_field() -> None:
    add = Change("membership", (AddItem(("membershipInfos",), BA),))
    r = replay(add, memberships(LH))
    assert r.outcome == "will_change"
    assert r.new["membershipInfos"] == [LH, BA]
    assert r.touched == (Touched(("membershipInfos",), [LH], [LH, BA]),)  # the list is the field
    richer = {**BA, "tier": "Silver", "zzLinked": True}
    assert replay(add, memberships(LH, richer)).outcome == "already"
    assert replay(add, {}).new == {"membershipInfos": [BA]}  # the list is created


def test_remove_where_removes_every_matching_item_and_only_those() -> None:
    other_ba = {"id": "999", "issuedBy": "BA", "type": "AIR"}
    change = Change("membership", (RemoveWhere(("membershipInfos",), ("issuedBy",), "BA"),))
    r = replay(change, memberships(BA, LH, other_ba))
    assert r.outcome == "will_change" and r.new["membershipInfos"] == [LH]
    assert replay(change, memberships(LH)).outcome == "already"
    assert replay(change, {"isLoyaltyBlocked": True}).outcome == "already"  # no list: nothing to remove


def test_an_operation_without_meaning_on_this_copy_cannot_apply() -> None:
    r = replay(Change("membership", (AddItem(("membershipInfos",), BA),)), {"membershipInfos": "oops"})
    assert r.outcome == "cannot_apply" and r.reason == "Loyalty programs is not a list on this profile"
    r = replay(Change("business", (Set(("officeRef", "name"), "Paris"),)), {"officeRef": "o1"})
    assert r.outcome == "cannot_apply" and "Name cannot be set on this profile" in r.reason


def test_a_result_that_would_not_validate_cannot_apply_naming_the_field() -> None:
    current = {"officeRef": {"id": "10eecdb3-4dd8-4212-9875-af57c7fee65a", "name": "Paris"}}
    # setting only the name of a missing reference leaves it without its required ID
    r = replay(Change("business", (Set(("gradeRef", "name"), "G7"),)), current)
    assert r.outcome == "cannot_apply"
    assert r.reason == "the result would not validate: ID: required"


def test_problems_the_copy_already_had_are_not_the_changes_fault() -> None:
    current = {"officeRef": {"name": "no ID"}, "designation": "x"}  # invalid as the server holds it
    assert replay(Change("business", (Set(("designation",), "y"),)), current).outcome == "will_change"


def test_user_level_replay_reads_the_status() -> None:
    off = Change(None, (Deactivate(),))
    r = replay_status(off, True)
    assert r.outcome == "will_change" and r.touched == (Touched(STATUS_PATH, True, False),)
    assert replay_status(off, False).outcome == "already"
    assert replay_status(Change(None, (Activate(),)), None).outcome == "already"  # no status: active


def test_touched_fields_are_outermost_and_cut_at_lists() -> None:
    current = {"a": {"b": 1, "c": [1, 2]}, "keep": 1}
    new = {"a": {"b": 2, "c": [1, 2, 3], "d": {"e": 1}}, "keep": 1}
    assert touched_fields(current, new) == (
        Touched(("a", "b"), 1, 2),
        Touched(("a", "c"), [1, 2], [1, 2, 3]),
        Touched(("a", "d"), ABSENT, {"e": 1}),
    )


def test_commit_docs_hold_only_the_touched_fields() -> None:
    touched = (Touched(("officeRef", "id"), "o1", "o2"), Touched(("costCenterRef",), {"id": "c"}, ABSENT))
    base, edited = commit_docs(touched)
    assert base == {"officeRef": {"id": "o1"}, "costCenterRef": {"id": "c"}}
    assert edited == {"officeRef": {"id": "o2"}}
    fresh = {"officeRef": {"id": "o1", "name": "Paris"}, "costCenterRef": {"id": "c"}, "zz": [1]}
    m = merge(base, fresh, edited)
    assert m.clean and m.merged == {"officeRef": {"id": "o2", "name": "Paris"}, "zz": [1]}
    moved = {**fresh, "officeRef": {"id": "o9", "name": "Paris"}}
    assert [c.path for c in merge(base, moved, edited).conflicts] == [("officeRef", "id")]


def test_undo_restores_only_fields_that_still_hold_what_the_job_wrote() -> None:
    current = {"designation": "Engineer", "costCenterRef": {"id": "c1"}, "zz": 1}
    change = Change(
        "business", (Set(("designation",), "Lead"), Clear(("costCenterRef",)), Set(("accountingCode",), "A1"))
    )
    done = replay(change, current)
    step = undo_change("business", done.touched, done.new)
    assert step.moved == ()
    assert replay(step.change, done.new).outcome == "cannot_apply"  # "c1" is no UUID: our model says no
    back = replay(step.change, done.new, check_result=False)  # but the server held it: undo puts it back
    assert json_equal(back.new, current)
    later = {**done.new, "designation": "Manager"}  # someone changed it since the job
    step = undo_change("business", done.touched, later)
    assert step.moved == (("designation",),)
    assert replay(step.change, later, check_result=False).new == {
        "designation": "Manager",
        "costCenterRef": {"id": "c1"},
        "zz": 1,
    }
    assert step.change.operations == (Set(("costCenterRef",), {"id": "c1"}), Clear(("accountingCode",)))


def test_undo_of_a_status_change() -> None:
    done = replay_status(Change(None, (Deactivate(),)), True)
    assert undo_change(None, done.touched, {"isActive": False}).change == Change(None, (Activate(),))
    assert undo_change(None, done.touched, {"isActive": True}).moved == (STATUS_PATH,)


# -- properties over generated sections ---------------------------------------------------


def _without(doc, paths):
    out = copy.deepcopy(doc)
    for p in paths:
        node = out
        for key in p[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(p[-1], None)
    return out


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
business_ops = st.lists(
    st.one_of(
        st.builds(Set, st.just(("designation",)), text),
        st.builds(Set, st.just(("accountingCode",)), text),
        st.builds(Set, st.just(("workerType",)), st.sampled_from(["EMPLOYEE", "CONTINGENT", "SEASONAL"])),
        st.builds(Clear, st.sampled_from([("costCenterRef",), ("departmentRef",), ("managerRef",), ("gradeRef",)])),
        st.builds(
            AddItem,
            st.just(("companySpecifiedAttributes",)),
            st.fixed_dictionaries({"fixedColumnName": st.sampled_from(["A", "B"]), "value": text}),
        ),
        st.builds(
            RemoveWhere,
            st.just(("companySpecifiedAttributes",)),
            st.just(("fixedColumnName",)),
            st.sampled_from(["A", "B"]),
        ),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda op: getattr(op, "path", None) or op.list_path,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def test_replay_keeps_every_untouched_byte_and_undo_gives_the_original_back() -> None:
    schemas = specdata.schemas()

    @SETTINGS
    @given(from_schema(schemas, schemas["BusinessInfo"]), business_ops)
    def check(current: dict, ops: list) -> None:
        change = Change("business", tuple(ops))
        assume(check_change(change) == [])
        r = replay(change, current)
        assume(r.outcome == "will_change")
        paths = [t.path for t in r.touched]
        assert json.dumps(_without(r.new, paths)) == json.dumps(_without(current, paths))  # untouched: same bytes
        targets = [getattr(op, "path", None) or op.list_path for op in ops]
        assert all(any(t.path[: len(p)] == p for p in targets) for t in r.touched)
        step = undo_change("business", r.touched, r.new)
        assert step.moved == ()
        back = replay(step.change, r.new)
        assert json.dumps(back.new, sort_keys=True) == json.dumps(current, sort_keys=True)
        if not any(isinstance(op, Clear) for op in ops):  # keys only re-added by a Clear's undo move
            assert json.dumps(back.new) == json.dumps(current)
        again = replay(change, r.new)
        assert again.outcome == "already" and not again.edits  # replaying on the result: no PUT

    check()


def test_membership_lists_add_then_remove_is_a_no_op() -> None:
    schemas = specdata.schemas()

    @SETTINGS
    @given(from_schema(schemas, schemas["MembershipInfo"]), st.sampled_from(["QF", "AF", "UA"]))
    def check(current: dict, airline: str) -> None:
        items = current.get("membershipInfos")
        assume(items is None or isinstance(items, list))
        assume(not any(isinstance(i, dict) and i.get("issuedBy") == airline for i in items or []))
        item = {"id": "55501234", "issuedBy": airline, "type": "AIR"}
        added = replay(Change("membership", (AddItem(("membershipInfos",), item),)), current)
        assert added.outcome == "will_change" and added.new["membershipInfos"][-1] == item
        removed = replay(Change("membership", (RemoveWhere(("membershipInfos",), ("issuedBy",), airline),)), added.new)
        expected = current if items is not None else {**current, "membershipInfos": []}
        assert json.dumps(removed.new) == json.dumps(expected)

    check()
