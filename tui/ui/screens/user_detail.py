"""A read-only view of ``GET /v2/users/{id}`` (until the profile screen lands)."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.ui.backend import ERROR_TITLES, classify_error
from tui.ui.list_model import UserRow
from tui.ui.services import AppServices
from tui.ui.widgets.fit_footer import FitFooter
from tui.ui.widgets.status_bar import StatusBar
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = ["UserDetailScreen", "profile_lines"]


def _masked(profile: dict[str, Any]) -> dict[str, Any]:
    """Identity-document numbers and the date of birth stay hidden on screen."""
    try:
        from tui.domain.masking import mask_matching
        from tui.domain.sections import section

        personal = section("personal")
        return mask_matching(profile, [("personalInfo", *p) for p in personal.masked_paths])
    except Exception:  # masking must never break the view; hide the whole section instead
        return {**profile, "personalInfo": "(hidden)"} if "personalInfo" in profile else profile


def profile_lines(data: Any, indent: int = 0) -> list[tuple[int, str, str]]:
    """(depth, key, scalar) lines of nested JSON, for a readable tree."""
    out: list[tuple[int, str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                if value:
                    out.append((indent, key, ""))
                    out.extend(profile_lines(value, indent + 1))
                else:
                    out.append((indent, key, "(none)"))
            else:
                out.append((indent, key, _scalar(value)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, (dict, list)):
                out.append((indent, f"[{i + 1}]", ""))
                out.extend(profile_lines(value, indent + 1))
            else:
                out.append((indent, f"[{i + 1}]", _scalar(value)))
    return out


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class UserDetailScreen(ReportsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape,backspace,h", "back", "Back", id="detail.back"),
        Binding("r,f5", "reload", "Reload", id="detail.reload"),
        Binding("y", "copy_id", "Copy ID", id="detail.copy_id"),
        Binding("j,down", "scroll_down", "Down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="detail.up"),
    ]

    def __init__(self, row: UserRow) -> None:
        super().__init__(id="user-detail")
        self.row = row
        self.profile: dict[str, Any] | None = None

    @property
    def spot(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(Text(f" {self.row.name}  ·  {self.row.email}", no_wrap=True), id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static("Loading…", id="detail-content")
        yield StatusBar(self.spot.env, id="status-bar")
        yield FitFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one(StatusBar).spinner.busy = True
        self.run_worker(self._load(), group="detail", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        content = self.query_one("#detail-content", Static)
        try:
            self.profile = await self.spot.backend.get_user(self.row.user_id)
            content.update(self._render_profile(_masked(self.profile)))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.spot.log_error("get user", exc)
            error = classify_error(exc)
            content.update(Text(f"{ERROR_TITLES.get(error.kind, 'Error')}\n{error.message}\n\nPress r to retry."))
        finally:
            self.query_one(StatusBar).spinner.busy = False

    def _render_profile(self, profile: dict[str, Any]) -> Text:
        text = Text()
        for depth, key, value in profile_lines(profile):
            text.append("  " * depth)
            text.append(key, style="bold" if not value else "")
            if value:
                text.append(": ")
                text.append(value)
            text.append("\n")
        return text

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#detail-body").scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-body").scroll_up(animate=False)

    def action_copy_id(self) -> None:
        self.app.copy_to_clipboard(self.row.user_id)
        self.notify(f"Copied user ID of {self.row.name}: {self.row.user_id}", title="Clipboard")
