"""Schemathesis over the fixed Users API spec against a running sandbox, in both data modes.

Positive mode (schema-valid requests), bounded examples per operation. Checks:
- not_a_server_error: no 5xx for any valid request;
- status_code_conformance: every status is one the spec documents for the operation (so a
  schema-valid body the sandbox rejects, a 400 the spec does not list, fails here);
- positive_data_acceptance: valid data is not refused;
- content_type_conformance and response_schema_conformance: bodies match the documented
  media type and schema (ErrorResponse for 401/403/404, the operation's schema for 2xx).
Negative mode (requests that break the schema: wrong types, values out of range or outside an
enum, missing required properties, malformed query values). Checks:
- not_a_server_error and negative_data_rejection: an invalid request gets a 4xx, never a 2xx or
  a 5xx;
- every 4xx body is an ErrorResponse. status_code_conformance is left out here on purpose: the spec
  documents 400 for one operation only, so every correctly rejected body would "fail" it.
Integral floats in generated bodies (``2100.0`` for an ``integer``) are sent as generated:
JSON Schema counts them as integers, and the models and the sandbox take them (kept as sent).
``userId`` is pinned to a real seeded user so the operations reach the store rather than
answering 404 for random ids (404 for unknown ids is tested in tests/sandbox).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import specdata
from tui.sandbox import SandboxConfig, start_sandbox

pytestmark = pytest.mark.contract

POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    positive_data_acceptance,
    content_type_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [not_a_server_error, negative_data_rejection]
MAX_EXAMPLES = 20  # per operation and mode; the contract tests stay well under a minute on 2 cores


@pytest.fixture(scope="module")
def contract_sandbox(spec_path):
    with start_sandbox(SandboxConfig(users=120, seed=11)) as sb:
        yield sb


def _negatable_operations() -> frozenset[str] | None:
    """Operations a request can break: those with a body or a query parameter. The others take
    only the pinned userId and free-form path strings, so schemathesis has nothing invalid to send.
    None when the spec is absent (the tests then skip)."""
    if not specdata.available():
        return None
    out = set()
    for path, item in specdata.load()["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method == "parameters":
                continue
            params = shared + op.get("parameters", [])
            if "requestBody" in op or any(p.get("in") == "query" for p in params):
                out.add(f"{method.upper()} {path}")
    return frozenset(out)


NEGATABLE = _negatable_operations()


def _negatable(ctx) -> bool:
    return NEGATABLE is None or ctx.operation.label in NEGATABLE


def _schema(spec_path, sb, mode: str):
    uid = next(r.user_id for r in map(sb.store.row, range(len(sb.store.index))) if r.is_active)
    schema = schemathesis.openapi.from_path(spec_path)
    schema.config.update(
        base_url=sb.base_url, headers={"Authorization": f"Bearer {sb.token}"}, parameters={"path.userId": uid}
    )
    schema.config.generation.update(modes=[mode], max_examples=MAX_EXAMPLES, deterministic=True)
    schema.config.phases.coverage.enabled = False  # its boundary-case sweep takes minutes here
    return schema


@pytest.fixture
def positive_schema(spec_path, contract_sandbox):
    return _schema(spec_path, contract_sandbox, "positive")


@pytest.fixture
def negative_schema(spec_path, contract_sandbox):
    return _schema(spec_path, contract_sandbox, "negative")


positive = schemathesis.pytest.from_fixture("positive_schema")
negative = schemathesis.pytest.from_fixture("negative_schema").include(func=_negatable)


@positive.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_operation_conforms(case):
    case.call_and_validate(checks=POSITIVE_CHECKS)


@negative.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_invalid_requests_are_rejected(case, conforms):
    response = case.call_and_validate(checks=NEGATIVE_CHECKS)
    if 400 <= response.status_code < 500:
        conforms(response.json(), "ErrorResponse")
