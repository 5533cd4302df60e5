"""One traveler's profile: a header, then a tab per section (in ``SECTIONS`` order).

Each tab loads its own GET the first time it is shown and has its own loading and error
(+ retry) state; editable tabs hold a ``SectionForm``, read-only ones a tree. ``ctrl+s``
saves the tab (validate -> diff -> confirm -> merge with the server's copy -> PUT -> re-read),
``e`` edits it as JSON in $VISUAL / $EDITOR. ``1``-``9`` and ``[`` / ``]`` change tabs when
the focus is not in a text field; leaving a tab or the screen with unsaved changes asks first.
``D`` / ``A`` deactivate / activate the user (each behind a confirm, audited). Offline, the
same screen runs over the cache (see profile_offline.py): ``r`` says "Try server" and the
keys that need the server are hidden. Tabs with a draft say so and open on it (see
profile_drafts.py).
Esc in a field takes the focus to the tab bar; Esc there leaves the profile (asking first when
there are edits). Tab from the tab bar goes into the form's first field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Select, Switch, TabbedContent, TabPane, Tabs, TextArea

from tui.api.errors import SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.backend import ProfileBackend
from tui.domain.commit import AuditTrail, safe_error_text
from tui.domain.editing import SectionEditor
from tui.domain.sections import SECTIONS, Section
from tui.domain.warnings import email_owners
from tui.ui.audit_path import audit_path
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.dialogs_host import DialogsHost
from tui.ui.screens.profile_drafts import ProfileDraftsMixin
from tui.ui.screens.profile_offline import OfflineProfileMixin
from tui.ui.screens.token import TokenScreen
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.offline_banner import OfflineBanner
from tui.ui.widgets.profile_header import ProfileHeader, header_facts
from tui.ui.widgets.profile_section import SectionPane
from tui.ui.widgets.tab_labels import fit_tab_labels
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["ProfileScreen"]


_FIELDS = (Input, TextArea, Select, Switch)
"""What Tab from the tab bar looks for first (a group's title is not a field)."""


def _is_text_field(widget: Any) -> bool:
    return isinstance(widget, (Input, TextArea))


def pane_id(section: Section) -> str:
    return f"tab-{section.key}"


class ProfileScreen(ProfileDraftsMixin, DialogsHost, OfflineProfileMixin, ReportsWorkerErrors, Screen):
    DEFAULT_CSS = """
    ProfileScreen #profile-tabs { height: 1fr; }
    ProfileScreen TabPane { padding: 0; height: 1fr; }
    ProfileScreen.-compact-tabs #profile-tabs Tab { padding: 0 0 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="profile.save"),
        Binding("e", "edit_json", "Edit JSON", id="profile.edit_json"),
        Binding("left_square_bracket", "prev_tab", "Prev tab", key_display="[", id="profile.prev_tab"),
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]", id="profile.next_tab"),
        Binding("r,f5", "reload", "Reload", id="profile.reload"),
        Binding("r,f5", "try_server", "Try server", id="profile.try_server"),  # (offline, instead of Reload)
        Binding("D", "deactivate", "Deactivate", id="profile.deactivate"),
        Binding("A", "activate", "Activate", id="profile.activate"),
        Binding("D,A", "needs_server", "Needs the server", show=False, id="profile.status_offline"),
        Binding("ctrl+k", "enter_token", "Enter token", show=False, id="profile.enter_token"),
        Binding(
            "escape", "back", "Back", tooltip="Leave the field first; from the tab bar, the profile", id="profile.back"
        ),
        *[Binding(str(i), f"tab({i})", f"Tab {i}", show=False, id=f"profile.tab_{i}") for i in range(1, 10)],
    ]

    # actions that must not fire while the agent types in a text field
    _NOT_WHILE_TYPING = {
        *("edit_json", "prev_tab", "next_tab", "reload", "try_server", "deactivate", "activate", "tab"),
        "needs_server",
    }
    _ONLINE_ONLY = {"reload", "deactivate", "activate"}
    _OFFLINE_ONLY = {"try_server", "needs_server"}

    def __init__(
        self,
        backend: ProfileBackend,
        env: Any,
        audit: AuditLog | None,
        user_id: str,
        *,
        row: Any = None,
        detail: dict | None = None,
        sections: tuple[Section, ...] = SECTIONS,
        today: Callable[[], date] = date.today,
        section: str | None = None,
    ) -> None:
        super().__init__(id="profile")
        self.today = today  # the day warnings (document expiry, date of birth) count from
        self.backend = backend
        self.env = env
        self.env_name = str(getattr(env, "name", env) or "")
        self.audit = audit
        self.user_id = user_id
        self.row = row
        self.detail = detail
        self.sections = tuple(sections)
        self.profile: dict | None = None
        first = next((s for s in self.sections if s.key == section), self.sections[0])
        self._active = pane_id(first)
        """The tab shown first (``section``: a section key, e.g. the one a draft is for)."""
        self._dirty: set[str] = set()
        self.tab_form = "wide"
        """Which tab labels are shown: "wide", "short" or "compact" (tui.ui.widgets.tab_labels)."""

    @classmethod
    def from_app(cls, app: Any, row: Any, detail: dict | None = None, section: str | None = None) -> ProfileScreen:
        """For the list screen's Enter: the app's backend, environment and audit file."""
        return cls(
            app.backend,
            app.env,
            AuditLog(audit_path(getattr(app, "settings", None))),
            row.user_id,
            row=row,
            detail=detail,
            section=section,
        )

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        production = bool(getattr(self.env, "is_production", False))
        yield ProfileHeader(self.user_id, self.env_name, production, id="profile-header")
        target = getattr(self.row, "name", "") or ""
        self.read_cache_ages()
        labels = self._fit_labels(self.app.size.width)
        with TabbedContent(id="profile-tabs", initial=self._active):
            for section, label in zip(self.sections, labels, strict=True):
                with TabPane(label, id=pane_id(section)):
                    editor = SectionEditor(self.backend, section, self.user_id, AuditTrail(self.audit, self.env_name))
                    yield SectionPane(
                        section,
                        editor,
                        self,
                        target_name=target,
                        today=self.today,
                        email_owners=self.email_owners if self._lookup_scope() else None,
                        id=f"pane-{section.key}",
                    )
        yield OfflineBanner(self.backend, id="offline-banner")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one(ProfileHeader).show(header_facts(self.user_id, None, self.row, self.detail))
        self.load_header()
        self.cache_notes()
        self.load_draft_marks()
        self.pane().ensure_loaded()

    # -- panes -----------------------------------------------------------------------------
    def pane(self, key: str | None = None) -> SectionPane:
        """The pane of a section key (default: the active tab's)."""
        if key is None:
            key = self._active.removeprefix("tab-")
        return self.query_one(f"#pane-{key}", SectionPane)

    @property
    def panes(self) -> list[SectionPane]:
        return list(self.query(SectionPane))

    @property
    def has_unsaved_changes(self) -> bool:
        return any(p.has_changes for p in self.panes)

    @property
    def active_section(self) -> Section:
        return self.pane().section

    # -- header ----------------------------------------------------------------------------
    def load_header(self) -> None:
        self.run_worker(self._load_header(), group="header", exclusive=True, exit_on_error=False)

    async def _load_header(self) -> None:
        header = self.query_one(ProfileHeader)
        try:
            self.profile = await self.backend.get_user(self.user_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            header.show(header_facts(self.user_id, None, self.row, self.detail), note=f"Could not load the user: {exc}")
            return
        self._show_header()
        self.refresh_bindings()

    def _show_header(self) -> None:
        facts = header_facts(self.user_id, self.profile, self.row, self.detail)
        self.query_one(ProfileHeader).show(facts)
        label = f"{facts['name']} <{facts['email']}>" if facts["email"] else facts["name"]
        for pane in self.panes:
            pane.target_name = facts["name"]
            pane.user_label = label

    def on_section_pane_saved(self, event: SectionPane.Saved) -> None:
        """The header shows the re-read copy at once (no request of its own)."""
        section = event.pane.section
        if self.profile is None or not section.profile_key:
            return
        section.into_profile(self.profile, event.result.base)
        self._show_header()

    def on_section_pane_dirty_changed(self, event: SectionPane.DirtyChanged) -> None:
        self._dirty = (
            (self._dirty | {event.pane.section.key}) if event.dirty else (self._dirty - {event.pane.section.key})
        )
        self._relabel()

    # -- tab labels that fit (full titles when wide enough, short ones else) --------------
    def _fit_labels(self, width: int) -> list[Any]:
        fit = fit_tab_labels(self.sections, width, frozenset(self._dirty), self.tab_ages(), self.draft_keys)
        self.set_class(fit.form == "compact", "-compact-tabs")
        self.tab_form = fit.form
        return fit.labels

    def _relabel(self) -> None:
        tabs = self.query_one(TabbedContent)
        for section, label in zip(self.sections, self._fit_labels(self.size.width or self.app.size.width), strict=True):
            tab = tabs.get_tab(pane_id(section))
            if tab.label != label:
                tab.label = label

    def on_resize(self) -> None:
        self._relabel()

    def _lookup_scope(self) -> dict[str, str | None]:
        return {k: getattr(self.env, k, None) for k in ("tmc_id", "company_id") if getattr(self.env, k, None)}

    async def email_owners(self, email: str) -> tuple[str, ...] | None:
        """The other users with this email, for the duplicate-email warning."""
        return await email_owners(self.backend, email, exclude_user_id=self.user_id, **self._lookup_scope())

    # -- tabs ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._NOT_WHILE_TYPING and _is_text_field(self.focused):
            return False
        if action in (self._OFFLINE_ONLY if not self.working_offline else self._ONLINE_ONLY):
            return False  # offline: "Try server" instead of Reload, no keys that need the server
        if action in ("deactivate", "activate"):
            active = (self.profile or {}).get("isActive")
            if not isinstance(active, bool):
                return None  # not known yet: shown, disabled
            return active if action == "deactivate" else not active
        if action in ("save", "edit_json"):
            try:
                return self.pane().section.editable  # hidden on read-only tabs
            except Exception:
                return True
        return True

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        new = event.pane.id or ""
        if new == self._active:
            self.pane().ensure_loaded()
            return
        old = self.pane()
        if old.has_changes:
            # switched by a click or the tab bar's own keys: go back, then ask
            self.query_one(TabbedContent).active = self._active
            self._ask_leave(old, lambda: self._go(new))
            return
        self._active = new
        self.pane().ensure_loaded()

    def _go(self, target: str) -> None:
        self._active = target
        self.query_one(TabbedContent).active = target
        self.pane().ensure_loaded()
        self.refresh_bindings()

    def _request_tab(self, target: str) -> None:
        if target == self._active:
            return
        current = self.pane()
        if current.has_changes:
            self._ask_leave(current, lambda: self._go(target))
        else:
            self._go(target)

    def _ask_leave(self, pane: SectionPane, then: Any) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                pane.discard()
                then()

        self.app.push_screen(
            ConfirmScreen(
                f"You changed the {pane.section.noun} and did not save. Leave and drop those changes?",
                title="Unsaved changes",
                yes="Drop changes",
                no="Stay",
                danger=True,
            ),
            answer,
        )

    def action_tab(self, n: int) -> None:
        if 1 <= n <= len(self.sections):
            self._request_tab(pane_id(self.sections[n - 1]))

    def _step(self, delta: int) -> None:
        keys = [pane_id(s) for s in self.sections]
        self._request_tab(keys[(keys.index(self._active) + delta) % len(keys)])

    def action_prev_tab(self) -> None:
        self._step(-1)

    def action_next_tab(self) -> None:
        self._step(1)

    # -- editing ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self.pane().save()

    def action_edit_json(self) -> None:
        self.pane().edit_externally()

    def action_try_server(self) -> None:
        self.reload_offline()

    def action_needs_server(self) -> None:
        self.refuse_offline("Activating or deactivating a user")

    def action_reload(self) -> None:
        if self.reload_offline():  # offline: try the server
            return
        pane = self.pane()
        if pane.busy:
            return
        if pane.has_changes:
            self._ask_leave(pane, pane.load)
        else:
            pane.load()

    def on_key(self, event: events.Key) -> None:
        """Tab from the tab bar goes into the form's first field (not to the form's scroll box)."""
        if event.key == "tab" and isinstance(self.focused, Tabs):
            target = self._first_field()
            if target is not None:
                event.stop()
                event.prevent_default()
                target.focus()

    def _first_field(self) -> Any:
        pane = self.pane()
        inside = [w for w in self.focus_chain if pane in w.ancestors]
        return (
            next((w for w in inside if isinstance(w, _FIELDS)), None)
            or next((w for w in inside if not w.is_scrollable), None)
            or next(iter(inside), None)
        )

    def _leave_field(self) -> bool:
        """Esc in a field (anything focused inside the tab) first takes the focus to the tab bar."""
        focused = self.focused
        if focused is None or isinstance(focused, Tabs) or self.pane() not in focused.ancestors:
            return False
        self.set_focus(self.query_one(TabbedContent).query_one(Tabs))  # now: a second Esc in the same burst leaves
        return True

    def action_enter_token(self) -> None:
        """After a 401: a token for this session (memory only), then the tab and header again."""
        use_token = getattr(self.app, "use_session_token", None)
        if use_token is None or any(isinstance(s, TokenScreen) for s in self.app.screen_stack):
            return

        async def use(token: str | None) -> None:
            if token:
                await use_token(token)
                pane = self.pane()
                if pane.state == "error":
                    pane.load()
                self.load_header()

        self.app.push_screen(TokenScreen(self.env_name, "The server refused the token (401)."), use)

    def action_back(self) -> None:
        if self._leave_field():
            return
        dirty = [p for p in self.panes if p.has_changes]
        if not dirty:
            self.app.pop_screen()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        names = ", ".join(p.section.noun for p in dirty)
        self.app.push_screen(
            ConfirmScreen(
                f"Unsaved changes to {names}. Leave this profile and drop them?",
                title="Unsaved changes",
                yes="Drop changes",
                no="Stay",
                danger=True,
            ),
            answer,
        )

    # -- deactivate / activate -------------------------------------------------------------
    def action_deactivate(self) -> None:
        self._set_active(False)

    def action_activate(self) -> None:
        self._set_active(True)

    def _set_active(self, active: bool) -> None:
        if self.refuse_offline("Activating or deactivating a user"):
            return
        name = header_facts(self.user_id, self.profile, self.row, self.detail)["name"]
        verb = "Activate" if active else "Deactivate"
        question = f"{verb} {name} ({self.user_id}) in {self.env_name or 'this environment'}?" + (
            "" if active else " They will no longer be able to sign in or book."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._send_active(active), group="active", exit_on_error=False)

        self.app.push_screen(
            ConfirmScreen(question, title=f"{verb} user", yes=verb, no="Cancel", danger=not active), answer
        )

    async def _send_active(self, active: bool) -> None:
        action = "activate" if active else "deactivate"
        try:
            await self.backend.set_active(self.user_id, active)
        except SpotnanaError as exc:
            self._audit(
                action,
                "error",
                status=getattr(exc, "status", None),
                debug_identifier=getattr(exc, "debug_identifier", None),
                message=safe_error_text(exc),
            )
            self.notify(f"Could not {action} the user: {exc}", severity="error", timeout=10)
            return
        self._audit(action, "ok")
        self.notify(f"User {'activated' if active else 'deactivated'}.", title="Profile")
        self.load_header()

    def _audit(self, action: str, result: str, **extra: Any) -> None:
        if self.audit is not None:
            self.audit.record(
                environment=self.env_name, user_id=self.user_id, section=None, action=action, result=result, **extra
            )  # type: ignore[arg-type]
