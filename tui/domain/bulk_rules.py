"""What a bulk change may touch, and whether its values are valid, before anything is planned.

The section's form schema (:func:`tui.domain.form_schema.form_fields`, the descriptions the
profile form is built from) decides. An operation is *refused*, with a reason, when it cannot
mean the same thing for every user or would put a sensitive value into the job journal:

- a path with a list index (``phoneNumbers[0].type``): item 0 is a different item per user;
- the external ID section: the ID must stay unique per user;
- a field the spec marks deprecated or read-only, or free-form JSON the form shows read-only;
- a field the spec marks ``x-pii: SENSITIVE`` or the section masks on screen (identity-document
  numbers, date of birth, legal names), or an object or list with such a field inside;
- a list operation on a field that is not a list; clearing a required field.

Values are then checked as the model checks them (:func:`tui.domain.form_schema.validation_errors`:
types, dates, emails, UUIDs) plus the spec's enum values, which the lossless models keep open;
messages are the agent's words (:mod:`tui.domain.messages`).

:func:`bulk_fields` lists what an agent may pick (label, path, :class:`FieldSpec`, operation
kinds) and :func:`find_fields` filters it fuzzily by label and path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from tui.domain.bulk_ops import AddItem, Change, Clear, Operation, RemoveWhere, Set, op_paths
from tui.domain.form_schema import FieldSpec, form_fields, validation_errors
from tui.domain.messages import REQUIRED, one_of
from tui.domain.paths import WILDCARD, Path, format_path, matches, set_at
from tui.domain.sections import Section

__all__ = [
    "OpKind",
    "Problem",
    "ChangeError",
    "BulkField",
    "bulk_fields",
    "find_fields",
    "full_label",
    "spec_at",
    "refusal",
    "value_problems",
    "check_change",
    "require_valid",
]

OpKind = Literal["set", "clear", "add", "remove_where"]


@dataclass(frozen=True)
class Problem:
    """Why (part of) a change cannot be planned: the operation's index in the change, the
    field path it concerns, and a message in the agent's words."""

    index: int
    path: Path
    message: str
    label: str = ""

    @property
    def text(self) -> str:
        """``"Worker type: one of: EMPLOYEE, CONTINGENT, SEASONAL"``."""
        where = self.label or format_path(self.path)
        return f"{where}: {self.message}" if where else self.message


