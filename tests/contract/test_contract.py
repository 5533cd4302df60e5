"""Schemathesis over the fixed Users API spec against a running sandbox.

Positive mode only (schema-valid requests), bounded examples per operation. Checks:
- not_a_server_error: no 5xx for any valid request;
- status_code_conformance: every status is one the spec documents for the operation (so a
  schema-valid body the models reject, a 400 the spec does not list, fails here);
- content_type_conformance and response_schema_conformance: bodies match the documented
  media type and schema (ErrorResponse for 401/403/404, the operation's schema for 2xx).
Negative mode is left out on purpose: the spec documents 400 for one operation only, so every
rejected invalid body would "fail" status conformance; invalid bodies are covered by
tests/sandbox/test_sections.py instead.
Integral floats in generated bodies (``2100.0`` for an ``integer``) are sent as generated:
JSON Schema counts them as integers, and the models and the sandbox take them (kept as sent).
``userId`` is pinned to a real seeded user so the operations reach the store rather than
answering 404 for random ids (404 for unknown ids is tested in tests/sandbox).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)
from tui.sandbox import SandboxConfig, start_sandbox

pytestmark = pytest.mark.contract

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 6


@pytest.fixture(scope="module")
def contract_sandbox(spec_path):
    with start_sandbox(SandboxConfig(users=120, seed=11)) as sb:
        yield sb


@pytest.fixture
def users_schema(spec_path, contract_sandbox):
    sb = contract_sandbox
    uid = next(r.user_id for r in map(sb.store.row, range(len(sb.store.index))) if r.is_active)
    schema = schemathesis.openapi.from_path(spec_path)
    schema.config.update(base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"},
                         parameters={"path.userId": uid})
    schema.config.generation.update(modes=["positive"], max_examples=MAX_EXAMPLES, deterministic=True)
    schema.config.phases.coverage.enabled = False  # its boundary-case sweep takes minutes here
    return schema


schema = schemathesis.pytest.from_fixture("users_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_operation_conforms(case):
    case.call_and_validate(checks=CHECKS)
