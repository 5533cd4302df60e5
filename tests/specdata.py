"""Access to the shared API descriptions, read at test time from ``../shared/spotnana``.

They are reference data and are never copied into this repository; where they are absent,
the tests that need them skip and say why.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("SPOTNANA_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))
SPEC_DIR = (SHARED / "spotnana").resolve()
REF = "#/components/schemas/"


def _skip_reason(name: str) -> str:
    return (
        f"{SPEC_DIR / name} is absent: the shared Spotnana API description is read from ../shared "
        "beside the repository (or $SPOTNANA_SHARED) and is never copied into it"
    )


@cache
def _load(name: str) -> dict | None:
    path = SPEC_DIR / name
    return json.loads(path.read_text()) if path.is_file() else None


def load(name: str = "users-api.fixed.openapi.json") -> dict:
    """The parsed spec, or a pytest skip with a clear reason."""
    data = _load(name)
    if data is None:
        pytest.skip(_skip_reason(name))
    return data


def available(name: str = "users-api.fixed.openapi.json") -> bool:
    return _load(name) is not None


def schemas() -> dict[str, dict]:
    """Users API component schemas plus the OAuth2 token schemas of the Auth API."""
    out = dict(load()["components"]["schemas"])
    auth = load("auth-api.openapi.json")["components"]["schemas"]
    for name in ("OAuthTokenRequest", "OAuthTokenResponse"):
        out[name] = auth[name]
    return out
