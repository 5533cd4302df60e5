"""The user list's data, UI-free: pages of rows by offset, the total, what is in flight.

Rows are addressed by their index in the server's ordering; page ``p`` covers
``[p * page_size, (p + 1) * page_size)``. Each new query bumps ``generation``; an answer
for an older generation is dropped, so a slow old response can never overwrite a newer one.
Only ``max_pages`` pages are kept (least recently used go first), so scrolling through
100,000 users keeps memory flat.

Marked users (:class:`Marks`, for bulk edits) are kept apart from the pages: a new query
forgets the rows, never the marks, so an agent can search "smith", mark three, search "jones"
and mark two more.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from tui.domain.backend import ProfileBackend
from tui.domain.directory import references_of

__all__ = ["UserRow", "ListModel", "PageError", "Marks", "fetch_page"]


def _id_of(value: Any) -> str:
    """``UserId`` is an object ``{"id": ...}``; accept a bare string too."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    inner = getattr(value, "id", value)
    return str(inner or "")


@dataclass(frozen=True, slots=True)
class UserRow:
    user_id: str
    name: str
    email: str
    employee_id: str
    persona: str
    office: str
    active: bool
    # the user's organization and legal entity (ids and, when the server gives them, names):
    # context for "new user like this one", not part of the row's identity/equality
    company_id: str = field(default="", compare=False)
    company_name: str = field(default="", compare=False)
    legal_entity_id: str = field(default="", compare=False)
    legal_entity_name: str = field(default="", compare=False)
    # (kind, id, name) of its legal entity, office, department, cost center: for the
    # ReferenceDirectory that lets the agent filter by name
    references: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_detail(cls, detail: Any) -> UserRow:
        """From a ``UserDetail`` model or its JSON dict."""
        if isinstance(detail, dict):
            return cls._from_json(detail)
        personal = detail.personal_detail
        name = personal.name if personal is not None else None
        parts = ()
        if name is not None:
            parts = (name.given or "", name.middle or "", name.family1 or "", name.family2 or "")
        business = detail.business_detail
        office = ""
        if business is not None and business.office is not None:
            office = business.office.name or ""
        if not office and detail.organization is not None:
            office = detail.organization.name or ""
        return cls(
            user_id=_id_of(detail.user_id),
            name=" ".join(p for p in parts if p) or "(no name)",
            email=(business.business_email if business is not None else None) or "",
            employee_id=(business.employee_id if business is not None else None) or "",
            persona=str(detail.persona or ""),
            office=office,
            active=bool(detail.is_active),
            company_id=_id_of(detail.organization),
            company_name=str(getattr(detail.organization, "name", None) or ""),
            legal_entity_id=_id_of(business.legal_entity if business is not None else None),
            legal_entity_name=str(getattr(business.legal_entity if business is not None else None, "name", None) or ""),
            references=references_of(detail),
        )

    @classmethod
    def _from_json(cls, detail: dict[str, Any]) -> UserRow:
        personal = detail.get("personalDetail") or {}
        name = personal.get("name") or {}
        given = name.get("given") or ""
        parts = (given, name.get("middle") or "", name.get("family1") or "", name.get("family2") or "")
        business = detail.get("businessDetail") or {}
        office = (business.get("office") or {}).get("name") or (detail.get("organization") or {}).get("name") or ""
        return cls(
            user_id=_id_of(detail.get("userId")),
            name=" ".join(p for p in parts if p) or "(no name)",
            email=business.get("businessEmail") or "",
            employee_id=business.get("employeeId") or "",
            persona=str(detail.get("persona") or ""),
            office=office,
            active=bool(detail.get("isActive", True)),
            company_id=_id_of(detail.get("organization")),
            company_name=str((detail.get("organization") or {}).get("name") or ""),
            legal_entity_id=_id_of(business.get("legalEntity")),
            legal_entity_name=str((business.get("legalEntity") or {}).get("name") or ""),
            references=references_of(detail),
        )


@dataclass(frozen=True, slots=True)
class PageError:
    kind: str  # "auth" | "server" | "connection" | "timeout" | "decode" | "client" | "config"
    message: str


