"""The agent's typed user query: ``key:value`` filter tokens plus free search text.

``persona:GUEST tier:vip role:TRAVEL_ARRANGER status:all office:"Paris HQ" email:a@b.example chi``
parses into a
:class:`UserQuery` that knows how to become a ``POST /v3/users/list`` body, how to be
shown as a short line of chips, and how to be written back as text (so a filter panel and
the search box share one source of truth). UI-free: no textual here.

Legal entities, offices, departments and cost centers are typed as IDs or as names (quoted
when they hold spaces); :meth:`UserQuery.resolved` turns names into IDs through the
:class:`~tui.domain.directory.ReferenceDirectory` of the scope before the query is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from tui.domain.directory import ReferenceDirectory, is_id

__all__ = [
    "UserQuery",
    "parse_query",
    "format_query",
    "KNOWN_PERSONAS",
    "KNOWN_TIERS",
    "KNOWN_ROLES",
    "STATUSES",
    "ID_FILTERS",
    "TYPED_FILTERS",
]

STATUSES = ("ACTIVE", "INACTIVE", "ALL")
KNOWN_PERSONAS = ("EMPLOYEE", "GUEST", "PERSONAL", "RELATIVE", "ADHOC", "UNKNOWN_PERSONA")
KNOWN_TIERS = ("BASIC", "SEAT1A")
KNOWN_ROLES = (
    "COMPANY_ADMIN",
    "COMPANY_TRAVEL_ARRANGER",
    "TRAVEL_ARRANGER",
    "COMPANY_REPORT_ADMIN",
    "GLOBAL_ADMIN",
    "GLOBAL_AGENT",
    "TMC_AGENT",
    "TMC_ADMIN",
    "UNKNOWN_TYPE",
)

# attribute of UserQuery -> JSON key of UserListFilter
ID_FILTERS: dict[str, str] = {
    "legal_entities": "legalEntityIds",
    "offices": "officeIds",
    "departments": "departmentIds",
    "cost_centers": "costCenterIds",
}

_VALUE_ALIASES = {
    "tiers": {"VIP": "SEAT1A", "STANDARD": "BASIC"},
    "statuses": {"ANY": "ALL", "ON": "ACTIVE", "OFF": "INACTIVE", "DISABLED": "INACTIVE"},
}

# typed key (lower case) -> attribute
_KEYS: dict[str, str] = {
    "status": "status",
    "is": "status",
    "persona": "personas",
    "personas": "personas",
    "tier": "tiers",
    "tiers": "tiers",
    "role": "roles",
    "roles": "roles",
    "legal": "legal_entities",
    "le": "legal_entities",
    "legalentity": "legal_entities",
    "legal_entity": "legal_entities",
    "office": "offices",
    "dept": "departments",
    "department": "departments",
    "cc": "cost_centers",
    "costcenter": "cost_centers",
    "cost_center": "cost_centers",
    "email": "emails",
    "emails": "emails",
    "mail": "emails",
}

# canonical key written back by format_query
_CANONICAL = {
    "status": "status",
    "personas": "persona",
    "tiers": "tier",
    "roles": "role",
    "legal_entities": "legal",
    "offices": "office",
    "departments": "dept",
    "cost_centers": "cc",
    "emails": "email",
}

_KNOWN = {"personas": KNOWN_PERSONAS, "tiers": KNOWN_TIERS, "roles": KNOWN_ROLES}

_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*"?)+')
_KEY_VALUE = re.compile(r"^([A-Za-z_]+):(.*)$")
_VALUE = re.compile(r'(?:"[^"]*"?|[^,"]+)+')  # comma-separated values, commas inside quotes kept

# typed filters whose values are kept as typed (IDs or names, emails)
_VERBATIM = (*ID_FILTERS, "emails")
# every typed filter key, as the help screen and README list them (canonical key, what it takes)
TYPED_FILTERS: tuple[tuple[str, str], ...] = (
    ("status:", "active, inactive, all (is:)"),
    ("persona:", "employee, guest, personal, …"),
    ("tier:", "basic, seat1a (vip)"),
    ("role:", "company_admin, tmc_agent, …"),
    ("legal:", "legal entity name or ID (le:)"),
    ("office:", 'name or ID: office:"Paris HQ"'),
    ("dept:", "department name or ID"),
    ("cc:", "cost center name or ID"),
    ("email:", "exact address (emails:)"),
)


@dataclass(frozen=True, slots=True)
class UserQuery:
    """What the agent asked for. Tuples of values are OR-ed; different keys are AND-ed."""

    text: str = ""
    status: str | None = None  # None = the app's default
    personas: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    legal_entities: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    cost_centers: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in (*_KNOWN, *_VERBATIM)) or self.status is not None

    def effective_status(self, default: str = "ALL") -> str:
        return self.status or default

    def filter_object(self) -> dict[str, Any]:
        """One ``UserListFilter`` (its conditions are AND-ed by the server)."""
        out: dict[str, Any] = {}
        if self.personas:
            out["personas"] = list(self.personas)
        if self.tiers:
            out["tiers"] = list(self.tiers)
        if self.roles:
            out["roles"] = list(self.roles)
        for attr, key in ID_FILTERS.items():
            values = getattr(self, attr)
            if values:
                out[key] = [{"id": v} for v in values]
        if self.emails:
            out["emails"] = list(self.emails)
        return out

    def resolved(self, directory: ReferenceDirectory | None) -> tuple[UserQuery, list[str]]:
        """This query with every reference name replaced by its IDs (see
        :meth:`ReferenceDirectory.resolve`), and one error per name that has none."""
        changes: dict[str, Any] = {}
        errors: list[str] = []
        for attr in ID_FILTERS:
            values = getattr(self, attr)
            if not values or all(is_id(v) for v in values):
                continue
            ids: list[str] = []
            for value in values:
                found: tuple[str, ...]
                if directory is None:
                    found, error = ((value,), None) if is_id(value) else ((), f"{value!r} is not an ID")
                else:
                    found, error = directory.resolve(attr, value)
                if error:
                    errors.append(error)
                ids.extend(i for i in found if i not in ids)
            changes[attr] = tuple(ids)
        return (replace(self, **changes) if changes else self), errors

    def to_request(
        self,
        *,
        tmc_id: str | None = None,
        company_id: str | None = None,
        offset: int = 0,
        limit: int = 100,
        descending: bool = False,
        default_status: str = "ALL",
    ) -> dict[str, Any]:
        """The JSON body of ``POST /v3/users/list``. Exactly one of tmc_id/company_id."""
        if (tmc_id is None) == (company_id is None):
            raise ValueError("exactly one of tmc_id or company_id is needed to list users")
        body: dict[str, Any] = {}
        if tmc_id is not None:
            body["tmcId"] = {"id": tmc_id}
        else:
            body["companyId"] = {"id": company_id}
        body["userStatusFilter"] = self.effective_status(default_status)
        if self.text:
            body["searchText"] = self.text
        body["pagination"] = {"offset": offset, "limit": limit}
        flt = self.filter_object()
        if flt:
            body["filters"] = [flt]
        body["sort"] = {"sortBy": "NAME", "sortOrder": "DESCENDING" if descending else "ASCENDING"}
        return body

    def chips(self, directory: ReferenceDirectory | None = None) -> list[str]:
        """Short readable labels of the active filters, e.g. ``persona: GUEST|EMPLOYEE``
        (IDs by their name when ``directory`` knows it)."""
        out = []
        if self.status is not None:
            out.append(f"status: {self.status.lower()}")
        for attr in ("personas", "tiers", "roles", *_VERBATIM):
            values = getattr(self, attr)
            if values:
                shown = [_shown(attr, v, directory) for v in values]
                out.append(f"{_CANONICAL[attr]}: {'|'.join(shown)}")
        if self.text:
            out.append(f'text: "{self.text}"')
        return out

    def with_values(self, **changes: Any) -> UserQuery:
        return replace(self, **changes)


def _shown(attr: str, value: str, directory: ReferenceDirectory | None) -> str:
    if attr not in ID_FILTERS or not is_id(value):
        return value
    name = directory.name_of(attr, value) if directory is not None else None
    return name or value[:8] + "…"


def _normalise(attr: str, raw: str, warnings: list[str]) -> str:
    value = raw.strip().upper().replace("-", "_")
    alias = _VALUE_ALIASES.get(attr, {}).get(value)
    if alias:
        return alias
    known = _KNOWN.get(attr)
    if not known or value in known:
        return value
    prefixed = [k for k in known if k.startswith(value)]
    if len(prefixed) == 1:
        return prefixed[0]
    contained = [k for k in known if value in k]
    if len(contained) == 1:
        return contained[0]
    warnings.append(f"unknown {_CANONICAL[attr]} {raw!r} (sent as {value})")
    return value


def _unquote(token: str) -> str:
    return token.replace('"', "")


def _split_values(raw: str) -> list[str]:
    """``a,"b, c",d`` -> ``["a", "b, c", "d"]`` (blank ones dropped)."""
    return [v for v in (" ".join(_unquote(m).split()) for m in _VALUE.findall(raw)) if v]


def parse_query(text: str) -> UserQuery:
    """Parse the search box. Never raises; oddities end up in ``warnings``."""
    values: dict[str, list[str]] = {}
    free: list[str] = []
    warnings: list[str] = []
    status: str | None = None
    for token in _TOKEN.findall(text or ""):
        match = _KEY_VALUE.match(token)
        attr = _KEYS.get(match.group(1).lower()) if match else None
        if match is None or attr is None:
            if match is not None and match.group(1).lower() not in _KEYS and match.group(2):
                warnings.append(f"unknown filter {match.group(1)!r}: searched as text")
            free.append(_unquote(token))
            continue
        raw_values = _split_values(match.group(2))
        if not raw_values:
            continue  # "persona:" while typing: ignore until a value comes
        if attr == "status":
            value = raw_values[-1].strip().upper()
            value = _VALUE_ALIASES["statuses"].get(value, value)
            if value not in STATUSES:
                warnings.append(f"unknown status {raw_values[-1]!r}: use active, inactive or all")
                continue
            status = value
            continue
        bucket = values.setdefault(attr, [])
        for raw in raw_values:
            value = raw.strip() if attr in _VERBATIM else _normalise(attr, raw, warnings)
            if value not in bucket:
                bucket.append(value)
    return UserQuery(
        text=" ".join(t for t in free if t).strip(),
        status=status,
        warnings=tuple(warnings),
        **{attr: tuple(v) for attr, v in values.items()},
    )


def format_query(query: UserQuery) -> str:
    """The text that parses back into ``query`` (filters first, then the free text)."""
    parts = []
    if query.status is not None:
        parts.append(f"status:{query.status.lower()}")
    for attr in ("personas", "tiers", "roles", *_VERBATIM):
        values = getattr(query, attr)
        if values:
            parts.append(f"{_CANONICAL[attr]}:{','.join(_quote(v) for v in values)}")
    if query.text:
        parts.append(query.text)
    return " ".join(parts)


def _quote(value: str) -> str:
    value = value.replace('"', "")
    return f'"{value}"' if (" " in value or "," in value or ":" in value) else value
