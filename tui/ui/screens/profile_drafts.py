"""The profile screen's part of drafts (a part of :class:`~tui.ui.screens.profile.ProfileScreen`,
kept apart to keep that file short): which tabs have a draft ("1 draft" on the tab where the
words fit, else ✎; see tui/ui/widgets/tab_labels.py), asked of the cache file once the screen
is up and kept in step as tabs keep, push or drop their drafts. Opening such a tab puts the
draft into its form (tui/ui/widgets/section_drafts.py)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from tui.ui.drafts_wiring import DraftsUnavailableError, drafts_for
from tui.ui.widgets.section_drafts import PaneDraftChanged
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["ProfileDraftsMixin"]

if TYPE_CHECKING:  # the screen it is mixed into
    from textual.screen import Screen as _Host
else:
    _Host = object


class ProfileDraftsMixin(ReportsWorkerErrors, _Host):
    """The screen gives ``backend``, ``user_id`` and ``_relabel``."""

    backend: Any
    user_id: str
    draft_keys: frozenset[str] = frozenset()
    """The sections of this user that have a draft."""

    def _relabel(self) -> None:
        raise NotImplementedError

    def load_draft_marks(self) -> None:
        if drafts_for(self.backend) is not None:
            self.run_worker(self._load_draft_marks(), group="draft-marks", exclusive=True, exit_on_error=False)

    async def _load_draft_marks(self) -> None:
        drafts = drafts_for(self.backend)
        if drafts is None:
            return
        try:
            keys = await drafts.sections_with_drafts(self.user_id)
        except (DraftsUnavailableError, sqlite3.Error):
            return  # no drafts to mark (saving one says why)
        if keys != self.draft_keys:
            self.draft_keys = keys
            self._relabel()

    def on_pane_draft_changed(self, message: PaneDraftChanged) -> None:
        key = message.pane.section.key
        keys = (self.draft_keys | {key}) if message.has_draft else (self.draft_keys - {key})
        if keys != self.draft_keys:
            self.draft_keys = frozenset(keys)
            self._relabel()
