"""The offline part of a profile tab (:class:`~tui.ui.widgets.profile_section.SectionPane`, kept
apart to keep that file short).

Offline (the editor's backend says ``offline``) the tab shows the cached copy, with its age on
the line above the form (``cached_note``, set by the screen); a section never cached says so
(state ``uncached``, no error); saving sends nothing (it keeps a draft, see section_drafts.py,
where the app keeps drafts; elsewhere it only keeps the edits in the form); values
the cache does not hold ("not cached") are left out of the checks: the agent cannot change
them, and they are never sent (a PUT is the server's fresh copy plus the agent's edits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.domain.paths import Path
from tui.ui.cache_wiring import not_cached_paths

__all__ = ["OfflinePaneMixin"]

if TYPE_CHECKING:  # the widget it is mixed into
    from textual.widget import Widget as _Host
else:
    _Host = object


class OfflinePaneMixin(_Host):
    """The pane gives ``editor``, ``section``, ``form``, ``state`` and ``_status``."""

    editor: Any
    section: Any
    form: Any
    state: str
    cached_note = ""
    """Offline: the line that says how old the cached copy is (set by the screen)."""

    def _status(self, text: Any, error: bool = False, retry: bool | None = None, note: bool = False) -> None:
        raise NotImplementedError

    @property
    def offline(self) -> bool:
        return bool(getattr(self.editor.backend, "offline", False))

    def show_uncached(self) -> None:
        """Offline, and this section was never cached: say so, as a note (not an error)."""
        self.state = "uncached"
        self._status(
            f"{self.section.title}: not cached (kept once opened online, or by `spotnana-tui cache sync`)",
            note=True,
        )

    def refuse_offline_save(self) -> bool:
        """Offline where no draft can be kept: nothing is sent, and the edits stay (True: refused)."""
        if not self.offline:
            return False
        self.notify(
            "Offline: not sent (no drafts are kept here). Your edits stay in the form.",
            title=self.section.title,
            severity="warning",
            timeout=10,
        )
        return True

    def without_not_cached(self, problems: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
        """The problems but those at values the cache does not hold (their marks go too)."""
        missing = not_cached_paths(self.editor.base)
        if not missing:
            return problems
        kept = [(p, m) for p, m in problems if not any(tuple(p)[: len(n)] == n for n in missing)]
        if len(kept) != len(problems) and self.form is not None:
            self.form.set_errors(kept)
        return kept

    def keep_edits_note(self, *, online: bool) -> None:
        """The mode changed under unsaved edits: they stay, on the copy they were made on."""
        if online:
            self._status(
                "Back online: your edits stay on the cached copy; Ctrl+S merges them with the server's copy"
                " and shows the diff first.",
                note=True,
            )
