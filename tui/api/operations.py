"""The Users API operations, one row each: the table the client's methods are built on.

``name`` is the snake_case of the spec's operationId; ``response``/``request`` name models in
:mod:`tui.api.models` (resolved lazily). A contract test checks this table against the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

__all__ = ["Operation", "OPERATIONS", "RETRY_SAFE_POSTS", "TOKEN_PATH", "USER_STATUSES"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

USER_STATUSES = ("ACTIVE", "INACTIVE", "ALL")
TOKEN_PATH = "/v2/auth/oauth2-token"  # the OAuth2 token endpoint (not an operation of the Users API)
"""``ListUsersV3Request.userStatusFilter``: the one list of status names (config, filters,
the list screen and the sandbox take it from here; a contract test checks it against the spec)."""

# POSTs that only read, so retrying them is safe.
RETRY_SAFE_POSTS = frozenset({"listUsersV3"})


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    operation_id: str
    method: str
    path: str
    response: str | None = None
    request: str | None = None
    query: tuple[tuple[str, str], ...] = ()  # (python keyword, query parameter)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PLACEHOLDER.findall(self.path))

    @property
    def retry_safe(self) -> bool:
        return self.method in ("GET", "PUT", "DELETE") or self.operation_id in RETRY_SAFE_POSTS

    def format_path(self, args: tuple[Any, ...]) -> str:
        names = self.path_params
        if len(args) != len(names):
            raise TypeError(f"{self.name}() takes {len(names)} path argument(s) ({', '.join(names)}), got {len(args)}")
        values = iter(args)

        def one(match: re.Match[str]) -> str:
            value = next(values)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{self.name}(): {match.group(1)} must be a non-empty string")
            return quote(value.strip(), safe="")

        return _PLACEHOLDER.sub(one, self.path)

    def params(self, given: dict[str, Any]) -> dict[str, Any]:
        known = dict(self.query)
        unknown = set(given) - set(known)
        if unknown:
            raise TypeError(f"{self.name}() got unexpected keyword(s): {', '.join(sorted(unknown))}")
        return {known[k]: v for k, v in given.items() if v is not None}


_INACTIVE = (("include_inactive", "includeInactive"),)
_U = "/v2/users/{userId}"

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "list_users_v3", "listUsersV3", "POST", "/v3/users/list", "ListUsersV3Response", "ListUsersV3Request"
        ),
        Operation(
            "query_user",
            "queryUser",
            "GET",
            "/v2/users",
            "UserSummaryList",
            query=(
                ("company_id", "companyId"),
                ("tmc_id", "tmcId"),
                ("email", "email"),
                ("external_id", "externalId"),
                ("employee_id", "employeeId"),
                ("include_inactive", "includeInactive"),
            ),
        ),  # fmt: skip
        Operation("get_user_info", "getUserInfo", "GET", _U, "UserProfile", query=_INACTIVE),
        Operation("create_user", "createUser", "POST", "/v2/users", "EntityId", "UserCreateRequest"),
        Operation("update_user", "updateUser", "PUT", _U, None, "UserUpdateRequest"),
        Operation("delete_user", "deleteUser", "DELETE", _U),
        Operation("activate_user", "activateUser", "POST", _U + "/activate"),
        Operation(
            "get_personal_info", "getPersonalInfo", "GET", _U + "/personal-info", "UserPersonalInfo", query=_INACTIVE
        ),
        Operation(
            "update_personal_info",
            "updatePersonalInfo",
            "PUT",
            _U + "/personal-info",
            None,
            "UserPersonalInfo",
            _INACTIVE,
        ),
        Operation(
            "get_business_info", "getBusinessInfo", "GET", _U + "/business-info", "BusinessInfo", query=_INACTIVE
        ),
        Operation(
            "update_business_info", "updateBusinessInfo", "PUT", _U + "/business-info", None, "BusinessInfo", _INACTIVE
        ),
        Operation(
            "get_user_travel_preferences",
            "getUserTravelPreferences",
            "GET",
            _U + "/travel-preferences",
            "TravelPreferences",
        ),
        Operation(
            "update_travel_preferences",
            "updateTravelPreferences",
            "PUT",
            _U + "/travel-preferences",
            None,
            "TravelPreferences",
        ),
        Operation("get_membership_info", "getMembershipInfo", "GET", _U + "/membership-info", "MembershipInfo"),
        Operation(
            "update_membership_info", "updateMembershipInfo", "PUT", _U + "/membership-info", None, "MembershipInfo"
        ),
        Operation("get_user_roles", "getUserRoles", "GET", _U + "/roles", "RolesConfig"),
        Operation("update_user_roles", "updateUserRoles", "PUT", _U + "/roles", None, "RolesConfig"),
        Operation(
            "get_notification_preferences",
            "getNotificationPreferences",
            "GET",
            _U + "/notification-preferences",
            "NotificationPreferences",
        ),  # fmt: skip
        Operation(
            "update_notification_preferences",
            "updateNotificationPreferences",
            "PUT",
            _U + "/notification-preferences",
            None,
            "NotificationPreferences",
        ),  # fmt: skip
        Operation(
            "get_user_travel_arrangers",
            "getUserTravelArrangers",
            "GET",
            _U + "/travel-arrangers",
            "UserTravelArrangers",
        ),
        Operation("get_external_id", "getExternalId", "GET", _U + "/external-id", "ExternalIdObject", query=_INACTIVE),
        Operation(
            "update_external_id", "updateExternalId", "PUT", _U + "/external-id", None, "ExternalIdObject", _INACTIVE
        ),
        Operation(
            "get_user_applicable_policies",
            "getUserApplicablePolicies",
            "GET",
            _U + "/applicable-policies",
            "UserApplicablePolicies",
        ),  # fmt: skip
        Operation(
            "add_favorite", "addFavorite", "POST", _U + "/favorites", "AddFavoriteResponse", "AddFavoriteRequest"
        ),
        Operation(
            "list_favorites",
            "listFavorites",
            "GET",
            _U + "/favorites",
            "ListFavoritesResponse",
            query=(("types", "types"), ("query", "query")),
        ),  # fmt: skip
        Operation("remove_favorite", "removeFavorite", "DELETE", _U + "/favorites/{favoriteId}"),
        Operation("get_rbac_info", "getRbacInfo", "GET", "/v3/users/{userId}/rbac-info", "GetRbacInfoResponse"),
    )
}
