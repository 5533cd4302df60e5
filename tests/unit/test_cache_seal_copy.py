"""seal_doc copies only what it writes into: the document given is never changed, and the
stored one holds every other value as it was."""

from __future__ import annotations

import copy
import json

from tui.domain.cache_crypto import NOT_CACHED, Sealer, open_doc, seal_doc

DOC = {
    "name": {"given": "Ada"},
    "identityDocs": [
        {"passport": {"docId": "P1", "country": "FR"}},
        {"passport": {"docId": "P2", "country": "DE"}},
        {"nationalId": {"docId": "N3"}},
    ],
    "dob": {"iso8601": "1990-01-02"},
    "tail": [1, 2, {"x": None}],
}
PATTERNS = [("identityDocs", "*", "passport", "docId"), ("identityDocs", "*", "nationalId", "docId"), ("dob",)]


def test_the_document_given_is_left_as_it_was_and_the_rest_is_kept():
    before = copy.deepcopy(DOC)
    stripped, blob = seal_doc(DOC, PATTERNS, Sealer(b"s" * 32), "ctx")
    assert DOC == before
    assert [d[k]["docId"] for d in stripped["identityDocs"] for k in d] == [NOT_CACHED] * 3
    assert stripped["dob"] == NOT_CACHED
    assert stripped["identityDocs"][0]["passport"]["country"] == "FR" and stripped["tail"] == DOC["tail"]
    assert b"P1" not in json.dumps(stripped).encode() + (blob or b"")
    doc, missing = open_doc(stripped, blob, Sealer(b"s" * 32), "ctx")
    assert doc == DOC and missing == []
    stripped["identityDocs"][1]["passport"]["country"] = "changed"  # a copy, not DOC's
    assert DOC == before
