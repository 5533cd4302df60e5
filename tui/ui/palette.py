"""The app's commands in the palette (Ctrl+P): environments, the offline cache and its drafts, the
list's actions, themes, exports, quitting. Each command that leaves a screen with unsaved
edits asks first (the app's ``leave_unsaved``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import Screen

__all__ = ["system_commands"]


def system_commands(app: Any, screen: Screen) -> Iterable[SystemCommand]:
    for name, env in sorted(app.environments.items()):
        if env is not app.env:
            mark = " (PRODUCTION)" if env.is_production else ""
            yield SystemCommand(
                f"Switch environment: {env.display_name}{mark}",
                f"Use {env.display_name} for every request from now on",
                lambda n=name: app._switch_to(n),
            )
    yield SystemCommand(
        "Enter a token for this session",
        "After a 401: use another bearer token (memory only)",
        lambda: app._users_action("enter_token"),
    )
    if app.offline.offline:
        yield SystemCommand("Work online", "Try the server; back online when it answers", app.offline.retry_online)
    else:
        yield SystemCommand("Work offline", "Use the cache of this environment only", app.offline.work_offline)
    yield SystemCommand(
        "Drafts", "Changes kept unsent (offline or parked): review, push, drop", lambda: app._users_action("drafts")
    )
    from tui.ui.search_sync import search_sync

    syncing = search_sync(app)
    if syncing.running:
        yield SystemCommand("Stop the cache sync", "What was fetched is kept; run it again to go on", syncing.stop)
    else:
        yield SystemCommand(
            "Sync this search to the cache",
            "Every user of the list's search, with the profiles changed since cached (for working offline)",
            syncing.start,
        )
    yield SystemCommand("Switch theme", "Choose a colour theme", app.action_change_theme)
    yield SystemCommand("Refresh", "Fetch the user list again", lambda: app._users_action("refresh"))
    yield SystemCommand(
        "Toggle inactive users", "Show or hide inactive users", lambda: app._users_action("toggle_inactive")
    )
    yield SystemCommand("Sort by name: flip order", "Ascending / descending", lambda: app._users_action("toggle_sort"))
    yield SystemCommand("Filters", "Open the filter panel", lambda: app._users_action("filters"))
    yield SystemCommand(
        "Bulk change", "Change the marked users (or the highlighted one)", lambda: app._users_action("bulk_change")
    )
    yield SystemCommand("Bulk jobs", "The job journal: results, resume, undo", lambda: app._users_action("jobs"))
    yield SystemCommand("Bulk change from a CSV file", "Each row its own change, previewed", app._from_csv)
    yield SystemCommand("Export marked users", "A CSV of the marked users (no personal data)", app._export_marked)
    yield SystemCommand("Export the current search", "A CSV of every match (no personal data)", app._export_search)
    yield SystemCommand("Copy user ID", "Copy the highlighted user's ID", lambda: app._users_action("copy_id"))
    yield SystemCommand("Copy email", "Copy the highlighted user's email", lambda: app._users_action("copy_email"))
    yield SystemCommand("Keys", "List every key of this screen", app.action_help)
    yield SystemCommand("Config path", "Show where the config file is", app.action_config_path)
    yield SystemCommand("Screenshot", "Save an SVG screenshot", lambda: app.set_timer(0.1, app.deliver_screenshot))
    yield SystemCommand("Quit", "Quit the app", app.action_quit_app)
