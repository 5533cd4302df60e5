"""Narrow guards around crashes in Textual itself (checked against Textual 8.2.8, the newest
release when written; pyproject allows >=8.2,<9). Each was found by the monkey test
(tests/ui/test_monkey.py) and has a Pilot test of its own (tests/ui/test_textual_fixes.py).

- ``OptionList._move_page`` raises ``KeyError: 0`` when PageUp/PageDown arrive while the list
  has no height yet (its line cache is only built for a non-empty region): the command
  palette's list right after it opens, or a Select's drop-down right after Enter. Upstream:
  textual/widgets/_option_list.py ``_move_page`` (same crash reported against SelectOverlay in
  kagan-sh/kagan-legacy#31). Guard: no lines laid out means there is no page to move by.
- ``CommandPalette`` keeps gathering commands (a worker with ``exit_on_error=True``) and
  runs timers after it was dismissed: a late ``Input.Changed`` (a key typed just before Esc)
  starts a new search while the palette's widgets are being removed, and ``query_one`` raises
  ``NoMatches: 'CommandList'``, which exits the app. :class:`CommandPalette` here stops
  everything once dismissal begins (and ignores a second ``dismiss()``: Textual's pops
  whatever screen is on top).
- ``Select`` queries its parts (``SelectOverlay``, and ``SelectCurrent``'s ``#label``) in its
  mount handler and watchers. A Select whose container is removed after the Select was
  created but before it (or its parts) composed composes nothing, as Textual mounts nothing
  into a node being pruned, and the mount handler raises ``NoMatches: 'SelectOverlay'``. In
  the app: a form recomposed and left in one burst (unsaved edits, ``2`` to change tab,
  ``y`` to drop them, Esc). Guard: a Select being removed has nothing to update; any other
  NoMatches is raised as before. (Our own ObjectList had the same hole in its ``on_mount``.)

``install()`` applies the two class-level guards once; :class:`CommandPalette` is used by the
app in place of Textual's.
"""

from __future__ import annotations

import functools
from typing import Any

from textual import work
from textual.command import CommandList
from textual.command import CommandPalette as _TextualCommandPalette
from textual.css.query import NoMatches
from textual.widgets import LoadingIndicator, OptionList, Select

from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["CommandPalette", "install"]

_GATHER = _TextualCommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]
"""The search itself, without Textual's ``@work(exit_on_error=True)`` around it."""

_installed = False


def install() -> None:
    """Apply the class-level guards (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    _guard_move_page()
    _guard_select()


def _guard_move_page() -> None:
    original = OptionList._move_page

    @functools.wraps(original)
    def _move_page(self: OptionList, direction: Any) -> None:
        if not self.scrollable_content_region:
            return  # not laid out (height or width 0): no lines to page through yet
        original(self, direction)

    OptionList._move_page = _move_page  # type: ignore[method-assign]


def _guard_select() -> None:
    def guarded(name: str) -> None:
        original = getattr(Select, name)

        @functools.wraps(original)
        def method(self: Select, *args: Any, **kwargs: Any) -> Any:
            try:
                return original(self, *args, **kwargs)
            except NoMatches:
                if not _being_removed(self):
                    raise  # a real bug
                return None  # composed while being removed: its parts were never mounted

        setattr(Select, name, method)

    for name in ("_setup_options_renderables", "_watch_value", "action_show_overlay", "_watch_prompt"):
        guarded(name)


def _being_removed(widget: Any) -> bool:
    """Textual marks every node under a removed one with ``_pruning`` (8.2.8: App._prune)."""
    return bool(getattr(widget, "_pruning", False)) or not widget.is_attached


class CommandPalette(ReportsWorkerErrors, _TextualCommandPalette):
    """Textual's command palette that stops searching once it is being dismissed (and whose
    search worker reports a failure instead of exiting the app)."""

    _dismissing = False

    def dismiss(self, result: Any = None) -> Any:
        if self._dismissing:
            return None  # a second Esc/Enter in the same burst: the palette is already going
        self._dismissing = True
        self._cancel_gather_commands()
        self._stop_busy_countdown()
        self._stop_no_matches_countdown()
        return super().dismiss(result)

    @work(exclusive=True, group=_TextualCommandPalette._GATHER_COMMANDS_GROUP, exit_on_error=False)
    async def _gather_commands(self, search_value: str) -> None:
        if self._dismissing or not self.is_attached:
            return  # a search asked for by a late Input.Changed: nothing to show it in
        try:
            await _GATHER(self, search_value)
        except NoMatches:
            if not self._widgets_gone():
                raise  # a real bug: reported by the app (exit_on_error=False)
            # the palette's widgets were removed under the search: nothing left to fill

    def _widgets_gone(self) -> bool:
        try:
            self.query_one(CommandList)
            self.query_one(LoadingIndicator)
        except NoMatches:
            return True
        return False

    def _watch__list_visible(self) -> None:
        if not self._widgets_gone():
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if not self._widgets_gone():
            await super()._watch__show_busy()
