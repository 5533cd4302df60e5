"""ErrorResponse bodies and the exceptions routes raise to send them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from pydantic import ValidationError


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        params: list[dict[str, str]] | None = None,
        detail: str | None = None,
        messages: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.messages = messages or [_message(code, message, params or [], detail)]

    def response(self) -> JSONResponse:
        return error_response(self.status, self.messages)


def _message(code: str, message: str, params: list[dict[str, str]], detail: str | None) -> dict:
    out: dict[str, Any] = {"errorCode": code, "message": message, "errorParameters": params}
    if detail:
        out["errorDetail"] = detail
    return out


def error_response(status: int, messages: list[dict[str, Any]], headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"debugIdentifier": f"sandbox-{uuid.uuid4().hex[:12]}", "errorMessages": messages}
    return JSONResponse(body, status_code=status, headers=headers)


def field_path(loc: tuple) -> str:
    """pydantic error location -> "name.given" / "phoneNumbers[0].countryCode".
    Union branch tags (class names, "function-after[...]") are left out."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part and not part[0].isupper() and "[" not in part and "-" not in part:
            out += f".{part}" if out else part
    return out


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value[:200]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    return ""


def validation_error(exc: ValidationError, prefix: str = "") -> ApiError:
    """400: one error message per invalid field, its path in errorParameters[].name."""
    messages = []
    for err in exc.errors(include_url=False):
        path = field_path(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        where = path or "body"
        value = "" if err["type"] == "missing" else _value(err.get("input"))
        messages.append(
            _message(
                "INVALID_FIELD" if err["type"] != "missing" else "MISSING_FIELD",
                f"{where}: {err['msg']}",
                [{"name": where, "value": value}],
                err["type"],
            )
        )
    return ApiError(400, "INVALID_REQUEST", "invalid request", messages=messages)


def not_found(user_id: str, what: str = "User") -> ApiError:
    return ApiError(
        404,
        "NOT_FOUND",
        f"{what} not found: {user_id}",
        [{"name": "userId" if what == "User" else "id", "value": user_id}],
    )
