"""The lossless base of every API model.

Rules, all in service of "read it, write it back, get the same JSON":
- unknown fields are kept (``extra="allow"``) and dumped back in place;
- nothing is defaulted into output: dump with ``exclude_unset=True`` (see :func:`to_json`);
- enum values the spec does not list are kept as plain strings (:class:`EnumValues` only
  records the known ones, for forms and filters);
- scalars are strict, so nothing is coerced ("5" stays a string, 5.0 stays a float); an
  ``integer`` takes what JSON Schema counts as one, integral floats included (2100.0 is kept as
  2100.0, never turned into 2100).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from pydantic_core import CoreSchema, PydanticKnownError, core_schema

__all__ = [
    "SpotnanaModel",
    "UnknownVariant",
    "EnumValues",
    "enum_str",
    "Integer",
    "Int32",
    "Int64",
    "INT32_MAX",
    "INT32_MIN",
    "INT64_MAX",
    "INT64_MIN",
    "integer",
    "IntegerBounds",
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


class UnknownVariant(SpotnanaModel):
    """Base of the catch-all branch of a discriminated union: an object whose ``tag`` property
    holds none of ``known_tags`` (a newer server's variant, or a broken one), kept as it is."""

    tag: ClassVar[str] = ""
    known_tags: ClassVar[tuple[str, ...]] = ()


def to_json(model: BaseModel) -> Any:
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


@dataclass(frozen=True)
class EnumValues:
    """The values the spec lists for an enum. Others are kept, not rejected."""

    values: tuple[str, ...]


def enum_str(*values: str) -> Any:
    """``Annotated[StrictStr, EnumValues(values)]``, built at run time. The generated models spell
    that out instead, since a type checker reads no call in an annotation."""
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


@dataclass(frozen=True)
class IntegerBounds:
    """Metadata of a JSON Schema ``integer``: an int, or a float without a fractional part
    (``2100.0``), each kept as it came; ``ge``/``le`` bound both. Booleans are not integers."""

    ge: int | None = None
    le: int | None = None

    def check(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PydanticKnownError("int_type")
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise PydanticKnownError("int_type")
        if self.ge is not None and value < self.ge:
            raise PydanticKnownError("greater_than_equal", {"ge": self.ge})
        if self.le is not None and value > self.le:
            raise PydanticKnownError("less_than_equal", {"le": self.le})
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.check, serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v)
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        if self.ge is not None:
            out["minimum"] = self.ge
        if self.le is not None:
            out["maximum"] = self.le
        return out


def integer(ge: int | None = None, le: int | None = None) -> Any:
    """A JSON Schema ``integer`` with bounds (see :class:`IntegerBounds`), built at run time; the
    generated models spell out ``Annotated[int, IntegerBounds(ge, le)]`` (see :func:`enum_str`)."""
    return Annotated[int, IntegerBounds(ge, le)]


INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
Integer = Annotated[int, IntegerBounds()]
Int32 = Annotated[int, IntegerBounds(INT32_MIN, INT32_MAX)]  # format: int32
Int64 = Annotated[int, IntegerBounds(INT64_MIN, INT64_MAX)]  # format: int64
Number = StrictInt | StrictFloat
Email = Annotated[StrictStr, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Uuid = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
]
DateTimeStr = Annotated[
    StrictStr, Field(pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
]
