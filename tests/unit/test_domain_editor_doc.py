"""The section as the $EDITOR file holds it: masked values as a placeholder, mapped back on
return, list items matched when the agent reordered, removed or added some."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.domain.editor_doc import PLACEHOLDER, editor_note, mask_for_editor, unmask_from_editor
from tui.domain.sections import section

PERSONAL = section("personal")
PH = PLACEHOLDER


def _passport(doc_id: str, country: str = "SE", expiry: str = "2031-01-01") -> dict:
    return {"passport": {"docId": doc_id, "issueCountry": country, "expiryDate": {"iso8601": expiry}}}


BASE = {
    "name": {"given": "Annabelle", "family1": "Lindqvist"},
    "dob": {"iso8601": "1988-02-29"},
    "email": "annabelle@example.com",
    "identityDocs": [
        _passport("P98765432", "SE", "2031-01-01"),
        {"ktn": {"number": "TT1234567", "issueCountry": "US"}},
        _passport("P11112222", "FI", "2029-05-05"),
        {"nationalDoc": {"docId": "ND55501234", "issueCountry": "ES", "type": "DNI"}},
    ],
    "phoneNumbers": [{"countryCode": 46, "rawInput": "+46 70 123"}],
}
SECRETS = ["1988-02-29", "P98765432", "TT1234567", "P11112222", "ND55501234"]


def _roundtrip(edited, original=BASE):
    return unmask_from_editor(PERSONAL, edited, copy.deepcopy(original))


def test_the_file_holds_no_masked_value_and_everything_else():
    shown = mask_for_editor(PERSONAL, BASE)
    text = json.dumps(shown)
    assert not any(s in text for s in SECRETS)
    assert shown["dob"] == {"iso8601": PH}  # leaf by leaf: the agent sees where to type
    assert shown["identityDocs"][0] == {
        "passport": {"docId": PH, "issueCountry": "SE", "expiryDate": {"iso8601": "2031-01-01"}}
    }
    assert shown["identityDocs"][1] == {"ktn": {"number": PH, "issueCountry": "US"}}
    assert shown["name"] == BASE["name"] and shown["phoneNumbers"] == BASE["phoneNumbers"]
    assert BASE["dob"] == {"iso8601": "1988-02-29"}  # not mutated
    assert mask_for_editor(PERSONAL, {"dob": None, "identityDocs": [{"ktn": {"number": None}}]}) == {
        "dob": None,
        "identityDocs": [{"ktn": {"number": None}}],
    }  # null: nothing to hide
    business = {"designation": "X", "email": "a@b.example"}
    assert mask_for_editor(section("business"), business) == business


def test_revealed_values_are_written_in_clear():
    shown = mask_for_editor(PERSONAL, BASE, revealed={("identityDocs", 2), ("dob",)})
    assert shown["dob"] == BASE["dob"]
    assert shown["identityDocs"][2] == BASE["identityDocs"][2]
    assert shown["identityDocs"][0]["passport"]["docId"] == PH
    assert shown["identityDocs"][3]["nationalDoc"]["docId"] == PH


def test_placeholders_left_in_place_keep_the_values():
    doc, errors = _roundtrip(mask_for_editor(PERSONAL, BASE))
    assert errors == [] and doc == BASE
    revealed = mask_for_editor(PERSONAL, BASE, revealed={("identityDocs", 1)})
    assert _roundtrip(revealed) == (BASE, [])


def test_a_value_typed_over_the_placeholder_is_the_new_value():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["identityDocs"][0]["passport"]["docId"] = "NEW00001"
    edited["dob"]["iso8601"] = "1990-01-01"
    edited["name"]["given"] = "Anna"
    doc, errors = _roundtrip(edited)
    assert errors == []
    expected = copy.deepcopy(BASE)
    expected["identityDocs"][0]["passport"]["docId"] = "NEW00001"
    expected["dob"]["iso8601"] = "1990-01-01"
    expected["name"]["given"] = "Anna"
    assert doc == expected


def test_removing_an_item_does_not_shift_the_numbers():
    edited = mask_for_editor(PERSONAL, BASE)
    del edited["identityDocs"][0]
    doc, errors = _roundtrip(edited)
    assert errors == []
    assert doc["identityDocs"] == BASE["identityDocs"][1:]


def test_reordered_items_keep_their_own_numbers():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["identityDocs"].reverse()
    doc, errors = _roundtrip(edited)
    assert errors == [] and doc["identityDocs"] == BASE["identityDocs"][::-1]


def test_a_changed_item_after_a_removal_goes_to_the_most_alike():
    edited = mask_for_editor(PERSONAL, BASE)
    del edited["identityDocs"][0]  # the Swedish passport goes
    edited["identityDocs"][1]["passport"]["expiryDate"]["iso8601"] = "2035-12-31"  # the Finnish one changes
    doc, errors = _roundtrip(edited)
    assert errors == []
    assert doc["identityDocs"][1] == _passport("P11112222", "FI", "2035-12-31")  # not the Swedish number
    assert doc["identityDocs"][0] == BASE["identityDocs"][1]


def test_a_new_item_and_a_duplicate_cannot_borrow_a_number():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["identityDocs"].append(copy.deepcopy(edited["identityDocs"][0]))  # duplicated in the file
    edited["identityDocs"].append({"redress": {"number": PH, "issueCountry": "US"}})  # new, nothing to keep
    doc, errors = _roundtrip(edited)
    assert [e.path for e in errors] == [
        ("identityDocs", 4, "passport", "docId"),
        ("identityDocs", 5, "redress", "number"),
    ]
    assert all(e.code == "placeholder" and PH in e.message for e in errors)
    assert doc["identityDocs"][0] == BASE["identityDocs"][0]  # the first copy still maps
    # typing the number makes the new item fine
    edited["identityDocs"][4]["passport"]["docId"] = "P33334444"
    edited["identityDocs"][5]["redress"]["number"] = "RD998877"
    doc, errors = _roundtrip(edited)
    assert errors == [] and doc["identityDocs"][4]["passport"]["docId"] == "P33334444"


def test_a_placeholder_where_no_masked_value_is_is_an_error():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["email"] = PH  # moved to a field that is not masked
    doc, errors = _roundtrip(edited)
    assert [e.path for e in errors] == [("email",)]
    no_dob = {k: v for k, v in BASE.items() if k != "dob"}
    doc, errors = unmask_from_editor(PERSONAL, {"dob": {"iso8601": PH}}, no_dob)
    assert [e.path for e in errors] == [("dob", "iso8601")]
    doc, errors = unmask_from_editor(PERSONAL, {"identityDocs": [{"ktn": {"number": PH}}]}, {})
    assert [e.path for e in errors] == [("identityDocs", 0, "ktn", "number")]
    doc, errors = unmask_from_editor(PERSONAL, {"identityDocs": PH}, BASE)  # the whole list: not a masked field
    assert [e.path for e in errors] == [("identityDocs",)]


def test_a_damaged_placeholder_is_an_error_not_a_value():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["identityDocs"][0]["passport"]["docId"] = PH + "9"
    edited["dob"]["iso8601"] = "<MASKED: unchanged"
    doc, errors = _roundtrip(edited)
    assert sorted(e.path for e in errors) == [("dob", "iso8601"), ("identityDocs", 0, "passport", "docId")]


def test_a_whole_masked_object_as_one_placeholder_keeps_it():
    edited = mask_for_editor(PERSONAL, BASE)
    edited["dob"] = PH
    doc, errors = _roundtrip(edited)
    assert errors == [] and doc["dob"] == BASE["dob"]


def test_a_removal_between_look_alike_items_is_an_error():
    twins = {"identityDocs": [_passport("P10000001"), _passport("P20000002")]}
    edited = mask_for_editor(PERSONAL, twins)
    del edited["identityDocs"][0]  # which one was removed? the file cannot say
    doc, errors = unmask_from_editor(PERSONAL, edited, twins)
    assert [e.path for e in errors] == [("identityDocs", 0)]
    assert "cannot tell" in errors[0].message
    # revealed on screen, the numbers are in the file and say it
    edited = mask_for_editor(PERSONAL, twins, revealed={("identityDocs", 0), ("identityDocs", 1)})
    del edited["identityDocs"][0]
    assert unmask_from_editor(PERSONAL, edited, twins) == ({"identityDocs": [_passport("P20000002")]}, [])
    # the same look-alikes, both kept and both changed: positions decide, nothing is ambiguous
    edited = mask_for_editor(PERSONAL, twins)
    for item in edited["identityDocs"]:
        item["passport"]["issueCountry"] = "NO"
    doc, errors = unmask_from_editor(PERSONAL, edited, twins)
    assert errors == [] and [d["passport"]["docId"] for d in doc["identityDocs"]] == ["P10000001", "P20000002"]


def test_the_note_explains_the_placeholder_only_when_there_is_one():
    text = json.dumps(mask_for_editor(PERSONAL, BASE), ensure_ascii=False)
    note = editor_note(text)
    assert note and PH in note[0] and any("keep" in line for line in note)
    assert editor_note(json.dumps({"designation": "X"})) == []


_doc_id = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=7, max_size=10)


@settings(max_examples=120, deadline=None)
@given(
    ids=st.lists(_doc_id, min_size=1, max_size=6, unique=True),
    countries=st.lists(
        st.sampled_from(["SE", "FI", "US", "IN", "ES", "DE", "FR"]), min_size=6, max_size=6, unique=True
    ),
    data=st.data(),
)
def test_any_reorder_or_removal_of_distinct_items_keeps_each_number(ids, countries, data):
    docs = [_passport(i, countries[n]) for n, i in enumerate(ids)]
    original = {"identityDocs": docs, "dob": {"iso8601": "1970-01-01"}}
    kept = data.draw(st.lists(st.sampled_from(range(len(docs))), unique=True, max_size=len(docs)))
    edited = mask_for_editor(PERSONAL, original)
    edited["identityDocs"] = [edited["identityDocs"][k] for k in kept]
    doc, errors = unmask_from_editor(PERSONAL, edited, original)
    assert errors == []
    assert doc == {"identityDocs": [docs[k] for k in kept], "dob": original["dob"]}
