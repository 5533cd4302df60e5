"""The profile screen's header: who this is (name, email, persona, tier, active, IDs, last
updated) and in which environment, from ``GET /v2/users/{id}`` and/or the list's row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

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
        if isinstance(p, str) and p
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
        self.update(self.render_facts())

    def render_facts(self) -> Text:
        """Two lines that never wrap: the most telling facts first, so a narrow terminal
        cuts only the tail (the email, the last-updated time)."""
        f = self.facts
        first = Text(no_wrap=True, overflow="ellipsis", end="")
        first.append(f["name"], style="bold")
        if f["active"] is True:
            first.append("  ")
            first.append("ACTIVE", style="bold green")
        elif f["active"] is False:
            first.append("  ")
            first.append(" INACTIVE ", style="bold reverse red")
        for value in (f["persona"], f["tier"] and f"tier {f['tier']}", f["email"]):
            if value:
                first.append(f"  ·  {value}")
        second = Text(no_wrap=True, overflow="ellipsis", end="")
        if self.env_name:
            second.append("env ", style="dim")
            second.append(self.env_name, style="bold reverse red" if self.production else "bold")
            second.append("  ·  ")
        second.append("ID ", style="dim")
        second.append(f["user_id"])
        second.append("  ·  external ID ", style="dim")
        second.append(f["external_id"] or "—")
        second.append("  ·  last updated ", style="dim")
        second.append(f["last_updated"] or "—")
        lines = [first, second]
        if self.note:
            lines.append(Text(self.note, style="italic red", no_wrap=True, overflow="ellipsis", end=""))
        return Text("\n").join(lines)
