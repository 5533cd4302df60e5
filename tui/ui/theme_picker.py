"""The theme picker (Ctrl+T, or "Switch theme" in the palette): the bundled themes first, then
the agent's own, then Textual's built-in ones; the one chosen is saved to the config file."""

from __future__ import annotations

from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["ThemePicker", "ThemeChooser"]


class ThemeChooser(Protocol):
    """What the picker needs of the app."""

    def theme_choices(self) -> list[tuple[str, str]]:
        """``(theme name, where it comes from)`` in the order to show them."""
        ...

    def choose_theme(self, name: str) -> None: ...


class ThemePicker(Provider):
    def _choices(self) -> list[tuple[str, str]]:
        app: ThemeChooser = self.app  # type: ignore[assignment]
        return app.theme_choices()

    def _choose(self, name: str) -> None:
        app: ThemeChooser = self.app  # type: ignore[assignment]
        app.choose_theme(name)

    async def discover(self) -> Hits:
        for name, origin in self._choices():
            yield DiscoveryHit(name, partial(self._choose, name), help=origin)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, origin in self._choices():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._choose, name), text=name, help=origin)
