"""SectionEditor: the edit flow against the real sandbox over loopback."""

from __future__ import annotations

import copy
import itertools
import json

import pytest

from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.commit import AuditTrail
from tui.domain.editing import FieldError, SectionEditor
from tui.domain.sections import section

# -- validate: pure ------------------------------------------------------------------------


def _editor(key: str) -> SectionEditor:
    return SectionEditor(OnlineBackend(_NoClient()), section(key), "u")


class _NoClient:
    async def call_raw(self, name, *args, **kwargs):  # pragma: no cover - validate never calls
        raise AssertionError("no request expected")


def test_validate_maps_errors_to_field_paths_without_union_tags():
    ed = _editor("personal")
    assert ed.validate({"preferredLanguage": "en"}) == []
    errors = ed.validate(
        {
            "email": "not-an-email",
            "identityDocs": [{"passport": {"docId": "X1", "issueCountry": "US"}}],
            "phoneNumbers": [{"countryCode": "one"}],
        }
    )
    paths = {e.path for e in errors}
    assert ("email",) in paths
    assert ("identityDocs", 0, "passport", "expiryDate") in paths  # required, tag left out
    assert ("phoneNumbers", 0, "countryCode") in paths
    assert all(isinstance(e, FieldError) and e.message for e in errors)


def test_validate_identity_doc_with_no_known_kind():
    errors = _editor("personal").validate({"identityDocs": [{"somethingElse": {}}]})
    assert [e.path for e in errors] == [("identityDocs", 0)]


def test_prepare_and_commit_need_a_base():
    with pytest.raises(RuntimeError):
        _editor("business").prepare({})


# -- against the sandbox --------------------------------------------------------------------


@pytest.fixture(scope="module")
def _users(sandbox):
    rows = [sandbox.store.row(p) for p in range(len(sandbox.store.index))]
    return itertools.cycle([r.user_id for r in rows if r.is_active])


@pytest.fixture
def uid(_users) -> str:
    return next(_users)


@pytest.fixture
async def client(sandbox):
    async with UsersClient(sandbox.base_url, token=sandbox.token, retries=0) as c:
        yield c


