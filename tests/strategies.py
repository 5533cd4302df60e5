"""Hypothesis strategies that generate JSON payloads from the spec's schemas.

A small schema walker rather than hypothesis-jsonschema (which breaks with current hypothesis
releases). It covers what the Users API uses: objects (required + a random subset of optional
properties), $ref, arrays, enums, string patterns and formats, integers, numbers, booleans,
additionalProperties maps, and oneOf. To exercise losslessness it also mixes in what a newer
server may send: unknown properties and enum values this version does not list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

REF = "#/components/schemas/"

json_leaf = st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=8)
json_value = st.recursive(
    json_leaf,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
    max_leaves=6,
)
unknown_key = st.from_regex(r"\AzzFuture[A-Z][a-zA-Z]{0,6}\Z")
uuid_str = st.uuids().map(str)
email_str = st.from_regex(r"\A[a-z0-9._%+-]{1,10}@[a-z0-9-]{1,10}\.[a-z]{2,4}\Z")
date_time_str = st.datetimes(min_value=datetime(1900, 1, 1)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"))
number = st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False, width=64)


def from_schema(schemas: dict[str, dict], node: dict, *, depth: int = 0, future: bool = True) -> st.SearchStrategy:
    """A strategy of JSON values valid for ``node`` (plus, with ``future``, newer-server extras)."""
    if "$ref" in node:
        name = node["$ref"][len(REF) :]
        return st.deferred(lambda: from_schema(schemas, schemas[name], depth=depth + 1, future=future))
    if "oneOf" in node and "properties" not in node:
        return st.one_of(*[from_schema(schemas, alt, depth=depth, future=future) for alt in node["oneOf"]])
    if "enum" in node:
        known = st.sampled_from(node["enum"])
        return known | st.just("ZZ_FUTURE_VALUE") if future else known
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return _object(schemas, node, depth, future)
    if kind == "array":
        items = from_schema(schemas, node.get("items", {}), depth=depth + 1, future=future)
        low = node.get("minItems", 0)
        high = min(node.get("maxItems", 3), 3 if depth < 4 else low)
        return st.lists(items, min_size=low, max_size=max(low, high))
    if kind == "string":
        return _string(node)
    if kind == "integer":
        low = node.get("minimum", -(2**31))
        high = node.get("maximum", 2**31 - 1)
        return st.integers(low, high)
    if kind == "number":
        return number
    if kind == "boolean":
        return st.booleans()
    return json_value


def _string(node: dict) -> st.SearchStrategy:
    fmt = node.get("format")
    if fmt == "uuid":
        return uuid_str
    if fmt == "email":
        return email_str
    if fmt == "date-time":
        return date_time_str
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    low, high = node.get("minLength", 0), min(node.get("maxLength", 12), 12)
    return st.text(min_size=low, max_size=max(low, high))


def _object(schemas: dict, node: dict, depth: int, future: bool) -> st.SearchStrategy:
    props: dict[str, Any] = dict(node.get("properties", {}))
    required = list(node.get("required", []))
    branch = st.just({})
    if "oneOf" in node:  # properties plus "exactly one of" wrapper objects (ListUsersV3Request)
        branch = st.one_of(*[from_schema(schemas, alt, depth=depth, future=False) for alt in node["oneOf"]])
    ap = node.get("additionalProperties")
    if not props and isinstance(ap, dict):
        return st.dictionaries(st.text(max_size=6), from_schema(schemas, ap, depth=depth + 1), max_size=3)
    optional = [k for k in props if k not in required]
    deep = depth > 5  # keep deep trees small: only what is required

    @st.composite
    def build(draw: st.DrawFn) -> dict:
        out: dict[str, Any] = {}
        chosen = [] if deep else draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
        for key in [*required, *chosen]:
            out[key] = draw(from_schema(schemas, props[key], depth=depth + 1, future=future))
        out.update(draw(branch))
        if future and not deep and draw(st.booleans()):
            out[draw(unknown_key)] = draw(json_value)
        return out

    return build()
