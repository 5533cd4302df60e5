"""The profile screen's header: who this is (name, email, persona, tier, active, IDs, last
updated) and in which environment, from ``GET /v2/users/{id}`` and/or the list's row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from tui.domain.cache_crypto import NOT_CACHED

__all__ = ["ProfileHeader", "header_facts"]


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _iso(value: Any) -> str:
    value = _d(value).get("iso8601") if isinstance(value, dict) else value
    return value if isinstance(value, str) else ""


def header_facts(
    user_id: str, profile: dict | None = None, row: Any = None, detail: dict | None = None
) -> dict[str, Any]:
    """What the header shows, the profile winning over the list's row / UserDetail."""
    profile, detail = _d(profile), _d(detail)
    personal, business = _d(profile.get("personalInfo")), _d(profile.get("businessInfo"))
    name = _d(personal.get("name"))
    full = " ".join(
        p
        for p in (name.get("given"), name.get("middle"), name.get("family1"), name.get("family2"))
        if isinstance(p, str) and p and p != NOT_CACHED  # (offline: the list's row has the name)
    )
    active = profile.get("isActive")
    if not isinstance(active, bool):
        active = detail.get("isActive") if isinstance(detail.get("isActive"), bool) else getattr(row, "active", None)
    return {
        "user_id": user_id,
        "name": full or getattr(row, "name", "") or "(no name)",
        "email": personal.get("email") or business.get("email") or getattr(row, "email", "") or "",
        "persona": profile.get("persona") or detail.get("persona") or getattr(row, "persona", "") or "",
        "tier": profile.get("tier") or "",
        "active": active,
        "external_id": profile.get("externalId") or detail.get("externalId") or "",
        "last_updated": _iso(detail.get("lastUpdatedAt")) or _iso(profile.get("lastUpdatedAt")),
    }


class ProfileHeader(Static):
    DEFAULT_CSS = """
    ProfileHeader { height: auto; padding: 0 1; background: $panel; border-bottom: solid $primary;
        text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, user_id: str, env_name: str = "", production: bool = False, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.user_id = user_id
        self.env_name = env_name
        self.production = production
        self.facts: dict[str, Any] = header_facts(user_id)
        self.note = ""

    def show(self, facts: dict[str, Any], note: str = "") -> None:
        self.facts = facts
        self.note = note
        self.update(self.render_facts(self._text_width()))

    def _text_width(self) -> int:
        width = self.content_region.width or max(self.app.size.width - 2, 20)
        return max(width, 20)

    def on_resize(self) -> None:
        self.update(self.render_facts(self._text_width()))

    def render_facts(self, width: int = 10_000) -> Text:
        """Two lines that never wrap and never cut a fact in half: the most telling facts
        first, and a fact that does not fit in ``width`` cells is left out whole (the email,
        the last-updated time go first)."""
        f = self.facts
        first = Text(no_wrap=True, overflow="ellipsis", end="")
        first.append(f["name"], style="bold")
        status: list[tuple[str, str]] = []
        if f["active"] is True:
            status = [("  ", ""), ("ACTIVE", "bold green")]
        elif f["active"] is False:
            status = [("  ", ""), (" INACTIVE ", "bold reverse red")]
        _fit(first, status, width)
        for value in (f["persona"], f["tier"] and f"tier {f['tier']}", f["email"]):
            if value:
                _fit(first, [(f"  ·  {value}", "")], width)
        second = Text(no_wrap=True, overflow="ellipsis", end="")
        parts: list[list[tuple[str, str]]] = []
        if self.env_name:
            parts.append([("env ", "dim"), (self.env_name, "bold reverse red" if self.production else "bold")])
        parts.append([("ID ", "dim"), (f["user_id"], "")])
        parts.append([("external ID ", "dim"), (f["external_id"] or "—", "")])
        parts.append([("last updated ", "dim"), (f["last_updated"] or "—", "")])
        for part in parts:
            _fit(second, ([("  ·  ", "")] if second.plain else []) + part, width)
        lines = [first, second]
        if self.note:
            lines.append(Text(self.note, style="italic red", no_wrap=True, overflow="ellipsis", end=""))
        return Text("\n").join(lines)


def _fit(line: Text, pieces: list[tuple[str, str]], width: int) -> None:
    """Append the pieces to ``line`` if all of them fit in ``width`` cells, else none."""
    if line.cell_len + sum(Text(t).cell_len for t, _ in pieces) <= width:
        for text, style in pieces:
            line.append(text, style=style or None)
