"""UsersClient request building and the operations table, over httpx.MockTransport.

What goes on the wire (method, path, query, body bytes, headers) for every operation, and
that the table matches the spec's operationIds, paths, query parameters and schemas.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests import specdata
from tui.api import OPERATIONS, UsersClient
from tui.api.errors import ApiDecodeError, InvalidUrlError, RequestBodyError
from tui.api.models import ListUsersV3Request, UserPersonalInfo

UID = "11111111-2222-3333-4444-555555555555"


class Recorder:
    def __init__(self, respond=None):
        self.requests: list[httpx.Request] = []
        self.respond = respond or (lambda req: httpx.Response(200, json={}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.respond(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def client(rec: Recorder, **kw) -> UsersClient:
    kw.setdefault("token", "secret-token-xyz")
    return UsersClient("http://127.0.0.1:9", transport=httpx.MockTransport(rec), backoff=0, **kw)


def _snake(op_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", op_id).lower().replace("v_3", "v3")


def _ref(schema: dict | None) -> str | None:
    return schema["$ref"].rsplit("/", 1)[-1] if schema and "$ref" in schema else None


def test_operations_table_matches_the_spec():
    spec = specdata.load()
    seen = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            params = op.get("parameters", []) + item.get("parameters", [])
            query = sorted(p["name"] for p in params if p.get("in") == "query")
            body = _ref(op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
            ok = [c for c in op["responses"] if c.startswith("2")]
            resp = _ref(op["responses"][ok[0]].get("content", {}).get("application/json", {}).get("schema"))
            seen[_snake(op["operationId"])] = (op["operationId"], method.upper(), path, resp, body, query)
    assert set(seen) == set(OPERATIONS)
    for name, (op_id, method, path, resp, body, query) in seen.items():
        op = OPERATIONS[name]
        assert (op.operation_id, op.method, op.path, op.response, op.request) == (op_id, method, path, resp, body)
        assert sorted(q for _, q in op.query) == query, name


def test_every_operation_has_a_typed_method_with_path_params_first():
    import inspect

    for name, op in OPERATIONS.items():
        method = getattr(UsersClient, name)
        params = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        expected = [re.sub(r"(?<!^)(?=[A-Z])", "_", n).lower() for n in op.path_params]
        if op.request:
            expected.append("body")
        assert positional == expected, name
        assert sorted(p.name for p in params if p.kind is p.KEYWORD_ONLY) == sorted(k for k, _ in op.query), name


# (method name, args, kwargs, expected method, expected path, expected query)
CALLS = [
    ("list_users_v3", ({"tmcId": {"id": UID}},), {}, "POST", "/v3/users/list", {}),
    ("query_user", (), {"email": "a@b.co", "include_inactive": True}, "GET", "/v2/users",
     {"email": ["a@b.co"], "includeInactive": ["true"]}),
    ("get_user_info", (UID,), {"include_inactive": False}, "GET", f"/v2/users/{UID}", {"includeInactive": ["false"]}),
    ("create_user", ({"x": 1},), {}, "POST", "/v2/users", {}),
    ("update_user", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}", {}),
    ("delete_user", (UID,), {}, "DELETE", f"/v2/users/{UID}", {}),
    ("activate_user", (UID,), {}, "POST", f"/v2/users/{UID}/activate", {}),
    ("get_personal_info", (UID,), {}, "GET", f"/v2/users/{UID}/personal-info", {}),
    ("update_personal_info", (UID, {"x": 1}), {"include_inactive": True}, "PUT", f"/v2/users/{UID}/personal-info",
     {"includeInactive": ["true"]}),
    ("get_business_info", (UID,), {}, "GET", f"/v2/users/{UID}/business-info", {}),
    ("update_business_info", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/business-info", {}),
    ("get_user_travel_preferences", (UID,), {}, "GET", f"/v2/users/{UID}/travel-preferences", {}),
    ("update_travel_preferences", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/travel-preferences", {}),
    ("get_membership_info", (UID,), {}, "GET", f"/v2/users/{UID}/membership-info", {}),
    ("update_membership_info", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/membership-info", {}),
    ("get_user_roles", (UID,), {}, "GET", f"/v2/users/{UID}/roles", {}),
    ("update_user_roles", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/roles", {}),
    ("get_notification_preferences", (UID,), {}, "GET", f"/v2/users/{UID}/notification-preferences", {}),
    ("update_notification_preferences", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/notification-preferences", {}),
    ("get_user_travel_arrangers", (UID,), {}, "GET", f"/v2/users/{UID}/travel-arrangers", {}),
    ("get_external_id", (UID,), {}, "GET", f"/v2/users/{UID}/external-id", {}),
    ("update_external_id", (UID, {"x": 1}), {}, "PUT", f"/v2/users/{UID}/external-id", {}),
    ("get_user_applicable_policies", (UID,), {}, "GET", f"/v2/users/{UID}/applicable-policies", {}),
    ("add_favorite", (UID, {"x": 1}), {}, "POST", f"/v2/users/{UID}/favorites", {}),
    ("list_favorites", (UID,), {"types": ["HOTEL", "AIR"], "query": "par"}, "GET", f"/v2/users/{UID}/favorites",
     {"types": ["HOTEL", "AIR"], "query": ["par"]}),
    ("remove_favorite", (UID, "fav/1"), {}, "DELETE", f"/v2/users/{UID}/favorites/fav%2F1", {}),
    ("get_rbac_info", (UID,), {}, "GET", f"/v3/users/{UID}/rbac-info", {}),
]  # fmt: skip


def test_calls_cover_every_operation():
    assert {c[0] for c in CALLS} == set(OPERATIONS)


@pytest.mark.parametrize("name,args,kwargs,method,path,query", CALLS, ids=[c[0] for c in CALLS])
async def test_wire_format(name, args, kwargs, method, path, query):
    rec = Recorder(lambda req: httpx.Response(204))
    async with client(rec) as c:
        try:
            await getattr(c, name)(*args, **kwargs)
        except ApiDecodeError:
            assert OPERATIONS[name].response is not None  # empty answer where a model is due
    req = rec.last
    assert req.method == method
    assert req.url.raw_path.split(b"?")[0].decode() == path
    got = {k: req.url.params.get_list(k) for k in req.url.params}
    assert got == query
    assert req.headers["Authorization"] == "Bearer secret-token-xyz"
    assert req.headers["Accept"] == "application/json"
    if OPERATIONS[name].request:
        assert req.headers["Content-Type"] == "application/json"
        assert json.loads(req.content) == args[-1]
    else:
        assert req.content == b""


async def test_dict_bodies_are_sent_as_is_and_models_losslessly():
    rec = Recorder(lambda req: httpx.Response(204))
    body = {"name": {"given": "Ana", "family1": "Lee"}, "unknownField": [1, {"x": None}], "dob": None}
    async with client(rec) as c:
        await c.update_personal_info(UID, body)
        assert json.loads(rec.last.content) == body
        model = UserPersonalInfo.model_validate(body)
        await c.update_personal_info(UID, model)
        assert json.loads(rec.last.content) == body  # extra field kept, null kept, nothing defaulted in
        query = {"tmcId": {"id": UID}, "pagination": {"offset": 0, "limit": 5}}
        with pytest.raises(ApiDecodeError, match="empty answer"):  # 204 where a list is due
            await c.list_users_v3(ListUsersV3Request.model_validate(query))
        assert json.loads(rec.last.content) == query


async def test_typed_answers_are_models_and_raw_answers_are_exact():
    payload = {"name": {"given": "Ana", "family1": "Lee"}, "newServerField": {"a": [1, 2]}}
    rec = Recorder(lambda req: httpx.Response(200, json=payload))
    async with client(rec) as c:
        model = await c.get_personal_info(UID)
        assert isinstance(model, UserPersonalInfo) and model.name.given == "Ana"
        assert model.to_json() == payload
        assert await c.get_raw(f"/v2/users/{UID}/personal-info") == payload
        assert await c.call_raw("get_personal_info", UID) == payload
        assert await c.put_raw(f"/v2/users/{UID}/personal-info", payload) == payload
        assert json.loads(rec.last.content) == payload and rec.last.method == "PUT"


async def test_body_not_matching_the_model_is_a_decode_error():
    rec = Recorder(lambda req: httpx.Response(200, json={"name": {"given": 5, "family1": "Lee"}}))
    async with client(rec) as c:
        with pytest.raises(ApiDecodeError) as err:
            await c.get_personal_info(UID)
    msg = str(err.value)
    assert "UserPersonalInfo" in msg and "name.given" in msg and "\n" not in msg


async def test_path_params_are_escaped_and_checked():
    rec = Recorder()
    async with client(rec) as c:
        await c.get_raw("/v2/users/x")
        await c.delete_user("../../v2/users")
        assert rec.last.url.raw_path == b"/v2/users/..%2F..%2Fv2%2Fusers"
        with pytest.raises(ValueError):
            await c.get_user_roles("  ")
        with pytest.raises(TypeError):
            await c._call("get_user_roles")
        with pytest.raises(TypeError):
            await c._call("get_user_roles", UID, bogus=1)
        with pytest.raises(TypeError):
            await c.update_user_roles(UID, None)
        for bad in ("https://evil.example/v2/users", "//evil.example/x", "v2/users"):
            with pytest.raises(InvalidUrlError):
                await c.get_raw(bad)
        with pytest.raises(RequestBodyError):
            await c.put_raw("/v2/users/x/roles", {"x": float("nan")})
    assert [r.url.host for r in rec.requests] == ["127.0.0.1", "127.0.0.1"]


async def test_base_url_path_prefix_is_kept():
    rec = Recorder(lambda req: httpx.Response(200, json={"roles": []}))
    async with UsersClient("https://api.example.com/prefix/", token="t", transport=httpx.MockTransport(rec)) as c:
        await c.get_user_roles(UID)
    assert str(rec.last.url) == f"https://api.example.com/prefix/v2/users/{UID}/roles"
