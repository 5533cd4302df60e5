"""The bottom line: which environment (production is unmistakable), counts, sort, activity.

The counts ("showing X–Y of N · row R") always keep their room; the sort/status text on the
right gives way first on a narrow terminal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.config import Environment
from tui.ui.widgets.spinner import Spinner

__all__ = ["StatusBar", "env_badge_text"]


def env_badge_text(env: Environment) -> str:
    if env.is_production:
        return f" ▲ PRODUCTION: {env.display_name} ▲ "
    return f" env: {env.display_name} "


class StatusBar(Horizontal):
    DEFAULT_CSS = """
    StatusBar { height: 1; }
    StatusBar > #env-badge { width: auto; }
    StatusBar > #status-counts { width: auto; padding: 0 1; }
    StatusBar > #status-right { width: 1fr; height: 1; padding: 0 1; text-align: right; }
    """

    def __init__(self, env: Environment, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._env = env

    def compose(self) -> ComposeResult:
        yield Static(
            env_badge_text(self._env), id="env-badge", classes="-production" if self._env.is_production else ""
        )
        yield Static("", id="status-counts")
        yield Static("", id="status-right")
        yield Spinner(id="status-spinner")

    def set_environment(self, env: Environment) -> None:
        self._env = env
        badge = self.query_one("#env-badge", Static)
        badge.update(env_badge_text(env))
        badge.set_class(env.is_production, "-production")

    def set_counts(self, text: str) -> None:
        self.query_one("#status-counts", Static).update(text)

    def set_right(self, text: str) -> None:
        self.query_one("#status-right", Static).update(text)

    @property
    def spinner(self) -> Spinner:
        return self.query_one(Spinner)