class Marks:
    """The users marked for a bulk change, in the order they were marked (by user ID; the
    row is kept to name them in the change and its preview)."""

    def __init__(self) -> None:
        self._rows: dict[str, UserRow] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._rows

    def __bool__(self) -> bool:
        return bool(self._rows)

    @property
    def rows(self) -> list[UserRow]:
        return list(self._rows.values())

    def toggle(self, row: UserRow) -> bool:
        """Mark ``row``, or unmark it when it was marked; True when it is marked now."""
        if row.user_id in self._rows:
            del self._rows[row.user_id]
            return False
        self._rows[row.user_id] = row
        return True

    def add(self, rows: list[UserRow]) -> int:
        """Mark every row of ``rows``; how many were not marked before."""
        before = len(self._rows)
        for row in rows:
            if row.user_id:
                self._rows.setdefault(row.user_id, row)
        return len(self._rows) - before

    def clear(self) -> int:
        """Unmark everyone; how many were marked."""
        n = len(self._rows)
        self._rows.clear()
        return n


class ListModel:
    def __init__(self, page_size: int = 100, max_pages: int = 40) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self.generation = 0
        self.total: int | None = None
        self.high_water = 0  # rows seen so far in this query (for "showing X of TOTAL")
        self.error: PageError | None = None  # the first page failed: the whole list is an error
        self._pages: OrderedDict[int, list[UserRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._failed: dict[int, PageError] = {}
        self.marks = Marks()
        """Marked users: kept across queries (``reset`` leaves them alone)."""

    # -- queries -------------------------------------------------------------------------
    def reset(self) -> int:
        """Forget the rows (a new query), not the marks. Returns the new generation."""
        self.generation += 1
        self.total = None
        self.high_water = 0
        self.error = None
        self._pages.clear()
        self._pending.clear()
        self._failed.clear()
        return self.generation

    @property
    def loading(self) -> bool:
        return bool(self._pending)

    @property
    def loaded(self) -> bool:
        """The first answer of this query has arrived."""
        return self.total is not None

    @property
    def row_count(self) -> int:
        return self.total or 0

    def page_of(self, index: int) -> int:
        return index // self.page_size

    def row(self, index: int) -> UserRow | None:
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    def failed(self, index: int) -> PageError | None:
        return self._failed.get(index // self.page_size)

    def is_pending(self, index: int) -> bool:
        return index // self.page_size in self._pending

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def missing_pages(self, first: int, last: int) -> list[int]:
        """Pages touching rows ``first..last`` that are neither loaded, in flight nor failed."""
        if self.total is None:
            return [] if (self._pending or self.error) else [0]
        if self.total == 0:
            return []
        first = max(0, first)
        last = min(self.total - 1, last)
        if last < first:
            return []
        out = []
        for page in range(first // self.page_size, last // self.page_size + 1):
            if page in self._pages:
                self._pages.move_to_end(page)
            elif page not in self._pending and page not in self._failed:
                out.append(page)
        return out

    # -- fetch lifecycle -------------------------------------------------------------------
    def begin(self, page: int) -> tuple[int, int, int]:
        """Mark a page in flight; returns (generation, offset, limit) for the request."""
        self._pending.add(page)
        self._failed.pop(page, None)
        if page == 0:
            self.error = None
        return self.generation, page * self.page_size, self.page_size

    def accept(self, generation: int, page: int, rows: list[UserRow], total: int | None) -> bool:
        """Store an answer. False (and nothing changes) when it belongs to an older query."""
        if generation != self.generation:
            return False
        self._pending.discard(page)
        self._failed.pop(page, None)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        start = page * self.page_size
        if total is None:  # a server that does not say: trust what came back
            total = start + len(rows) + (1 if len(rows) == self.page_size else 0)
        if rows or start == 0:
            self.total = total
        self.high_water = min(self.total or 0, max(self.high_water, start + len(rows)))
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return True

    def reject(self, generation: int, page: int, error: PageError) -> bool:
        if generation != self.generation:
            return False
        self._pending.discard(page)
        if self.total is None:
            self.error = error
        else:
            self._failed[page] = error
        return True

    def cancel_pending(self) -> None:
        """Requests were cancelled (e.g. by a newer query): nothing is in flight any more."""
        self._pending.clear()

    def retry_failed(self) -> None:
        self._failed.clear()
        self.error = None

    def find(self, user_id: str) -> int | None:
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.user_id == user_id:
                    return page * self.page_size + i
        return None


async def fetch_page(backend: ProfileBackend, body: dict[str, Any]) -> tuple[list[UserRow], int | None]:
    """One page of ``POST /v3/users/list`` as rows and the total.

    The list reads the raw JSON: rows need a handful of fields, and skipping model validation
    of 100 users per page keeps search and start-up fast.
    """
    raw = await backend.list_users(body)
    rows = [UserRow.from_detail(u) for u in raw.get("users") or [] if isinstance(u, dict)]
    pagination = raw.get("pagination")
    total = pagination.get("totalNumResults") if isinstance(pagination, dict) else None
    return rows, total if isinstance(total, int) and not isinstance(total, bool) else None
