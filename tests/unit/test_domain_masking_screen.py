"""The screen masker on its own, no app running: ``mask_value``, ``mask_matching``,
``mask_for_screen`` / ``mask_unrevealed`` with revealed paths, and the section form's
``masked_view`` / ``is_hidden`` (constructed, never mounted)."""

from __future__ import annotations

import copy
import json

import pytest

from tui.domain.masking import (
    BULLETS,
    DATE_MASK,
    is_revealed,
    mask_for_screen,
    mask_matching,
    mask_unrevealed,
    mask_value,
)
from tui.domain.paths import ABSENT, WILDCARD
from tui.domain.sections import section

PERSONAL = section("personal")

DOC = {
    "name": {"given": "Annabelle"},
    "dob": {"iso8601": "1988-02-29"},
    "identityDocs": [
        {"passport": {"docId": "P98765432", "issueCountry": "SE", "expiryDate": {"iso8601": "2031-01-01"}}},
        {"ktn": {"number": "TT1234567", "issueCountry": "US"}},
        {"nationalDoc": {"docId": "ND55501234", "issueCountry": "ES"}},
        {"redress": {"number": None}},
    ],
}
SECRETS = ["1988-02-29", "P98765432", "TT1234567", "ND55501234"]


# --- mask_value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("X12345678", "••••5678"),
        ("1234567", "••••4567"),  # 7 characters: the last 4 stay
        ("123456", BULLETS),  # 6 or fewer: nothing kept
        ("", BULLETS),  # even an empty value does not show that it is empty
        ("2031-01-01", DATE_MASK),
        ("2031-01-01T10:00:00Z", DATE_MASK),
        (0, BULLETS),
        (123456789, BULLETS),
        (1.5, BULLETS),
        (True, BULLETS),
        (False, BULLETS),
        (None, None),
    ],
)
def test_mask_value_scalars(value, expected):
    assert mask_value(value) == expected


def test_mask_value_containers_leaf_by_leaf_and_absent():
    assert mask_value({"a": "X12345678", "b": [1, None, {"c": "1990-01-01"}]}) == {
        "a": "••••5678",
        "b": [BULLETS, None, {"c": DATE_MASK}],
    }
    assert mask_value([]) == [] and mask_value({}) == {}
    assert mask_value(ABSENT) is ABSENT
    assert mask_value("X12345678", keep_last=0) == BULLETS
    assert mask_value("X12345678", keep_last=2) == BULLETS + "78"


# --- mask_matching --------------------------------------------------------------------------


def test_mask_matching_wildcards_indices_and_missing_keys():
    doc = copy.deepcopy(DOC)
    out = mask_matching(doc, PERSONAL.masked_paths)
    assert doc == DOC  # the input is not touched
    assert out["dob"] == {"iso8601": DATE_MASK}
    assert out["identityDocs"][0]["passport"] == {
        "docId": "••••5432",
        "issueCountry": "SE",
        "expiryDate": {"iso8601": "2031-01-01"},
    }
    assert out["identityDocs"][1]["ktn"] == {"number": "••••4567", "issueCountry": "US"}
    assert out["identityDocs"][2]["nationalDoc"]["docId"] == "••••1234"
    assert out["identityDocs"][3] == {"redress": {"number": None}}  # null: nothing to hide
    assert out["name"] == {"given": "Annabelle"}
    assert not any(s in json.dumps(out) for s in SECRETS)
    # a fixed index masks that item only; a pattern that finds nothing changes nothing
    one = mask_matching(DOC, [("identityDocs", 1, "ktn", "number")])
    assert one["identityDocs"][1]["ktn"]["number"] == "••••4567"
    assert one["identityDocs"][0]["passport"]["docId"] == "P98765432"
    assert mask_matching(DOC, [("identityDocs", 9, "ktn", "number"), ("nope", WILDCARD, "x")]) == DOC
    assert mask_matching({"identityDocs": {"not": "a list"}}, PERSONAL.masked_paths) == {
        "identityDocs": {"not": "a list"}
    }
    assert mask_matching(DOC, []) == DOC
    assert mask_matching("X12345678", [()]) == "••••5678"  # the empty pattern is the value itself


