"""Textual's Footer, recomposed only when the keys it shows change.

Textual's ``Footer`` rebuilds all its key widgets (each one styled anew) every time the
screen's bindings are updated: on mount, on every focus change, when a modal comes and goes.
At start-up that happens several times before the first rows are painted, for the same keys,
and costs more than painting the rows. :class:`KeyFooter` looks first: the same keys (key,
label, action, group, enabled, tooltip) keep the widgets it has; anything else recomposes as
Textual's does. It looks and behaves exactly like ``Footer`` otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None  # the keys of the last compose
        self._recompose_pending = False

    def _keys(self) -> tuple[Any, ...]:
        """What a compose would show now."""
        app = self.app
        keys: list[Any] = [
            (binding.key, binding.description, binding.action, binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ]
        palette = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and palette is not None:
            _, binding, enabled, tooltip = palette
            keys.append(("palette", binding.key, binding.description, enabled, tooltip or binding.tooltip))
        return tuple(keys)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if not (self.is_attached and screen is self.screen):
            super().bindings_changed(screen)
            return
        self._bindings_ready = True
        if not screen.app.app_focus or self._recompose_pending:
            return  # (as Textual's Footer: not without the app focus) / the coming compose reads them
        if self._shown is None or self._keys() != self._shown:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_keys)

    async def _recompose_keys(self) -> None:
        self._recompose_pending = False
        await self.recompose()
