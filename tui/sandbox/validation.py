"""What a request must be before the sandbox acts on it: size, JSON depth, schema, enums, query.

The models in :mod:`tui.api.models` are deliberately open (an enum value they do not list is
kept, so a newer server's data round-trips; an explicit ``null`` reads as absent); a server is
not. :func:`spec_errors` walks a validated body and refuses enum values the spec does not list
and ``null`` where the spec allows none (it declares nothing nullable), unless the store already
holds that value at the same place, so data the sandbox itself serves can come back.
"""

from __future__ import annotations

import functools
import json
import re
import types
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from starlette.requests import Request

from tui.api.operations import Operation

from .errors import ApiError, validation_error

if TYPE_CHECKING:  # pydantic and the models load with the first body that needs them
    from pydantic import BaseModel

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "invalid",
    "json_too_deep",
    "parse_json",
    "query_flag",
    "read_body",
    "read_json",
    "spec_errors",
    "validated",
    "validate_query",
]

MAX_BODY_BYTES = 1 << 20  # 1 MiB: a larger body is refused with 413 before it is read in full
MAX_JSON_DEPTH = 64  # nesting of arrays/objects; a seeded profile nests 7 deep
ANY_INDEX = -1  # list indices in "held" paths: a value the store holds in any item of the list

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPEN = frozenset(b"[{")


def invalid(field: str, value: Any, message: str, code: str = "INVALID_FIELD", detail: str | None = None) -> ApiError:
    """400 naming one field (``errorParameters[0].name``) and the value given."""
    shown = value if isinstance(value, str) else json.dumps(value)
    return ApiError(400, code, f"{field}: {message}", [{"name": field, "value": shown[:200]}], detail)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "PAYLOAD_TOO_LARGE",
        f"request body is larger than {limit} bytes",
        [{"name": "body", "value": ""}],
        f"the sandbox accepts bodies up to {limit} bytes",
    )


# -- the body ---------------------------------------------------------------------------------
async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused (413) as soon as it is known to exceed ``limit``: from its
    Content-Length before reading anything, else while counting the streamed (chunked) bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise invalid("Content-Length", declared, "not a byte count", "INVALID_REQUEST")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays/objects in ``raw`` nest deeper than ``limit`` (strings are skipped)."""
    depth = 0
    for ch in _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS):
        if ch in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """``raw`` as JSON (NaN/Infinity refused), its depth checked before the parser recurses."""
    if json_too_deep(raw):
        raise ApiError(
            400,
            "INVALID_REQUEST",
            f"request body nests deeper than {MAX_JSON_DEPTH} levels",
            [{"name": "body", "value": ""}],
            f"at most {MAX_JSON_DEPTH} nested arrays/objects",
        )
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(
            400, "MALFORMED_JSON", "request body is not valid JSON", [{"name": "body", "value": ""}], str(exc)
        ) from None


async def read_json(request: Request, model: type[BaseModel] | None = None, *, held: Any = None) -> Any:
    """The parsed body, kept as given. With a ``model``: see :func:`validated`."""
    data = parse_json(await read_body(request))
    return data if model is None else validated(data, model, held=held)


def validated(data: Any, model: type[BaseModel], *, held: Any = None) -> Any:
    """``data`` (a parsed body) once it is an object the model accepts, without enum values or
    nulls the spec does not allow, unless ``held`` (the stored JSON) has them at the same place."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ApiError(400, "INVALID_REQUEST", "request body must be a JSON object", [{"name": "body", "value": ""}])
    try:
        instance = model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None
    messages = spec_errors(instance, data, held)
    if messages:
        raise ApiError(400, "INVALID_REQUEST", "invalid request", messages=messages)
    return data


