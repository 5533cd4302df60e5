"""Shared fixtures: running sandboxes, the spec, and a schema-conformance check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import specdata
from tui.sandbox import Sandbox, SandboxConfig, start_sandbox

SANDBOX_USERS = 300
SANDBOX_SEED = 7


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A running sandbox shared by one test module (300 users, seed 7). Tests that change
    data should use users no other test of the module relies on, or ``sandbox_factory``."""
    with start_sandbox(SandboxConfig(users=SANDBOX_USERS, seed=SANDBOX_SEED)) as sb:
        yield sb


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with custom settings: ``sandbox_factory(users=50, rate_limit=5)``
    (keyword arguments of SandboxConfig; defaults 300 users, seed 7). Stopped at teardown."""
    started: list[Sandbox] = []

    def start(cfg: SandboxConfig | None = None, **kw: Any) -> Sandbox:
        if cfg is None:
            kw.setdefault("users", SANDBOX_USERS)
            kw.setdefault("seed", SANDBOX_SEED)
            cfg = SandboxConfig(**kw)
        sb = start_sandbox(cfg)
        started.append(sb)
        return sb

    yield start
    for sb in reversed(started):
        sb.stop()


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An httpx client on the module's sandbox with its bearer token."""
    with httpx.Client(
        base_url=sandbox.base_url, timeout=10, headers={"Authorization": f"Bearer {sandbox.token}"}
    ) as client:
        yield client


@pytest.fixture(scope="session")
def spec_path() -> Path:
    """Path of the fixed Users API spec in ../shared (skips with the reason when absent)."""
    specdata.load()
    return specdata.SPEC_DIR / "users-api.fixed.openapi.json"


@pytest.fixture(scope="session")
def spec() -> dict:
    """The parsed fixed Users API spec (skips with the reason when absent)."""
    return specdata.load()


@pytest.fixture(scope="session")
def conforms(spec: dict) -> Callable[[Any, str], None]:
    """``conforms(instance, "UserDetail")`` asserts the instance is valid against that
    component schema of the spec (OAuth schemas come from the Auth API spec)."""
    import jsonschema_rs

    components = {"schemas": specdata.schemas()}
    cache: dict[str, Any] = {}

    def check(instance: Any, schema_name: str) -> None:
        validator = cache.get(schema_name)
        if validator is None:
            validator = cache[schema_name] = jsonschema_rs.validator_for(
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$ref": f"#/components/schemas/{schema_name}",
                    "components": components,
                }
            )
        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(instance)]
        assert not errors, f"not a valid {schema_name}:\n" + "\n".join(errors[:10])

    return check
