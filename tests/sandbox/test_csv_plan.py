"""A CSV planned against the sandbox over loopback: users found in batches, every bad row
reported before anything but list calls is sent, values a user holds already waved through."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from tests.sandbox.bulk_kit import active_users, client_for
from tui.domain.backend import OnlineBackend
from tui.domain.columns import section_columns
from tui.domain.csv_import import ImportProblems, load_csv, plan_csv
from tui.domain.export import ListScope, export_users
from tui.domain.sections import section

BUSINESS = section("business")


@pytest.fixture(scope="module")
def _pool(sandbox):
    return iter(active_users(sandbox)[40:])


def scope_of(sandbox) -> ListScope:
    return ListScope(tmc_id=sandbox.tmc_id)


def rows_of(sandbox, users: list[str]) -> list[dict[str, str]]:
    """The list's key values of ``users`` as export writes them."""
    out = []
    for uid in users:
        pos = next(p for p in range(len(sandbox.store.index)) if sandbox.store.row(p).user_id == uid)
        detail = sandbox.store.detail(pos)
        business = detail["businessDetail"]
        out.append(
            {
                "userId": uid,
                "email": business.get("businessEmail", ""),
                "employeeId": business.get("employeeId", ""),
                "externalId": detail.get("externalId", ""),
            }
        )
    return out


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode()


def requests_since(sandbox, since: int) -> Counter[tuple[str, str]]:
    return Counter(
        (m, "/v3/users/list" if p == "/v3/users/list" else p.rsplit("/", 1)[-1]) for m, p, _ in sandbox.requests[since:]
    )


@pytest.mark.parametrize("key", ["userId", "email", "externalId"])
async def test_users_are_found_a_hundred_a_list_call(sandbox, key: str) -> None:
    users = active_users(sandbox)[:250]
    keyed = [r for r in rows_of(sandbox, users) if r[key]]
    data = csv_bytes([key, "designation"], [[r[key], ""] for r in keyed])
    since = len(sandbox.requests)
    async with client_for(sandbox) as client:
        imported = await load_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="k.csv")
    assert [r.user_id for r in imported.rows] == [r["userId"] for r in keyed]
    calls = -(-len(keyed) // 100)
    assert imported.list_calls == calls and requests_since(sandbox, since) == {("POST", "/v3/users/list"): calls}


async def test_employee_ids_page_through_the_scope(sandbox) -> None:
    keyed = [r for r in rows_of(sandbox, active_users(sandbox)[:30]) if r["employeeId"]]
    data = csv_bytes(["employeeId", "designation"], [[r["employeeId"], ""] for r in keyed])
    async with client_for(sandbox) as client:
        imported = await load_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="e.csv")
    assert [r.user_id for r in imported.rows] == [r["userId"] for r in keyed]
    total = len(sandbox.store.index)
    assert imported.scanned == total and imported.list_calls == -(-total // 100)


async def test_unknown_ambiguous_and_duplicate_users_and_bad_values_send_nothing(sandbox, _pool) -> None:
    a, b, c, d, e = (next(_pool) for _ in range(5))
    ra, rb, rc, rd, re_ = rows_of(sandbox, [a, b, c, d, e])
    sandbox.store.tamper(b, "personal-info", {"email": "twin@example.org"})
    sandbox.store.tamper(c, "personal-info", {"email": "twin@example.org"})
    data = csv_bytes(
        ["email", "designation", "workerType", "officeRef.id"],
        [
            [ra["email"], "New title", "", ""],
            ["nobody@example.org", "x", "", ""],
            ["twin@example.org", "x", "", ""],
            [rd["email"], "", "BOSS", ""],
            [rd["email"].upper(), "", "", ""],
            [re_["email"], "", "", "not-a-uuid"],
        ],
    )
    since = len(sandbox.requests)
    async with client_for(sandbox) as client:
        with pytest.raises(ImportProblems) as exc:
            await load_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="bad.csv")
    lines = str(exc.value).splitlines()
    assert lines[0] == "bad.csv: 5 problems, nothing planned or sent:"
    assert lines[1] == "  row 3: no user with email 'nobody@example.org' in this TMC"
    assert (
        lines[2].startswith("  row 4: email 'twin@example.org' names 2 users (") and "use the userId column" in lines[2]
    )
    assert lines[3] == "  row 5, column C (workerType): 'BOSS': one of: EMPLOYEE, CONTINGENT, SEASONAL, INTERN, GUEST"
    assert lines[4] == f"  row 6: the same email as row 5 ({rd['email'].upper()})"
    assert lines[5] == "  row 7, column D (officeRef.id): 'not-a-uuid': not a UUID (8-4-4-4-12 hex digits)"
    assert set(requests_since(sandbox, since)) == {("POST", "/v3/users/list")}  # lists only: no read, no write


