"""Pushing drafts to the sandbox over loopback: a draft made offline on a cached copy, then a
change on the server behind the app's back. The plan shows the conflict, both ways out work,
declining keeps the draft; a change elsewhere merges in; a refused or failing push keeps the
draft; a value that is not cached is never sent. The sandbox's request log is the witness."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.sandbox.bulk_kit import active_users, client_for, successful_puts
from tui.api.errors import SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.cache import CacheEnv, ProfileCache
from tui.domain.cache_backend import CachingBackend, OfflineBackend
from tui.domain.cache_crypto import NOT_CACHED, Sealer
from tui.domain.cache_db import connect
from tui.domain.commit import AuditTrail
from tui.domain.drafts import Draft, DraftError, DraftStore, PushPlan, finish_push, plan_push, resolve
from tui.domain.sections import section
from tui.sandbox import Sandbox

KEY = b"0123456789abcdef" * 2
BUSINESS, PERSONAL = section("business"), section("personal")
SLUG = {"business": "business-info", "personal": "personal-info"}
DESIGNATION = ("designation",)


@pytest.fixture(scope="module")
def _users(sandbox):
    return itertools.cycle(active_users(sandbox))


@pytest.fixture
def uid(_users) -> str:
    """An active user no other test of this module has touched."""
    return next(_users)


@dataclass
class Kit:
    sb: Sandbox
    online: OnlineBackend
    cache: ProfileCache
    store: DraftStore
    audit: AuditLog

    @property
    def trail(self) -> AuditTrail:
        return AuditTrail(self.audit, "sandbox")

    async def offline_draft(self, uid: str, sec: Any, change: Callable[[dict], None], note: str = "") -> Draft:
        """Open the section online (the cache keeps it), then, offline, change the cached copy
        and save it as a draft."""
        await CachingBackend(self.online, self.cache).read_section(sec, uid)
        base = await OfflineBackend(self.cache).read_section(sec, uid)
        edited = copy.deepcopy(base)
        change(edited)
        return self.store.save(sec, uid, base, edited, user_label=f"user {uid[:8]}", offline=True, note=note)

    def server(self, uid: str, sec: Any) -> dict:
        return self.sb.store.get_section(uid, SLUG[sec.key])

    def puts(self, since: int) -> int:
        return sum(successful_puts(self.sb, since).values())


def _kit(sb: Sandbox, tmp_path, sealer: Sealer | None):
    db = connect(tmp_path / "cache.sqlite3")
    env = CacheEnv.of("sandbox", sb.base_url, tmc_id=sb.tmc_id)
    return db, ProfileCache(db, env, sealer), DraftStore(db, env, sealer)


@pytest.fixture
async def kit(sandbox, tmp_path):
    db, cache, store = _kit(sandbox, tmp_path, Sealer(KEY))
    async with client_for(sandbox) as client:
        yield Kit(sandbox, OnlineBackend(client), cache, store, AuditLog(tmp_path / "audit.jsonl"))
    db.close()


def setter(path: tuple, value: Any) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        node = doc
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return change


def both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        for c in changes:
            c(doc)

    return change


async def test_a_conflict_shows_then_mine_lands_and_the_draft_goes(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Draft Mine"))
    kit.sb.store.tamper(uid, "business-info", {"designation": "Server Theirs"})
    since = len(kit.sb.requests)
    plan = await plan_push(kit.online, draft)
    assert [(c.path, c.theirs, c.mine) for c in plan.conflicts] == [(DESIGNATION, "Server Theirs", "Draft Mine")]
    assert plan.body is None and not plan.unchanged and plan.summary() == "1 conflict with the server's copy"
    assert [m for m, _, _ in kit.sb.requests[since:]] == ["GET"]  # planning sends nothing

    # declining (no finish_push) keeps the draft, also across a restart of the store
    assert DraftStore(kit.store.db, kit.store.env, Sealer(KEY)).get(BUSINESS, uid) == draft
    assert kit.server(uid, BUSINESS)["designation"] == "Server Theirs"

    body = resolve(plan, {DESIGNATION: "mine"})
    assert [line.text() for line in plan.lines_for(body)] == ["~ designation: Server Theirs → Draft Mine"]
    result = await finish_push(kit.online, kit.store, draft, plan, body, kit.trail)
    assert result.status == "ok", result
    assert kit.server(uid, BUSINESS)["designation"] == "Draft Mine"
    assert kit.store.get(BUSINESS, uid) is None and kit.store.count() == 0
    assert kit.puts(since) == 1
    assert [e["result"] for e in kit.audit.history() if e["user_id"] == uid] == ["ok"]
    with pytest.raises(DraftError, match="gone"):  # a plan is not a licence to send twice
        await finish_push(kit.online, kit.store, draft, plan, body, kit.trail)
    assert kit.puts(since) == 1


async def test_a_conflict_resolved_as_theirs_keeps_the_server_value(kit: Kit, uid: str) -> None:
    change = both(setter(DESIGNATION, "Draft Mine"), setter(("employeeId",), "DRAFT-42"))
    draft = await kit.offline_draft(uid, BUSINESS, change)
    kit.sb.store.tamper(uid, "business-info", {"designation": "Server Theirs"})
    plan = await plan_push(kit.online, draft)
    assert [c.path for c in plan.conflicts] == [DESIGNATION]
    assert [line.text() for line in plan.lines] == [f"~ employeeId: {draft.base['employeeId']} → DRAFT-42"]
    body = resolve(plan, {DESIGNATION: "theirs"})
    result = await finish_push(kit.online, kit.store, draft, plan, body, kit.trail)
    assert result.status == "ok"
    on_server = kit.server(uid, BUSINESS)
    assert (on_server["designation"], on_server["employeeId"]) == ("Server Theirs", "DRAFT-42")
    assert kit.store.get(BUSINESS, uid) is None


async def test_theirs_for_everything_sends_nothing_and_the_draft_goes(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Draft Mine"))
    kit.sb.store.tamper(uid, "business-info", {"designation": "Server Theirs"})
    plan = await plan_push(kit.online, draft)
    since = len(kit.sb.requests)
    result = await finish_push(kit.online, kit.store, draft, plan, resolve(plan, {DESIGNATION: "theirs"}), kit.trail)
    assert result.status == "no_changes" and kit.puts(since) == 0
    assert kit.server(uid, BUSINESS)["designation"] == "Server Theirs" and kit.store.count() == 0


async def test_a_change_elsewhere_on_the_server_merges_in(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Draft Mine"))
    old = draft.base["designation"]
    kit.sb.store.tamper(uid, "business-info", {"employeeId": "SERVER-7"})
    plan = await plan_push(kit.online, draft)
    assert plan.conflicts == [] and plan.body is not None
    assert (plan.body["designation"], plan.body["employeeId"]) == ("Draft Mine", "SERVER-7")
    assert [line.text() for line in plan.lines] == [f"~ designation: {old} → Draft Mine"]  # the agent's only
    assert [line.path for line in plan.server_lines] == [("employeeId",)]
    since = len(kit.sb.requests)
    result = await finish_push(kit.online, kit.store, draft, plan, plan.body, kit.trail)
    assert result.status == "ok" and result.requests == 3  # GET, PUT, GET
    on_server = kit.server(uid, BUSINESS)
    assert (on_server["designation"], on_server["employeeId"]) == ("Draft Mine", "SERVER-7")
    assert kit.puts(since) == 1 and kit.store.count() == 0


async def test_already_as_the_draft_says(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Same Both Ways"))
    kit.sb.store.tamper(uid, "business-info", {"designation": "Same Both Ways"})
    plan = await plan_push(kit.online, draft)
    assert plan.unchanged and plan.lines == [] and plan.summary() == "already as the draft says: nothing to send"
    since = len(kit.sb.requests)
    result = await finish_push(kit.online, kit.store, draft, plan, plan.body, kit.trail)
    assert result.status == "no_changes" and kit.puts(since) == 0 and kit.store.count() == 0


async def test_a_change_landing_between_plan_and_confirm_is_caught_and_the_draft_kept(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Draft Mine"))
    plan = await plan_push(kit.online, draft)
    assert plan.conflicts == [] and plan.body is not None
    kit.sb.store.tamper(uid, "business-info", {"designation": "Meanwhile"})
    since = len(kit.sb.requests)
    result = await finish_push(kit.online, kit.store, draft, plan, plan.body, kit.trail)
    assert result.status == "conflict" and kit.puts(since) == 0
    assert kit.server(uid, BUSINESS)["designation"] == "Meanwhile"
    assert kit.store.get(BUSINESS, uid) == draft  # kept as it was: plan again
    again = await plan_push(kit.online, draft)
    assert [(c.theirs, c.mine) for c in again.conflicts] == [("Meanwhile", "Draft Mine")]


async def test_a_put_the_server_refuses_keeps_the_draft(kit: Kit, uid: str) -> None:
    before = kit.server(uid, PERSONAL)
    draft = await kit.offline_draft(uid, PERSONAL, setter(("preferredPronoun",), "ZE_ZIR"), note="check")
    plan = await plan_push(kit.online, draft)
    assert plan.body is not None and plan.conflicts == []
    result = await finish_push(kit.online, kit.store, draft, plan, plan.body, kit.trail)
    assert result.status == "error" and getattr(result.error, "status", None) == 400
    assert [e.path for e in result.field_errors] == [("preferredPronoun",)]
    assert kit.store.get(PERSONAL, uid) == draft and kit.server(uid, PERSONAL) == before


async def test_a_push_that_fails_keeps_the_draft_and_can_be_pushed_later(sandbox_factory, tmp_path, monkeypatch):
    sb = sandbox_factory(users=30)
    db, cache, store = _kit(sb, tmp_path, Sealer(KEY))
    users = active_users(sb)
    async with client_for(sb) as client:
        kit = Kit(sb, OnlineBackend(client), cache, store, AuditLog(tmp_path / "audit.jsonl"))
        draft = await kit.offline_draft(users[0], BUSINESS, setter(DESIGNATION, "After The Outage"))
        plan = await plan_push(kit.online, draft)

        # every PUT fails with a 500 (the server's store breaks), GETs still answer
        def broken(*args: Any, **kw: Any) -> None:
            raise RuntimeError("the server's disk is gone")

        with monkeypatch.context() as m:
            m.setattr(sb.store, "set_section", broken)
            result = await finish_push(kit.online, store, draft, plan, plan.body, kit.trail)
        assert result.status == "error", result
        statuses = [(method, status) for method, path, status in sb.requests if users[0] in path]
        assert ("PUT", 500) in statuses and ("PUT", 200) not in statuses
        assert store.get(BUSINESS, users[0]) == draft

        # the server down altogether: the fresh read fails, nothing is sent, the draft stays
        sb.faults.inject(503, count=20)
        with pytest.raises(SpotnanaError):
            await plan_push(kit.online, draft)
        result = await finish_push(kit.online, store, draft, plan, plan.body, kit.trail)
        assert result.status == "error" and store.get(BUSINESS, users[0]) == draft
        sb.faults.clear()

        plan = await plan_push(kit.online, draft)  # back: the same draft goes through
        result = await finish_push(kit.online, store, draft, plan, plan.body, kit.trail)
        assert result.status == "ok" and store.count() == 0
        assert sb.store.get_section(users[0], "business-info")["designation"] == "After The Outage"
    db.close()


async def test_nothing_is_sent_without_the_plan_and_its_body(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, BUSINESS, setter(DESIGNATION, "Draft Mine"))
    plan = await plan_push(kit.online, draft)
    since = len(kit.sb.requests)
    forged = PushPlan(draft, plan.fresh, plan.base, plan.merge, plan.body, plan.lines)
    with pytest.raises(DraftError, match="only with the plan made for it"):
        await finish_push(kit.online, kit.store, draft, forged, plan.body, kit.trail)
    other = copy.deepcopy(plan.body)
    other["designation"] = "Never Shown"
    with pytest.raises(DraftError, match="not the body the plan showed"):
        await finish_push(kit.online, kit.store, draft, plan, other, kit.trail)
    plan.body["designation"] = "Changed After The Plan"  # the caller's copy is not what is checked
    with pytest.raises(DraftError, match="not the body the plan showed"):
        await finish_push(kit.online, kit.store, draft, plan, plan.body, kit.trail)
    newer = kit.store.save(BUSINESS, uid, draft.base, {**draft.edited, "designation": "Saved Again"})
    with pytest.raises(DraftError, match="saved again"):
        await finish_push(kit.online, kit.store, draft, plan, {**plan.fresh, "designation": "Draft Mine"}, kit.trail)
    assert kit.sb.requests[since:] == [] and kit.store.get(BUSINESS, uid) == newer


async def test_with_no_key_the_values_not_cached_are_never_sent(sandbox, tmp_path, uid: str) -> None:
    db, cache, store = _kit(sandbox, tmp_path, None)
    before = sandbox.store.get_section(uid, "personal-info")
    async with client_for(sandbox) as client:
        kit = Kit(sandbox, OnlineBackend(client), cache, store, AuditLog(tmp_path / "audit.jsonl"))
        draft = await kit.offline_draft(uid, PERSONAL, setter(("email",), "offline.edit@example.org"))
        assert draft.base["dob"] == NOT_CACHED and ("dob",) in draft.not_cached
        plan = await plan_push(kit.online, draft)
        assert plan.conflicts == [] and NOT_CACHED not in repr(plan.body)
        assert [line.path for line in plan.lines] == [("email",)]
        result = await finish_push(kit.online, store, draft, plan, plan.body, kit.trail)
    assert result.status == "ok"
    after = sandbox.store.get_section(uid, "personal-info")
    assert after == {**before, "email": "offline.edit@example.org"}
    db.close()


async def test_a_draft_sealed_with_another_key_is_not_pushed(kit: Kit, uid: str) -> None:
    draft = await kit.offline_draft(uid, PERSONAL, setter(("dob",), {"iso8601": "1970-01-01"}))
    elsewhere = DraftStore(kit.store.db, kit.store.env, None).get(PERSONAL, uid)  # no key on this machine
    assert elsewhere is not None and elsewhere.lost == [("dob", "iso8601")]
    assert elsewhere.lines() == [] and elsewhere.edited == elsewhere.base  # the lost change shows as none
    since = len(kit.sb.requests)
    plan = await plan_push(kit.online, elsewhere)
    assert plan.problem.startswith("the draft's date of birth cannot be read here") and plan.body is None
    with pytest.raises(DraftError, match="cannot be read here"):
        resolve(plan, {})
    with pytest.raises(DraftError, match="cannot be read here"):
        await finish_push(kit.online, kit.store, elsewhere, plan, draft.edited, kit.trail)
    assert kit.puts(since) == 0 and kit.store.get(PERSONAL, uid) == draft
