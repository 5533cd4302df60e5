"""GET /v3/users/{id}/rbac-info: permissions derived from the user's roles."""

from __future__ import annotations

from typing import Any

_ALL = ["ALL"]
_RW = ["READ", "WRITE"]
ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    "COMPANY_ADMIN": {
        "COMPANY_MANAGEMENT": _ALL,
        "USER_MANAGEMENT": _ALL,
        "REPORT_MANAGEMENT": ["READ"],
        "TRIP_MANAGEMENT": _ALL,
    },
    "COMPANY_TRAVEL_ARRANGER": {"TRIP_MANAGEMENT": _ALL, "USER_MANAGEMENT": ["READ"]},
    "TRAVEL_ARRANGER": {"TRIP_MANAGEMENT": _RW},
    "COMPANY_REPORT_ADMIN": {"REPORT_MANAGEMENT": _ALL},
    "TMC_ADMIN": {"TMC_MANAGEMENT": _ALL, "USER_MANAGEMENT": _ALL, "AGENT": _ALL, "TRIP_MANAGEMENT": _ALL},
    "TMC_AGENT": {"AGENT": _RW, "TRIP_MANAGEMENT": _ALL, "USER_MANAGEMENT": ["READ"]},
    "GLOBAL_ADMIN": {"PLATFORM_MANAGEMENT": _ALL, "USER_MANAGEMENT": _ALL, "TRIP_MANAGEMENT": _ALL},
    "GLOBAL_AGENT": {"AGENT": _ALL, "TRIP_MANAGEMENT": _ALL},
}


def rbac_info(roles_section: Any) -> dict[str, Any]:
    """A GetRbacInfoResponse: everyone has their own profile; roles add the rest."""
    roles = roles_section.get("roles") if isinstance(roles_section, dict) else None
    types = [r.get("roleType") for r in roles or [] if isinstance(r, dict)]
    perms: dict[str, list[str]] = {"USER_PROFILE": list(_RW)}
    for t in types:
        for name, actions in ROLE_PERMISSIONS.get(t, {}).items():
            have = perms.setdefault(name, [])
            have.extend(a for a in actions if a not in have)
    return {
        "hasOthersTripAccess": any(t in ROLE_PERMISSIONS for t in types),
        "permissions": [{"permission": k, "actions": v} for k, v in perms.items()],
    }