async def test_a_bad_header_sends_no_request_at_all(sandbox) -> None:
    since = len(sandbox.requests)
    data = csv_bytes(["email", "ofice.id"], [["a@example.org", "x"]])
    async with client_for(sandbox) as client:
        with pytest.raises(ImportProblems, match="unknown field 'ofice.id'"):
            await load_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="h.csv")
    assert sandbox.requests[since:] == []


async def test_an_email_the_list_row_does_not_show_is_asked_for_alone(sandbox, _pool) -> None:
    uid = next(_pool)
    sandbox.store.tamper(uid, "business-info", {"email": "work.only@example.org"})  # the row shows the personal one
    data = csv_bytes(["email", "designation"], [["work.only@example.org", ""]])
    async with client_for(sandbox) as client:
        imported = await load_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="w.csv")
    assert [r.user_id for r in imported.rows] == [uid] and imported.list_calls == 2


async def test_export_then_import_unchanged_plans_nothing_even_for_values_the_checks_refuse(sandbox, _pool) -> None:
    users = [next(_pool) for _ in range(30)]
    sandbox.store.tamper(users[0], "business-info", {"workerType": "LEGACY_TYPE"})  # a newer server's value
    columns = section_columns(BUSINESS)
    async with client_for(sandbox) as client:
        backend = OnlineBackend(client)
        buf = io.StringIO(newline="")
        await export_users(backend, buf, section=BUSINESS, columns=columns, scope=scope_of(sandbox), user_ids=users)
        result = await plan_csv(backend, buf.getvalue().encode(), section=BUSINESS, scope=scope_of(sandbox), name="x")
        assert result.plan.summary() == "30 users · 0 will change · 30 already as asked · 0 cannot apply"
        assert result.imported.reads == 1  # only the user holding the refused value was read to check it
        edited = buf.getvalue().replace(",LEGACY_TYPE,", ",OTHER_TYPE,")
        with pytest.raises(ImportProblems, match="row 2, column .* \\(workerType\\): 'OTHER_TYPE': one of"):
            await plan_csv(backend, edited.encode(), section=BUSINESS, scope=scope_of(sandbox), name="x")


async def test_a_plan_of_per_row_values_diffs_each_user(sandbox, _pool) -> None:
    a, b = next(_pool), next(_pool)
    before = sandbox.store.get_section(a, "business-info")
    data = csv_bytes(["userId", "designation", "workerType"], [[a, "Row Two", ""], [b, "", "<clear>"]])
    async with client_for(sandbox) as client:
        result = await plan_csv(OnlineBackend(client), data, section=BUSINESS, scope=scope_of(sandbox), name="p.csv")
    ua, ub = result.plan.users
    assert (ua.outcome, ua.label) == ("will_change", f"row 2: {a}")
    assert [t.path for t in ua.touched] == [("designation",)] and ua.touched[0].pre == before.get("designation")
    assert [line.text() for line in ua.lines] == [f"~ designation: {before['designation']} → Row Two"]
    assert ub.touched[0].path == ("workerType",) and ub.outcome == "will_change"
    assert result.plan.change.describe() == "per-row values from p.csv: Job title, Worker type"
    assert sandbox.store.get_section(a, "business-info") == before  # nothing sent


async def test_the_apps_calls_export_marked_users_or_the_search_and_plan_the_file_back(
    sandbox, _pool, tmp_path
) -> None:
    from datetime import datetime

    from tui.domain.query import parse_query
    from tui.domain.spreadsheets import export_file_name, export_marked, export_search, plan_from_csv

    marked = [next(_pool) for _ in range(3)]
    path = export_file_name(BUSINESS, "marked", folder=tmp_path, now=datetime(2026, 8, 1, 14, 32, 7))
    assert path == tmp_path / "spotnana-business-marked-20260801-143207.csv"
    async with client_for(sandbox) as client:
        backend = OnlineBackend(client)
        result = await export_marked(backend, path, marked, section=BUSINESS, scope=scope_of(sandbox))
        assert result.written == 3 and (path.stat().st_mode & 0o077) == 0
        assert [r["userId"] for r in csv.DictReader(path.open(newline=""))] == marked
        loaded = await plan_from_csv(backend, path, section=BUSINESS, scope=scope_of(sandbox), environment="sandbox")
        assert loaded.plan.summary() == "3 users · 0 will change · 3 already as asked · 0 cannot apply"
        assert loaded.plan.environment == "sandbox" and loaded.imported.source == path.name
        search = tmp_path / "search.jsonl"
        found = await export_search(
            backend, search, parse_query("persona:guest"), section=BUSINESS, scope=scope_of(sandbox), fmt="jsonl"
        )
    guests = sum(1 for p in range(len(sandbox.store.index)) if sandbox.store.row(p).persona == "GUEST")
    assert found.written == guests > 0 and len(search.read_text().splitlines()) == guests
