"""``POST /v3/users/list`` answered from the cache: the same body, the same answer's shape.

Semantics as the sandbox's index (``tui/sandbox/index.py``) and so the server's:

- scope: a ``companyId`` keeps that company's users; a ``tmcId`` keeps all of the environment;
- ``userStatusFilter``: ACTIVE (default), INACTIVE or ALL;
- ``searchText``: every whitespace-separated token is a case-insensitive substring of the
  name, email, external ID or employee ID (FTS5 trigram for tokens of three characters or more,
  ``instr`` for shorter ones);
- ``filters``: within one filter every key must match (any of its values); across filters any
  one will do; an empty filter matches everyone;
- sorted by name (``sort_name``, then user ID), ascending or descending; ``pagination``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

__all__ = ["FILTER_FIELDS", "search_users"]

FILTER_FIELDS: dict[str, tuple[str, bool]] = {
    "legalEntityIds": ("legalEntity", True),
    "officeIds": ("office", True),
    "departmentIds": ("department", True),
    "costCenterIds": ("costCenter", True),
    "userIds": ("userId", True),
    "emails": ("email", False),
    "externalIds": ("externalId", False),
    "personas": ("persona", False),
    "roles": ("role", False),
    "designations": ("designation", False),
    "tiers": ("tier", False),
}
"""Request filter key -> (facet field, whether its values are ``{"id": ...}`` references)."""
_LOWERED = {"email", "designation"}


def _filter_sql(flt: Mapping[str, Any], env: int) -> tuple[str, list[Any]] | None:
    """SQL (over ``u``) for one filter; None when it constrains nothing."""
    parts: list[str] = []
    args: list[Any] = []
    for key, (fld, is_ref) in FILTER_FIELDS.items():
        raw = flt.get(key)
        if not raw:
            continue
        values = []
        for v in raw if isinstance(raw, list) else [raw]:
            if is_ref:
                v = v.get("id") if isinstance(v, dict) else None
            if isinstance(v, str):
                values.append(v.lower() if fld in _LOWERED else v)
        if not values:
            parts.append("0")  # a key whose values are all unusable matches no one
            continue
        marks = ",".join("?" * len(values))
        parts.append(
            "EXISTS (SELECT 1 FROM facets f WHERE f.env = ? AND f.user_id = u.user_id"
            f" AND f.field = ? AND f.value IN ({marks}))"
        )
        args += [env, fld, *values]
    if not parts:
        return None
    return "(" + " AND ".join(parts) + ")", args


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def search_users(db: sqlite3.Connection, env: int | None, body: Mapping[str, Any]) -> dict[str, Any]:
    """The ``ListUsersV3Response`` the server would give for ``body``, from the cached rows."""
    page = _obj(body.get("pagination"))
    offset, limit = int(page.get("offset", 0) or 0), int(page.get("limit", 100) or 100)
    if env is None:
        return {"users": [], "pagination": {"totalNumResults": 0}}
    where = ["u.env = ?"]
    args: list[Any] = [env]
    company = body.get("companyId")
    if isinstance(company, dict) and isinstance(company.get("id"), str):
        where.append(
            "EXISTS (SELECT 1 FROM facets c WHERE c.env = ? AND c.user_id = u.user_id AND c.field = 'company' AND c.value = ?)"
        )
        args += [env, company["id"]]
    status = body.get("userStatusFilter") or "ACTIVE"
    if status == "ACTIVE":
        where.append("u.is_active = 1")
    elif status == "INACTIVE":
        where.append("u.is_active = 0")
    tokens = sorted(set(str(body.get("searchText") or "").lower().split()), key=len, reverse=True)
    long = [t for t in tokens if len(t) >= 3]
    if long:
        where.append("u.rowid IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)")
        args.append(" AND ".join(_fts_phrase(t) for t in long))
    for token in tokens:
        # FTS finds candidates; instr keeps exact substring semantics (and short tokens)
        where.append("instr(u.search, ?) > 0")
        args.append(token)
    filters = body.get("filters")
    if isinstance(filters, list) and filters:
        ors: list[tuple[str, list[Any]]] = []
        for flt in filters:
            part = _filter_sql(flt if isinstance(flt, dict) else {}, env)
            if part is None:
                ors = []
                break
            ors.append(part)
        if ors:
            where.append("(" + " OR ".join(p for p, _ in ors) + ")")
            for _, a in ors:
                args += a
    sort = _obj(body.get("sort"))
    order = "DESC" if sort.get("sortOrder") == "DESCENDING" else "ASC"
    clause = " AND ".join(where)
    total = db.execute(f"SELECT count(*) FROM users u WHERE {clause}", args).fetchone()[0]
    rows = db.execute(
        f"SELECT u.row_json FROM users u WHERE {clause} ORDER BY u.sort_name {order}, u.user_id {order} LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return {"users": [json.loads(r[0]) for r in rows], "pagination": {"totalNumResults": int(total)}}
