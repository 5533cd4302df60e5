"""Problems with a section document, each tied to a field path: from the model's validation
and from a server's 400 ``ErrorResponse`` (its ``errorParameters`` name the fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tui.api.errors import ApiError
from tui.domain.paths import Path, format_path, loc_to_path, parse_path
from tui.domain.sections import Section

__all__ = ["FieldError", "field_errors_from_api", "field_errors_from_validation"]


@dataclass(frozen=True)
class FieldError:
    path: Path
    """Field path in the section's JSON; ``()`` for an error about the whole section."""
    message: str
    code: str | None = None

    @property
    def label(self) -> str:
        return format_path(self.path) or "(section)"


def field_errors_from_validation(exc: ValidationError, data: Any) -> list[FieldError]:
    out: list[FieldError] = []
    seen: set[tuple[Path, str]] = set()
    for err in exc.errors(include_url=False, include_input=False):
        path = loc_to_path(tuple(err["loc"]), data)
        key = (path, err["msg"])
        if key not in seen:
            seen.add(key)
            out.append(FieldError(path, err["msg"], err["type"]))
    return out


def field_errors_from_api(error: ApiError, section: Section | None = None) -> list[FieldError]:
    """errorMessages' errorParameters -> field paths (``()`` when not about a known field)."""
    top = None
    if section is not None:
        top = {info.alias or name for name, info in section.model.model_fields.items()}
    out: list[FieldError] = []
    for msg in error.error_messages:
        text = str(msg.get("message") or msg.get("errorDetail") or msg.get("errorCode") or "invalid")
        code = msg.get("errorCode")
        paths: list[Path] = []
        for param in msg.get("errorParameters") or []:
            name = param.get("name") if isinstance(param, dict) else None
            if not isinstance(name, str) or not name:
                continue
            path = parse_path(name.removeprefix("$.").removeprefix("body."))
            if name == "body":
                path = ()
            if top is not None and path and path[0] not in top:
                continue
            paths.append(path)
        prefix = format_path(paths[0]) + ": " if paths else ""
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]  # the form shows the message next to the field
        for path in paths or [()]:
            out.append(FieldError(path, text, code))
    return out
