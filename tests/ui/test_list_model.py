"""The list's data model without any UI: pages, generations, eviction, errors."""

from tui.ui.list_model import ListModel, PageError, UserRow
from tui.ui.widgets.user_table import layout_columns


def rows(start, n):
    return [UserRow(f"u{i}", f"N{i}", f"e{i}", "", "EMPLOYEE", "HQ", True) for i in range(start, start + n)]


def test_first_page_then_missing_pages():
    m = ListModel(page_size=10)
    assert m.missing_pages(0, 5) == [0]
    gen, offset, limit = m.begin(0)
    assert (offset, limit) == (0, 10) and m.loading
    assert m.missing_pages(0, 5) == []  # in flight
    assert m.accept(gen, 0, rows(0, 10), 95)
    assert m.total == 95 and m.row(3).user_id == "u3" and m.row(10) is None
    assert m.missing_pages(5, 34) == [1, 2, 3]
    assert m.missing_pages(90, 500) == [9]


def test_stale_generation_is_dropped():
    m = ListModel(page_size=10)
    old, _, _ = m.begin(0)
    new = m.reset()
    m.begin(0)
    assert not m.accept(old, 0, rows(0, 10), 1000)
    assert not m.reject(old, 0, PageError("server", "x"))
    assert m.total is None and m.error is None
    assert m.accept(new, 0, rows(0, 3), 3) and m.total == 3


def test_lru_eviction_keeps_memory_flat():
    m = ListModel(page_size=10, max_pages=3)
    gen = m.generation
    for page in range(6):
        m.begin(page)
        m.accept(gen, page, rows(page * 10, 10), 1000)
    assert m.cached_pages() == [3, 4, 5]
    assert m.row(5) is None and m.missing_pages(0, 9) == [0]


def test_errors_first_page_vs_later_page():
    m = ListModel(page_size=10)
    gen, _, _ = m.begin(0)
    m.reject(gen, 0, PageError("auth", "401"))
    assert m.error.kind == "auth" and m.missing_pages(0, 9) == []
    m.retry_failed()
    gen, _, _ = m.begin(0)
    m.accept(gen, 0, rows(0, 10), 30)
    m.begin(1)
    m.reject(gen, 1, PageError("server", "500"))
    assert m.error is None and m.failed(15).kind == "server"
    assert m.missing_pages(10, 19) == []  # not retried by itself
    m.retry_failed()
    assert m.missing_pages(10, 19) == [1]


def test_row_from_detail_json():
    row = UserRow.from_detail(
        {
            "userId": {"id": "abc"},
            "persona": "GUEST",
            "isActive": False,
            "organization": {"id": "o", "name": "Org"},
            "personalDetail": {"name": {"given": "Ana", "family1": "Lima"}},
            "businessDetail": {"legalEntity": {"id": "l"}, "businessEmail": "a@x", "employeeId": "E1"},
        }
    )
    assert row == UserRow("abc", "Ana Lima", "a@x", "E1", "GUEST", "Org", False)


def test_columns_fit_and_grow():
    for width in (79, 80, 120, 200):
        cols = layout_columns(width)
        assert sum(c.width for c in cols) + len(cols) - 1 == width
    narrow, wide = layout_columns(79), layout_columns(120)
    assert [c.key for c in narrow] == ["name", "email", "employee_id", "persona", "office", "active"]
    assert wide[1].width > narrow[1].width and wide[0].width > narrow[0].width