@pytest.fixture
def audit(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def _calls(sandbox, since: int, uid: str) -> list[tuple[str, str]]:
    return [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sandbox.requests[since:] if uid in p]


async def test_load_is_the_raw_server_copy(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("business"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    assert base == sandbox.store.get_section(uid, "business-info")
    base["designation"] = "changed locally"
    assert ed.base != base  # the editor keeps its own copy


async def test_clean_commit_puts_fresh_plus_edits_and_refetches(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("business"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    edited = copy.deepcopy(base)
    edited["designation"] = "Principal Tester"
    lines = ed.prepare(edited)
    assert [ln.path_text for ln in lines] == ["designation"]
    # the server changes an unrelated field meanwhile
    sandbox.store.tamper(uid, "business-info", {"zzServerSide": {"v": 1}, "accountingCode": "AC-42"})
    since = len(sandbox.requests)
    result = await ed.commit(edited)
    assert result.status == "ok", result.error
    assert _calls(sandbox, since, uid) == [("GET", "business-info"), ("PUT", "business-info"), ("GET", "business-info")]
    stored = sandbox.store.get_section(uid, "business-info")
    assert stored["designation"] == "Principal Tester"
    assert stored["zzServerSide"] == {"v": 1} and stored["accountingCode"] == "AC-42"
    assert result.base == stored == ed.base
    assert result.applied.paths == [("designation",)]
    attempted, entry = audit.read()
    assert attempted["result"] == "attempted" and attempted["attempt"] == entry["attempt"]
    assert (entry["action"], entry["result"], entry["section"], entry["user_id"]) == ("update", "ok", "business", uid)
    assert entry["fields"] == ["designation"] and entry["environment"] == "sandbox"
    assert sandbox.token not in (audit.path.read_text())


async def test_conflict_returns_without_put_then_resolves(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("business"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    edited = copy.deepcopy(base)
    edited["designation"] = "Mine"
    edited["employeeId"] = "EMP-MINE"
    sandbox.store.tamper(uid, "business-info", {"designation": "Theirs"})
    since = len(sandbox.requests)
    result = await ed.commit(edited)
    assert result.status == "conflict"
    assert [m for m, _ in _calls(sandbox, since, uid)] == ["GET"]  # no PUT
    [c] = result.merge.conflicts
    assert (c.path, c.base, c.theirs, c.mine) == (("designation",), base.get("designation", c.base), "Theirs", "Mine")
    assert sandbox.store.get_section(uid, "business-info")["designation"] == "Theirs"
    assert audit.history()[-1]["result"] == "conflict"

    result = await ed.commit(edited, {("designation",): "theirs"})
    assert result.status == "ok"
    stored = sandbox.store.get_section(uid, "business-info")
    assert stored["designation"] == "Theirs" and stored["employeeId"] == "EMP-MINE"
    assert audit.history()[-1]["fields"] == ["employeeId"]


async def test_bad_request_maps_to_field_errors_and_is_audited(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("business"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    edited = copy.deepcopy(base)
    edited["email"] = "definitely not an email"
    result = await ed.commit(edited)
    assert result.status == "error" and result.error.status == 400
    assert [e.path for e in result.field_errors] == [("email",)]
    assert sandbox.store.get_section(uid, "business-info") == base
    entry = audit.history()[-1]
    assert entry["result"] == "error" and entry["status"] == 400 and entry["debugIdentifier"]
    assert "definitely not an email" not in audit.path.read_text()  # email is x-pii


async def test_document_numbers_never_reach_the_audit_log(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("personal"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    edited = copy.deepcopy(base)
    edited.setdefault("identityDocs", []).append(
        {
            "passport": {
                "docId": "ZX9988776",
                "issueCountry": "US",
                "nationalityCountry": "US",
                "expiryDate": {"iso8601": "2033-03-03"},
            }
        }
    )
    assert ed.validate(edited) == []
    [line] = [ln for ln in ed.prepare(edited)]
    assert line.masked and "ZX9988776" not in line.text()
    result = await ed.commit(edited)
    assert result.status == "ok", result.error
    assert result.base["identityDocs"][-1]["passport"]["docId"] == "ZX9988776"
    text = audit.path.read_text()
    assert "ZX9988776" not in text and "2033-03-03" not in text
    entry = json.loads(text.splitlines()[-1])
    assert entry["changes"][0]["new"]["passport"]["docId"] == "••••8776"


async def test_no_changes_and_reveal_and_cancel(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("roles"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    since = len(sandbox.requests)
    result = await ed.commit(copy.deepcopy(base))
    assert result.status == "no_changes" and result.ok
    assert _calls(sandbox, since, uid) == []
    ed.record_reveal([("dob",)])
    edited = copy.deepcopy(base)
    edited["roles"] = []
    ed.record_cancel(edited)
    actions = [(e["action"], e["result"]) for e in audit.history()]
    assert actions == [("reveal", "ok"), ("update", "cancelled")]


async def test_read_only_sections_cannot_commit(client, uid):
    ed = SectionEditor(OnlineBackend(client), section("policies"), uid)
    base = await ed.load()
    assert isinstance(base, dict)
    with pytest.raises(ValueError):
        await ed.commit({**base, "x": 1})


async def test_server_error_is_audited_with_debug_identifier(sandbox_factory, tmp_path):
    sb = sandbox_factory(users=20)
    audit = AuditLog(tmp_path / "a.jsonl")
    uid = next(sb.store.row(p).user_id for p in range(len(sb.store.index)) if sb.store.row(p).is_active)
    async with UsersClient(sb.base_url, token=sb.token, retries=0) as client:
        ed = SectionEditor(OnlineBackend(client), section("external_id"), uid, AuditTrail(audit, "sandbox"))
        base = await ed.load()
        sb.faults.inject(500, count=1)  # the fresh GET before the PUT fails
        since = len(sb.requests)
        result = await ed.commit({**base, "externalId": "EXT-NEW"})
    assert result.status == "error" and result.error.status == 500
    assert [m for m, _, _ in sb.requests[since:]] == ["GET"]  # nothing was written
    assert ed.base == base
    entry = audit.history()[-1]
    assert entry["fields"] == ["externalId"]
    assert entry["result"] == "error" and entry["status"] == 500 and entry["debugIdentifier"]


async def test_all_theirs_writes_nothing(sandbox, client, uid, audit):
    ed = SectionEditor(OnlineBackend(client), section("external_id"), uid, AuditTrail(audit, "sandbox"))
    base = await ed.load()
    sandbox.store.tamper(uid, "external-id", {"externalId": "SERVER-SIDE"})
    since = len(sandbox.requests)
    first = await ed.commit({**base, "externalId": "MINE"})
    assert first.status == "conflict"
    result = await ed.commit({**base, "externalId": "MINE"}, {("externalId",): "theirs"})
    assert result.status == "no_changes" and result.base["externalId"] == "SERVER-SIDE"
    assert [m for m, _ in _calls(sandbox, since, uid)] == ["GET", "GET"]  # never a PUT
    assert ed.base["externalId"] == "SERVER-SIDE"