# --- mask_for_screen / mask_unrevealed with revealed paths ----------------------------------


def test_mask_for_screen_at_every_depth():
    whole = mask_for_screen(PERSONAL, (), DOC)
    assert whole == mask_matching(DOC, PERSONAL.masked_paths)
    assert mask_for_screen(PERSONAL, ("dob",), DOC["dob"]) == {"iso8601": DATE_MASK}
    assert mask_for_screen(PERSONAL, ("dob", "iso8601"), "1988-02-29") == DATE_MASK
    assert mask_for_screen(PERSONAL, ("identityDocs",), DOC["identityDocs"]) == whole["identityDocs"]
    item = mask_for_screen(PERSONAL, ("identityDocs", 1), DOC["identityDocs"][1])
    assert item == {"ktn": {"number": "••••4567", "issueCountry": "US"}}
    assert mask_for_screen(PERSONAL, ("identityDocs", 0, "passport", "issueCountry"), "SE") == "SE"
    assert mask_for_screen(PERSONAL, ("name", "given"), "Annabelle") == "Annabelle"
    assert mask_for_screen(section("business"), (), {"email": "a@b.example"}) == {"email": "a@b.example"}


def test_revealed_paths_show_in_clear_and_nothing_else():
    revealed = [("identityDocs", 1), ("dob",)]
    out = mask_for_screen(PERSONAL, (), DOC, revealed)
    assert out["dob"] == DOC["dob"]
    assert out["identityDocs"][1] == DOC["identityDocs"][1]
    assert out["identityDocs"][0]["passport"]["docId"] == "••••5432"
    assert out["identityDocs"][2]["nationalDoc"]["docId"] == "••••1234"
    # the reveal goes by the masked field (dob): a path below it reveals nothing
    assert mask_for_screen(PERSONAL, (), DOC, [("dob", "iso8601")])["dob"] == {"iso8601": DATE_MASK}
    assert mask_for_screen(PERSONAL, ("dob",), DOC["dob"], [("dob", "iso8601")]) == {"iso8601": DATE_MASK}
    # revealed paths are concrete: another index stays masked
    assert mask_for_screen(PERSONAL, ("identityDocs", 0), DOC["identityDocs"][0], [("identityDocs", 1)]) == {
        "passport": {"docId": "••••5432", "issueCountry": "SE", "expiryDate": {"iso8601": "2031-01-01"}}
    }


def test_is_revealed_is_a_prefix_test():
    assert is_revealed(("identityDocs", 1, "ktn", "number"), [("identityDocs", 1)])
    assert is_revealed(("dob",), [("dob",)])
    assert not is_revealed(("dob",), [("dob", "iso8601")])
    assert not is_revealed(("identityDocs", 0, "passport", "docId"), [("identityDocs", 1)])
    assert not is_revealed(("identityDocs", 0), [])
    assert is_revealed(("anything",), [()])  # the root revealed: everything


def test_mask_unrevealed_takes_another_masker_and_never_mutates():
    doc = copy.deepcopy(DOC)
    out = mask_unrevealed(PERSONAL, (), doc, [("identityDocs", 0)], masker=lambda v: "HIDDEN")
    assert doc == DOC
    assert out["dob"] == "HIDDEN" and out["identityDocs"][1]["ktn"]["number"] == "HIDDEN"
    assert out["identityDocs"][0] == DOC["identityDocs"][0]
    out["identityDocs"][0]["passport"]["docId"] = "changed"  # a revealed part is a copy too
    assert DOC["identityDocs"][0]["passport"]["docId"] == "P98765432"
    assert mask_unrevealed(PERSONAL, ("dob",), None) is None
    assert mask_unrevealed(PERSONAL, ("dob",), ABSENT) is ABSENT


# --- the form's masking, without an app -------------------------------------------------------


def _form(base, revealed=None):
    from tui.ui.widgets.section_form import SectionForm

    return SectionForm(PERSONAL, base, revealed=revealed)


