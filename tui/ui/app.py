"""The Textual app: themes, keymap, environments, the API client, the command palette.

    SpotnanaApp(settings, env, client_factory=None).run()

``client_factory(env)`` returns a ``UsersClient`` (default: built from the environment's
credentials). A factory that raises (no token, bad URL) does not stop the app: the list
shows a 'not set up' state and the agent can switch environment.

Every way out of unsaved edits asks first (``leave_unsaved``): quitting (q, Ctrl+Q, the
palette), and the palette's commands that reload the list or leave the screen.

A worker of the app, a screen or a widget that ends in error is logged with its traceback
and shown as a notification (``on_worker_state_changed``; screens and widgets forward
theirs, see :mod:`tui.ui.worker_errors`).
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.api.errors import SpotnanaError
from tui.config import ConfigError, Environment, Settings, save_theme
from tui.domain.backend import OnlineBackend, ProfileBackend
from tui.domain.directory import Directories, ReferenceDirectory
from tui.ui import startup_gc
from tui.ui.backend import ClientFactory, default_client_factory
from tui.ui.cache_wiring import needs_server
from tui.ui.list_model import UserRow
from tui.ui.messages import OpenUser
from tui.ui.offline import OfflineControl
from tui.ui.textual_fixes import CommandPalette
from tui.ui.textual_fixes import install as install_textual_fixes
from tui.ui.themes import FALLBACK_THEME, bundled_themes_dir, load_themes

if TYPE_CHECKING:  # (annotations only: the form widgets load with the first form)
    from tui.ui.widgets.object_list import ObjectList

__all__ = ["SpotnanaApp", "known_binding_ids"]

log = logging.getLogger("tui.ui")


def binding_classes() -> list[type]:
    """Every class of ours that declares bindings: screens, widgets and the app."""
    import importlib
    import pkgutil

    import tui.ui.screens
    import tui.ui.widgets

    classes: list[type] = [SpotnanaApp]
    for package in (tui.ui.screens, tui.ui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for obj in vars(module).values():
                if isinstance(obj, type) and obj.__module__ == module.__name__ and "BINDINGS" in vars(obj):
                    classes.append(obj)
    return classes


def known_binding_ids() -> set[str]:
    """Every binding id the app defines (for checking a keymap)."""
    ids: set[str] = set()
    for cls in binding_classes():
        for binding in vars(cls)["BINDINGS"]:
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


class SpotnanaApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "spotnana-tui"

    BINDINGS = [
        Binding("q", "quit_app", "Quit", id="app.quit"),
        # replaces Textual's ctrl+q, which quits at once: asks first when edits are unsaved
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+p,f2", "command_palette", "Commands", show=False, priority=True, id="app.command_palette"),
        Binding("ctrl+t", "change_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(
        self,
        settings: Settings,
        env: Environment,
        client_factory: ClientFactory | None = None,
        *,
        offline: bool = False,
    ) -> None:
        install_textual_fixes()
        super().__init__()
        self.settings = settings
        self.env = env
        self.environments: dict[str, Environment] = dict(settings.environments)
        self.environments.setdefault(env.name, env)
        self.client_factory: ClientFactory = client_factory or default_client_factory
        self._client: Any = None
        self.offline = OfflineControl.for_app(self, OnlineBackend(self.get_client), offline=offline)
        """Online / offline, the cache, the quiet probe (tui/ui/offline.py)."""
        self.backend: ProfileBackend = self.offline.backend
        """Every screen's way to the profiles: the client for the current environment, writing
        through to the cache; or the cache alone, offline (tui/ui/cache_wiring.py)."""
        self.directories = Directories()
        self.first_paint_at: float | None = None
        self._reported_workers: weakref.WeakSet[Worker] = weakref.WeakSet()
        self.startup_notes: list[tuple[str, str]] = [(w, "warning") for w in settings.warnings]

        bundled_dir = bundled_themes_dir()
        loaded = load_themes(bundled_dir, settings.paths.themes_dir)
        for theme in loaded.themes:
            self.register_theme(theme)
        self._own_themes = {  # name -> "bundled" / "yours" (a file of the user themes folder)
            name: "bundled" if bundled_dir is not None and path.parent == bundled_dir else "yours"
            for name, path in loaded.sources.items()
        }
        self.startup_notes += [(e, "error") for e in loaded.errors]
        wanted = settings.theme
        if wanted not in self.available_themes:
            self.startup_notes.append((f"theme {wanted!r} not found: using {FALLBACK_THEME}", "warning"))
            wanted = FALLBACK_THEME if FALLBACK_THEME in self.available_themes else "textual-dark"
        self._set_initial_theme(wanted)

        if settings.keymap:
            unknown = sorted(set(settings.keymap) - known_binding_ids())
            if unknown:
                self.startup_notes.append(
                    (f"keymap: unknown binding ids {', '.join(unknown)} (see ? for ids)", "warning")
                )
            self.set_keymap(settings.keymap)

    def _set_initial_theme(self, name: str) -> None:
        """Start in theme ``name`` without a second parse of the whole stylesheet.

        ``self.theme = name`` runs Textual's theme watcher, which queues a full re-parse of
        every stylesheet for once the app runs (~15 ms before the first paint). Before the app
        runs there is nothing to re-style: set the value, the CSS variables and the classes
        the watcher would set, as ``App.__init__`` does for its default theme.
        """
        if name == self.theme:
            return
        refresh_filter = getattr(self, "_refresh_truecolor_filter", None)
        if refresh_filter is None:  # a Textual without it: take the slow, always-right path
            self.theme = name
            return
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        self.stylesheet.set_variables(self.get_css_variables())
        self.update_classes(
            {
                **{c: False for c in self.classes if c.startswith("-theme-")},
                f"-theme-{theme.name}": True,
                "-dark-mode": theme.dark,
                "-light-mode": not theme.dark,
            },
            update=False,
        )
        refresh_filter(self.ansi_theme)

    # -- life cycle ----------------------------------------------------------------------
    def on_mount(self) -> None:
        from tui.ui.screens.users import UsersScreen

        self.offline.start()
        self.push_screen(UsersScreen())
        if startup_gc.paused():
            self.set_timer(startup_gc.START_LIMIT, startup_gc.resume, name="startup-gc")
        for message, severity in self.startup_notes:
            self.notify(message, severity=severity, timeout=8)  # type: ignore[arg-type]
        if self.settings.paths.jobs_file.exists():  # "1 unfinished job — resume?", once the list is up
            self.call_after_refresh(self._offer_resume)

    def _offer_resume(self) -> None:
        from tui.ui.screens.jobs import offer_resume

        offer_resume(self)

    async def on_unmount(self) -> None:
        await self._close_client()
        await self.offline.close()

    @property
    def directory(self) -> ReferenceDirectory:
        """The legal entities, offices, departments and cost centers seen in this scope's list."""
        return self.directories.for_scope(self.env.name, self.env.tmc_id, self.env.company_id)

    def first_page_painted(self) -> None:
        """Called once the first page of a query is on screen (also by the benchmark)."""
        if self.first_paint_at is None:
            self.first_paint_at = time.monotonic()
            self.offline.first_paint()
            if startup_gc.paused():
                self.set_timer(startup_gc.RESUME_AFTER, startup_gc.resume, name="startup-gc")

    def log_error(self, what: str, exc: BaseException) -> None:
        """A failure to the log: for API errors status and error codes only (a server message
        may quote the value it rejected, which may be PII); anything else with its traceback."""
        if isinstance(exc, SpotnanaError):
            from tui.domain.commit import safe_error_text  # (the commit path loads with the first save)

            log.warning("%s failed: %s", what, safe_error_text(exc))
        else:
            log.warning("%s failed: %s: %s", what, type(exc).__name__, exc, exc_info=True)

    # -- the API client ------------------------------------------------------------------
    async def get_client(self) -> Any:
        if self._client is None:
            self._client = self.client_factory(self.env)
        return self._client

    async def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None and hasattr(client, "aclose"):
            try:
                await client.aclose()
            except Exception:
                pass

    async def use_session_token(self, token: str) -> None:
        """Use ``token`` for the current environment until the app quits: kept in the
        environment's in-memory ``token`` only (never the config file, never the log)."""
        self.env.token = token
        await self._close_client()  # the next request builds a client with it

    async def switch_environment(self, name: str) -> None:
        env = self.environments[name]
        await self._close_client()
        self.env = env
        for screen in self.screen_stack:
            for bar in screen.query("StatusBar"):
                bar.set_environment(env)  # type: ignore[attr-defined]
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.offline.environment_changed()
        users = self._users_screen()
        if users is not None:
            users.start_query()
        severity = "warning" if env.is_production else "information"
        self.notify(
            f"Now in {'PRODUCTION ' if env.is_production else ''}environment {env.display_name}", severity=severity
        )

    def _users_screen(self) -> Any:
        from tui.ui.screens.users import UsersScreen

        for screen in self.screen_stack:
            if isinstance(screen, UsersScreen):
                return screen
        return None

    # -- navigation ----------------------------------------------------------------------
    def on_open_user(self, message: OpenUser) -> None:
        message.stop()
        if message.origin is not None and message.origin is not self.screen:
            return  # another request of the same burst already opened a screen
        if message.as_json:
            self.open_user_json(message.row)
        else:
            self.open_user(message.row, message.detail, message.section)

    def open_user(self, row: UserRow, detail: Any = None, section: str | None = None) -> None:
        """The profile screen (on the tab of ``section``); the read-only ``GET /v2/users/{id}``
        view if it cannot load."""
        try:
            from tui.ui.screens.profile import ProfileScreen

            screen: Screen = ProfileScreen.from_app(self, row, detail, section)
        except Exception as exc:
            from tui.ui.screens.user_detail import UserDetailScreen

            self.log_error("profile screen", exc)
            screen = UserDetailScreen(row)
        self.push_screen(screen)

    def on_object_list_edit_item(self, message: ObjectList.EditItem) -> None:
        """A list in a form wants its item editor (for every screen that holds a form)."""
        from tui.ui.screens.item_editor import show_item_editor

        show_item_editor(self, message)

    def open_user_json(self, row: UserRow) -> None:
        from tui.ui.screens.user_detail import UserDetailScreen

        self.push_screen(UserDetailScreen(row))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen, collect_bindings

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        title = {"users": "user list", "user-detail": "user"}.get(screen.id or "", type(screen).__name__)
        self.push_screen(HelpScreen(collect_bindings(screen), title, typed_filters=screen.id == "users"))

    # -- themes --------------------------------------------------------------------------
    def action_change_theme(self) -> None:
        from textual.command import CommandPalette

        from tui.ui.theme_picker import ThemePicker

        self.push_screen(CommandPalette(providers=[ThemePicker], placeholder="Search for themes…"))

    def theme_choices(self) -> list[tuple[str, str]]:
        """Every theme as (name, origin): bundled ones, then the agent's own, then Textual's."""
        rank = {"bundled": 0, "yours": 1}
        names = sorted(self.available_themes, key=lambda n: (rank.get(self._own_themes.get(n, ""), 2), n))
        return [(name, self._own_themes.get(name, "Textual")) for name in names]

    def choose_theme(self, name: str) -> None:
        """Switch to theme ``name`` and remember it in the config file (comments kept)."""
        self.theme = name
        try:
            save_theme(self.settings.config_file, name)
        except ConfigError as exc:
            self.notify(f"Theme {name} used, but not saved: {exc}", severity="warning")
            return
        self.settings.theme = name
        self.notify(f"Theme {name} saved to {self.settings.config_file}", title="Theme")

    def has_unsaved_work(self) -> bool:
        return any(getattr(screen, "has_unsaved_changes", False) for screen in self.screen_stack)

    def unsaved_summary(self) -> str:
        """What would be lost, for the question: "personal info, business info" or "an item"."""
        names: list[str] = []
        for screen in self.screen_stack:
            if not getattr(screen, "has_unsaved_changes", False):
                continue
            panes = getattr(screen, "panes", None)
            if panes is not None:  # the profile: its sections
                names += [p.section.noun for p in panes if p.has_changes]
            else:
                names.append(getattr(screen, "unsaved_noun", "this screen"))
        return ", ".join(dict.fromkeys(names)) or "this screen"

    def leave_unsaved(self, then: Callable[[], Any], *, verb: str = "Leave", yes: str = "Drop changes") -> None:
        """Run ``then`` now when nothing is unsaved; otherwise ask first. "Stay" (n, Esc)
        does nothing and the edits stay where they are."""
        if not self.has_unsaved_work():
            then()
            return
        from tui.ui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen) and self.screen.id == "leave-unsaved":
            return  # already asking (a second Ctrl+Q, a repeated command)

        def answer(yes_: bool | None) -> None:
            if yes_:
                then()

        question = f"Unsaved changes to {self.unsaved_summary()}. {verb} and drop them?"
        screen = ConfirmScreen(question, title="Unsaved changes", yes=yes, no="Stay", danger=True)
        screen.id = "leave-unsaved"
        self.push_screen(screen, answer)

    def action_quit_app(self) -> None:
        self.leave_unsaved(self.exit, verb="Quit", yes="Quit")

    async def action_quit(self) -> None:
        """Textual's quit (Ctrl+Q, the app.quit action): asks first, like q."""
        self.action_quit_app()

    def _users_action(self, action: str) -> None:
        """A list command from the palette: back to the list (asking first when leaving
        unsaved edits), then the list's own action."""
        users = self._users_screen()
        if users is None:
            return

        def run() -> None:
            while self.screen is not users and len(self.screen_stack) > 1:
                self.pop_screen()
            getattr(users, f"action_{action}")()

        if self.screen is users:
            run()
        else:
            self.leave_unsaved(run)

    def _switch_to(self, name: str) -> None:
        self.leave_unsaved(
            lambda: self.run_worker(self.switch_environment(name), name="switch-environment", exit_on_error=False)
        )

    def _from_csv(self) -> None:
        from tui.ui.screens.bulk_csv import start_csv_import

        why = needs_server(self.backend, "A bulk change")
        if why:
            self.notify(why, title="Offline", severity="warning")
            return

        start_csv_import(self)

    def _export_marked(self) -> None:
        from tui.ui.exports import export_marked_users

        export_marked_users(self)

    def _export_search(self) -> None:
        from tui.ui.exports import export_current_search

        export_current_search(self)

    # -- unexpected failures -------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker that failed is reported: the app's own, and those of
        screens and widgets (forwarded by :class:`~tui.ui.worker_errors.ReportsWorkerErrors`,
        as ``Worker.StateChanged`` does not bubble)."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        if worker in self._reported_workers:
            return
        self._reported_workers.add(worker)
        error = worker.error
        what = worker.name or "a background task"
        where = type(worker.node).__name__
        if error is not None:
            log.error(
                "worker %s on %s failed: %s: %s",
                what,
                where,
                type(error).__name__,
                error,
                exc_info=(type(error), error, error.__traceback__),
            )
        else:
            log.error("worker %s on %s failed", what, where)
        detail = f"{type(error).__name__}: {str(error)[:160]}" if error is not None else "unknown error"
        self.notify(
            f"Something went wrong ({what}: {detail}). Your edits are kept; the log has the details.",
            title="Unexpected error",
            severity="error",
            timeout=12,
        )

    def action_config_path(self) -> None:
        self.notify(str(self.settings.config_file), title="Config file", timeout=10)

    # -- command palette -----------------------------------------------------------------
    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui.ui.palette import system_commands

        yield from system_commands(self, screen)


def main(argv: list[str] | None = None) -> int:
    """Developer entry: ``python -m tui.ui.app [--demo] [--users N]`` (the real CLI is tui.cli)."""
    import argparse

    from tui.config import load_settings

    parser = argparse.ArgumentParser(prog="python -m tui.ui.app")
    parser.add_argument("--demo", action="store_true", help="run against an in-process sandbox")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--env")
    parser.add_argument("--theme")
    args = parser.parse_args(argv)
    settings = load_settings(env=args.env, theme=args.theme)
    if not args.demo:
        SpotnanaApp(settings, settings.environment()).run()
        return 0
    from tui.sandbox import SandboxConfig, start_sandbox

    with start_sandbox(SandboxConfig(users=args.users)) as sb:
        env = Environment("demo", sb.base_url, tmc_id=sb.tmc_id, token=sb.token, label="demo sandbox")
        SpotnanaApp(settings, env).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
