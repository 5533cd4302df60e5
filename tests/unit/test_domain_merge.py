"""Three-way merge: clean replays, conflicts, list rules, per-field resolution."""

from __future__ import annotations

import copy

import pytest

from tui.domain.merge import merge, resolve
from tui.domain.paths import ABSENT

BASE = {
    "employeeId": "E1",
    "designation": "Engineer",
    "phoneNumbers": [{"rawInput": "1"}, {"rawInput": "2"}, {"rawInput": "3"}],
    "departmentRef": {"id": "d1", "name": "R&D"},
}


def variant(**changes):
    doc = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is ABSENT:
            doc.pop(k, None)
        else:
            doc[k] = v
    return doc


def test_disjoint_changes_merge_cleanly_and_keep_server_fields():
    fresh = variant(designation="Lead", serverOnly={"x": 1})
    edited = variant(employeeId="E2")
    r = merge(BASE, fresh, edited)
    assert r.clean and not r.conflicts
    assert r.merged == variant(employeeId="E2", designation="Lead", serverOnly={"x": 1})
    assert r.server_changes.paths == [("designation",), ("serverOnly",)]


def test_same_field_different_values_is_a_conflict_with_three_values():
    r = merge(BASE, variant(designation="Lead"), variant(designation="Manager", employeeId="E2"))
    assert not r.clean
    [c] = r.conflicts
    assert (c.path, c.base, c.theirs, c.mine) == (("designation",), "Engineer", "Lead", "Manager")
    # the non-conflicting edit is already in merged; the server's value is kept for now
    assert r.merged["employeeId"] == "E2" and r.merged["designation"] == "Lead"
    assert resolve(r, {("designation",): "mine"})["designation"] == "Manager"
    assert resolve(r, {("designation",): "theirs"})["designation"] == "Lead"
    with pytest.raises(ValueError):
        resolve(r, {})


def test_same_change_on_both_sides_is_not_a_conflict():
    r = merge(BASE, variant(designation="Lead"), variant(designation="Lead"))
    assert r.clean and r.merged["designation"] == "Lead"


def test_nested_vs_whole_object_conflict_reported_at_shorter_path():
    fresh = variant(departmentRef=ABSENT)
    edited = variant(departmentRef={"id": "d1", "name": "Research"})
    r = merge(BASE, fresh, edited)
    [c] = r.conflicts
    assert c.path == ("departmentRef",)
    assert c.theirs is ABSENT and c.mine == {"id": "d1", "name": "Research"}
    assert "departmentRef" not in resolve(r, {c.path: "theirs"})
    assert resolve(r, {c.path: "mine"})["departmentRef"]["name"] == "Research"


def test_both_append_to_a_list_keeps_both_in_order():
    phones = BASE["phoneNumbers"]
    fresh = variant(phoneNumbers=phones + [{"rawInput": "srv"}])
    edited = variant(phoneNumbers=phones + [{"rawInput": "mine"}])
    r = merge(BASE, fresh, edited)
    assert r.clean
    assert [p["rawInput"] for p in r.merged["phoneNumbers"]] == ["1", "2", "3", "srv", "mine"]


def test_identical_appends_are_not_duplicated():
    phones = BASE["phoneNumbers"] + [{"rawInput": "4"}]
    r = merge(BASE, variant(phoneNumbers=phones), variant(phoneNumbers=phones))
    assert r.clean and len(r.merged["phoneNumbers"]) == 4


def test_agent_removes_item_while_server_edits_another():
    phones = copy.deepcopy(BASE["phoneNumbers"])
    fresh_phones = copy.deepcopy(phones)
    fresh_phones[2]["rawInput"] = "3b"
    r = merge(BASE, variant(phoneNumbers=fresh_phones), variant(phoneNumbers=phones[1:]))
    assert r.clean
    assert [p["rawInput"] for p in r.merged["phoneNumbers"]] == ["2", "3b"]


def test_agent_edits_item_the_server_removed_is_a_conflict():
    phones = copy.deepcopy(BASE["phoneNumbers"])
    mine = copy.deepcopy(phones)
    mine[0]["rawInput"] = "1b"
    r = merge(BASE, variant(phoneNumbers=phones[1:]), variant(phoneNumbers=mine))
    assert not r.clean
    [c] = r.conflicts
    assert c.path == ("phoneNumbers",)  # the server shifted the list: whole list is in question
    assert [p["rawInput"] for p in resolve(r, {c.path: "mine"})["phoneNumbers"]] == ["1b", "2", "3"]
    assert [p["rawInput"] for p in resolve(r, {c.path: "theirs"})["phoneNumbers"]] == ["2", "3"]


def test_agent_removes_item_the_server_changed_is_a_conflict():
    phones = copy.deepcopy(BASE["phoneNumbers"])
    theirs = copy.deepcopy(phones)
    theirs[1]["rawInput"] = "2b"
    r = merge(BASE, variant(phoneNumbers=theirs), variant(phoneNumbers=[phones[0], phones[2]]))
    [c] = r.conflicts
    assert c.path == ("phoneNumbers", 1) and c.mine is ABSENT and c.theirs == {"rawInput": "2b"}
    assert [p["rawInput"] for p in resolve(r, {c.path: "mine"})["phoneNumbers"]] == ["1", "3"]
    assert [p["rawInput"] for p in resolve(r, {c.path: "theirs"})["phoneNumbers"]] == ["1", "2b", "3"]


def test_agent_append_survives_server_removal():
    phones = BASE["phoneNumbers"]
    r = merge(BASE, variant(phoneNumbers=phones[:1]), variant(phoneNumbers=phones + [{"rawInput": "new"}]))
    assert r.clean
    assert [p["rawInput"] for p in r.merged["phoneNumbers"]] == ["1", "new"]


def test_no_server_change_gives_exactly_edited():
    edited = variant(employeeId="E9", phoneNumbers=[{"rawInput": "z"}])
    r = merge(BASE, copy.deepcopy(BASE), edited)
    assert r.clean and r.merged == edited and not r.server_changes


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_leaf = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3))
_doc = st.dictionaries(
    st.sampled_from("abcd"),
    st.recursive(
        _leaf,
        lambda k: st.one_of(st.lists(k, max_size=3), st.dictionaries(st.sampled_from("xyz"), k, max_size=3)),
        max_leaves=8,
    ),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(_doc, _doc)
def test_one_sided_changes_always_merge_cleanly(base, other):
    r = merge(base, copy.deepcopy(base), other)  # only the agent changed
    assert r.clean and r.merged == other
    r = merge(base, other, copy.deepcopy(base))  # only the server changed
    assert r.clean and r.merged == other


@settings(max_examples=200, deadline=None)
@given(_doc, _doc, _doc)
def test_resolving_all_theirs_or_all_mine(base, fresh, edited):
    r = merge(base, fresh, edited)
    if r.clean:
        return
    assert resolve(r, {c.path: "theirs" for c in r.conflicts}) is not None
    out = resolve(r, {c.path: "mine" for c in r.conflicts})
    for c in r.conflicts:
        if c.mine is not ABSENT and not isinstance(c.path[-1], int):
            from tui.domain.paths import get

            assert get(out, c.path) == c.mine
