"""The generic section form: one builder for every section, driven by the section's model.

    form = SectionForm(section("personal"), base_json)
    form.value            # deep copy of the base with the agent's edits applied at field paths
    form.changed_paths    # {("name", "given"), ("addresses", 2), ...}
    form.has_changes
    form.validate()       # [(path, message)] from the model + unparsable field text; marks fields
    form.set_errors(errs) # [(path, message)] (or objects with .path/.message), e.g. from the server
    form.reveal(path)     # after the screen has audited a SectionForm.RevealRequested
    form.reset(new_base)  # after a save

Nothing is re-serialised through the model: unknown fields, untouched fields and their exact
JSON types survive. Values at the section's masked paths show masked and read-only until
revealed (``r`` on the masked value, ``ctrl+r`` on the focused field or list row).

The same widget is the sub-form of the item editor (``spec``/``prefix`` of one list item).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tui.domain.cache_crypto import NOT_CACHED
from tui.domain.form_schema import FieldSpec, form_fields, validation_errors
from tui.domain.masking import (
    is_masked,
    is_revealed,
    mask_unrevealed,
    mask_value,
    revealed_after_removal,
    revealed_kept,
)
from tui.domain.paths import ABSENT, Path, format_path, get, parse_path, set_at
from tui.ui.widgets.form_fields import NOT_CACHED_TEXT, FormField
from tui.ui.widgets.form_groups import FormGroup, _inline_child, build_children, ordered_children
from tui.ui.widgets.form_state import FormState
from tui.ui.widgets.object_list import ObjectList
from tui.ui.widgets.warnings_view import place_field_warnings

__all__ = ["SectionForm"]

ErrorLike = Any  # (path, message) or an object with .path and .message


class SectionForm(VerticalScroll):
    BINDINGS = [Binding("ctrl+r", "reveal_focused", "Reveal", show=False, id="form.reveal")]
    DEFAULT_CSS = """
    SectionForm { height: 1fr; width: 1fr; padding: 0 1 0 0; background: $surface; }
    SectionForm > .form-errors { display: none; color: $error; background: $error 15%; height: auto;
        padding: 0 1; }
    SectionForm.-error > .form-errors { display: block; }
    SectionForm > .form-note { color: $foreground 50%; height: auto; padding: 0 1; }
    """

    class _FormMessage(Message):
        """A message of the form: ``form`` (and ``control``) is the form that sent it."""

        _form: SectionForm | None = None

        @property
        def form(self) -> SectionForm | None:
            return self._form or (self._sender if isinstance(self._sender, SectionForm) else None)

        @property
        def control(self) -> SectionForm | None:
            return self.form

    class Changed(_FormMessage):
        """The agent changed something (``paths``: every changed path, as ``changed_paths``)."""

        def __init__(self, paths: set[Path] | None = None, form: SectionForm | None = None) -> None:
            super().__init__()
            self.paths: set[Path] = set(paths or ())
            self._form = form

    class RevealRequested(_FormMessage):
        """The agent asked to see a masked value; the screen audits it, then calls
        ``form.reveal(path)`` (``path`` from the section root)."""

        def __init__(self, path: Path, form: SectionForm | None = None) -> None:
            super().__init__()
            self.path: Path = tuple(path)
            self._form = form

    def __init__(
        self,
        section: Any,
        base: Any,
        *,
        read_only: bool = False,
        spec: FieldSpec | None = None,
        prefix: Path = (),
        revealed: set[Path] | None = None,
        expand_groups: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.section = section
        self.spec = spec or form_fields(section.model, section.label)
        self.prefix = tuple(prefix)
        self.read_only = read_only or not getattr(section, "editable", True)
        self.state = FormState(base)
        self.expand_groups = expand_groups
        self._revealed: set[Path] = revealed if revealed is not None else set()
        self._errors: dict[Path, str] = {}
        self._form_errors: list[str] = []
        self._children_forms: list[SectionForm] = []
        self._flat: Path | None = None
        self._warnings: list[Any] = []

    # -- building --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-errors", markup=False)
        spec, rel = self.spec, ()
        children = ordered_children(spec, getattr(self.section, "field_order", ()) if not self.prefix else ())
        if len(children) == 1 and children[0].kind == "object" and _inline_child(children[0]) is None and self.prefix:
            spec, rel = children[0], (children[0].key,)  # a wrapper item ({"passport": {...}}): its fields
            children = ordered_children(spec)
            self._flat = rel

        def expanded(child: FieldSpec) -> bool:
            present = self.state.get(rel + (child.key,)) not in (ABSENT, None)
            return self.expand_groups or (present and not rel)

        order = tuple(c.key for c in children)
        yield from build_children(self, spec, rel, read_only=self.read_only, order=order, expanded=expanded)
        unknown = [k for k in self.state.doc if k not in {c.key for c in self.spec.children}]
        if unknown:
            names = ", ".join(unknown[:4]) + (" …" if len(unknown) > 4 else "")
            yield Static(f"Also kept as received: {names}", classes="form-note", markup=False)

    # -- what fields ask of the form (FormHost) -----------------------------------------------

    def full(self, rel: Path) -> Path:
        return self.prefix + tuple(rel)

    def label_for(self, spec: FieldSpec, rel: Path) -> str:
        return spec.label or self.section.label(self.full(rel))

    def is_revealed(self, full_path: Path) -> bool:
        return is_revealed(full_path, self._revealed)

    def is_hidden(self, rel: Path) -> bool:
        """Masked on screen: a value from the base copy at a masked path, not yet revealed
        (what the agent types in is theirs to see)."""
        base = self.state.base_get(rel)
        if base in (ABSENT, None) or (isinstance(base, str) and base == NOT_CACHED):
            return False  # (not cached offline: nothing to hide, nothing to reveal)
        full = self.full(rel)
        return is_masked(self.section, full) and not self.is_revealed(full)

    def masked_view(self, rel: Path, value: Any) -> Any:
        """``value`` (at ``rel``) with every masked, unrevealed part masked ("not cached"
        offline copies show as such)."""
        return mask_unrevealed(self.section, self.full(rel), value, self._revealed, _mask_cached)

    def error_for(self, rel: Path) -> str | None:
        return self._errors.get(tuple(rel)) or self.state.parse_errors.get(tuple(rel))

    def field_edited(self, widget: Widget, rel: Path) -> None:
        self._errors.pop(tuple(rel), None)
        for node in [widget, *widget.ancestors]:
            if node is self:
                break
            refresh = getattr(node, "refresh_mark", None)
            if refresh is not None:
                refresh()
        self.post_message(self.Changed(self.changed_paths, self))

    def request_reveal(self, rel: Path) -> None:
        self.post_message(self.RevealRequested(self.full(rel), self))

    def item_removed(self, rel: Path, index: int) -> None:
        """A list item went away: the reveals of the items after it move up with them (a reveal
        must never come to show another item)."""
        self._set_revealed(revealed_after_removal(self._revealed, self.full(rel), index))

    # -- public API --------------------------------------------------------------------------

    @property
    def base(self) -> dict:
        return self.state.base

    @property
    def value(self) -> dict:
        return self.state.value

    @property
    def changed_paths(self) -> set[Path]:
        return self.state.changed_paths

    @property
    def has_changes(self) -> bool:
        return self.state.has_changes

    def validate(self) -> list[tuple[Path, str]]:
        """Problems that block a save, as (path from the form root, message); also marked."""
        errors = list(self.state.parse_errors.items())
        seen = {p for p, _ in errors}
        target = self.spec.model if self.spec.model is not None else self.spec
        doc = self.state.doc
        if self._flat and get(doc, self._flat) is ABSENT:
            doc = copy.deepcopy(doc)  # an empty wrapper item: report its fields, not the wrapper
            set_at(doc, self._flat, {})
        for path, message in validation_errors(target, doc):
            if path not in seen:
                errors.append((path, message))
        self.set_errors(errors)
        return errors

    def set_errors(self, errors: Iterable[ErrorLike]) -> None:
        """Mark fields with messages (replacing earlier marks); ``()`` or unknown paths go to
        the banner at the top. Collapsed groups holding an error are expanded."""
        self._errors = {}
        self._form_errors = []
        for item in errors:
            path, message = _unpack(item)
            self._errors[path] = message
        owners: dict[int, tuple[Widget, list[str]]] = {}
        widgets = list(self._markable())
        for path, message in self._errors.items():
            owner = self._owner(widgets, path)
            if owner is None:
                where = format_path(path)
                self._form_errors.append(f"{where}: {message}" if where else message)
                continue
            if isinstance(owner, FormGroup) and owner.rel != path:
                owner.expand()  # its fields mount and show their own errors
                owners.setdefault(id(owner), (owner, []))
                continue
            text = message
            if owner.rel != path and not _is_inline_owner(owner, path):
                text = f"{self._relative_label(owner, path)}: {message}"
            owners.setdefault(id(owner), (owner, []))[1].append(text)
        for widget in widgets:
            entry = owners.get(id(widget))
            own = self.state.parse_errors.get(widget.rel) if isinstance(widget, FormField) else None
            messages = entry[1] if entry else []
            if own and own not in messages:
                messages = [own, *messages]
            if isinstance(widget, FormGroup):
                widget.set_class(bool(entry), "-error")
            else:
                widget.show_error("; ".join(messages) if messages else None)
        banner = self.query_one(".form-errors", Static)
        banner.update("\n".join(f"⚠ {m}" for m in self._form_errors))
        self.set_class(bool(self._form_errors), "-error")

    @property
    def errors(self) -> list[tuple[Path, str]]:
        """The marks shown now (from ``set_errors`` / ``validate``), as (path, message)."""
        return list(self._errors.items())

    def set(self, path: Path | str, value: Any) -> None:
        """Edit from code (as if the agent had typed it): ``ABSENT`` removes the key."""
        path = parse_path(path) if isinstance(path, str) else tuple(path)
        if value is ABSENT:
            changed = self.state.clear(path)
        else:
            changed = self.state.set(path, value)
        self._errors.pop(path, None)
        for widget in list(self._markable()):
            rel = widget.rel
            n = min(len(rel), len(path))
            if rel[:n] != path[:n] and getattr(widget, "owner_rel", None) != path:
                continue
            if isinstance(widget, FormField) and len(rel) >= len(path):
                widget.refresh(recompose=True)
            elif isinstance(widget, ObjectList):
                widget.refresh_rows()
            widget.refresh_mark()
            if len(rel) >= len(path):
                widget.show_error(None)
        if changed:
            self.post_message(self.Changed(self.changed_paths, self))

    def reveal(self, path: Path | str) -> None:
        """Show the masked values at (and below) ``path`` (from the section root)."""
        path = parse_path(path) if isinstance(path, str) else tuple(path)
        self._revealed.add(path)
        for widget in self.query(FormField).results():
            widget.refresh_mask()
        for widget in self.query(ObjectList).results():
            widget.refresh_mask()
        for child in list(self._children_forms):
            if child.is_attached:
                child.reveal(path)

    @property
    def revealed(self) -> frozenset[Path]:
        return frozenset(self._revealed)

    def _set_revealed(self, paths: set[Path]) -> None:
        self._revealed.clear()  # the same set object: item-editor sub-forms share it
        self._revealed.update(paths)

    def reset(self, new_base: Any, value: Any = None) -> None:
        """Start over from a new base copy (e.g. the server's copy after a save); ``value``
        (default: the base) is what the fields show, e.g. edits kept as pending on the new
        copy. The fields are rebuilt on the next refresh. Reveals of list items stay only where
        the same item is at the same place in the new copy."""
        if not self.prefix:
            self._set_revealed(revealed_kept(self._revealed, self.state.doc, new_base))
        self.state.reset(new_base, value)
        self._errors = {}
        self._form_errors = []
        self.set_class(False, "-error")
        self.refresh(recompose=True)
        self.post_message(self.Changed(set(), self))

    def set_warnings(self, warnings: Iterable[Any]) -> None:
        """Show warnings (:class:`tui.domain.warnings.ProfileWarning`) next to their fields,
        replacing earlier ones; kept across rebuilds of the form."""
        self._warnings = list(warnings)
        place_field_warnings(self, self._warnings)

    async def recompose(self) -> None:
        await super().recompose()
        if self._warnings:
            place_field_warnings(self, self._warnings)

    def attach_child(self, form: SectionForm) -> None:
        """A sub-form (item editor) that follows this form's reveals."""
        self._children_forms.append(form)

    def detach_child(self, form: SectionForm) -> None:
        if form in self._children_forms:
            self._children_forms.remove(form)

    def field_widget(self, path: Path | str) -> Widget | None:
        """The mounted widget for ``path`` (a field, group or list), if any."""
        path = parse_path(path) if isinstance(path, str) else tuple(path)
        for widget in self._markable():
            if widget.rel == path or getattr(widget, "owner_rel", None) == path:
                return widget
        return None

    # -- internals -----------------------------------------------------------------------

    def _markable(self) -> Iterable[Any]:
        for widget in self.query("*").results():
            if isinstance(widget, (FormField, FormGroup, ObjectList)) and _form_of(widget) is self:
                yield widget

    @staticmethod
    def _owner(widgets: list[Any], path: Path) -> Any:
        best, best_depth = None, -1.0
        for widget in widgets:
            rel = widget.rel
            covers = getattr(widget, "covers", None)  # a "More" group: only its own fields
            if covers is not None:
                depth = len(rel) + 0.5 if covers(path) else -1.0
            elif _is_inline_owner(widget, path) or (len(rel) <= len(path) and path[: len(rel)] == rel):
                depth = float(len(rel))
            else:
                depth = -1.0
            if depth > best_depth:
                best, best_depth = widget, depth
        return best

    def _relative_label(self, owner: Any, path: Path) -> str:
        rest = path[len(owner.rel) :]
        parts = []
        for i, key in enumerate(rest):
            if isinstance(key, int):
                parts.append(f"item {key + 1}")
            elif key and key[0].isupper():
                continue
            else:
                parts.append(self.section.label(self.full(path[: len(owner.rel) + i + 1])).lower())
        return " › ".join(parts) or "value"

    def action_reveal_focused(self) -> None:
        node = self.screen.focused
        while node is not None and node is not self:
            if isinstance(node, ObjectList):
                node.action_reveal()
                return
            if isinstance(node, FormField) and self.is_hidden(node.rel):
                self.request_reveal(getattr(node, "owner_rel", None) or node.rel)
                return
            node = node.parent


def _mask_cached(value: Any) -> Any:
    """:func:`mask_value`, but the offline cache's "not cached" placeholder stays readable."""
    if isinstance(value, str) and value == NOT_CACHED:
        return NOT_CACHED_TEXT
    return mask_value(value)


def _form_of(widget: Widget) -> SectionForm | None:
    for node in widget.ancestors:
        if isinstance(node, SectionForm):
            return node
    return None


def _is_inline_owner(widget: Any, path: Path) -> bool:
    return getattr(widget, "owner_rel", None) == path


def _unpack(item: ErrorLike) -> tuple[Path, str]:
    if isinstance(item, tuple) and len(item) == 2:
        path, message = item
    else:
        path, message = item.path, item.message
    if isinstance(path, str):
        path = parse_path(path)
    return tuple(path), str(message)
