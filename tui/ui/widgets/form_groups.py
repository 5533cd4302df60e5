"""Nested objects of the section form, and the one builder that picks a widget per field.

:func:`build_field` maps a :class:`FieldSpec` (and a path relative to the form root) to its
widget; groups call it again for their children, lazily: a collapsed group mounts its fields
the first time it is expanded, so even the biggest section mounts quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widget import Widget
from textual.widgets import Collapsible, Select, Static

from tui.domain.cache_crypto import NOT_CACHED
from tui.domain.form_schema import SCALAR_KINDS, FieldSpec, Variant, variant_of
from tui.domain.paths import ABSENT, Path
from tui.domain.phones import STRUCTURED_KEYS
from tui.domain.sections import FormHint
from tui.ui.widgets.form_fields import CHANGED_MARK, FieldRow, FormHost, NotCachedField
from tui.ui.widgets.form_hinted_fields import CountryField, PhoneField
from tui.ui.widgets.form_list_fields import EnumListField, JsonField, StrListField

__all__ = ["build_field", "build_children", "FormGroup", "ObjectGroup", "UnionGroup", "MoreGroup", "ordered_children"]


def ordered_children(spec: FieldSpec, order: tuple[str, ...] = ()) -> list[FieldSpec]:
    keys = [c.key for c in spec.children]
    first = [k for k in order if k in keys]
    by_key = {c.key: c for c in spec.children}
    return [by_key[k] for k in first] + [c for c in spec.children if c.key not in first]


def build_children(
    host: FormHost,
    spec: FieldSpec,
    rel: Path,
    *,
    read_only: bool = False,
    order: tuple[str, ...] = (),
    expanded: Callable[[FieldSpec], bool] | None = None,
) -> list[Widget]:
    """The widgets of an object's fields. The section's form hint for the object (if any) puts
    its primary fields first, in its order, and the rest under a collapsed "More" group; a
    phone's number comes first, typed as one."""
    hint = _hint(host, rel)
    if expanded is None:
        deep = getattr(host, "expand_groups", False)  # item editors: every present group open

        def expanded(child: FieldSpec) -> bool:
            return deep and host.state.get(rel + (child.key,)) not in (ABSENT, None)

    primary = hint.primary if hint is not None else ()
    children = ordered_children(spec, primary or order)
    out: list[Widget] = []
    if hint is not None and hint.phone:
        out.append(PhoneField(host, spec, rel, read_only=read_only, label="Number"))
        children = [c for c in children if c.key not in STRUCTURED_KEYS or c.key in primary]
    shown = [c for c in children if not primary or c.key in primary]
    rest = [c for c in spec.children if c not in shown]
    for child in shown:
        widget = build_field(host, child, rel + (child.key,), read_only=read_only, expanded=expanded(child))
        if widget is not None:
            out.append(widget)
    if primary and rest:
        out.append(MoreGroup(host, spec, rel, tuple(rest), read_only=read_only, expanded=expanded))
    return out


def _hint(host: FormHost, rel: Path) -> FormHint | None:
    lookup = getattr(host.section, "hint", None)
    return lookup(host.full(rel)) if lookup is not None else None


def build_field(
    host: FormHost, spec: FieldSpec, rel: Path, *, read_only: bool = False, expanded: bool = False
) -> Widget | None:
    """The widget for one field; None for a deprecated field the document does not have."""
    value = host.state.get(rel)
    if isinstance(value, str) and value == NOT_CACHED:  # offline: kept out of the cache
        return NotCachedField(host, spec, rel)
    if spec.deprecated:
        if value is ABSENT:
            return None  # not offered for new edits
        read_only = True
    read_only = read_only or spec.read_only
    kind = spec.kind
    if kind == "text" and getattr(host.section, "is_country", lambda _: False)(host.full(rel)):
        return CountryField(host, spec, rel, read_only=read_only)
    if kind in SCALAR_KINDS:
        return FieldRow(host, spec, rel, read_only=read_only)
    if kind == "enum_list":
        return EnumListField(host, spec, rel, read_only=read_only)
    if kind == "str_list":
        return StrListField(host, spec, rel, read_only=read_only)
    if kind == "object":
        if value is not ABSENT and value is not None and not isinstance(value, dict):
            return JsonField(host, spec, rel)
        inline = _inline_child(spec)
        if inline is not None:
            return FieldRow(
                host,
                inline,
                rel + (inline.key,),
                read_only=read_only,
                label=host.label_for(spec, rel),
                owner=spec,
                owner_rel=rel,
            )
        return ObjectGroup(host, spec, rel, read_only=read_only, collapsed=not expanded)
    if kind in ("object_list", "union_list"):
        if value is not ABSENT and value is not None and not isinstance(value, list):
            return JsonField(host, spec, rel)
        from tui.ui.widgets.object_list import ObjectList

        return ObjectList(host, spec, rel, read_only=read_only)
    if kind == "union":
        if value is not ABSENT and value is not None and not isinstance(value, dict):
            return JsonField(host, spec, rel)
        return UnionGroup(host, spec, rel, read_only=read_only, collapsed=not expanded)
    return JsonField(host, spec, rel)


def _inline_child(spec: FieldSpec) -> FieldSpec | None:
    """A one-field object (``{"iso8601": ...}``) is shown as one row."""
    if len(spec.children) == 1 and spec.children[0].kind in SCALAR_KINDS and not spec.children[0].deprecated:
        return spec.children[0]
    return None


