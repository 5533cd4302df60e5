"""The audit log: JSON lines, masked values, no tokens."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tui.domain.audit import AuditLog, format_entry, scrub
from tui.domain.edits import edits_from
from tui.domain.sections import section


def test_record_and_read_back(tmp_path):
    log = AuditLog(tmp_path / "sub" / "audit.jsonl")
    assert log.read() == []
    log.record(
        environment="sandbox",
        user_id="u1",
        section="business",
        action="update",
        result="ok",
        fields=["employeeId"],
        status=204,
    )
    log.record(
        environment="prod",
        user_id="u2",
        section=None,
        action="deactivate",
        result="error",
        status=403,
        debug_identifier="dbg-1",
        message="403 Forbidden",
    )
    entries = log.read()
    assert [e["action"] for e in entries] == ["update", "deactivate"]
    first = entries[0]
    assert first["environment"] == "sandbox" and first["fields"] == ["employeeId"] and first["status"] == 204
    assert first["time"].endswith("Z")
    datetime.fromisoformat(first["time"].replace("Z", "+00:00"))
    assert entries[1]["debugIdentifier"] == "dbg-1"
    assert log.tail(1) == entries[1:]
    assert "deactivate" in format_entry(entries[1])
    lines = (tmp_path / "sub" / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(ln) for ln in lines)


def test_unknown_action_or_result_rejected(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    with pytest.raises(ValueError):
        log.record(environment="e", user_id="u", section=None, action="delete", result="ok")
    with pytest.raises(ValueError):
        log.record(environment="e", user_id="u", section=None, action="update", result="maybe")


def test_record_edit_masks_pii_values(tmp_path):
    personal = section("personal")
    base = {"name": {"given": "Annabelle"}, "identityDocs": [], "preferredLanguage": "en"}
    edited = {
        "name": {"given": "Annika"},
        "preferredLanguage": "sv",
        "identityDocs": [{"passport": {"docId": "P98765432", "issueCountry": "SE"}}],
    }
    log = AuditLog(tmp_path / "a.jsonl")
    log.record_edit(
        environment="sandbox", user_id="u1", section=personal, edits=edits_from(base, edited), result="ok", status=200
    )
    text = (tmp_path / "a.jsonl").read_text()
    for raw in ("Annabelle", "Annika", "P98765432"):
        assert raw not in text
    [entry] = log.read()
    assert entry["fields"] == ["name.given", "identityDocs[0]", "preferredLanguage"]
    by_path = {c["path"]: c for c in entry["changes"]}
    assert by_path["preferredLanguage"] == {"path": "preferredLanguage", "kind": "set", "old": "en", "new": "sv"}
    assert by_path["identityDocs[0]"]["new"]["passport"]["docId"] == "••••5432"
    assert by_path["identityDocs[0]"]["kind"] == "add" and "old" not in by_path["identityDocs[0]"]


def test_no_token_ever_written(tmp_path):
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl"
    log = AuditLog(tmp_path / "a.jsonl")
    log.record(
        environment="prod",
        user_id="u",
        section="roles",
        action="update",
        result="error",
        status=401,
        message=f"401 Unauthorized: Authorization: Bearer {token} access_token={token}",
        debug_identifier=f"token={token}",
    )
    text = (tmp_path / "a.jsonl").read_text()
    assert token not in text and "eyJ" not in text
    assert scrub("Bearer abc.def") == "Bearer [redacted]"
    assert scrub("nothing secret here") == "nothing secret here"


def test_file_is_private(tmp_path):
    log = AuditLog(tmp_path / "a.jsonl")
    log.record(environment="e", user_id="u", section=None, action="reveal", result="ok", fields=["dob"])
    assert (tmp_path / "a.jsonl").stat().st_mode & 0o077 == 0
