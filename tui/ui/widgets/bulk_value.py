"""The value of one bulk operation, entered with the widget the profile form uses for the field.

The editor is a :class:`SectionForm` over just the target field (the same builder as the
profile: a Select for an enum, a Switch or a yes/no Select for a boolean, a country picked by
name, a date checked as a date, a group for an object, an :class:`ObjectList` whose ``a``
opens the item editor for a list of objects), placed at the field's own path so labels,
hints and validation are the profile's. A reference (legal entity, office, department, cost
center) is picked by name from the scope's :class:`ReferenceDirectory` instead of typing its ID.

    editor = ValueEditor(section, field, "set", app.directory)
    op, problems = editor.operation()   # the Operation, or None and (path, message) pairs
    editor.show_problems(problems)      # marked in place, under the field

Kinds: ``set`` (the field's widget), ``clear`` (nothing to enter), ``add`` (one item: the
list's own widget for lists of objects, one value for lists of strings or enums) and
``remove_where`` (a sub-field of the items, then its value; the value itself for lists of
strings or enums).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Select, Static

from tui.domain.bulk_ops import AddItem, Clear, Operation, RemoveWhere, Set
from tui.domain.bulk_rules import BulkField, OpKind
from tui.domain.directory import KIND_LABELS, ReferenceDirectory, is_id
from tui.domain.form_schema import SCALAR_KINDS, FieldSpec, Kind
from tui.domain.messages import REQUIRED
from tui.domain.paths import ABSENT, WILDCARD, Path, format_path, get
from tui.domain.sections import Section
from tui.ui.widgets.form_fields import FormField
from tui.ui.widgets.reference_input import ReferenceInput
from tui.ui.widgets.section_form import SectionForm

__all__ = ["ValueEditor", "REFERENCE_KINDS", "sub_fields"]

REFERENCE_KINDS: dict[tuple[str, Path], str] = {
    ("business", ("legalEntityRef",)): "legal_entities",
    ("business", ("officeRef",)): "offices",
    ("business", ("departmentRef",)): "departments",
    ("business", ("costCenterRef",)): "cost_centers",
}
"""Section fields that name a reference the directory knows (``{"id", "name"}`` objects)."""

NEEDS_VALUE = "enter a value (or choose clear to remove the field)"


def _root(spec: FieldSpec, parent: Path) -> FieldSpec:
    """An object spec holding ``spec`` alone: a form over just that field."""
    return FieldSpec(key="", path=parent, label="", kind="object", required=True, children=(spec,))


def _one_value(spec: FieldSpec) -> FieldSpec:
    """One value of a list of strings or enums, as a scalar field of the list's own key."""
    kind: Kind = "enum" if spec.kind == "enum_list" else "text"
    return FieldSpec(
        key=spec.key, path=spec.path, label=f"{spec.label} (one value)", kind=kind, enum_values=spec.enum_values
    )


def _children(spec: FieldSpec) -> Iterator[FieldSpec]:
    yield from spec.children
    for variant in spec.variants:
        yield from variant.spec.children


def sub_fields(spec: FieldSpec, prefix: Path = ()) -> list[tuple[Path, FieldSpec]]:
    """The scalar fields of a list's items (through nested objects, not lists), as
    ``(path inside the item, spec)``: what "remove the items whose … is …" can compare."""
    out: dict[Path, FieldSpec] = {}
    for child in _children(spec):
        if child.deprecated or child.pii == "SENSITIVE":
            continue
        path = prefix + (child.key,)
        one = child.children[0] if child.kind == "object" and len(child.children) == 1 else None
        if child.kind in SCALAR_KINDS or (one is not None and one.kind in SCALAR_KINDS):
            out.setdefault(path, child)  # a one-field object (a date) is compared whole, shown as one row
        elif child.kind == "object":
            for sub, s in sub_fields(child, path):
                out.setdefault(sub, s)
    return list(out.items())