class FormGroup(Collapsible):
    """A titled, collapsible fieldset whose fields are mounted on first expand."""

    DEFAULT_CSS = """
    FormGroup { padding: 0 0 0 1; border-top: none; border-left: tall $panel; height: auto;
             background: $surface; margin: 0 0 0 0; }
    FormGroup > Contents { padding: 0 0 0 1; }
    FormGroup.-changed > CollapsibleTitle { color: $warning; text-style: bold; }
    FormGroup.-error > CollapsibleTitle { color: $error; }
    FormGroup > CollapsibleTitle { padding: 0 1 0 0; }
    FormGroup .group-note { color: $foreground 50%; height: auto; }
    """

    def __init__(
        self, host: FormHost, spec: FieldSpec, rel: Path, *, read_only: bool = False, collapsed: bool = True
    ) -> None:
        self.host = host
        self.spec = spec
        self.rel = rel
        self.read_only = read_only
        self._built = False
        super().__init__(title=self._title_text(), collapsed=collapsed)
        if not collapsed:
            self._contents_list.extend(self._build())
            self._built = True

    @property
    def path(self) -> Path:
        return self.host.full(self.rel)

    def _title_text(self) -> str:
        mark = f"{CHANGED_MARK} " if self.host.state.changed(self.rel) else ""
        value = self.host.state.get(self.rel)
        empty = "  (empty)" if value is ABSENT or value is None else ""
        ro = "  (read-only)" if self.read_only else ""
        return f"{mark}{self.host.label_for(self.spec, self.rel)}{self._suffix()}{empty}{ro}"

    def _suffix(self) -> str:
        return ""

    def _build(self) -> list[Widget]:
        raise NotImplementedError

    def on_collapsible_expanded(self, event: Collapsible.Expanded) -> None:
        if event.collapsible is not self:
            return
        if not self._built:
            self._built = True
            contents = self.query_one(Collapsible.Contents)
            contents.mount_all(self._build())

    def refresh_mark(self) -> None:
        self.set_class(self.host.state.changed(self.rel), "-changed")
        text = self._title_text()
        if text != self.title:
            self.title = text

    def on_mount(self) -> None:
        self.set_class(self.host.state.changed(self.rel), "-changed")

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-error")
        self.title = self._title_text() + (f"  ⚠ {message}" if message else "")

    def expand(self) -> None:
        self.collapsed = False


class ObjectGroup(FormGroup):
    """A nested object: its fields in a collapsible fieldset."""

    def _build(self) -> list[Widget]:
        return build_children(self.host, self.spec, self.rel, read_only=self.read_only)


class MoreGroup(FormGroup):
    """The fields of an object that its form hint does not put up front, collapsed as "More"."""

    def __init__(
        self,
        host: FormHost,
        spec: FieldSpec,
        rel: Path,
        fields: tuple[FieldSpec, ...],
        *,
        read_only: bool = False,
        expanded: Callable[[FieldSpec], bool] | None = None,
    ) -> None:
        self.fields = fields
        self._expanded = expanded
        super().__init__(host, spec, rel, read_only=read_only, collapsed=True)
        self.add_class("-more")

    def covers(self, path: Path) -> bool:
        """Whether ``path`` (from the form root) is in one of its fields."""
        n = len(self.rel)
        return len(path) > n and tuple(path[:n]) == self.rel and path[n] in {f.key for f in self.fields}

    def _changed(self) -> bool:
        return any(self.host.state.changed(self.rel + (f.key,)) for f in self.fields)

    def _title_text(self) -> str:
        mark = f"{CHANGED_MARK} " if self._changed() else ""
        filled = sum(1 for f in self.fields if self.host.state.get(self.rel + (f.key,)) not in (ABSENT, None))
        n = len(self.fields)
        return f"{mark}More ({n} field{'' if n == 1 else 's'}, {filled} filled)"

    def _build(self) -> list[Widget]:
        out = []
        for child in self.fields:
            widget = build_field(
                self.host,
                child,
                self.rel + (child.key,),
                read_only=self.read_only,
                expanded=bool(self._expanded and self._expanded(child)),
            )
            if widget is not None:
                out.append(widget)
        return out

    def refresh_mark(self) -> None:
        self.set_class(self._changed(), "-changed")
        text = self._title_text()
        if text != self.title:
            self.title = text

    def on_mount(self) -> None:
        self.set_class(self._changed(), "-changed")


class UnionGroup(FormGroup):
    """One object that is one of several kinds (oneOf): the kind, then that kind's fields.

    The kind of a present value is fixed (shown in the title); for an absent value the agent
    picks it first."""

    def __init__(self, host: FormHost, spec: FieldSpec, rel: Path, **kw: Any) -> None:
        self.variant: Variant | None = variant_of(spec, host.state.get(rel))
        super().__init__(host, spec, rel, **kw)

    def _suffix(self) -> str:
        return f" ({self.variant.label})" if self.variant else ""

    def _build(self) -> list[Widget]:
        if self.variant is not None:
            return build_children(self.host, self.variant.spec, self.rel, read_only=self.read_only)
        if self.read_only:
            return [Static("—", classes="group-note")]
        options = [(v.label, v.name) for v in self.spec.variants]
        return [Select(options, prompt="Pick the kind", compact=True, classes="union-kind")]

    def on_select_changed(self, event: Select.Changed) -> None:
        if not event.select.has_class("union-kind"):
            return
        event.stop()
        chosen = next((v for v in self.spec.variants if v.name == event.value), None)
        if chosen is None or self.variant is not None:
            return
        self.variant = chosen
        contents = self.query_one(Collapsible.Contents)
        contents.mount_all(build_children(self.host, chosen.spec, self.rel, read_only=self.read_only))
        event.select.display = False
        self.title = self._title_text()
