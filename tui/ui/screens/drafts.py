"""Every draft of the environment (``D`` on the list, or the palette's "Drafts"), newest first: the
user, the section, how old, made offline or parked; below, the highlighted draft's diff (masked).

- Enter opens that user's profile on that section, the draft in the form;
- ``p`` pushes the highlighted draft (:func:`~tui.ui.draft_push.push_draft`: fresh read, the
  conflict view if need be, the diff to confirm; nothing is sent without it);
- ``P`` pushes them all, one by one, each through its own confirm; declining one (Esc / n, or
  Esc in its conflict view) skips it, keeps it, and goes on to the next; the end says how many
  went, were skipped or failed;
- ``x`` drops the highlighted draft (asks first).

Offline, pushing says it needs the server (once a probe found the server back, ``p`` switches
online first); ``r`` tries the server, as on the list.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.audit import AuditLog
from tui.domain.commit import AuditTrail
from tui.domain.drafts import Draft, age_text
from tui.ui.audit_path import audit_path
from tui.ui.cache_wiring import needs_server
from tui.ui.draft_push import PushOutcome, push_draft
from tui.ui.drafts_wiring import DraftsUnavailableError, draft_words, drafts_for
from tui.ui.list_model import UserRow
from tui.ui.messages import ConnectionModeChanged, OpenUser
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.dialogs_host import DialogsHost
from tui.ui.widgets.draft_diff import DraftDiff
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.offline_banner import OfflineBanner
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["DraftsScreen", "draft_row_text"]

_REST = 2 + 12 + 2 + 10 + 2 + 7
"""Cells of a row after the user: section, age, state (with their gaps)."""


def _cut(text: str, cells: int) -> str:
    if cell_len(text) <= cells:
        return text + " " * (cells - cell_len(text))
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…" + " " * (cells - 1 - cell_len(out))


def draft_row_text(draft: Draft, width: int, now: float | None = None) -> Text:
    """``Ann Lee <ann@example.org>   Business      5 min ago   offline`` in ``width`` cells."""
    who = draft.user_label or draft.user_id
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(_cut(who, max(16, width - _REST)), style="bold")
    text.append(f"  {_cut(draft.section.tab_title, 12)}")
    text.append(f"  {_cut(age_text(draft.age_seconds(now)), 10)}", style="dim")
    text.append(f"  {draft.state}", style="yellow" if draft.offline else "cyan")
    return text


class DraftsScreen(DialogsHost, ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("p", "push", "Push", id="drafts.push"),
        Binding("P", "push_all", "Push all", id="drafts.push_all"),
        Binding("x", "drop", "Drop", id="drafts.drop"),
        Binding("r", "try_server", "Try server", id="drafts.try_server"),
        Binding("escape", "back", "Back", id="drafts.back"),
    ]
    DEFAULT_CSS = """
    DraftsScreen #drafts-title { text-style: bold; padding: 0 1; background: $panel; height: 1; }
    DraftsScreen #drafts-list { height: auto; min-height: 3; max-height: 45%; border: round $panel; margin: 0 1;
        padding: 0; }
    DraftsScreen #drafts-list:focus { border: round $primary; }
    DraftsScreen #drafts-note { padding: 0 1; height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="drafts")
        self.drafts: list[Draft] = []
        self.pushing = False
        self.loaded = False

    @property
    def _app_drafts(self) -> Any:
        return drafts_for(self.app.backend)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(f"Drafts · {self.app.env.display_name}", id="drafts-title")  # type: ignore[attr-defined]
        yield OptionList(id="drafts-list")
        yield Static("", id="drafts-note")
        yield DraftDiff(id="draft-diff")
        yield OfflineBanner(self.app.backend, id="offline-banner")  # type: ignore[attr-defined]
        yield StatusBar(self.app.env, id="status-bar")  # type: ignore[attr-defined]
        yield FitFooter(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self.load()

    # -- the list ----------------------------------------------------------------------------
    def load(self) -> None:
        self.run_worker(self._load(), group="drafts-load", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        drafts = self._app_drafts
        note = self.query_one("#drafts-note", Static)
        try:
            self.drafts = await drafts.list() if drafts is not None else []
        except (DraftsUnavailableError, sqlite3.Error) as exc:
            self.drafts = []
            note.update(f"⚠ The drafts cannot be read: {exc}")
            self.loaded = True
            return
        self._show_rows()
        self.loaded = True

    def _show_rows(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        width = (options.content_region.width or self.app.size.width - 4) - 1
        now = time.time()
        options.add_options([Option(draft_row_text(d, width, now)) for d in self.drafts])
        if self.drafts:
            options.highlighted = min(highlighted or 0, len(self.drafts) - 1)
        n = len(self.drafts)
        self.query_one("#drafts-title", Static).update(
            f"Drafts · {self.app.env.display_name} · {draft_words(n) if n else 'none'}"  # type: ignore[attr-defined]
        )
        self.query_one("#drafts-note", Static).update(self._note())
        self.query_one(StatusBar).set_counts(draft_words(n))
        self.query_one(DraftDiff).show(self.highlighted)
        self.refresh_bindings()

    def _note(self) -> str:
        if not self.drafts:
            return "No drafts. Ctrl+S offline, or d in an online diff, keeps one."
        if self.working_offline:
            return "Enter opens the draft in its profile tab · offline: a push needs the server"
        return "Enter opens the draft in its profile tab · p pushes it, the diff first"

    def on_resize(self) -> None:
        if self.loaded:
            self._show_rows()

    @property
    def working_offline(self) -> bool:
        return bool(getattr(self.app.backend, "offline", False))  # type: ignore[attr-defined]

    @property
    def highlighted(self) -> Draft | None:
        index = self.query_one(OptionList).highlighted
        return self.drafts[index] if index is not None and 0 <= index < len(self.drafts) else None

    def on_option_list_option_highlighted(self, _: OptionList.OptionHighlighted) -> None:
        self.query_one(DraftDiff).show(self.highlighted)
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action in ("push", "drop", "open"):
            return None if self.highlighted is None or self.pushing else True
        if action == "push_all":
            return None if not self.drafts or self.pushing else True
        if action == "try_server":
            return self.working_offline  # (offline only, as on the list)
        return True

    # -- opening -----------------------------------------------------------------------------
    def action_open(self) -> None:
        draft = self.highlighted
        if draft is None or self.pushing or not self.is_active:
            return
        self.post_message(OpenUser(self._row_of(draft), section=draft.section.key, origin=self))

    def _row_of(self, draft: Draft) -> UserRow:
        """The user's row as cached, else one made of the draft's label (the profile loads the rest)."""
        drafts = self._app_drafts
        try:
            cached = drafts.cached_row(draft.user_id) if drafts is not None else None
        except sqlite3.Error:
            cached = None
        if cached:
            return UserRow.from_detail(cached)
        name, _, email = (draft.user_label or draft.user_id).partition(" <")
        return UserRow(draft.user_id, name, email.rstrip(">"), "", "", "", True)

    # -- pushing -----------------------------------------------------------------------------
    def _can_push(self) -> bool:
        backend: Any = self.app.backend  # type: ignore[attr-defined]
        if not getattr(backend, "offline", False):
            return True
        control = getattr(self.app, "offline", None)
        if getattr(backend, "server_back", False) and control is not None:
            control.go_online()  # the probe found the server: work online, then push
            return True
        why = needs_server(backend, "Pushing a draft")
        self.notify(why or "Pushing a draft needs the server.", title="Offline", severity="warning")
        return False

    def action_push(self) -> None:
        draft = self.highlighted
        if draft is not None and not self.pushing and self.is_active and self._can_push():
            self._start_push([draft])

    def action_push_all(self) -> None:
        if self.drafts and not self.pushing and self.is_active and self._can_push():
            self._start_push(list(self.drafts))

    def _start_push(self, drafts: list[Draft]) -> None:
        self.pushing = True
        self.refresh_bindings()
        self.run_worker(self._push(drafts), name="push-drafts", group="push", exclusive=True, exit_on_error=False)

    async def _push(self, drafts: list[Draft]) -> None:
        app: Any = self.app
        trail = AuditTrail(AuditLog(audit_path(getattr(app, "settings", None))), str(app.env.name))
        counts = {"went": 0, "skipped": 0, "failed": 0}
        try:
            for i, listed in enumerate(drafts, start=1):
                draft = await self._app_drafts.get_by_id(listed.id)  # as it is now (saved again, or gone)
                if draft is None:
                    continue
                note = f"Draft {i} of {len(drafts)}." if len(drafts) > 1 else ""
                who = draft.user_label or draft.user_id
                self.query_one("#drafts-note", Static).update(f"Pushing {draft.section.noun} of {who}…")
                outcome = await push_draft(self._app_drafts, draft, self, trail, target=who, note=note)
                self._tell(outcome, draft, many=len(drafts) > 1)
                key = "went" if outcome.gone else "skipped" if outcome.status == "declined" else "failed"
                counts[key] += 1
        finally:
            self.pushing = False
            await self._load()
        if len(drafts) > 1:
            self.notify(
                f"Drafts: {counts['went']} pushed or gone, {counts['skipped']} skipped, {counts['failed']} kept"
                " (not sent)",
                title="Push all",
                timeout=12,
            )

    def _tell(self, outcome: PushOutcome, draft: Draft, *, many: bool) -> None:
        who = (draft.user_label or draft.user_id).split(" <")[0]  # (the name: the title stays one line)
        title = f"{draft.section.title} · {who}"
        if many and outcome.status == "declined":
            self.notify(f"Skipped: {outcome.message}", title=title)
            return
        self.notify(outcome.message, title=title, severity=outcome.severity, timeout=12)  # type: ignore[arg-type]

    # -- dropping ----------------------------------------------------------------------------
    def action_drop(self) -> None:
        draft = self.highlighted
        if draft is None or self.pushing or not self.is_active:
            return
        who = draft.user_label or draft.user_id

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._drop(draft), group="drafts-drop", exit_on_error=False)

        self.app.push_screen(
            ConfirmScreen(
                f"Drop the draft of {draft.section.noun} for {who}? Its changes were never sent.",
                title="Drop draft",
                yes="Drop",
                no="Keep",
                danger=True,
            ),
            answer,
        )

    async def _drop(self, draft: Draft) -> None:
        drafts = self._app_drafts
        gone = await drafts.delete(draft.id) if drafts is not None else False
        self.notify("Draft dropped: nothing was sent." if gone else "That draft was gone already.", title="Drafts")
        await self._load()

    # -- the rest ----------------------------------------------------------------------------
    def action_back(self) -> None:
        if not self.pushing:
            self.app.pop_screen()

    def on_connection_mode_changed(self, _: ConnectionModeChanged) -> None:
        if self.loaded:
            self.query_one("#drafts-note", Static).update(self._note())
        self.refresh_bindings()

    def action_try_server(self) -> None:
        control = getattr(self.app, "offline", None)
        if control is not None and self.working_offline:
            control.retry_online()

    def on_offline_banner_clicked(self, _: OfflineBanner.Clicked) -> None:
        self.action_try_server()
