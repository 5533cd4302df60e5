"""A model class as a tree of form fields, UI-free.

``form_fields(UserPersonalInfo)`` walks the pydantic model (through Optional, Annotated,
lists, nested models and oneOf unions) and returns a :class:`FieldSpec` tree: one node per
field, with its JSON path pattern (``"*"`` for list items), label, kind, required flag, known
enum values, x-pii level and deprecation. The form builder renders any section from it and
never branches on which section it is.

Kinds: ``text``, ``int``, ``number`` (int or float), ``enum``, ``bool``, ``enum_list``,
``str_list``, ``object``, ``object_list``, ``union`` (one object, oneOf), ``union_list``
(a list of oneOf objects, e.g. identity documents) and ``json`` (free-form maps and anything
else, shown read-only).

Also here: :func:`variant_of` (which oneOf branch a raw value is) and
:func:`validation_errors` (a model's validation of raw JSON as ``(path, message)`` pairs).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypedDict, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from tui.api.models import EnumValues
from tui.domain.paths import WILDCARD, Path, loc_to_path
from tui.domain.sections import humanize

__all__ = [
    "Kind",
    "SCALAR_KINDS",
    "FieldSpec",
    "Variant",
    "form_fields",
    "variant_of",
    "validation_errors",
    "json_key",
]

Kind = Literal[
    "text",
    "int",
    "number",
    "enum",
    "bool",
    "enum_list",
    "str_list",
    "object",
    "object_list",
    "union",
    "union_list",
    "json",
]
SCALAR_KINDS = frozenset({"text", "int", "number", "enum", "bool"})
LIST_KINDS = frozenset({"enum_list", "str_list", "object_list", "union_list"})

Labeler = Callable[[Path], str]


@dataclass(frozen=True, eq=False)
class Variant:
    """One branch of a oneOf: its model and the object fields it offers."""

    name: str
    """The model class name (also the pydantic union tag)."""
    label: str
    key: str | None
    """For wrapper branches (``{"passport": {...}}``): the single key that tells them apart."""
    spec: FieldSpec

    @property
    def model(self) -> type[BaseModel]:
        assert self.spec.model is not None
        return self.spec.model


@dataclass(frozen=True, eq=False)
class FieldSpec:
    key: str
    """JSON name of the field (``""`` for the root)."""
    path: Path
    """Pattern from the section root, ``"*"`` standing for list indices."""
    label: str
    kind: Kind
    required: bool = False
    nullable: bool = False
    enum_values: tuple[str, ...] = ()
    pii: str | None = None
    deprecated: bool = False
    read_only: bool = False
    """The spec marks it readOnly (server-set): shown, not edited."""
    children: tuple[FieldSpec, ...] = ()
    """object: its fields; object_list: the fields of one item (paths end in ``"*"``)."""
    variants: tuple[Variant, ...] = ()
    """union / union_list: the branches."""
    model: type[BaseModel] | None = None
    """object: its model; object_list: the item model."""
    annotation: Any = None
    """union / union_list: the (item) annotation, to validate one item."""

    def child(self, key: str) -> FieldSpec:
        for c in self.children:
            if c.key == key:
                return c
        raise KeyError(key)

    def walk(self) -> Iterator[FieldSpec]:
        """This node and every node below it (union branches included)."""
        yield self
        for c in self.children:
            yield from c.walk()
        for v in self.variants:
            yield from v.spec.walk()

    @property
    def is_scalar(self) -> bool:
        return self.kind in SCALAR_KINDS

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def item_spec(self) -> FieldSpec:
        """object_list: the item as an object spec (path ending in ``"*"``)."""
        if self.kind != "object_list":
            raise TypeError(f"{self.kind} has no item spec")
        return FieldSpec(
            key="",
            path=self.path + (WILDCARD,),
            label=self.label,
            kind="object",
            required=True,
            children=self.children,
            model=self.model,
        )

    def adapter(self) -> TypeAdapter:
        """A validator for one value of this node (one item for lists)."""
        if self.kind in ("object", "object_list"):
            return _adapter(self.model)
        if self.annotation is None:
            raise TypeError(f"{self.kind} at {self.path} has no annotation")
        return _adapter(self.annotation)


def json_key(name: str, info: Any) -> str:
    return info.alias or name


# --- building ----------------------------------------------------------------------------


def form_fields(model_cls: type[BaseModel], labeler: Labeler | None = None) -> FieldSpec:
    """The field tree of ``model_cls`` (its root is an ``object`` spec with path ``()``).

    ``labeler(path_pattern)`` names fields (e.g. ``Section.label``); default: humanized keys.
    """
    return _build(model_cls, labeler)


@lru_cache(maxsize=256)
def _build(model_cls: type[BaseModel], labeler: Labeler | None) -> FieldSpec:
    label = labeler(()) if labeler else humanize(model_cls.__name__)
    return FieldSpec(
        key="",
        path=(),
        label=label,
        kind="object",
        required=True,
        children=_children(model_cls, (), labeler, (model_cls,)),
        model=model_cls,
    )


def _label(labeler: Labeler | None, path: Path, key: str) -> str:
    return labeler(path) if labeler else humanize(key)


def _children(model_cls: type[BaseModel], prefix: Path, labeler: Labeler | None, stack: tuple) -> tuple[FieldSpec, ...]:
    out = []
    for name, info in model_cls.model_fields.items():
        key = json_key(name, info)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        path = prefix + (key,)
        top_enum = None
        for meta in info.metadata:
            if isinstance(meta, EnumValues):
                top_enum = meta.values
        spec = _from_annotation(
            info.annotation,
            key,
            path,
            labeler,
            stack,
            required=info.is_required(),
            pii=extra.get("x-pii"),
            deprecated=bool(extra.get("deprecated")),
            read_only=bool(extra.get("readOnly")),
            enum_values=top_enum,
        )
        out.append(spec)
    return tuple(out)


def _strip(annotation: Any) -> tuple[Any, tuple[str, ...] | None, bool]:
    """(bare type, enum values, nullable) through Annotated and Optional."""
    enum: tuple[str, ...] | None = None
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            args = get_args(annotation)
            for meta in args[1:]:
                if isinstance(meta, EnumValues):
                    enum = meta.values
            annotation = args[0]
            continue
        if origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) < len(get_args(annotation)):
                nullable = True
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation, enum, nullable


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _union_models(annotation: Any) -> list[type[BaseModel]] | None:
    """The branch models of a union of models, or None when it is something else."""
    bare, _, _ = _strip(annotation)
    if get_origin(bare) not in (Union, types.UnionType):
        return None
    models = []
    for arg in get_args(bare):
        inner, _, _ = _strip(arg)
        if not _is_model(inner):
            return None
        models.append(inner)
    return models


def _scalar_kind(bare: Any, enum: tuple[str, ...] | None) -> Kind | None:
    if bare is bool:
        return "bool"
    if bare is int:
        return "int"
    if bare is float:
        return "number"
    if bare is str:
        return "enum" if enum else "text"
    if get_origin(bare) in (Union, types.UnionType):
        kinds = {_scalar_kind(_strip(a)[0], None) for a in get_args(bare)}
        if kinds <= {"int", "number"}:
            return "number"
    return None


class _CommonArgs(TypedDict):
    """The :class:`FieldSpec` arguments that every kind of field gets alike."""

    key: str
    path: Path
    label: str
    required: bool
    nullable: bool
    pii: str | None
    deprecated: bool
    read_only: bool


def _from_annotation(
    annotation: Any,
    key: str,
    path: Path,
    labeler: Labeler | None,
    stack: tuple,
    *,
    required: bool,
    pii: Any = None,
    deprecated: bool = False,
    read_only: bool = False,
    enum_values: tuple[str, ...] | None = None,
) -> FieldSpec:
    bare, enum, nullable = _strip(annotation)
    enum = enum or enum_values
    common = _CommonArgs(
        key=key,
        path=path,
        label=_label(labeler, path, key),
        required=required,
        nullable=nullable,
        pii=str(pii) if pii else None,
        deprecated=deprecated,
        read_only=read_only,
    )
    kind = _scalar_kind(bare, enum)
    if kind is not None:
        return FieldSpec(kind=kind, enum_values=tuple(enum or ()) if kind == "enum" else (), **common)
    if _is_model(bare):
        if bare in stack:
            return FieldSpec(kind="json", model=bare, **common)
        return FieldSpec(kind="object", children=_children(bare, path, labeler, stack + (bare,)), model=bare, **common)
    if _union_models(annotation) is not None:
        return FieldSpec(
            kind="union",
            variants=_variants(annotation, path, labeler, stack),
            annotation=_strip_optional(annotation),
            **common,
        )
    if get_origin(bare) in (list, tuple, set, frozenset):
        args = [a for a in get_args(bare) if a is not Ellipsis]
        item = args[0] if args else Any
        item_bare, item_enum, _ = _strip(item)
        item_path = path + (WILDCARD,)
        item_kind = _scalar_kind(item_bare, item_enum)
        if item_kind == "enum":
            return FieldSpec(kind="enum_list", enum_values=tuple(item_enum or ()), **common)
        if item_kind == "text":
            return FieldSpec(kind="str_list", **common)
        if _is_model(item_bare) and item_bare not in stack:
            return FieldSpec(
                kind="object_list",
                children=_children(item_bare, item_path, labeler, stack + (item_bare,)),
                model=item_bare,
                **common,
            )
        if _union_models(item) is not None:
            return FieldSpec(
                kind="union_list", variants=_variants(item, item_path, labeler, stack), annotation=item, **common
            )
    return FieldSpec(kind="json", **common)


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _variants(annotation: Any, path: Path, labeler: Labeler | None, stack: tuple) -> tuple[Variant, ...]:
    out = []
    for model in _union_models(annotation) or []:
        fields = model.model_fields
        required = [json_key(n, i) for n, i in fields.items() if i.is_required()]
        wrapper_key = required[0] if len(fields) == 1 and len(required) == 1 else None
        if wrapper_key:
            label = _label(labeler, path + (wrapper_key,), wrapper_key)
        else:
            label = humanize(model.__name__)
        spec = FieldSpec(
            key="",
            path=path,
            label=label,
            kind="object",
            required=True,
            children=_children(model, path, labeler, stack + (model,)),
            model=model,
        )
        out.append(Variant(model.__name__, label, wrapper_key, spec))
    return tuple(out)


# --- reading values ----------------------------------------------------------------------


@lru_cache(maxsize=512)
def _adapter(annotation: Any) -> TypeAdapter:
    return TypeAdapter(annotation)


def variant_of(spec: FieldSpec, value: Any) -> Variant | None:
    """Which branch of a union / union_list ``value`` (one raw item) belongs to.

    The model's own discriminator decides when the value is valid; otherwise the branch
    whose fields best match the value's keys (a wrapper's key decides alone)."""
    if not spec.variants or not isinstance(value, dict):
        return None
    try:
        model = type(spec.adapter().validate_python(value))
        for v in spec.variants:
            if v.model is model:
                return v
    except (ValidationError, TypeError):
        pass
    wrappers = [v for v in spec.variants if v.key and v.key in value]
    if len(wrappers) == 1:
        return wrappers[0]
    best, best_score = None, 0
    for v in spec.variants:
        keys = {c.key for c in v.spec.children}
        missing = sum(1 for c in v.spec.children if c.required and c.key not in value)
        score = 2 * len(keys & value.keys()) - missing
        if score > best_score:
            best, best_score = v, score
    return best


_FRIENDLY = {
    "missing": "required",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
}


def _friendly(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        if pattern.startswith("^\\d{4}-"):
            return "expected a date YYYY-MM-DD" if "T " not in pattern else "expected a date-time"
        if "@" in pattern:
            return "not an email address"
        if "[0-9a-fA-F]{8}" in pattern:
            return "not a UUID"
        return "invalid format"
    return str(err.get("msg", "invalid"))


def validation_errors(target: Any, data: Any) -> list[tuple[Path, str]]:
    """Validate raw JSON ``data`` with a model class (or a :class:`FieldSpec`, or an
    annotation); return ``(json path, message)`` pairs, empty when valid."""
    if isinstance(target, FieldSpec):
        adapter = target.adapter()
    elif _is_model(target):
        adapter = _adapter(target)
    else:
        adapter = _adapter(target)
    try:
        adapter.validate_python(data)
    except ValidationError as exc:
        out: list[tuple[Path, str]] = []
        for err in exc.errors(include_url=False, include_input=False):
            item = (loc_to_path(tuple(err["loc"]), data), _friendly(err))
            if item not in out:
                out.append(item)
        return out
    return []
