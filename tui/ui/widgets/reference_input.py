"""An input that picks legal entities, offices, departments or cost centers by name.

It searches the scope's :class:`~tui.domain.directory.ReferenceDirectory` as the agent types:
part of a name in any case, accents optional ("zur" finds "Zürich Office"). Right accepts the
inline completion, Up/Down step through every name that matches, and several names are
separated by commas. :meth:`ReferenceInput.picked` turns the text into the names (or IDs) to
filter by, or says which part matches nothing or too much.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from tui.domain.directory import KIND_LABELS, ReferenceDirectory, fold, is_id

__all__ = ["ReferenceInput"]


def _split(value: str) -> tuple[str, str]:
    """``"Paris HQ, Tor"`` -> ``("Paris HQ, ", "Tor")``: the names done and the one being typed."""
    head, comma, last = value.rpartition(",")
    if not comma:
        return "", value
    spaces = len(last) - len(last.lstrip())
    return head + comma + last[:spaces], last[spaces:]


class _NameSuggester(Suggester):
    """Completes the name being typed with the first directory name that starts with it."""

    def __init__(self, directory: ReferenceDirectory, kind: str) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.directory = directory
        self.kind = kind

    async def get_suggestion(self, value: str) -> str | None:
        done, typed = _split(value)
        if not typed.strip():
            return None
        for name, _ in self.directory.search(self.kind, typed):
            if fold(name[: len(typed)]) == fold(typed):  # shown as typed + the rest of the name
                return done + name
        return None


class ReferenceInput(Input):
    BINDINGS = [
        Binding("down", "step(1)", "Next match", show=False, id="reference.next"),
        Binding("up", "step(-1)", "Previous match", show=False, id="reference.previous"),
    ]

    def __init__(
        self, kind: str, directory: ReferenceDirectory, values: tuple[str, ...] = (), **kwargs: object
    ) -> None:
        self.kind = kind
        self.directory = directory
        self._typed: str | None = None  # what the agent typed before stepping with Up/Down
        self._step = -1
        self._stepped = ""  # the value the last step set
        shown = [directory.name_of(kind, v) or v if is_id(v) else v for v in values]
        many = KIND_LABELS[kind][1]
        super().__init__(
            ", ".join(shown),
            placeholder=f"part of a name ({directory.count(kind)} {many} seen)",
            suggester=_NameSuggester(directory, kind),
            **kwargs,  # type: ignore[arg-type]
        )

    @property
    def label(self) -> tuple[str, str]:
        """(singular, plural) of what it picks: ("office", "offices")."""
        return KIND_LABELS[self.kind]

    def matches(self) -> list[str]:
        """The distinct names that contain the name being typed (all, when nothing is typed)."""
        typed = _split(self._typed if self._typed is not None else self.value)[1]
        return list(dict.fromkeys(name for name, _ in self.directory.search(self.kind, typed)))

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self._typed is not None and value != self._stepped:
            self._typed, self._step = None, -1  # typed again: matches follow the new text

    def action_step(self, delta: int) -> None:
        if self._typed is None:
            self._typed, self._step = self.value, -1
        names = self.matches()
        if not names:
            return
        self._step = (self._step + delta) % len(names)
        self._stepped = _split(self._typed)[0] + names[self._step]
        self.value = self._stepped
        self.cursor_position = len(self.value)

    def picked(self) -> tuple[tuple[str, ...], str | None]:
        """The names (IDs where one was typed) the text stands for, or why it cannot be used."""
        out: list[str] = []
        for part in (p.strip() for p in self.value.split(",")):
            if not part:
                continue
            if is_id(part):
                out.append(part)
                continue
            ids, error = self.directory.resolve(self.kind, part)
            if error:
                return (), error
            name = self.directory.name_of(self.kind, ids[0]) or part
            if name not in out:
                out.append(name)
        return tuple(out), None
