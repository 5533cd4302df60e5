"""The palette's exports: "Export marked users" and "Export the current search" write the list's
users to a CSV file as ``spotnana-tui export`` does (key columns, then every field of the
section; personal data left out, the file 0600), in a worker, and a notification says where.

    export_marked_users(app)      # the users marked on the list (says so when nobody is)
    export_current_search(app)    # every user of the list's search and filters, all pages

The file is :func:`tui.domain.spreadsheets.export_file_name` in the current folder:
``spotnana-<section>-marked-<YYYYmmdd-HHMMSS>.csv`` (``-search-`` for the search).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from tui.api.errors import SpotnanaError
from tui.domain.export import ExportResult, ListScope, QueryError
from tui.domain.sections import Section, section
from tui.domain.spreadsheets import export_file_name, export_marked, export_search
from tui.ui.backend import classify_error
from tui.ui.bulk_jobs import concurrency_of

__all__ = ["export_marked_users", "export_current_search", "export_folder"]

TITLE = "Export"
log = logging.getLogger("tui.ui")


def export_folder() -> str:
    """Where the palette's exports go: the folder the app was started in."""
    return os.getcwd()


def _scope(env: Any) -> ListScope:
    return ListScope(tmc_id=env.tmc_id, company_id=None if env.tmc_id else env.company_id)


def _plural(n: int) -> str:
    return f"{n:,} user{'s' if n != 1 else ''}"


def export_marked_users(app: Any) -> None:
    users = app._users_screen()
    ids = [row.user_id for row in users.marks] if users is not None else []
    if not ids:
        app.notify(
            "Nobody is marked: mark users on the list first (space, or * for every match)",
            title=TITLE,
            severity="warning",
        )
        return

    def export(sec: Section, path: Any) -> Any:
        return export_marked(
            app.backend,
            path,
            ids,
            section=sec,
            scope=_scope(app.env),
            environment=app.env.name,
            concurrency=concurrency_of(app),
        )

    _ask(app, "Export marked users", f"The {_plural(len(ids))} marked on the list.", "marked", export)


def export_current_search(app: Any) -> None:
    users = app._users_screen()
    if users is None:
        app.notify("The user list is not open: nothing to export", title=TITLE, severity="warning")
        return
    query, text = users.query_state, users.search.value.strip()
    who = f"Every user matching {text!r} (every page)." if text else "Every user of the list (no search; every page)."

    def export(sec: Section, path: Any) -> Any:
        return export_search(
            app.backend,
            path,
            query,
            section=sec,
            scope=_scope(app.env),
            directory=app.directory,
            environment=app.env.name,
            default_status=app.settings.default_status,
            concurrency=concurrency_of(app),
        )

    _ask(app, "Export the current search", who, "search", export)


def _ask(app: Any, title: str, who: str, what: str, export: Any) -> None:
    from tui.ui.screens.export_choice import ExportChoiceScreen

    folder = export_folder()

    def chosen(section_key: str | None) -> None:
        if section_key is None:
            return
        sec = section(section_key)
        path = export_file_name(sec, what, folder=folder)
        app.notify(f"Exporting to {path}…", title=TITLE)
        app.run_worker(_run(app, export(sec, path), path), name="export", group="export", exit_on_error=False)

    app.push_screen(ExportChoiceScreen(title, who, folder), chosen)


async def _run(app: Any, job: Any, path: Any) -> None:
    try:
        result: ExportResult = await job
    except QueryError as exc:
        app.notify(f"Nothing exported: {exc}", title=TITLE, severity="warning", timeout=10)
        return
    except Exception as exc:
        app.log_error("export", exc)
        env = app.env
        scope = ("tmc_id", env.tmc_id) if env.tmc_id else ("company_id", env.company_id or "")
        why = classify_error(exc, scope).message if isinstance(exc, SpotnanaError) else str(exc) or type(exc).__name__
        app.notify(f"Nothing exported: {why}", title=TITLE, severity="error", timeout=12)
        return
    failed = result.failed
    text = f"Exported {_plural(result.written)} to {path}"
    if failed:
        text += f" ({_plural(len(failed))} could not be read and are left out; the log has why)"
        for user_id, why in failed:
            log.warning("export: user %s left out: %s", user_id, why)
    app.notify(
        text + ". Personal data is left out.", title=TITLE, severity="warning" if failed else "information", timeout=12
    )
