"""Fields the section descriptions' form hints ask for (see ``FormHint`` in tui/domain/sections.py):

- :class:`CountryField`: an ISO alpha-2 country code shown and picked by name (type to search);
  the code is what is stored, a code this version does not know is offered as it is;
- :class:`PhoneField`: a PhoneNumber object typed as one number (``+44 20 7946 0000``); its
  structured fields (countryCode, nationalNumber, ...) are filled from it (tui/domain/phones.py)
  and an invalid number is marked in place. Not edited, nothing in the object changes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from tui.domain.countries import country_choices, country_name, is_country_code
from tui.domain.messages import REQUIRED
from tui.domain.paths import ABSENT
from tui.domain.phones import STRUCTURED_KEYS, fill_phone, phone_text
from tui.ui.widgets.form_fields import FieldRow, FormField, MaskedValue, display_text

__all__ = ["CountryField", "PhoneField"]


class CountryField(FieldRow):
    """A country code, picked by name."""

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        if self._masked:
            yield from super().compose_editor()
            return
        if self.read_only:
            shown = f"{country_name(value)} ({value})" if isinstance(value, str) and value else "—"
            yield Static(shown, classes="field-value", markup=False)
            return
        options = [(f"{name} ({code})", code) for name, code in country_choices()]
        if isinstance(value, str) and not is_country_code(value):
            options.insert(0, (f"{value} (not known to this version)", value))
        current = value if isinstance(value, str) else Select.NULL
        yield Select(options, value=current, allow_blank=True, compact=True, prompt="— type a country name")


class PhoneField(FormField):
    """The number of a PhoneNumber object (``rel`` is the object), as the agent types it."""

    DEFAULT_CSS = """
    PhoneField > .phone-hint { column-span: 2; padding-left: 24; height: 1; color: $foreground 50%; }
    """

    def label_text(self) -> str:
        mark = "• " if self.host.state.changed(self.rel) else "  "
        return f"{mark}{self._label} *" if not self.read_only else f"{mark}{self._label}"

    def compose_editor(self) -> ComposeResult:
        value = self.host.state.get(self.rel)
        text = phone_text(value)
        if self.host.is_hidden(self.rel):
            yield MaskedValue(display_text(self.host.masked_view(self.rel, value)), self)
        elif self.read_only:
            yield Static(text or "—", classes="field-value", markup=False)
        else:
            yield Input(text, placeholder="+44 20 7946 0000", compact=True, id="phone-number")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.apply_text(event.value)

    def commit(self) -> None:
        """Apply the number the Input shows now (Ctrl+S right after typing)."""
        if self.read_only or self.host.is_hidden(self.rel):
            return
        for child in self.query_children(Input).results(Input):
            self.apply_text(child.value)

    def apply_text(self, text: str) -> None:
        state = self.host.state
        if text == phone_text(state.get(self.rel)) and self.rel not in state.parse_errors:
            return  # nothing new (also the event an Input sends when it mounts)
        if text.strip() == phone_text(state.base_get(self.rel)).strip() and text.strip():
            for key in STRUCTURED_KEYS:  # typed back what was there: the object as it came
                self._put(key, state.base_get(self.rel + (key,)))
            self._done(None)
            return
        if not text.strip():
            self._done(REQUIRED)
            return
        item, error = fill_phone(state.get(self.rel), text)
        if error is None and isinstance(item, dict):
            for key in (*STRUCTURED_KEYS, "type"):
                self._put(key, item.get(key, ABSENT))
        self._done(error)

    def _put(self, key: str, value: object) -> None:
        path = self.rel + (key,)
        current = self.host.state.get(path)
        if value is ABSENT and current is ABSENT:
            return
        if value is not ABSENT and type(value) is type(current) and value == current:
            return
        self.host.set(path, value)

    def _done(self, error: str | None) -> None:
        state = self.host.state
        if error:
            state.set_parse_error(self.rel, error)
        else:
            state.parse_errors.pop(self.rel, None)
        self.show_error(error)
        self.edited()
