"""export_users and resolve_query over the Users API of a sandbox on loopback: which users,
in which order, what each cell holds, what is left out and why, and what the audit log says."""

from __future__ import annotations

import csv
import io
import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tui.api.client import UsersClient
from tui.domain.audit import AuditLog
from tui.domain.backend import OnlineBackend
from tui.domain.columns import KEY_COLUMNS, column_named, parse_cell, resolve_columns, section_columns
from tui.domain.directory import ReferenceDirectory
from tui.domain.edits import json_equal
from tui.domain.export import ListScope, QueryError, export_users, key_values, query_rows, resolve_query
from tui.domain.paths import ABSENT, get
from tui.domain.query import parse_query
from tui.domain.sections import section
from tui.sandbox import Sandbox

BUSINESS = section("business")


class CountingBackend(OnlineBackend):
    """The real backend, counting the section reads in flight at once."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.now = self.most = 0

    async def read_section(self, section: Any, user_id: str) -> Any:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await super().read_section(section, user_id)
        finally:
            self.now -= 1


@pytest.fixture
async def backend(sandbox: Sandbox) -> AsyncIterator[CountingBackend]:
    async with UsersClient(sandbox.base_url, token=sandbox.token) as client:
        yield CountingBackend(client)


@pytest.fixture
def scope(sandbox: Sandbox) -> ListScope:
    return ListScope(tmc_id=sandbox.tmc_id)


def list_calls(sandbox: Sandbox) -> int:
    return sum(1 for method, path, _ in sandbox.requests if method == "POST" and path == "/v3/users/list")


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_a_query_exports_its_users_in_list_order_with_each_sections_values(
    sandbox: Sandbox, backend: CountingBackend, scope: ListScope
) -> None:
    query = parse_query("persona:employee dept:legal")
    query = await resolve_query(backend, query, scope)
    expected = [r async for r in query_rows(backend, query, scope)]
    assert len(expected) > 5
    out = io.StringIO(newline="")
    columns = section_columns(BUSINESS)
    result = await export_users(backend, out, section=BUSINESS, columns=columns, scope=scope, query=query)
    rows = read_csv(out.getvalue())
    assert result.written == len(rows) == len(expected) and not result.failed
    assert [r["userId"] for r in rows] == [key_values(e)["userId"] for e in expected]
    assert list(rows[0]) == [*KEY_COLUMNS, *(c.name for c in columns)]
    for row in rows[:5]:
        doc = await backend.read_section(BUSINESS, row["userId"])
        for name, cell in row.items():
            column = column_named(BUSINESS, name)
            if column is None:
                continue
            back = parse_cell(cell, column)
            assert json_equal(back, get(doc, column.path)) or back is get(doc, column.path) is ABSENT, name
        assert row["departmentRef.name"] == "Legal"


async def test_cells_that_would_read_as_markers_or_formulas_round_trip(
    sandbox: Sandbox, backend: CountingBackend, scope: ListScope
) -> None:
    rows = [r async for r in query_rows(backend, parse_query(""), scope, page_size=20)]
    uid = key_values(rows[11])["userId"]
    sandbox.store.tamper(uid, "businessInfo", {"designation": "<clear>", "accountingCode": "=SUM(A1:A9)"})
    out = io.StringIO(newline="")
    columns = resolve_columns(BUSINESS, ["designation", "accountingCode"])
    await export_users(backend, out, section=BUSINESS, columns=columns, scope=scope, user_ids=[uid])
    (row,) = read_csv(out.getvalue())
    assert row["designation"] == "\\<clear>" and row["accountingCode"] == "'=SUM(A1:A9)"
    assert parse_cell(row["designation"]) == "<clear>" and parse_cell(row["accountingCode"]) == "=SUM(A1:A9)"


async def test_user_ids_are_asked_for_a_hundred_a_list_call_in_the_order_given(
    sandbox: Sandbox, backend: CountingBackend, scope: ListScope
) -> None:
    everyone = [key_values(r)["userId"] async for r in query_rows(backend, parse_query(""), scope)]
    wanted = list(reversed(everyone[:150])) + ["00000000-0000-4000-8000-000000000000"]
    before = list_calls(sandbox)
    out = io.StringIO(newline="")
    result = await export_users(
        backend, out, section=BUSINESS, columns=resolve_columns(BUSINESS, ["designation"]), scope=scope, user_ids=wanted
    )
    assert list_calls(sandbox) - before == 2  # 151 IDs: two batches
    assert [r["userId"] for r in read_csv(out.getvalue())] == wanted[:-1]
    assert result.failed == [("00000000-0000-4000-8000-000000000000", "no such user in this TMC or company")]


async def test_reads_are_bounded_and_a_user_whose_read_fails_is_left_out_and_reported(
    sandbox: Sandbox, backend: CountingBackend, scope: ListScope
) -> None:
    ids = [key_values(r)["userId"] async for r in query_rows(backend, parse_query(""), scope, page_size=40)][:40]
    injected = []

    def progress(p: Any) -> None:
        if p.done == 1 and not injected:
            sandbox.faults.inject("malformed")  # the next request: some later user's read
            injected.append(True)

    out = io.StringIO(newline="")
    result = await export_users(
        backend, out, section=BUSINESS, columns=section_columns(BUSINESS), scope=scope, user_ids=ids,
        concurrency=3, progress=progress,
    )  # fmt: skip
    assert backend.most == 3
    assert len(result.failed) == 1 and result.written == 39
    failed_id, why = result.failed[0]
    assert failed_id in ids and failed_id not in out.getvalue() and why
    assert [r["userId"] for r in read_csv(out.getvalue())] == [i for i in ids if i != failed_id]


async def test_json_lines_hold_json_values_and_leave_absent_fields_out(
    backend: CountingBackend, scope: ListScope
) -> None:
    out = io.StringIO()
    columns = section_columns(section("travel"))
    query = parse_query("persona:employee")
    result = await export_users(backend, out, section=section("travel"), columns=columns, scope=scope, query=query,
                                fmt="jsonl")  # fmt: skip
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == result.written > 0
    for obj in lines[:10]:
        doc = await backend.read_section(section("travel"), obj["userId"])
        for column in columns:
            value = get(doc, column.path)
            assert (column.name not in obj) if value is ABSENT else json_equal(obj[column.name], value)
    assert any(isinstance(v, int) for o in lines for k, v in o.items() if k.endswith("numOfStops"))


async def test_personal_data_needs_the_audit_log_which_holds_names_and_counts_never_values(
    tmp_path: Path, backend: CountingBackend, scope: ListScope
) -> None:
    columns = resolve_columns(BUSINESS, ["designation", "businessInfo.email"], include_pii=True)
    query = parse_query("dept:legal")
    query = await resolve_query(backend, query, scope)
    target = tmp_path / "legal.csv"
    with pytest.raises(ValueError, match="audit"):
        await export_users(backend, target, section=BUSINESS, columns=columns, scope=scope, query=query)
    assert not target.exists()
    log = AuditLog(tmp_path / "audit.jsonl")
    result = await export_users(
        backend, target, section=BUSINESS, columns=columns, scope=scope, query=query, audit=log, environment="sbx"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    entries = log.read()
    assert [e["result"] for e in entries] == ["attempted", "ok"]
    assert entries[1]["action"] == "export" and entries[1]["fields"] == ["businessInfo.email"]
    assert f"{result.written} users" in entries[1]["message"] and entries[1]["environment"] == "sbx"
    emails = {r["businessInfo.email"] for r in read_csv(target.read_text())}
    assert emails and not any(e in (tmp_path / "audit.jsonl").read_text() for e in emails)


async def test_a_refused_token_stops_the_export_and_leaves_the_old_file_as_it_was(
    tmp_path: Path, sandbox: Sandbox, scope: ListScope
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    log = AuditLog(tmp_path / "audit.jsonl")
    columns = resolve_columns(BUSINESS, ["authorizerEmail"], include_pii=True)
    async with UsersClient(sandbox.base_url, token="wrong") as client:
        with pytest.raises(Exception, match="401"):
            await export_users(OnlineBackend(client), target, section=BUSINESS, columns=columns, scope=scope,
                               query=parse_query(""), audit=log)  # fmt: skip
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.jsonl", "out.csv"]  # no partial file left
    assert [e["result"] for e in log.history()] == ["error"]


async def test_names_in_a_query_are_learned_from_the_users_matching_the_rest(
    sandbox: Sandbox, backend: CountingBackend, scope: ListScope
) -> None:
    query = parse_query('persona:employee office:"edinburgh office"')
    resolved = await resolve_query(backend, query, scope)
    assert resolved.offices and all(len(i) == 36 for i in resolved.offices)
    with pytest.raises(QueryError, match="no office named 'atlantis'"):
        await resolve_query(backend, parse_query("office:atlantis"), scope)
    with pytest.raises(QueryError, match="unknown filter 'persna'"):
        await resolve_query(backend, parse_query("persna:guest"), scope)
    directory = ReferenceDirectory()
    directory.add([r async for r in query_rows(backend, parse_query(""), scope)])
    before = list_calls(sandbox)
    assert await resolve_query(backend, query, scope, directory=directory) == resolved
    assert list_calls(sandbox) == before  # the app's directory knew the name: nothing paged
