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
        self._texts: dict[str, str] = {}

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
        # as wide as its text: a re-flow only when the width changes ("row 9" -> "row 10")
        before = self._texts.get("#status-counts")
        self._set("#status-counts", text, layout=before is None or len(before) != len(text))

    def set_right(self, text: str) -> None:
        self._set("#status-right", text, layout=False)  # 1fr wide: its text never moves anything

    def _set(self, selector: str, text: str, *, layout: bool) -> None:
        """Update a part only when its text changes (an update with layout re-flows the screen)."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text, layout=layout)

    @property
    def spinner(self) -> Spinner:
        return self.query_one(Spinner)
