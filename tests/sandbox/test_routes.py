"""The sandbox serves exactly the operations of tui.api.operations, at the paths declared there."""

from __future__ import annotations

import ast
from pathlib import Path

from starlette.routing import Route

import tui.sandbox.routes as routes_module
from tui.api.operations import OPERATIONS
from tui.sandbox.routes import SECTIONS
from tui.sandbox.store import SECTION_KEYS


def served(sandbox) -> set[tuple[str, str]]:
    app = sandbox.app.app  # inside the FaultMiddleware
    return {(method, r.path) for r in app.routes if isinstance(r, Route) for method in r.methods - {"HEAD"}}


def test_every_operation_is_served_at_its_declared_path(sandbox):
    api = {(method, path) for method, path in served(sandbox) if not path.startswith(("/_sandbox", "/v2/auth"))}
    assert api == {(op.method, op.path) for op in OPERATIONS.values()}


def test_named_routes_are_the_operations(sandbox):
    names = {r.name for r in sandbox.app.app.routes if isinstance(r, Route) and r.name in OPERATIONS}
    assert names == set(OPERATIONS)


def test_section_slugs_match_their_operations():
    assert set(SECTIONS) == set(SECTION_KEYS)
    for slug, (get, put, status) in SECTIONS.items():
        assert OPERATIONS[get].path.endswith("/" + slug) and OPERATIONS[get].method == "GET"
        if put is not None:
            assert OPERATIONS[put].path == OPERATIONS[get].path and OPERATIONS[put].method == "PUT"
            assert status in (200, 204)


def test_routes_module_repeats_no_api_path():
    tree = ast.parse(Path(routes_module.__file__).read_text())
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [s for s in literals if s.startswith(("/v2/", "/v3/"))] == []
