"""The search box: free text plus ``key:value`` filters; Down or Enter moves to the list."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

__all__ = ["SearchInput"]

PLACEHOLDER = "Search name/email…  filters: persona:guest tier:vip role:travel_arranger status:all"


class SearchInput(Input):
    BINDINGS = [
        Binding("down,enter", "leave", "To list", show=False, id="search.to_list"),
    ]

    class Leave(Message):
        """The agent wants to go down into the list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id, compact=True, select_on_focus=False)

    def action_leave(self) -> None:
        self.post_message(self.Leave())
