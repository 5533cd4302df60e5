"""The dialogs a save asks through (:class:`~tui.ui.draft_push.SaveDialogs`), for the screens that
save or push: the usual diff confirm (:class:`DiffConfirmScreen`) and conflict view
(:class:`ConflictScreen`), the same for a profile tab and for the drafts screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tui.domain.diff import DiffLine
from tui.domain.merge import ConflictDecision, MergeResult
from tui.domain.sections import Section
from tui.domain.warnings import ProfileWarning
from tui.ui.draft_push import Reveal, SaveAnswer, SaveMode
from tui.ui.screens.conflict import ConflictScreen
from tui.ui.screens.diff_confirm import DRAFT, DiffConfirmScreen

__all__ = ["DialogsHost", "OFFLINE_NOTE"]

OFFLINE_NOTE = "Offline: nothing is sent. y keeps these changes as a draft, to push when back online."

if TYPE_CHECKING:  # the screen it is mixed into
    from textual.screen import Screen as _Host
else:
    _Host = object


class DialogsHost(_Host):
    """A screen's :class:`~tui.ui.draft_push.SaveDialogs`."""

    async def confirm_save(
        self,
        section: Section,
        lines: list[DiffLine],
        target: str,
        on_reveal: Reveal,
        warnings: Sequence[ProfileWarning] = (),
        *,
        mode: SaveMode = "send",
        note: str = "",
    ) -> SaveAnswer:
        """The diff to confirm: "send", "draft" (kept as a draft, nothing sent) or None (no)."""
        offline = mode == "draft"
        screen = DiffConfirmScreen(
            section,
            lines,
            target=target,
            on_reveal=on_reveal,
            warnings=warnings,
            send_label="Save as draft" if offline else "Send",
            park=mode == "send_or_park",
            note=note or (OFFLINE_NOTE if offline else ""),
        )
        answer: Any = await self.app.push_screen_wait(screen)
        if answer == DRAFT or (offline and answer is True):
            return "draft"
        return "send" if answer is True else None

    async def decide_conflict(self, section: Section, merge: MergeResult, on_reveal: Reveal) -> ConflictDecision | None:
        return await self.app.push_screen_wait(ConflictScreen(section, merge, on_reveal=on_reveal))