# -- enums and nulls --------------------------------------------------------------------------
def _unwrap(annotation: Any) -> tuple[Any, tuple[str, ...] | None]:
    """(annotation without Annotated/Optional, the enum values found on the way)."""
    from tui.api.models import EnumValues

    enum: tuple[str, ...] | None = None
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            enum = enum or next((m.values for m in args[1:] if isinstance(m, EnumValues)), None)
            annotation = args[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, enum


def _field_annotation(field: Any) -> Any:
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _format(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _held(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str | None]]:
    """(path with list indices as ANY_INDEX, value) for every string and null in stored JSON."""
    if value is None or isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _held(v, path + (k,))
    elif isinstance(value, list):
        for v in value:
            yield from _held(v, path + (ANY_INDEX,))


def spec_errors(instance: BaseModel, raw: dict, held: Any = None) -> list[dict[str, Any]]:
    """ErrorResponse messages for every enum value (or union tag) the spec does not list and
    every explicit null in ``instance`` (validated from ``raw``) that ``held`` does not have at
    the same path (list items count as one place). Unknown fields are not the spec's: skipped.
    Which fields were given is read from ``raw``: pydantic counts an unknown key spelled like a
    field's python name ("external_id") as that field set."""
    from pydantic import BaseModel

    from tui.api.models._base import UnknownVariant

    known = set(_held(held)) if held is not None else set()
    out: list[dict[str, Any]] = []

    def refuse(path: tuple, v: Any, message: str, detail: str) -> None:
        place = tuple(ANY_INDEX if isinstance(p, int) else p for p in path)
        if (v is None or isinstance(v, str)) and (place, v) in known:
            return
        where = _format(path)
        shown = v[:200] if isinstance(v, str) else json.dumps(v)[:200]
        out.append(
            {
                "errorCode": "INVALID_FIELD",
                "message": f"{where}: {message}",
                "errorParameters": [{"name": where, "value": shown}],
                "errorDetail": detail,
            }
        )

    def value(annotation: Any, v: Any, given: Any, path: tuple) -> None:
        if isinstance(v, BaseModel):
            if isinstance(given, dict):
                model(v, given, path)
            return
        bare, enum = _unwrap(annotation)
        if given is None:
            refuse(path, None, "must not be null (leave it out instead)", "null")
        elif isinstance(given, str):
            if enum and given not in enum:
                refuse(path, given, f"expected one of {', '.join(enum)}", "enum")
        elif isinstance(given, list) and isinstance(v, list) and get_origin(bare) is list:
            item = get_args(bare)[0]
            for i, (x, g) in enumerate(zip(v, given, strict=False)):
                value(item, x, g, path + (i,))
        elif isinstance(given, dict) and isinstance(v, dict) and get_origin(bare) is dict:
            item = get_args(bare)[1]
            for k, g in given.items():
                value(item, v.get(k), g, path + (k,))

    def model(m: BaseModel, given: dict, path: tuple) -> None:
        if isinstance(m, UnknownVariant):  # a discriminated union's tag that names no branch
            tag = given.get(m.tag)
            refuse(path + (m.tag,), tag, f"expected one of {', '.join(m.known_tags)}", "discriminator")
        for name, field in type(m).model_fields.items():
            key = field.alias or name
            if key in given:
                value(_field_annotation(field), getattr(m, name), given[key], path + (key,))

    model(instance, raw, ())
    return out


# -- the query --------------------------------------------------------------------------------
def query_flag(request: Request, name: str) -> bool:
    """A boolean query parameter: absent is false; present it must be exactly true or false."""
    values = request.query_params.getlist(name)
    if not values:
        return False
    if len(values) > 1 or values[0] not in ("true", "false"):
        raise invalid(name, ",".join(values), "expected true or false")
    return values[0] == "true"


def _matches(annotation: Any) -> Callable[[str], bool]:
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(annotation)

    def check(text: str) -> bool:
        try:
            adapter.validate_python(text)
        except ValidationError:
            return False
        return True

    return check


_FLAGS = ("includeInactive",)
_FLAG: tuple[Callable[[str], bool], str] = (lambda v: v in ("true", "false"), "expected true or false")


@functools.cache
def _query_rules() -> dict[str, tuple[Callable[[str], bool], str]]:
    """Query parameters the Users API types more narrowly than a free string, with what they
    must be (built on first use: the models' types)."""
    from tui.api.models._base import Email, Uuid

    return {
        "companyId": (_matches(Uuid), "not a UUID"),
        "tmcId": (_matches(Uuid), "not a UUID"),
        "email": (_matches(Email), "not an email address"),
    }


def validate_query(request: Request, op: Operation) -> None:
    """400 for a query parameter the operation declares whose value is not what the spec says."""
    for _, param in op.query:
        values = request.query_params.getlist(param)
        if not values:
            continue
        rule = _FLAG if param in _FLAGS else _query_rules().get(param)
        if rule is None:
            continue
        ok, why = rule
        if len(values) > 1:
            raise invalid(param, ",".join(values), "given more than once")
        if not ok(values[0]):
            raise invalid(param, values[0], why)