class ChangeError(ValueError):
    """Raised by :func:`require_valid`; ``problems`` says what to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.text for p in problems))


@dataclass(frozen=True)
class BulkField:
    """One field a bulk change may target (for a fuzzy picker)."""

    label: str
    path: Path
    spec: FieldSpec
    """The form schema node: kind, enum values, children (the same widget as the form)."""
    kinds: tuple[OpKind, ...]
    """The operations offered on it, e.g. ``("set", "clear")`` or ``("add", "remove_where", "set", "clear")``."""

    @property
    def path_text(self) -> str:
        return format_path(self.path)


def _schema(sec: Section) -> FieldSpec:
    return form_fields(sec.model, sec.label)


def _children(spec: FieldSpec) -> Iterator[FieldSpec]:
    yield from spec.children
    for v in spec.variants:
        yield from v.spec.children


def spec_at(sec: Section, path: Path) -> FieldSpec | None:
    """The form schema node at ``path`` (object keys; ``"*"`` steps into list items), or None."""
    node = _schema(sec)
    for key in path:
        if key == WILDCARD:
            if node.kind not in ("object_list", "union_list"):
                return None
            continue
        found = next((c for c in _children(node) if c.key == key), None)
        if found is None:
            return None
        node = found
    return node


def _sensitive_patterns(sec: Section) -> list[Path]:
    out = [p for p, level in sec.pii_paths.items() if level == "SENSITIVE"]
    return out + [tuple(p) for p in sec.masked_paths]


def _touches_sensitive(sec: Section, pattern: Path) -> bool:
    """The field at ``pattern`` (``"*"`` for items) is sensitive, or is inside or holds one."""
    for p in _sensitive_patterns(sec):
        n = min(len(p), len(pattern))
        if matches(p[:n], pattern[:n]):
            return True
    return False


_LISTS = ("object_list", "union_list", "str_list", "enum_list")


def refusal(sec: Section, op: Operation) -> str | None:
    """Why ``op`` cannot be part of a bulk change of ``sec`` (None: it can)."""
    if not sec.editable or not sec.put_method:
        return f"{sec.title} is read-only"
    if sec.key == "external_id":
        return "the external ID must stay unique for each user: change it one profile at a time"
    target = op_paths(op)
    if target is None:
        return "activate and deactivate are changes of their own, without a section"
    sub = op.sub_path if isinstance(op, RemoveWhere) else ()
    if any(isinstance(k, int) or k == WILDCARD for k in (*target, *sub)):
        return (
            "an edit inside a list item by its position cannot mean the same item for every user: "
            "add items, or remove the items whose field holds a value"
        )
    if not target:
        return "name a field of the section"
    spec = spec_at(sec, target)
    label = sec.label(target)
    if spec is None:
        return f"{sec.title} has no field {format_path(target)}"
    if sec.is_deprecated(target) or any(n.deprecated for n in _along(sec, target)):
        return f"{label} is deprecated: kept when it comes back, not offered for edits"
    if spec.read_only:
        return f"{label} is set by the server"
    written = op.value if isinstance(op, Set) else (op.item if isinstance(op, AddItem) else None)
    item_root = target + ((WILDCARD,) if isinstance(op, AddItem) else ())
    for inner in _value_patterns(item_root, written):
        if sec.is_deprecated(inner):
            return f"{sec.label(inner)} is deprecated: kept when it comes back, not offered for edits"
    if spec.kind == "json":
        return f"{label} is free-form data the form shows read-only"
    if _touches_sensitive(sec, target):
        return f"{label} holds sensitive personal data: never edited in bulk, so no such value lands in the job journal"
    if isinstance(op, (AddItem, RemoveWhere)) and spec.kind not in _LISTS:
        return f"{label} is not a list"
    if isinstance(op, RemoveWhere) and op.sub_path:
        if spec.kind in ("str_list", "enum_list") or spec_at(sec, target + (WILDCARD,) + op.sub_path) is None:
            return f"the items of {label} have no field {format_path(op.sub_path)}"
    if isinstance(op, Clear) and spec.required:
        return f"{label} is required: it cannot be cleared"
    return None


def _value_patterns(prefix: Path, value: Any) -> Iterator[Path]:
    """The field paths a value would write below ``prefix`` (list indices as ``"*"``)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from _value_patterns(prefix + (k,), v)
    elif isinstance(value, list):
        for v in value:
            yield from _value_patterns(prefix + (WILDCARD,), v)


def _along(sec: Section, path: Path) -> Iterator[FieldSpec]:
    for n in range(1, len(path) + 1):
        node = spec_at(sec, path[:n])
        if node is not None:
            yield node


def _under(path: Path, prefix: Path) -> bool:
    return tuple(path[: len(prefix)]) == tuple(prefix)


def _enum_problems(spec: FieldSpec, path: Path, value: Any) -> Iterator[tuple[Path, str]]:
    """Values outside the spec's enums (the models keep unknown values, a change must not add them)."""
    if value is None:
        return
    if spec.kind == "enum" and spec.enum_values and isinstance(value, str) and value not in spec.enum_values:
        yield path, one_of(spec.enum_values)
    elif spec.kind == "enum_list" and spec.enum_values and isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str) and v not in spec.enum_values:
                yield path + (i,), one_of(spec.enum_values)
    elif spec.kind == "object" and isinstance(value, dict):
        for child in spec.children:
            if child.key in value:
                yield from _enum_problems(child, path + (child.key,), value[child.key])
    elif spec.kind == "object_list" and isinstance(value, list):
        item = spec.item_spec
        for i, v in enumerate(value):
            yield from _enum_problems(item, path + (i,), v)


def _model_problems(sec: Section, doc: Any, under: Path) -> list[tuple[Path, str]]:
    return [(p, m) for p, m in validation_errors(sec.model, doc) if _under(p, under)]


def value_problems(sec: Section, op: Operation) -> list[tuple[Path, str]]:
    """``(path, message)`` for each value of ``op`` the model (or the spec's enum) refuses;
    the op must not be refused (see :func:`refusal`)."""
    target = op_paths(op)
    if target is None:
        return []
    spec = spec_at(sec, target)
    if spec is None:
        return []
    doc: dict[str, Any] = {}
    if isinstance(op, Set):
        if op.value is None:
            return [(target, "leave it empty instead of null: clear the field")]
        set_at(doc, target, op.value)
        return _model_problems(sec, doc, target) + list(_enum_problems(spec, target, op.value))
    if isinstance(op, AddItem):
        set_at(doc, target, [op.item])
        found = _model_problems(sec, doc, target)
        return found + list(_enum_problems(spec, target, [op.item]))
    if isinstance(op, RemoveWhere):
        if spec.kind in ("str_list", "enum_list"):
            set_at(doc, target, [op.value])
            return _model_problems(sec, doc, target)
        item: dict[str, Any] = {}
        set_at(item, op.sub_path, op.value)
        set_at(doc, target, [item])
        where = target + (0,) + op.sub_path
        return [(p, m) for p, m in _model_problems(sec, doc, where) if m != REQUIRED or p != where]
    return []


