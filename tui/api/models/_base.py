"""The lossless base of every API model.

Rules, all in service of "read it, write it back, get the same JSON":
- unknown fields are kept (``extra="allow"``) and dumped back in place;
- nothing is defaulted into output: dump with ``exclude_unset=True`` (see :func:`to_json`);
- enum values the spec does not list are kept as plain strings (:class:`EnumValues` only
  records the known ones, for forms and filters);
- scalars are strict, so nothing is coerced ("5" stays a string, 5.0 stays a float).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

__all__ = [
    "SpotnanaModel",
    "EnumValues",
    "enum_str",
    "enum_values_of",
    "field_enum_values",
    "to_json",
    "Number",
    "StrictBool",
    "StrictInt",
    "StrictStr",
    "Email",
    "Uuid",
    "DateTimeStr",
    "Field",
]

M = TypeVar("M", bound=BaseModel)


class SpotnanaModel(BaseModel):
    """Base of all generated models: keeps unknown fields, accepts python or JSON names."""

    model_config = ConfigDict(
        extra="allow",
        # Read by JSON name only: a payload key that happens to equal a python attribute
        # name ("doc_id") must stay an unknown field, or the round trip would rename it.
        validate_by_alias=True,
        validate_by_name=False,
        protected_namespaces=(),
        ser_json_inf_nan="constants",
    )

    def to_json(self) -> dict[str, Any]:
        """The JSON object this model was read from, plus whatever was set since."""
        return to_json(self)


def to_json(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


@dataclass(frozen=True)
class EnumValues:
    """The values the spec lists for an enum. Others are kept, not rejected."""

    values: tuple[str, ...]


def enum_str(*values: str) -> Any:
    return Annotated[StrictStr, EnumValues(tuple(values))]


def enum_values_of(annotation: Any) -> tuple[str, ...] | None:
    """Known values of an enum annotation (looks through Optional and Annotated)."""
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, EnumValues):
                return meta.values
        return enum_values_of(get_args(annotation)[0])
    for arg in get_args(annotation):
        found = enum_values_of(arg)
        if found:
            return found
    return None


def field_enum_values(field: Any) -> tuple[str, ...] | None:
    """Known enum values of a model field (``Model.model_fields[name]``), or None."""
    for meta in getattr(field, "metadata", ()):
        if isinstance(meta, EnumValues):
            return meta.values
    return enum_values_of(field.annotation)


Number = StrictInt | StrictFloat
Email = Annotated[StrictStr, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Uuid = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
]
DateTimeStr = Annotated[
    StrictStr, Field(pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
]
