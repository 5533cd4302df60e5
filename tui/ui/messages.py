"""Messages a screen or widget posts for the app (or its screen) to act on, so that nothing
below the app imports it, and no widget imports a screen."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tui.ui.list_model import UserRow

__all__ = ["OpenUser", "ConnectionModeChanged"]


class OpenUser(Message):
    """Open a user: the profile screen, or the raw ``GET /v2/users/{id}`` view (``as_json``)."""

    def __init__(
        self, row: UserRow, *, as_json: bool = False, detail: Any = None, origin: Any = None, section: str | None = None
    ) -> None:
        super().__init__()
        self.row = row
        self.as_json = as_json
        self.detail = detail
        self.section = section
        """The tab to open on (a section key; None: the first)."""
        self.origin = origin
        """The screen that asked; when given, the app opens the user only while that screen is
        on top (a burst of Enter posts several requests before the first screen is up)."""


class ConnectionModeChanged(Message):
    """The app went offline or online again, or a probe found the server back (``reload``
    False: nothing to fetch again, only what the screen says). Posted to every screen."""

    def __init__(self, offline: bool, *, reload: bool = True) -> None:
        super().__init__()
        self.offline = offline
        self.reload = reload
