"""The Starlette app: every Users API operation, the OAuth2 token endpoint, admin endpoints.

Paths and methods come from :data:`tui.api.operations.OPERATIONS`, the table the client is built
on, so an endpoint is declared once; each handler names its operation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.api.operations import OPERATIONS, TOKEN_PATH, USER_STATUSES, Operation

from .errors import ApiError, error_response, not_found, validation_error
from .faults import FaultMiddleware, Faults, RequestLog
from .list_body import plain_list_body
from .rbac import rbac_info
from .store import SECTION_KEYS, Store, UnknownUser, section_key
from .validation import invalid, parse_json, query_flag, read_body, read_json, spec_errors, validate_query, validated

Handler = Callable[[Request], Awaitable[Response]]

# slug -> (GET operation, PUT operation or None for read-only, PUT status). The paths, the body
# model (the PUT's request) and whether the GET honours includeInactive come from OPERATIONS.
SECTIONS: dict[str, tuple[str, str | None, int | None]] = {
    "personal-info": ("get_personal_info", "update_personal_info", 200),
    "business-info": ("get_business_info", "update_business_info", 204),
    "travel-preferences": ("get_user_travel_preferences", "update_travel_preferences", 204),
    "membership-info": ("get_membership_info", "update_membership_info", 204),
    "notification-preferences": ("get_notification_preferences", "update_notification_preferences", 200),
    "roles": ("get_user_roles", "update_user_roles", 204),
    "external-id": ("get_external_id", "update_external_id", 200),
    "travel-arrangers": ("get_user_travel_arrangers", None, None),
    "applicable-policies": ("get_user_applicable_policies", None, None),
}
INCLUDE_INACTIVE = "includeInactive"


def _json_response(body: bytes) -> Response:
    """A JSON answer already rendered (by the store, under its lock)."""
    return Response(body, media_type="application/json")


def request_model(op: Operation) -> Any:
    """The model class of an operation's request body, or None (the models load on first use)."""
    if not op.request:
        return None
    from tui.api import models

    return getattr(models, op.request)


def honours_inactive(op: Operation) -> bool:
    return any(param == INCLUDE_INACTIVE for _, param in op.query)


