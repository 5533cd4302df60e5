"""What screens need of the app, typed without importing it (the app imports the screens,
never the other way round): :class:`AppServices`."""

from __future__ import annotations

from typing import Protocol

from tui.config import Environment, Settings
from tui.domain.backend import ProfileBackend
from tui.domain.directory import ReferenceDirectory

__all__ = ["AppServices"]


class AppServices(Protocol):
    settings: Settings
    env: Environment
    backend: ProfileBackend

    @property
    def directory(self) -> ReferenceDirectory:
        """The references seen in the list rows of the current environment and scope."""
        ...

    async def use_session_token(self, token: str) -> None:
        """Use ``token`` for the current environment until the app quits (memory only)."""
        ...

    def log_error(self, what: str, exc: BaseException) -> None: ...

    def first_page_painted(self) -> None: ...
