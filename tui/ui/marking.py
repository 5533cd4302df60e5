"""Marking every user that matches the list's query (``*``), UI-free: all pages, one after
another, with progress after each page.

The list screen gives a ``fetch(offset, limit)`` that asks the server for one page of the
query on screen (the same body the list sends) and answers ``(rows, total)``; this module
walks the pages until the total is reached or a page comes back short (the server's count can
change while we read), and never returns a user twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tui.ui.list_model import UserRow

__all__ = ["MARK_ASK_ABOVE", "MARK_PAGE_SIZE", "fetch_matches", "progress_text"]

MARK_ASK_ABOVE = 500
"""Marking more users than this asks first."""
MARK_PAGE_SIZE = 200
"""Users a request of ``*`` asks for."""

Fetch = Callable[[int, int], Awaitable[tuple[list[UserRow], int | None]]]


async def fetch_matches(
    fetch: Fetch,
    total: int,
    *,
    on_progress: Callable[[int, int], object] | None = None,
    page_size: int = MARK_PAGE_SIZE,
) -> list[UserRow]:
    """Every row of the query, in the server's order: pages of ``page_size`` from offset 0
    until ``total`` rows (the server's latest total) or a short page. ``on_progress(done,
    total)`` after each page. Errors of ``fetch`` propagate (nothing is marked then)."""
    rows: dict[str, UserRow] = {}
    offset = 0
    while offset < total:
        page, server_total = await fetch(offset, page_size)
        for row in page:
            if row.user_id:
                rows.setdefault(row.user_id, row)
        if server_total is not None:
            total = server_total
        offset += len(page)
        if on_progress is not None:
            on_progress(min(offset, total), total)
        if len(page) < page_size:
            break
    return list(rows.values())


def progress_text(done: int, total: int) -> str:
    """The list's progress line while ``*`` reads the matches."""
    return f"marking every match: {done:,} of {total:,} read…  (Esc stops)"
