"""The Starlette app: every Users API operation, the OAuth2 token endpoint, admin endpoints."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.api import models as m

from .errors import ApiError, error_response, not_found, validation_error
from .faults import Faults, FaultMiddleware, RequestLog
from .rbac import rbac_info
from .store import SECTION_KEYS, Store, UnknownUser, section_key

# slug -> (body model, PUT status, GET honours includeInactive); None model = read-only
SECTIONS: dict[str, tuple[Any, int | None, bool]] = {
    "personal-info": (m.UserPersonalInfo, 200, True),
    "business-info": (m.BusinessInfo, 204, True),
    "travel-preferences": (m.TravelPreferences, 204, False),
    "membership-info": (m.MembershipInfo, 204, False),
    "notification-preferences": (m.NotificationPreferences, 200, False),
    "roles": (m.RolesConfig, 204, False),
    "external-id": (m.ExternalIdObject, 200, True),
    "travel-arrangers": (None, None, False),
    "applicable-policies": (None, None, False),
}
STATUSES = ("ACTIVE", "INACTIVE", "ALL")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json(request: Request, model: Any = None) -> Any:
    """The parsed body (kept as given), validated against ``model`` if one is named."""
    raw = await request.body()
    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "MALFORMED_JSON", "request body is not valid JSON",
                       [{"name": "body", "value": ""}], str(exc)) from None
    if model is not None:
        if not isinstance(data, dict):
            raise ApiError(400, "INVALID_REQUEST", "request body must be a JSON object",
                           [{"name": "body", "value": ""}])
        try:
            model.model_validate(data)
        except ValidationError as exc:
            raise validation_error(exc) from None
    return data


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").lower() == "true"


def _invalid(field: str, value: Any, message: str) -> ApiError:
    return ApiError(400, "INVALID_FIELD", f"{field}: {message}",
                    [{"name": field, "value": value if isinstance(value, str) else json.dumps(value)}])


def build_app(store: Store, faults: Faults, log: RequestLog, *, token: str, client_id: str,
              client_secret: str, token_expires_in: int = 3600) -> Starlette:
    def authorize(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or given.strip() != token:
            why = "missing bearer token" if not given else "invalid bearer token"
            raise ApiError(401, "UNAUTHORIZED", why, [{"name": "Authorization", "value": ""}])

    def api(fn):
        async def handler(request: Request) -> Response:
            try:
                authorize(request)
                return await fn(request)
            except ApiError as exc:
                return exc.response()
            except UnknownUser as exc:
                return not_found(str(exc.args[0])).response()
        return handler

    def user_id(request: Request, *, active_only: bool = False) -> str:
        uid = request.path_params["userId"]
        if not store.exists(uid):
            raise not_found(uid)
        if active_only and not _flag(request, "includeInactive") and not store.is_active(uid):
            raise ApiError(404, "NOT_FOUND", f"User is inactive: {uid} (pass includeInactive=true)",
                           [{"name": "userId", "value": uid}])
        return uid

    # -- auth ----------------------------------------------------------------------------------
    async def oauth_token(request: Request) -> Response:
        try:
            raw = (await request.body()).decode()
            if request.headers.get("content-type", "").startswith("application/json"):
                data = json.loads(raw)
            else:
                data = dict(parse_qsl(raw, keep_blank_values=True))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            return ApiError(400, "MALFORMED_REQUEST", "unreadable token request", detail=str(exc)).response()
        try:
            m.OAuthTokenRequest.model_validate(data)
        except ValidationError as exc:
            return validation_error(exc).response()
        if data["grant_type"] != "client_credentials":
            return _invalid("grant_type", data["grant_type"], "only client_credentials is supported").response()
        if data["client_id"] != client_id or data["client_secret"] != client_secret:
            return ApiError(403, "INVALID_CLIENT", "invalid client credentials",
                            [{"name": "client_id", "value": data["client_id"]}]).response()
        return JSONResponse({"access_token": token, "token_type": "Bearer",
                             "expires_in": token_expires_in})

    # -- users ---------------------------------------------------------------------------------
    @api
    async def create_user(request: Request) -> Response:
        body = await read_json(request, m.UserCreateRequest)
        return JSONResponse({"id": store.create_user(body)}, status_code=201)

    @api
    async def query_users(request: Request) -> Response:
        q = request.query_params
        with store.lock:
            idx = store.index
            sets = []
            if q.get("email"):
                sets.append(idx.positions("email", q["email"].lower()))
            if q.get("externalId"):
                sets.append(idx.positions("externalId", q["externalId"]))
            if q.get("employeeId"):
                sets.append(idx.positions("employeeId", q["employeeId"]))
            if q.get("companyId"):
                sets.append(idx.positions("company", q["companyId"]))
            if q.get("tmcId") and q["tmcId"] != store.tmc_id:
                sets.append(set())
            if sets:
                found = set.intersection(*map(set, sets))
                positions = sorted(found, key=lambda p: (idx.names[p], p))
            else:
                positions = idx.order
            if not _flag(request, "includeInactive"):
                positions = [p for p in positions if idx.active[p]]
            elements = [store.summary(p) for p in positions]
        return JSONResponse({"length": len(elements), "elements": elements})

    @api
    async def list_users(request: Request) -> Response:
        body = await read_json(request, m.ListUsersV3Request)
        status = body.get("userStatusFilter", "ACTIVE")
        if status not in STATUSES:
            raise _invalid("userStatusFilter", status, f"expected one of {', '.join(STATUSES)}")
        sort = body.get("sort") or {}
        if sort.get("sortBy", "NAME") != "NAME":
            raise _invalid("sort.sortBy", sort.get("sortBy"), "only NAME is supported")
        if sort.get("sortOrder", "ASCENDING") not in ("ASCENDING", "DESCENDING"):
            raise _invalid("sort.sortOrder", sort.get("sortOrder"), "expected ASCENDING or DESCENDING")
        company = None
        if "tmcId" in body:
            if body["tmcId"]["id"] != store.tmc_id:
                raise ApiError(404, "NOT_FOUND", f"TMC not found: {body['tmcId']['id']}",
                               [{"name": "tmcId.id", "value": body["tmcId"]["id"]}])
        else:
            company = body["companyId"]["id"]
            if company not in store.company_ids:
                raise ApiError(404, "NOT_FOUND", f"Company not found: {company}",
                               [{"name": "companyId.id", "value": company}])
        page = body.get("pagination") or {}
        offset, limit = page.get("offset", 0), page.get("limit", 100)
        with store.lock:
            positions = store.index.query(
                company=company, filters=body.get("filters"), status=status,
                search=body.get("searchText") or "",
                descending=sort.get("sortOrder") == "DESCENDING")
            users = [store.detail(p) for p in positions[offset:offset + limit]]
        return JSONResponse({"users": users, "pagination": {"totalNumResults": len(positions)}})

    @api
    async def get_user(request: Request) -> Response:
        return JSONResponse(store.user_profile(user_id(request, active_only=True)))

    @api
    async def update_user(request: Request) -> Response:
        uid = user_id(request)
        store.update_user(uid, await read_json(request, m.UserUpdateRequest))
        return Response(status_code=200)

    @api
    async def delete_user(request: Request) -> Response:
        store.set_active(user_id(request), False)
        return Response(status_code=204)

    @api
    async def activate_user(request: Request) -> Response:
        store.set_active(user_id(request), True)
        return Response(status_code=200)

    def section_routes(slug: str) -> list[Route]:
        model, put_status, honours_inactive = SECTIONS[slug]
        key = SECTION_KEYS[slug]

        @api
        async def get_section(request: Request) -> Response:
            return JSONResponse(store.get_section(user_id(request, active_only=honours_inactive), key))

        @api
        async def put_section(request: Request) -> Response:
            uid = user_id(request)
            store.set_section(uid, key, await read_json(request, model))
            return Response(status_code=put_status)

        path = f"/v2/users/{{userId}}/{slug}"
        routes = [Route(path, get_section, methods=["GET"])]
        if model is not None:
            routes.append(Route(path, put_section, methods=["PUT"]))
        return routes

    @api
    async def add_favorite(request: Request) -> Response:
        uid = user_id(request)
        body = await read_json(request, m.AddFavoriteRequest)
        return JSONResponse({"favorite": store.add_favorite(uid, body)})

    @api
    async def list_favorites(request: Request) -> Response:
        uid = user_id(request)
        types = [t for v in request.query_params.getlist("types") for t in v.split(",") if t]
        items = store.list_favorites(uid, types or None, request.query_params.get("query"))
        return JSONResponse({"favorites": [{"favorite": f, "type": f["type"]} for f in items]})

    @api
    async def remove_favorite(request: Request) -> Response:
        uid = user_id(request)
        fav = request.path_params["favoriteId"]
        if not store.remove_favorite(uid, fav):
            raise ApiError(404, "NOT_FOUND", f"Favorite not found: {fav}",
                           [{"name": "favoriteId", "value": fav}])
        return Response(status_code=200)

    @api
    async def get_rbac(request: Request) -> Response:
        return JSONResponse(rbac_info(store.get_section(user_id(request), "roles")))

    # -- admin (not part of the spec) -----------------------------------------------------------
    async def admin_faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                faults.configure(await read_json(request))
            except (ValueError, KeyError, TypeError) as exc:
                return ApiError(400, "INVALID_REQUEST", str(exc)).response()
            except ApiError as exc:
                return exc.response()
        return JSONResponse(faults.state())

    async def admin_section(request: Request) -> Response:
        uid, section = request.path_params["userId"], request.path_params["section"]
        try:
            section_key(section)
            if request.method == "POST":
                changes = await read_json(request)
                if not isinstance(changes, dict):
                    raise ApiError(400, "INVALID_REQUEST", "tamper body must be a JSON object")
                return JSONResponse(store.tamper(uid, section, changes))
            return JSONResponse(store.get_section(uid, section))
        except ApiError as exc:
            return exc.response()
        except UnknownUser:
            return not_found(uid).response()
        except KeyError:
            return ApiError(404, "NOT_FOUND", f"unknown section {section}").response()

    async def admin_requests(request: Request) -> Response:
        if request.method == "DELETE":
            log.clear()
        return JSONResponse(log.as_json())

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(exc.status_code, [{
            "errorCode": "NOT_FOUND" if exc.status_code == 404 else "HTTP_ERROR",
            "message": str(exc.detail), "errorParameters": [{"name": "path", "value": request.url.path}]}])

    routes = [
        Route("/v2/auth/oauth2-token", oauth_token, methods=["POST"]),
        Route("/v2/users", create_user, methods=["POST"]),
        Route("/v2/users", query_users, methods=["GET"]),
        Route("/v3/users/list", list_users, methods=["POST"]),
        Route("/v2/users/{userId}", get_user, methods=["GET"]),
        Route("/v2/users/{userId}", update_user, methods=["PUT"]),
        Route("/v2/users/{userId}", delete_user, methods=["DELETE"]),
        Route("/v2/users/{userId}/activate", activate_user, methods=["POST"]),
        Route("/v2/users/{userId}/favorites", add_favorite, methods=["POST"]),
        Route("/v2/users/{userId}/favorites", list_favorites, methods=["GET"]),
        Route("/v2/users/{userId}/favorites/{favoriteId}", remove_favorite, methods=["DELETE"]),
        Route("/v3/users/{userId}/rbac-info", get_rbac, methods=["GET"]),
        Route("/_sandbox/faults", admin_faults, methods=["GET", "POST"]),
        Route("/_sandbox/users/{userId}/{section}", admin_section, methods=["GET", "POST"]),
        Route("/_sandbox/requests", admin_requests, methods=["GET", "DELETE"]),
    ]
    for slug in SECTIONS:
        routes += section_routes(slug)
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return FaultMiddleware(app, faults, log)
