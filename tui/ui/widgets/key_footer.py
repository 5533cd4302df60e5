"""The keys line at the bottom of a screen: Textual's Footer, drawn as one line.

Textual's ``Footer`` is a container of one widget per key, each styled on its own and rebuilt on
every bindings update (mount, each focus change, modals). At start-up that was more CPU than
painting the first rows. :class:`KeyFooter` shows the same keys the same way (the same choice
of bindings, the same theme variables, compact or not, the command palette key on the right
after a thin bar) but renders them as one line of text, recomputed only when the keys or the
width change. A click on a key presses it, as on Textual's; a disabled key rings the bell.
Hovering a key shows its tooltip and highlights it. (Textual's grouped bindings are shown one
key each; no screen of this app groups its bindings.)

Which hints are drawn is :meth:`KeyFooter.choose`'s: all of them here (cut off at the palette
key when they do not fit, as Textual's are); FitFooter (fit_footer.py) leaves some out whole.

tests/ui/test_key_footer.py compares it cell by cell with Textual's Footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["FooterHint", "FooterLayout", "KeyFooter"]


@dataclass(frozen=True, slots=True)
class FooterHint:
    """One key as the footer shows it."""

    key: str  # the binding's key(s), what a click presses
    display: str  # how the key is shown ("^p", "/")
    description: str
    action: str
    enabled: bool
    tooltip: str
    palette: bool = False


class FooterLayout(NamedTuple):
    """Where the hints go at one width: ``(x, cells, hint)`` of each hint drawn left to right
    (a compact hint's cells include the blank after it), the palette key's the same way (its
    bar and the blank cell after it included), and ``room``, the cells left of the palette key.
    A hint reaching past ``room`` is cut off there."""

    hints: tuple[tuple[int, int, FooterHint], ...]
    palette: tuple[int, int, FooterHint] | None
    room: int


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--bar",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--item { background: $footer-item-background; }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
    KeyFooter > .key-footer--bar { color: $foreground 20%; }
    """

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, classes="-compact" if compact else "")
        self.compact = compact
        self.show_command_palette = show_command_palette
        self._hints: tuple[FooterHint, ...] = ()
        self._layout: tuple[tuple[tuple[FooterHint, ...], int], FooterLayout] | None = None
        self._hover: FooterHint | None = None
        self._pending = False  # an update of the keys is on its way

    # -- which keys --------------------------------------------------------------------------
    def on_mount(self) -> None:
        # the keys come with the screen's first bindings update, as Textual's Footer's do (the
        # screen's check_action may need what the screen sets up once it is mounted)
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # (as Textual's Footer: the keys stay as they are while the app has lost the focus)
        if self.is_attached and screen is self.screen and screen.app.app_focus and not self._pending:
            self._pending = True
            self.call_after_refresh(self._update_keys)  # (once the screen is set up, as Textual's)

    def _update_keys(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        hints = self._current_hints()
        if hints != self._hints:
            self._hints = hints
            self._hover = None
            self.refresh()

    def _current_hints(self) -> tuple[FooterHint, ...]:
        """What Textual's Footer composes: each shown binding's action once (its first binding),
        in the screen's order, then the command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        seen: set[str] = set()
        hints: list[FooterHint] = []
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                display = app.get_key_display(binding)
                hints.append(FooterHint(binding.key, display, binding.description, binding.action, enabled, tooltip))
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and palette is not None:
            _, binding, enabled, _ = palette
            hints.append(
                FooterHint(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    binding.tooltip or binding.description,
                    palette=True,
                )
            )
        return tuple(hints)

    @property
    def hints(self) -> tuple[FooterHint, ...]:
        """Every key the footer has to show (the palette key last), drawn or not."""
        return self._hints

    def hint_cells(self, hint: FooterHint) -> int:
        """Cells a hint takes left of the palette key (a compact one's blank after it included)."""
        cells = cell_len(hint.display)
        if hint.description:
            cells += 1 + cell_len(hint.description) if self.compact else 3 + cell_len(hint.description)
        return cells + 1 if self.compact else cells

    def choose(self, hints: Sequence[FooterHint], room: int) -> Sequence[FooterHint]:
        """The hints to draw, in order, with ``room`` cells left of the palette key: all of them
        (those that do not fit are cut off, as Textual's are)."""
        return hints

    def layout(self, width: int | None = None) -> FooterLayout:
        """Where the hints go at ``width`` (the footer's own by default); kept until the keys or
        the width change."""
        width = self.size.width if width is None else width
        if self._layout is not None and self._layout[0] == (self._hints, width):
            return self._layout[1]
        palette = next((h for h in self._hints if h.palette), None)
        right = None
        room = width
        if palette is not None:  # a bar, the key in the compact style, one cell after
            desc = 1 + cell_len(palette.description) if palette.description else 0
            cells = 1 + cell_len(palette.display) + desc + 1
            room = max(0, width - cells)
            right = (room, cells, palette)
        placed: list[tuple[int, int, FooterHint]] = []
        x = 0
        for hint in self.choose([h for h in self._hints if not h.palette], room):
            cells = self.hint_cells(hint)
            placed.append((x, cells, hint))
            x += cells
        laid = FooterLayout(tuple(placed), right, room)
        self._layout = ((self._hints, width), laid)
        return laid

    # -- drawing -----------------------------------------------------------------------------
    def _item_segments(self, hint: FooterHint, compact: bool) -> list[Segment]:
        base = self.rich_style + self.get_component_rich_style("key-footer--item")
        if hint is self._hover:
            base += self.get_component_rich_style("key-footer--hover")
        if not hint.enabled:
            base += Style(dim=True)
        key_style = base + self.get_component_rich_style("key-footer--key")
        if not hint.description:
            return [Segment(hint.display, key_style)]
        text_style = base + self.get_component_rich_style("key-footer--description")
        if compact:
            return [Segment(hint.display, key_style), Segment(" " + hint.description, text_style)]
        return [Segment(f" {hint.display} ", key_style), Segment(hint.description + " ", text_style)]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        blank = Style.from_color(bgcolor=self.rich_style.bgcolor)  # margins and the rest: background only
        if y != 0 or width <= 0:
            return Strip.blank(width, blank)
        laid = self.layout(width)
        left: list[Segment] = []
        for _, _, hint in laid.hints:
            left += self._item_segments(hint, self.compact)
            if self.compact:
                left.append(Segment(" ", blank))  # (the margin between keys)
        right: list[Segment] = []
        if laid.palette is not None:
            item = self.rich_style + self.get_component_rich_style("key-footer--item")
            bar = item + self.get_component_rich_style("key-footer--bar")
            right = [Segment("▏", bar), *self._item_segments(laid.palette[2], compact=True)]
            right.append(Segment(" ", Style.from_color(bgcolor=item.bgcolor)))  # its margin or padding
        line = Strip.join([Strip(left).crop_extend(0, laid.room, blank), Strip(right)])
        return line.crop_extend(0, width, blank)

    # -- mouse -------------------------------------------------------------------------------
    def _hint_at(self, x: int) -> FooterHint | None:
        laid = self.layout()
        if laid.palette is not None and x >= laid.room:
            return laid.palette[2]
        margin = 1 if self.compact else 0  # (the blank after a compact key is not the key's)
        return next((hint for start, cells, hint in laid.hints if start <= x < start + cells - margin), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hint = self._hint_at(event.x)
        if hint is not self._hover:
            self._hover = hint
            self.tooltip = (hint.tooltip or hint.description) if hint is not None else None
            self.refresh()

    def on_leave(self, _: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hint = self._hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()
