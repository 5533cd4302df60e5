"""The bottom line: which environment (production is unmistakable), counts, sort, activity.

The counts ("showing X–Y of N · row R") always keep their room. What does not fit is left out
whole, never cut mid-word: the sort/status text on the right first, then the marks' "b bulk"
hint ("3 marked" stays); recomputed when the text or the terminal's width changes."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
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
    StatusBar > #status-marked { width: auto; padding: 0 1; display: none; color: $text-accent;
        text-style: bold; }
    StatusBar > #status-marked.-some { display: block; }
    StatusBar > #status-right { width: 1fr; height: 1; padding: 0 1; text-align: right; }
    """
    PAD = 2  # the padding of the counts, the marks and the right part (one cell each side)

    def __init__(self, env: Environment, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._env = env
        self._texts: dict[str, str] = {}
        self._marked = 0
        self._right = ""

    def compose(self) -> ComposeResult:
        yield Static(
            env_badge_text(self._env), id="env-badge", classes="-production" if self._env.is_production else ""
        )
        yield Static("", id="status-counts")
        yield Static("", id="status-marked")
        yield Static("", id="status-right")
        yield Spinner(id="status-spinner")

    def set_environment(self, env: Environment) -> None:
        self._env = env
        badge = self.query_one("#env-badge", Static)
        badge.update(env_badge_text(env))
        badge.set_class(env.is_production, "-production")

    @property
    def counts(self) -> str:
        """What the counts part shows ("" before anything was counted)."""
        return self._texts.get("#status-counts", "")

    def set_counts(self, text: str) -> None:
        # as wide as its text: a re-flow only when the width changes ("row 9" -> "row 10")
        before = self._texts.get("#status-counts")
        self._set("#status-counts", text, layout=before is None or len(before) != len(text))
        self._fit()

    def set_marked(self, count: int) -> None:
        """``"3 marked · b bulk"`` (users marked for a bulk change); hidden when nobody is."""
        self._marked = count
        self._fit()

    def set_right(self, text: str) -> None:
        self._right = text
        self._fit()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the marks and the right text whole or not at all, in what the counts leave."""
        if not self.is_mounted:
            return
        fixed = cell_len(env_badge_text(self._env)) + 2  # the badge, then the spinner
        counts = self._texts.get("#status-counts", "")
        room = self.size.width - fixed - cell_len(counts) - self.PAD if self.size.width else 10_000
        n = self._marked
        marked = ""
        if n:
            for text in (f"{n:,} marked · b bulk", f"{n:,} marked"):
                marked = text
                if cell_len(text) + self.PAD <= room:
                    break
            room -= cell_len(marked) + self.PAD
        right = self._right if self._right and cell_len(self._right) + self.PAD <= room else ""
        if self._texts.get("#status-marked") != marked:
            self._texts["#status-marked"] = marked
            part = self.query_one("#status-marked", Static)
            part.update(marked)
            part.set_class(bool(marked), "-some")
        self._set("#status-right", right, layout=False)  # 1fr wide: its text never moves anything

    def _set(self, selector: str, text: str, *, layout: bool) -> None:
        """Update a part only when its text changes (an update with layout re-flows the screen)."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text, layout=layout)

    @property
    def spinner(self) -> Spinner:
        return self.query_one(Spinner)
