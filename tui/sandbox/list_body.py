"""The plain list request, recognised without the models.

Validating a body means loading :mod:`tui.api.models` (pydantic and every generated model), the
largest part of the sandbox's start. The first request of every ``--demo`` start is the same
kind of ``POST /v3/users/list``: a scope, a page, a status, a sort, maybe a search text. For such
a body :func:`plain_list_body` checks every value as strictly as ``ListUsersV3Request`` and
:func:`~tui.sandbox.validation.spec_errors` do and answers True; the route then skips the model.
Anything else — filters, a region, unknown keys, nulls, floats, another type, a value the spec
does not list — is False, never an error: the model decides, as for every other request.
(tests/sandbox/test_list_body.py holds the two to agreeing.)
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["plain_list_body"]

_INT32_MAX = 2**31 - 1
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_STATUSES = ("ACTIVE", "INACTIVE", "ALL")
_SORT = {"sortBy": ("NAME",), "sortOrder": ("ASCENDING", "DESCENDING")}
_KEYS = frozenset({"tmcId", "companyId", "pagination", "userStatusFilter", "searchText", "sort"})


def _entity(value: Any) -> bool:
    return (
        type(value) is dict
        and value.keys() == {"id"}
        and type(value["id"]) is str
        and _UUID.fullmatch(value["id"]) is not None
    )


def _int(value: Any, low: int) -> bool:
    return type(value) is int and low <= value <= _INT32_MAX


def plain_list_body(data: Any) -> bool:
    """True when ``data`` is a list request the model would accept as it is (see the module)."""
    if type(data) is not dict or not data.keys() <= _KEYS:
        return False
    if ("tmcId" in data) == ("companyId" in data) or not _entity(data.get("tmcId") or data.get("companyId")):
        return False
    page = data.get("pagination")
    if type(page) is not dict or not page.keys() <= {"offset", "limit"}:
        return False
    if ("offset" in page and not _int(page["offset"], 0)) or ("limit" in page and not _int(page["limit"], 1)):
        return False
    if "userStatusFilter" in data and data["userStatusFilter"] not in _STATUSES:
        return False
    if "searchText" in data and type(data["searchText"]) is not str:
        return False
    if "sort" in data:
        sort = data["sort"]
        if type(sort) is not dict or sort.keys() != _SORT.keys():
            return False
        if any(type(sort[k]) is not str or sort[k] not in allowed for k, allowed in _SORT.items()):
            return False
    return True
