"""Field paths, edit sets and their replay, diff lines and summaries."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.domain.diff import diff, summary
from tui.domain.edits import ApplyError, Edit, EditSet, apply, edits_from
from tui.domain.paths import ABSENT, delete, format_path, get, last_index, parse_path, set_at, under_any
from tui.domain.sections import section

BASE = {
    "email": "ann@example.com",
    "employeeId": "E1",
    "phoneNumbers": [{"countryCode": 1, "rawInput": "555 0100"}, {"countryCode": 44, "rawInput": "7700 900"}],
    "identityDocs": [{"passport": {"docId": "X12345678", "issueCountry": "US"}}],
    "futureField": {"kept": True},
}


def test_paths_get_set_delete_format_parse():
    doc = copy.deepcopy(BASE)
    p = ("identityDocs", 0, "passport", "docId")
    assert get(doc, p) == "X12345678"
    assert get(doc, ("identityDocs", 5, "passport")) is ABSENT
    set_at(doc, ("a", "b", 0), "x")
    assert doc["a"] == {"b": ["x"]}
    assert delete(doc, ("phoneNumbers", 0))["countryCode"] == 1
    assert len(doc["phoneNumbers"]) == 1
    assert format_path(p) == "identityDocs[0].passport.docId"
    assert parse_path("identityDocs[0].passport.docId") == p
    assert parse_path("/identityDocs/0/passport") == ("identityDocs", 0, "passport")
    assert under_any([("identityDocs", "*", "passport", "docId")], p)
    assert not under_any([("identityDocs", "*", "passport", "docId")], ("identityDocs", 0, "passport"))
    with pytest.raises(IndexError):
        set_at(doc, ("phoneNumbers", 7), {})


def test_last_index_is_the_final_list_index_or_a_type_error():
    assert last_index(("identityDocs", 2)) == 2
    with pytest.raises(TypeError):
        last_index(("identityDocs", 0, "passport"))


def test_unknown_fields_survive_apply():
    edited = copy.deepcopy(BASE)
    edited["employeeId"] = "E2"
    fresh = copy.deepcopy(BASE)
    fresh["serverOnly"] = [1, 2]
    out = apply(edits_from(BASE, edited), fresh)
    assert out["employeeId"] == "E2"
    assert out["futureField"] == {"kept": True}
    assert out["serverOnly"] == [1, 2]
    assert fresh["employeeId"] == "E1"  # fresh untouched (deep copy)


def test_list_add_and_remove_are_items_not_shifts():
    edited = copy.deepcopy(BASE)
    del edited["phoneNumbers"][0]
    es = edits_from(BASE, edited)
    assert [(e.path, e.kind) for e in es] == [(("phoneNumbers", 0), "remove")]
    assert es[0].old == BASE["phoneNumbers"][0]

    edited = copy.deepcopy(BASE)
    edited["phoneNumbers"].insert(1, {"countryCode": 33, "rawInput": "1"})
    es = edits_from(BASE, edited)
    assert [(e.path, e.kind, e.new) for e in es] == [(("phoneNumbers", 1), "add", {"countryCode": 33, "rawInput": "1"})]
    assert apply(es, BASE) == edited


def test_item_field_change_is_a_field_path():
    edited = copy.deepcopy(BASE)
    edited["identityDocs"][0]["passport"]["docId"] = "Y99999999"
    es = edits_from(BASE, edited)
    assert es.paths == [("identityDocs", 0, "passport", "docId")]
    assert (es[0].old, es[0].new, es[0].kind) == ("X12345678", "Y99999999", "set")


def test_key_added_removed_and_null_are_distinct():
    edited = copy.deepcopy(BASE)
    del edited["email"]
    edited["designation"] = None
    es = edits_from(BASE, edited)
    assert {(e.path, e.old, e.new) for e in es} == {
        (("email",), "ann@example.com", ABSENT),
        (("designation",), ABSENT, None),
    }
    out = apply(es, BASE)
    assert "email" not in out and out["designation"] is None


def test_types_matter_true_is_not_1():
    assert edits_from({"a": 1}, {"a": True}).paths == [("a",)]
    assert edits_from({"a": 1}, {"a": 1.0}).paths == [("a",)]
    assert not edits_from({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]})


def test_remove_replays_by_value_when_positions_moved():
    es = EditSet([Edit(("l", 1), "b", ABSENT, "remove")])
    assert apply(es, {"l": ["a", "b", "c"]}) == {"l": ["a", "c"]}
    assert apply(es, {"l": ["new", "a", "b", "c"]}) == {"l": ["new", "a", "c"]}
    assert apply(es, {"l": ["a", "c"]}) == {"l": ["a", "c"]}  # already gone: no-op


def test_apply_into_a_scalar_fails_clearly():
    with pytest.raises(ApplyError):
        apply([Edit(("a", "b"), ABSENT, 1)], {"a": "text"})


def test_editset_json_roundtrip():
    edited = copy.deepcopy(BASE)
    edited["phoneNumbers"].append({"countryCode": 1})
    del edited["email"]
    es = edits_from(BASE, edited)
    again = EditSet.from_json(es.to_json())
    assert again == es
    assert apply(again, BASE) == edited


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4))
json_doc = st.recursive(
    json_leaf,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.sampled_from("abcde"), kids, max_size=4)),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcde"), json_doc, max_size=4),
    st.dictionaries(st.sampled_from("abcde"), json_doc, max_size=4),
)
def test_apply_edits_from_reproduces_edited(base, edited):
    assert apply(edits_from(base, edited), base) == edited


def test_diff_lines_and_summary():
    biz = section("business")
    edited = copy.deepcopy(BASE)
    edited["employeeId"] = "E2"
    edited["phoneNumbers"].append({"countryCode": 49})
    del edited["email"]
    lines = diff(BASE, edited, biz)
    assert [(ln.path_text, ln.change) for ln in lines] == [
        ("email", "removed"),
        ("employeeId", "changed"),
        ("phoneNumbers[2]", "added"),
    ]
    assert lines[1].text() == "~ employeeId: E1 → E2"
    assert lines[0].text() == "- email: ann@example.com"
    assert lines[2].text().startswith("+ phoneNumbers[2]: ")
    assert summary(biz, lines) == "3 changes to business info"
    assert summary(biz, lines[:1]) == "1 change to business info"
    assert summary(section("roles"), []) == "No changes to roles"


def test_diff_masks_identity_numbers_and_dob_but_not_names():
    personal = section("personal")
    base = {
        "name": {"given": "Ann"},
        "dob": {"iso8601": "1990-05-17"},
        "identityDocs": [{"passport": {"docId": "X12345678", "issueCountry": "US"}}],
    }
    edited = copy.deepcopy(base)
    edited["name"]["given"] = "Anna"
    edited["dob"]["iso8601"] = "1990-05-18"
    edited["identityDocs"][0]["passport"]["docId"] = "X87654321"
    edited["identityDocs"].append({"ktn": {"number": "KTN1234567", "issueCountry": "US"}})
    by_path = {ln.path_text: ln for ln in diff(base, edited, personal)}
    assert not by_path["name.given"].masked
    assert by_path["name.given"].text() == "~ name.given: Ann → Anna"
    dob = by_path["dob.iso8601"]
    assert dob.masked and "1990" not in dob.text() and "1990-05-18" in dob.text(reveal=True)
    doc = by_path["identityDocs[0].passport.docId"]
    assert doc.masked and doc.text() == "~ identityDocs[0].passport.docId: ••••5678 → ••••4321"
    added = by_path["identityDocs[1]"]  # a whole new item: its number is masked inside
    assert added.masked and "KTN1234567" not in added.text() and "4567" in added.text()
    assert "KTN1234567" in added.text(reveal=True)
