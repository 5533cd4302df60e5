"""What the list area shows instead of rows: no match, nothing cached (offline), or one error
state per kind (while the first page loads, the list itself says so: see UserTable). When the
server cannot be reached and something is cached, the error offers working offline (``o``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Static

from tui.ui.backend import ERROR_TITLES
from tui.ui.list_model import PageError

__all__ = ["ListState"]

_HINTS = {
    "auth": "Press ctrl+k to enter a token for this session (kept in memory only), or r to retry.",
    "tls": "The server's certificate was not accepted: check the base URL's host name, or the CA bundle"
    " (SSL_CERT_FILE), then press r.",
    "scope": "Fix tmc_id / company_id of this environment in the config file (or --tmc-id / --company-id),"
    " or switch environment (ctrl+p).",
    "forbidden": "This account may not list these users. Press r to retry or switch environment (ctrl+p).",
    "connection": "The server could not be reached. Press r to retry.",
    "timeout": "Press r to retry.",
    "server": "Press r to retry; if it keeps failing, tell the API team the debug id above.",
    "decode": "Press r to retry.",
    "client": "Press r to retry, or change the search.",
    "config": "Fix the environment in the config file (ctrl+p → Config path), then press r.",
    "query": "Pick it by name in the filter panel (f), use its ID, or change the search.",
    "bug": "Press r to retry. The log has the details.",
    "cache": "Press r to try the server.",
}


class ListState(Vertical):
    DEFAULT_CSS = """
    ListState { height: 1fr; align: center middle; padding: 1 2; display: none; }
    ListState > Static { width: 1fr; text-align: center; }
    ListState > #state-title { text-style: bold; }
    ListState > Button { margin-top: 1; }
    """

    offer: str | None = None
    """The offer to work offline the error state shows (None: none)."""
    state_kind = ""

    class Retry(Message):
        """The agent asked to try again."""

    class WorkOffline(Message):
        """The agent asked to work from the cache (the offer's button)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="state-title")
        yield Static("", id="state-message")
        yield Static("", id="state-hint")
        # the Retry button comes with the first error: most starts never show one, and the
        # first Button of the app costs its stylesheet before the first rows can be painted

    def _show(self, title: str, message: str, hint: str, *, retry: bool, kind: str, offer: str | None = None) -> None:
        self.query_one("#state-title", Static).update(title)
        self.query_one("#state-message", Static).update(message)
        self.query_one("#state-hint", Static).update(hint + (f"\nOr press o to {offer}." if offer else ""))
        self._button("state-retry", "Retry (r)", retry)
        self._button("state-offline", "Work offline (o)", offer is not None)
        self.offer = offer
        for cls in list(self.classes):
            if cls.startswith("-state-"):
                self.remove_class(cls)
        self.add_class(f"-state-{kind}")
        self.state_kind = kind

    def _button(self, id: str, label: str, shown: bool) -> None:
        buttons = self.query(f"#{id}")
        if buttons:
            buttons.first().display = shown
        elif shown:
            self.mount(Button(label, id=id, compact=True))

    def show_empty(self, has_query: bool) -> None:
        hint = "Esc clears the search and filters." if has_query else "Press r to refresh."
        self._show(
            "No users match", "Nothing was found for this search and these filters.", hint, retry=False, kind="empty"
        )

    def show_nothing_cached(self, env_name: str) -> None:
        """Offline, and this environment has nothing in the cache."""
        self._show(
            "Nothing cached yet",
            f"nothing cached for {env_name} yet: run `spotnana-tui cache sync` while online",
            "Press r to try the server.",
            retry=True,
            kind="uncached",
        )

    def show_error(self, error: PageError, offer: str | None = None) -> None:
        """An error state; ``offer`` ("work offline: 4,120 users cached, newest 2 h ago") adds
        the way to the cache."""
        title = ERROR_TITLES.get(error.kind, "Error")
        hint = _HINTS.get(error.kind, "Press r to retry.")
        self._show(title, error.message, hint, retry=True, kind=error.kind, offer=offer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.WorkOffline() if event.button.id == "state-offline" else self.Retry())