def test_form_masked_view_and_is_hidden_follow_the_reveals():
    form = _form(DOC, revealed={("identityDocs", 2)})
    shown = form.masked_view((), form.value)
    assert shown["dob"] == {"iso8601": DATE_MASK}
    assert shown["identityDocs"][0]["passport"]["docId"] == "••••5432"
    assert shown["identityDocs"][2] == DOC["identityDocs"][2]
    assert form.is_hidden(("dob", "iso8601")) and form.is_hidden(("identityDocs", 1, "ktn", "number"))
    assert not form.is_hidden(("identityDocs", 2, "nationalDoc", "docId"))
    assert not form.is_hidden(("identityDocs", 3, "redress", "number"))  # null in the base
    assert not form.is_hidden(("name", "given"))
    form._revealed.add(("dob",))
    assert not form.is_hidden(("dob", "iso8601"))
    assert form.masked_view(("dob",), DOC["dob"]) == DOC["dob"]


def test_form_hides_base_values_only_but_masks_list_rows_whatever_their_origin():
    base = {"identityDocs": [{"passport": {"docId": "P98765432"}}]}
    form = _form(base)
    form.state.insert(("identityDocs",), {"ktn": {"number": "TYPED12345"}})
    # a value the agent typed is theirs to see in its field ...
    assert not form.is_hidden(("identityDocs", 1, "ktn", "number"))
    # ... but a list's summary row masks every masked value
    shown = form.masked_view(("identityDocs", 1), form.value["identityDocs"][1])
    assert shown == {"ktn": {"number": "••••2345"}}
    # a sub-form (item editor) has the item path as prefix
    from tui.ui.widgets.section_form import SectionForm

    sub = SectionForm(PERSONAL, base["identityDocs"][0], prefix=("identityDocs", 0), revealed=set())
    assert sub.is_hidden(("passport", "docId"))
    assert sub.masked_view(("passport",), {"docId": "P98765432"}) == {"docId": "••••5432"}


# --- reveals follow the items they were made on -------------------------------------------------


def test_reveals_move_up_with_the_items_after_a_removed_one():
    from tui.domain.masking import revealed_after_removal

    revealed = {("dob",), ("identityDocs", 0), ("identityDocs", 2, "passport", "docId"), ("identityDocs", 3)}
    assert revealed_after_removal(revealed, ("identityDocs",), 0) == {
        ("dob",),
        ("identityDocs", 1, "passport", "docId"),
        ("identityDocs", 2),
    }
    assert revealed_after_removal(revealed, ("identityDocs",), 2) == {
        ("dob",),
        ("identityDocs", 0),
        ("identityDocs", 2),
    }
    assert revealed_after_removal(revealed, ("identityDocs",), 5) == revealed
    assert revealed_after_removal(revealed, ("addresses",), 0) == revealed  # another list


def test_reveals_are_kept_only_where_the_same_item_stays():
    from tui.domain.masking import revealed_kept

    new = copy.deepcopy(DOC)
    new["identityDocs"].reverse()
    revealed = {("dob",), ("identityDocs", 0), ("identityDocs", 3, "redress", "number")}
    assert revealed_kept(revealed, DOC, DOC) == revealed
    assert revealed_kept(revealed, DOC, new) == {("dob",)}  # other documents there now
    shorter = {**DOC, "identityDocs": DOC["identityDocs"][:1]}
    assert revealed_kept(revealed, DOC, shorter) == {("dob",), ("identityDocs", 0)}


def test_form_reset_keeps_a_reveal_only_on_the_same_item():
    form = _form(DOC, revealed={("identityDocs", 0), ("dob",)})
    form.reset(copy.deepcopy(DOC))  # e.g. re-read after a save that left the documents alone
    assert form.revealed == {("identityDocs", 0), ("dob",)}
    moved = copy.deepcopy(DOC)
    moved["identityDocs"].reverse()  # e.g. reordered in the $EDITOR file and saved
    form.reset(moved)
    assert form.revealed == {("dob",)}
    assert form.masked_view(("identityDocs", 0), moved["identityDocs"][0]) == {"redress": {"number": None}}
    assert form.masked_view(("identityDocs", 3), moved["identityDocs"][3])["passport"]["docId"] == "••••5432"