def check_change(change: Change) -> list[Problem]:
    """Every problem of ``change``: refused operations, invalid values, two operations on the
    same field, user-level operations mixed with field ones. Empty when it can be planned."""
    problems: list[Problem] = []
    if change.user_level:
        if len(change.operations) != 1 or change.section_key is not None:
            problems.append(Problem(0, (), "activate or deactivate is a change of its own, with nothing else"))
        return problems
    if not change.operations:
        return [Problem(0, (), "the change has no operations")]
    try:
        sec = change.section
    except KeyError as exc:
        return [Problem(0, (), str(exc.args[0]))]
    if sec is None:
        return [Problem(0, (), "name the section the change is about")]
    seen: list[tuple[int, Path]] = []
    for i, op in enumerate(change.operations):
        target = op_paths(op) or ()
        label = sec.label(target) if target else sec.title
        why = refusal(sec, op)
        if why:
            problems.append(Problem(i, target, why, label))
            continue
        for j, other in seen:
            if _under(target, other) or _under(other, target):
                problems.append(Problem(i, target, f"operation {j + 1} already changes this field", label))
        seen.append((i, target))
        for path, message in value_problems(sec, op):
            problems.append(Problem(i, path, message, sec.label(path)))
    return problems


def require_valid(change: Change) -> Change:
    """``change`` itself, or :class:`ChangeError` with every problem."""
    problems = check_change(change)
    if problems:
        raise ChangeError(problems)
    return change


def _kinds(spec: FieldSpec) -> tuple[OpKind, ...]:
    base: tuple[OpKind, ...] = ("set",) if spec.required else ("set", "clear")
    if spec.kind in _LISTS:
        return ("add", "remove_where") + base
    return base


def bulk_fields(sec: Section) -> list[BulkField]:
    """Every field of ``sec`` a bulk change may target, in form order (objects before their
    fields); empty for read-only sections and the external ID."""
    out: list[BulkField] = []
    if not sec.editable or not sec.put_method or sec.key == "external_id":
        return out

    def walk(spec: FieldSpec) -> None:
        for child in _children(spec):
            if WILDCARD in child.path:
                continue
            probe: Operation = Set(child.path, None)
            if refusal(sec, probe) is None:
                out.append(BulkField(full_label(sec, child.path), child.path, child, _kinds(child)))
            if child.kind in ("object", "union"):
                walk(child)

    walk(_schema(sec))
    order = {k: i for i, k in enumerate(sec.fields())}
    out.sort(key=lambda f: order.get(str(f.path[0]), len(order)))
    return out


def full_label(sec: Section, path: Path) -> str:
    """A field's label with its parents' (``Office › ID``), as a picker lists it."""
    return " › ".join(sec.label(path[:n]) for n in range(1, len(path) + 1))


def _fuzzy(needle: str, hay: str) -> int | None:
    """A score (lower is better) when ``needle``'s characters appear in order in ``hay``."""
    if not needle:
        return 0
    at = hay.find(needle)
    if at >= 0:
        return at
    pos, gaps = -1, 0
    for ch in needle:
        nxt = hay.find(ch, pos + 1)
        if nxt < 0:
            return None
        gaps += nxt - pos - 1
        pos = nxt
    return 100 + gaps


def find_fields(sec: Section, text: str, limit: int | None = None) -> list[BulkField]:
    """:func:`bulk_fields` matching ``text`` by label or path (substring first, then the
    characters in order), best first."""
    needle = " ".join(text.lower().split())
    scored = []
    for i, f in enumerate(bulk_fields(sec)):
        scores = [s for s in (_fuzzy(needle, f.label.lower()), _fuzzy(needle, f.path_text.lower())) if s is not None]
        if scores:
            scored.append((min(scores), i, f))
    scored.sort(key=lambda t: (t[0], t[1]))
    found = [f for _, _, f in scored]
    return found[:limit] if limit is not None else found