class ValueEditor(Vertical):
    """The value part of one operation (see the module doc)."""

    DEFAULT_CSS = """
    ValueEditor { height: 1fr; }
    ValueEditor > .value-note { color: $text-muted; height: auto; }
    ValueEditor > .value-error { color: $error; height: auto; }
    ValueEditor > #value-sub { width: 1fr; margin-bottom: 1; }
    ValueEditor > SectionForm { height: 1fr; }
    ValueEditor > ReferenceInput { width: 1fr; }
    """

    def __init__(
        self,
        section: Section,
        field: BulkField,
        kind: OpKind,
        directory: ReferenceDirectory,
        *,
        op: Operation | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.section = section
        self.field = field
        self.kind = kind
        self.directory = directory
        self.op = op
        self.form: SectionForm | None = None
        self.reference: ReferenceInput | None = None
        self.subs = sub_fields(field.spec) if field.spec.kind in ("object_list", "union_list") else []
        self.sub_path: Path = ()
        if isinstance(op, RemoveWhere):
            self.sub_path = op.sub_path
        elif self.subs:
            self.sub_path = self.subs[0][0]

    # -- layout ----------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return str(self.field.path[-1])

    @property
    def reference_kind(self) -> str | None:
        return REFERENCE_KINDS.get((self.section.key, self.field.path)) if self.kind == "set" else None

    def compose(self) -> ComposeResult:
        if self.kind == "clear":
            yield Static(
                f"{self.field.label} is removed for every user who has it (nothing is sent as null).",
                classes="value-note",
            )
            return
        if self.reference_kind is not None:
            yield from self._reference()
            return
        if self.kind == "remove_where" and self.subs:
            options = [(f"{self._sub_label(p)}  ({format_path(p)})", format_path(p)) for p, _ in self.subs]
            yield Static("Remove every item whose field:", classes="value-note")
            yield Select(
                options,
                value=format_path(self.sub_path),
                allow_blank=False,
                compact=True,
                id="value-sub",
            )
        note = self._note()
        if note:
            yield Static(note, classes="value-note")
        yield Static("", classes="value-error")
        yield self._make_form()

    def _sub_label(self, sub: Path) -> str:
        base = self.field.path + (WILDCARD,)
        return " › ".join(self.section.label(base + sub[:n]) for n in range(1, len(sub) + 1))

    def _note(self) -> str:
        spec, kind = self.field.spec, self.kind
        if kind == "add" and spec.kind in ("object_list", "union_list"):
            return "The item to add (press a on the list to fill it in): users who have an equal item are skipped."
        if kind == "add":
            return "The value to add: users who have it already are skipped."
        if kind == "remove_where" and not self.subs:
            return "Every item equal to this value is removed."
        if kind == "remove_where":
            return "… holds this value:"
        if kind == "set" and spec.kind in ("object_list", "union_list", "str_list", "enum_list"):
            return "The whole list every user gets (their own items are replaced)."
        return ""

    def _reference(self) -> ComposeResult:
        ref_kind = self.reference_kind
        assert ref_kind is not None
        one, many = KIND_LABELS[ref_kind]
        current = self.op.value if isinstance(self.op, Set) and isinstance(self.op.value, dict) else {}
        shown = tuple(v for v in (current.get("name") or current.get("id") or "",) if v)
        yield Static(
            f"The {one}, picked by name from the {self.directory.count(ref_kind)} {many} seen in the list "
            "(Up/Down step through the matches; an ID works too):",
            classes="value-note",
        )
        self.reference = ReferenceInput(ref_kind, self.directory, shown, compact=True, id="value-reference")
        yield self.reference
        yield Static("", classes="value-error")

    def _form_target(self) -> tuple[FieldSpec, Path, Path]:
        """(spec of the one field the form shows, the form's prefix, the field's key path in the form)."""
        spec, kind, path = self.field.spec, self.kind, self.field.path
        if kind in ("add", "remove_where") and spec.kind in ("str_list", "enum_list"):
            return _one_value(spec), path[:-1], (self.key,)
        if kind == "remove_where":
            sub = dict(self.subs).get(self.sub_path)
            assert sub is not None
            prefix = path + (0,) + self.sub_path[:-1]
            return sub, prefix, (self.sub_path[-1],)
        return spec, path[:-1], (self.key,)

    def _make_form(self) -> SectionForm:
        spec, prefix, rel = self._form_target()
        base: dict[str, Any] = {}
        initial = self._initial()
        if initial is not ABSENT:
            base[str(rel[0])] = copy.deepcopy(initial)
        elif spec.kind == "bool" and spec.required:
            base[str(rel[0])] = False  # a Switch shows off: off is the value
        self.form = SectionForm(
            self.section, base, spec=_root(spec, prefix), prefix=prefix, expand_groups=True, id="value-form"
        )
        self.form.can_focus = False  # Tab from the "Do" row goes to the value, not to the form around it
        return self.form

    def _initial(self) -> Any:
        op = self.op
        if isinstance(op, Set) and self.kind == "set":
            return op.value
        if isinstance(op, AddItem) and self.kind == "add":
            return [op.item] if self.field.spec.kind in ("object_list", "union_list") else op.item
        if isinstance(op, RemoveWhere) and self.kind == "remove_where" and op.sub_path == self.sub_path:
            return op.value
        return ABSENT

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "value-sub":
            return
        event.stop()
        wanted = next((p for p, _ in self.subs if format_path(p) == event.value), None)
        if wanted is None or wanted == self.sub_path:
            return
        self.sub_path = wanted
        if self.form is not None:
            await self.form.remove()
        await self.mount(self._make_form())

    def on_section_form_changed(self, event: SectionForm.Changed) -> None:
        event.stop()  # the value of an operation, not of a profile
        self._show_banner("")

    # -- the operation -------------------------------------------------------------------

    def commit(self) -> None:
        """Take what the focused field shows now (Ctrl+S right after typing)."""
        node: Any = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, FormField):
                node.commit()
                return
            node = node.parent

    def entered(self) -> Any:
        """What the agent has entered so far, comparable: equal before and after nothing was typed."""
        if self.reference is not None:
            return ("reference", self.reference.value.strip())
        if self.form is None:
            return None
        state = self.form.state
        return ("form", self.sub_path, copy.deepcopy(state.doc), dict(state.parse_errors))

    def operation(self) -> tuple[Operation | None, list[tuple[Path, str]]]:
        """The operation as entered, or None and what to fix, as (section path, message)."""
        path, kind = self.field.path, self.kind
        if kind == "clear":
            return Clear(path), []
        if self.reference is not None:
            return self._reference_op()
        form = self.form
        assert form is not None
        spec, prefix, rel = self._form_target()
        parse = [(prefix + p, m) for p, m in form.state.parse_errors.items()]
        if parse:
            return None, parse
        value = get(form.state.doc, rel)
        if kind == "set":
            if value is ABSENT or value is None:
                return None, [(path, NEEDS_VALUE)]
            return Set(path, value), []
        if kind == "add":
            if spec.kind in ("object_list", "union_list"):
                items = value if isinstance(value, list) else []
                if len(items) != 1:
                    text = "add the item first (a on the list)" if not items else "one item per operation"
                    return None, [(path, text)]
                return AddItem(path, items[0]), []
            if value is ABSENT or value == "":
                return None, [(path, REQUIRED)]
            return AddItem(path, value), []
        if value is ABSENT or value == "":
            return None, [(prefix + rel, REQUIRED)]
        return RemoveWhere(path, self.sub_path, value), []

    def _reference_op(self) -> tuple[Operation | None, list[tuple[Path, str]]]:
        ref_kind, ref = self.reference_kind, self.reference
        assert ref_kind is not None and ref is not None
        path = self.field.path
        text = ref.value.strip()
        one, many = KIND_LABELS[ref_kind]
        if not text:
            return None, [(path, f"type part of the {one}'s name")]
        if "," in text:
            return None, [(path, f"one {one}, not several")]
        ids, error = self.directory.resolve(ref_kind, text)
        if error:
            return None, [(path, error)]
        if len(ids) > 1:
            return None, [(path, f"{len(ids)} {many} are named {text!r}: type the ID of the one you mean")]
        name = self.directory.name_of(ref_kind, ids[0])
        value: dict[str, Any] = {"id": ids[0]}
        if name:
            value["name"] = name
        elif not is_id(text):
            value["name"] = text
        return Set(path, value), []

    def show_problems(self, problems: list[tuple[Path, str]]) -> None:
        """Mark ``problems`` (section paths) in place: under the field they name, the rest
        above the form."""
        if self.form is None:
            self._show_banner("; ".join(f"⚠ {m}" for _, m in problems))
            return
        spec, prefix, rel = self._form_target()
        placed: list[tuple[Path, str]] = []
        loose: list[str] = []
        for path, message in problems:
            if tuple(path[: len(prefix)]) == tuple(prefix) and len(path) > len(prefix):
                placed.append((tuple(path[len(prefix) :]), message))
            else:
                loose.append(message)
        self.form.set_errors(placed)
        self._show_banner("; ".join(f"⚠ {m}" for m in loose))

    def _show_banner(self, text: str) -> None:
        for banner in self.query_children(".value-error").results(Static):
            banner.update(text)