def build_app(
    store: Store,
    faults: Faults,
    log: RequestLog,
    *,
    token: str,
    client_id: str,
    client_secret: str,
    token_expires_in: int = 3600,
) -> FaultMiddleware:
    def authorize(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or given.strip() != token:
            why = "missing bearer token" if not given else "invalid bearer token"
            raise ApiError(401, "UNAUTHORIZED", why, [{"name": "Authorization", "value": ""}])

    routes: list[Route] = []

    def api(name: str) -> Callable[[Handler], Handler]:
        """Serve operation ``name`` (its path and method from OPERATIONS) with this handler,
        after the bearer token and the query parameters the operation declares are checked."""
        op = OPERATIONS[name]

        def register(fn: Handler) -> Handler:
            async def handler(request: Request) -> Response:
                request.state.operation = op
                try:
                    authorize(request)
                    validate_query(request, op)
                    return await fn(request)
                except ApiError as exc:
                    return exc.response()
                except UnknownUser as exc:
                    return not_found(str(exc.args[0])).response()

            routes.append(Route(op.path, handler, methods=[op.method], name=op.name))
            return handler

        return register

    async def body(request: Request, held: Any = None, plain: Callable[[Any], bool] | None = None) -> Any:
        """The body as sent, once the model OPERATIONS names for this operation's request accepts it
        (``held``: the stored JSON whose values may come back, see validation.spec_errors), or
        once ``plain`` says it is one the model would accept as it is (see list_body.py)."""
        data = await read_json(request)
        if plain is not None and plain(data):
            return data
        model = request_model(request.state.operation)
        return data if model is None else validated(data, model, held=held)

    def user_id(request: Request, *, active_only: bool = False) -> str:
        uid = request.path_params["userId"]
        if not store.exists(uid):
            raise not_found(uid)
        if active_only and not query_flag(request, INCLUDE_INACTIVE) and not store.is_active(uid):
            raise ApiError(
                404,
                "NOT_FOUND",
                f"User is inactive: {uid} (pass includeInactive=true)",
                [{"name": "userId", "value": uid}],
            )
        return uid

    # -- auth ----------------------------------------------------------------------------------
    async def oauth_token(request: Request) -> Response:
        try:
            raw = await read_body(request)
            if request.headers.get("content-type", "").startswith("application/json"):
                data = parse_json(raw)
            else:
                data = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ApiError as exc:
            return exc.response()
        except (ValueError, UnicodeDecodeError) as exc:
            return ApiError(400, "MALFORMED_REQUEST", "unreadable token request", detail=str(exc)).response()
        from pydantic import ValidationError

        from tui.api.models import OAuthTokenRequest

        try:
            messages = spec_errors(OAuthTokenRequest.model_validate(data), data)
        except ValidationError as exc:
            return validation_error(exc).response()
        if messages:
            return ApiError(400, "INVALID_REQUEST", "invalid request", messages=messages).response()
        if data["grant_type"] != "client_credentials":
            return invalid("grant_type", data["grant_type"], "only client_credentials is supported").response()
        if data["client_id"] != client_id or data["client_secret"] != client_secret:
            return ApiError(
                403, "INVALID_CLIENT", "invalid client credentials", [{"name": "client_id", "value": data["client_id"]}]
            ).response()
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": token_expires_in})

    # -- users ---------------------------------------------------------------------------------
    @api("create_user")
    async def create_user(request: Request) -> Response:
        return JSONResponse({"id": store.create_user(await body(request))}, status_code=201)

    @api("query_user")
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
            if not query_flag(request, INCLUDE_INACTIVE):
                positions = [p for p in positions if idx.active[p]]
            elements = [store.summary(p) for p in positions]
        return JSONResponse({"length": len(elements), "elements": elements})

    @api("list_users_v3")
    async def list_users(request: Request) -> Response:
        query = await body(request, plain=plain_list_body)
        status = query.get("userStatusFilter", "ACTIVE")
        if status not in USER_STATUSES:
            raise invalid("userStatusFilter", status, f"expected one of {', '.join(USER_STATUSES)}")
        sort = query.get("sort") or {}
        if sort.get("sortBy", "NAME") != "NAME":
            raise invalid("sort.sortBy", sort.get("sortBy"), "only NAME is supported")
        if sort.get("sortOrder", "ASCENDING") not in ("ASCENDING", "DESCENDING"):
            raise invalid("sort.sortOrder", sort.get("sortOrder"), "expected ASCENDING or DESCENDING")
        company = None
        if "tmcId" in query:
            if query["tmcId"]["id"] != store.tmc_id:
                raise ApiError(
                    404,
                    "NOT_FOUND",
                    f"TMC not found: {query['tmcId']['id']}",
                    [{"name": "tmcId.id", "value": query["tmcId"]["id"]}],
                )
        else:
            company = query["companyId"]["id"]
            if company not in store.company_ids:
                raise ApiError(
                    404, "NOT_FOUND", f"Company not found: {company}", [{"name": "companyId.id", "value": company}]
                )
        page = query.get("pagination") or {}
        offset, limit = int(page.get("offset", 0)), int(page.get("limit", 100))  # 5.0 is an integer too
        with store.lock:
            positions = store.index.query(
                company=company,
                filters=query.get("filters"),
                status=status,
                search=query.get("searchText") or "",
                descending=sort.get("sortOrder") == "DESCENDING",
            )
            users = [store.detail(p) for p in positions[offset : offset + limit]]
        store.warm_soon()  # (a lazy index takes its search bitsets now that a first page is out)
        return JSONResponse({"users": users, "pagination": {"totalNumResults": len(positions)}})

    @api("get_user_info")
    async def get_user(request: Request) -> Response:
        return _json_response(store.user_profile_json(user_id(request, active_only=True)))

    @api("update_user")
    async def update_user(request: Request) -> Response:
        uid = user_id(request)
        store.update_user(uid, await body(request, held=store.user_profile(uid)))
        return Response(status_code=200)

    @api("delete_user")
    async def delete_user(request: Request) -> Response:
        store.set_active(user_id(request), False)
        return Response(status_code=204)

    @api("activate_user")
    async def activate_user(request: Request) -> Response:
        store.set_active(user_id(request), True)
        return Response(status_code=200)

    def serve_section(slug: str) -> None:
        get_name, put_name, put_status = SECTIONS[slug]
        key = SECTION_KEYS[slug]
        get_op = OPERATIONS[get_name]

        @api(get_name)
        async def get_section(request: Request) -> Response:
            uid = user_id(request, active_only=honours_inactive(get_op))
            return _json_response(store.section_json(uid, key))

        if put_name is None:
            return

        @api(put_name)
        async def put_section(request: Request) -> Response:
            uid = user_id(request)
            store.set_section(uid, key, await body(request, held=store.get_section(uid, key)))
            return Response(status_code=put_status)

    for slug in SECTIONS:
        serve_section(slug)

    @api("add_favorite")
    async def add_favorite(request: Request) -> Response:
        uid = user_id(request)
        return JSONResponse({"favorite": store.add_favorite(uid, await body(request))})

    @api("list_favorites")
    async def list_favorites(request: Request) -> Response:
        uid = user_id(request)
        types = [t for v in request.query_params.getlist("types") for t in v.split(",") if t]
        items = store.list_favorites(uid, types or None, request.query_params.get("query"))
        return JSONResponse({"favorites": [{"favorite": f, "type": f["type"]} for f in items]})

    @api("remove_favorite")
    async def remove_favorite(request: Request) -> Response:
        uid = user_id(request)
        fav = request.path_params["favoriteId"]
        if not store.remove_favorite(uid, fav):
            raise ApiError(404, "NOT_FOUND", f"Favorite not found: {fav}", [{"name": "favoriteId", "value": fav}])
        return Response(status_code=200)

    @api("get_rbac_info")
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
        return error_response(
            exc.status_code,
            [
                {
                    "errorCode": "NOT_FOUND" if exc.status_code == 404 else "HTTP_ERROR",
                    "message": str(exc.detail),
                    "errorParameters": [{"name": "path", "value": request.url.path}],
                }
            ],
        )

    routes += [
        Route(TOKEN_PATH, oauth_token, methods=["POST"]),
        Route("/_sandbox/faults", admin_faults, methods=["GET", "POST"]),
        Route("/_sandbox/users/{userId}/{section}", admin_section, methods=["GET", "POST"]),
        Route("/_sandbox/requests", admin_requests, methods=["GET", "DELETE"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    return FaultMiddleware(app, faults, log)
