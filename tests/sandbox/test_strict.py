"""The sandbox refuses what a real server refuses: enum values the spec does not list (unless
already stored there), bodies too deep or too large, integers out of range, bad query values."""

from __future__ import annotations

import itertools
import json
import socket

import httpx
import pytest
from starlette.requests import Request

from tui.api.errors import ApiError
from tui.domain.editing import field_errors_from_api
from tui.domain.sections import section
from tui.sandbox.errors import ApiError as SandboxError
from tui.sandbox.validation import MAX_BODY_BYTES, MAX_JSON_DEPTH, read_body


@pytest.fixture(scope="module")
def _users(sandbox):
    rows = [sandbox.store.row(p) for p in range(len(sandbox.store.index))]
    return itertools.cycle([r.user_id for r in rows if r.is_active and r.persona == "EMPLOYEE"])


@pytest.fixture
def uid(_users) -> str:
    """An active user no other test of this module has touched."""
    return next(_users)


def names(resp: httpx.Response) -> list[str]:
    return [p["name"] for m in resp.json()["errorMessages"] for p in m["errorParameters"]]


def refused(resp: httpx.Response, conforms, status: int = 400) -> list[str]:
    assert resp.status_code == status, resp.text
    conforms(resp.json(), "ErrorResponse")
    assert resp.json()["debugIdentifier"]
    assert all(m["errorCode"] and m["message"] for m in resp.json()["errorMessages"])
    return names(resp)


def a_company(sandbox) -> dict:
    c = sandbox.store.seeder.companies[0]
    return {"organizationRef": {"id": c.id}, "legalEntityRef": {"id": c.legal_entities[0]["id"]}}


# -- enums ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, field",
    [
        ({"gender": "BANANA"}, "gender"),
        ({"preferredPronoun": "ZE_ZIR"}, "preferredPronoun"),
        ({"phoneNumbers": [{"countryCode": 1, "nationalNumber": 5550100, "type": "PAGER_X"}]}, "phoneNumbers[0].type"),
    ],
)
def test_personal_info_enum_outside_the_spec_is_400_naming_the_path(api, uid, conforms, change, field):
    before = api.get(f"/v2/users/{uid}/personal-info")
    resp = api.put(f"/v2/users/{uid}/personal-info", json={**before.json(), **change})
    assert refused(resp, conforms) == [field]
    message = resp.json()["errorMessages"][0]
    assert message["errorParameters"][0]["value"] in json.dumps(change)
    assert "expected one of" in message["message"]
    assert api.get(f"/v2/users/{uid}/personal-info").content == before.content  # nothing stored


def test_enum_error_paths_are_the_ones_the_app_parses(api, uid):
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    info["phoneNumbers"] = [*info["phoneNumbers"], {"countryCode": 1, "nationalNumber": 5550100, "type": "PAGER_X"}]
    resp = api.put(f"/v2/users/{uid}/personal-info", json=info)
    error = ApiError.from_body(resp.status_code, resp.json(), method="PUT", path=resp.request.url.path)
    errors = field_errors_from_api(error, section("personal"))
    assert [e.path for e in errors] == [("phoneNumbers", len(info["phoneNumbers"]) - 1, "type")]


def test_persona_outside_the_spec_is_400_on_create_and_update(api, sandbox, uid, conforms):
    create = api.post("/v2/users", json={"persona": "ALIEN", "businessInfo": a_company(sandbox)})
    assert refused(create, conforms) == ["persona"]
    profile = api.get(f"/v2/users/{uid}").json()
    update = api.put(f"/v2/users/{uid}", json={"persona": "ALIEN", "businessInfo": profile["businessInfo"]})
    assert refused(update, conforms) == ["persona"]
    phone = {"countryCode": 1, "nationalNumber": 5550100, "type": "PAGER_X"}
    nested = api.put(
        f"/v2/users/{uid}",
        json={
            "persona": profile["persona"],
            "businessInfo": profile["businessInfo"],
            "personalInfo": {**profile["personalInfo"], "phoneNumbers": [phone]},
        },
    )
    assert refused(nested, conforms) == ["personalInfo.phoneNumbers[0].type"]
    assert api.get(f"/v2/users/{uid}").json() == profile


@pytest.mark.parametrize(
    "slug, body, field",
    [
        ("business-info", {"workerType": "ROBOT"}, "workerType"),
        ("roles", {"roles": [{"roleType": "OVERLORD"}]}, "roles[0].roleType"),
        (
            "notification-preferences",
            {"preferences": [{"notificationType": "CARRIER_PIGEON"}]},
            "preferences[0].notificationType",
        ),
    ],
)
def test_other_sections_refuse_unlisted_enum_values(api, sandbox, uid, conforms, slug, body, field):
    if slug == "business-info":
        body = {**api.get(f"/v2/users/{uid}/business-info").json(), **body}
    assert field in refused(api.put(f"/v2/users/{uid}/{slug}", json=body), conforms)


def test_a_value_already_stored_at_the_path_round_trips(api, sandbox, uid, conforms):
    sandbox.store.tamper(uid, "personal-info", {"gender": "GENDER_FROM_A_NEWER_SERVER"})
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    assert info["gender"] == "GENDER_FROM_A_NEWER_SERVER"
    info["name"] = {**info["name"], "preferred": "Round"}
    assert api.put(f"/v2/users/{uid}/personal-info", json=info).status_code == 200  # held: accepted
    assert api.get(f"/v2/users/{uid}/personal-info").json() == info
    other = api.put(f"/v2/users/{uid}/personal-info", json={**info, "gender": "ANOTHER_UNKNOWN"})
    assert refused(other, conforms) == ["gender"]
    elsewhere = api.put(
        f"/v2/users/{uid}/personal-info", json={**info, "preferredPronoun": "GENDER_FROM_A_NEWER_SERVER"}
    )
    assert refused(elsewhere, conforms) == ["preferredPronoun"]  # held, but at another path


def test_a_stored_value_counts_for_every_item_of_its_list(api, sandbox, uid):
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    phone = {"countryCode": 1, "nationalNumber": 5550100, "type": "PAGER_X"}
    sandbox.store.set_section(uid, "personal-info", {**info, "phoneNumbers": [phone]})
    moved = {**info, "phoneNumbers": [{**phone, "type": "MOBILE"}, phone]}  # now item 1
    assert api.put(f"/v2/users/{uid}/personal-info", json=moved).status_code == 200


def test_full_update_accepts_what_the_profile_holds(api, sandbox, uid):
    sandbox.store.update_user(uid, {"tier": "PLATINUM"})
    profile = api.get(f"/v2/users/{uid}").json()
    body = {"persona": profile["persona"], "tier": "PLATINUM", "businessInfo": profile["businessInfo"]}
    assert api.put(f"/v2/users/{uid}", json=body).status_code == 200
    assert api.put(f"/v2/users/{uid}", json={**body, "tier": "DIAMOND"}).status_code == 400


def test_list_filters_refuse_unlisted_enum_values(api, sandbox, conforms):
    resp = api.post(
        "/v3/users/list",
        json={"tmcId": {"id": sandbox.tmc_id}, "pagination": {}, "filters": [{"personas": ["EMPLOYEE", "ALIEN"]}]},
    )
    assert refused(resp, conforms) == ["filters[0].personas[1]"]


def test_explicit_null_is_400_unless_stored_there(api, sandbox, uid, conforms):
    resp = api.put(f"/v2/users/{uid}/notification-preferences", json={"preferences": None})
    assert refused(resp, conforms) == ["preferences"]
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    assert refused(api.put(f"/v2/users/{uid}/personal-info", json={**info, "title": None}), conforms) == ["title"]
    sandbox.store.tamper(uid, "personal-info", {"title": None})  # a server that does send nulls
    assert api.put(f"/v2/users/{uid}/personal-info", json={**info, "title": None}).status_code == 200


@pytest.mark.parametrize("tag", ["OVERLORD", ["TMC_ADMIN"], None])
def test_union_tag_naming_no_branch_is_400_not_500(api, uid, conforms, tag):
    metadata = {"roleType": tag} if tag is not None else {"tmcRef": {"id": "x"}}
    resp = api.put(f"/v2/users/{uid}/roles", json={"roles": [{"roleType": "TMC_ADMIN", "metadata": metadata}]})
    assert refused(resp, conforms) == ["roles[0].metadata.roleType"]


def test_union_tag_already_stored_round_trips(api, sandbox, uid):
    roles = {"roles": [{"roleType": "TMC_ADMIN", "metadata": {"roleType": "TMC_SUPERVISOR", "zz": 1}}]}
    sandbox.store.set_section(uid, "roles", roles)
    assert api.put(f"/v2/users/{uid}/roles", json=roles).status_code == 204


# -- integers -------------------------------------------------------------------------------------
def test_integral_floats_are_integers_and_are_stored_as_sent(api, uid):
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    info["phoneNumbers"] = [{"countryCode": 44.0, "nationalNumber": 2079460000.0, "type": "LANDLINE"}]
    assert api.put(f"/v2/users/{uid}/personal-info", json=info).status_code == 200
    text = api.get(f"/v2/users/{uid}/personal-info").text
    assert '"countryCode":44.0' in text and '"nationalNumber":2079460000.0' in text
    half = {**info, "phoneNumbers": [{"countryCode": 44.5}]}
    assert names(api.put(f"/v2/users/{uid}/personal-info", json=half)) == ["phoneNumbers[0].countryCode"]


def test_integral_float_pagination(api, sandbox):
    resp = api.post(
        "/v3/users/list", json={"tmcId": {"id": sandbox.tmc_id}, "pagination": {"offset": 2.0, "limit": 5.0}}
    )
    assert resp.status_code == 200 and len(resp.json()["users"]) == 5
    whole = api.post("/v3/users/list", json={"tmcId": {"id": sandbox.tmc_id}, "pagination": {"offset": 0, "limit": 7}})
    assert resp.json()["users"] == whole.json()["users"][2:7]


@pytest.mark.parametrize(
    "page, field",
    [
        ({"offset": 2**31}, "pagination.offset"),
        ({"offset": -1}, "pagination.offset"),
        ({"limit": 2**31}, "pagination.limit"),
        ({"limit": 1e10}, "pagination.limit"),
        ({"limit": -(2**31) - 1}, "pagination.limit"),
        ({"limit": 0}, "pagination.limit"),
    ],
)
def test_pagination_outside_int32_or_its_minimum_is_400(api, sandbox, conforms, page, field):
    resp = api.post("/v3/users/list", json={"tmcId": {"id": sandbox.tmc_id}, "pagination": page})
    assert refused(resp, conforms) == [field]


def test_the_largest_int32_limit_is_accepted(api, sandbox):
    resp = api.post(
        "/v3/users/list",
        json={"tmcId": {"id": sandbox.tmc_id}, "pagination": {"offset": 2**31 - 1, "limit": 2**31 - 1}},
    )
    assert resp.status_code == 200 and resp.json()["users"] == []


def test_int64_fields_refuse_larger_numbers(api, uid, conforms):
    info = api.get(f"/v2/users/{uid}/personal-info").json()
    info["phoneNumbers"] = [{"nationalNumber": 2**63}]
    assert refused(api.put(f"/v2/users/{uid}/personal-info", json=info), conforms) == ["phoneNumbers[0].nationalNumber"]


# -- body depth and size --------------------------------------------------------------------------
def nested(depth: int) -> bytes:
    """A personal-info body whose deepest value sits ``depth`` arrays/objects down."""
    return b'{"name": {"given": "D", "family1": "E"}, "zzDeep": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 200_000])
def test_deeply_nested_json_is_400_not_500(api, uid, conforms, depth):
    resp = api.put(
        f"/v2/users/{uid}/personal-info", content=nested(depth), headers={"content-type": "application/json"}
    )
    assert refused(resp, conforms) == ["body"]
    assert "deeper" in resp.json()["errorMessages"][0]["message"]


def test_nesting_up_to_the_limit_is_fine_and_brackets_in_strings_do_not_count(api, uid):
    ok = api.put(
        f"/v2/users/{uid}/personal-info", content=nested(MAX_JSON_DEPTH), headers={"content-type": "application/json"}
    )
    assert ok.status_code == 200, ok.text
    text = {"name": {"given": "[[[[" * 100, "family1": '{"\\"[[' * 100}}
    assert api.put(f"/v2/users/{uid}/personal-info", json=text).status_code == 200


def test_deep_json_is_400_on_every_json_endpoint(api, sandbox, conforms):
    deep = b"[" * 100_000 + b"]" * 100_000
    for method, path in (("POST", "/v3/users/list"), ("POST", "/v2/users"), ("POST", "/v2/auth/oauth2-token")):
        resp = api.request(method, path, content=deep, headers={"content-type": "application/json"})
        refused(resp, conforms)


def test_body_over_the_limit_is_413(api, uid, conforms):
    assert MAX_BODY_BYTES == 1 << 20
    big = json.dumps({"externalId": "x" * MAX_BODY_BYTES}).encode()
    resp = api.put(f"/v2/users/{uid}/external-id", content=big, headers={"content-type": "application/json"})
    assert refused(resp, conforms, 413) == ["body"]
    just = json.dumps({"externalId": "y" * (MAX_BODY_BYTES - 20)}).encode()
    assert len(just) <= MAX_BODY_BYTES
    assert (
        api.put(f"/v2/users/{uid}/external-id", content=just, headers={"content-type": "application/json"}).status_code
        == 200
    )


def test_chunked_body_over_the_limit_is_413(api, uid, conforms):
    def chunks():
        yield b'{"externalId": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b"z" * 65536
        yield b'"}'

    before = api.get(f"/v2/users/{uid}/external-id").content
    resp = api.put(f"/v2/users/{uid}/external-id", content=chunks(), headers={"content-type": "application/json"})
    assert resp.request.headers["transfer-encoding"] == "chunked"
    refused(resp, conforms, 413)
    assert api.get(f"/v2/users/{uid}/external-id").content == before


def _raw_request(sandbox, head: str, body: bytes = b"") -> bytes:
    """Send a request by hand and read the status line without sending the rest of the body."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as s:
        s.sendall(head.encode() + body)
        return s.recv(64)


def test_413_comes_before_the_body_is_read(sandbox, uid):
    head = (
        f"PUT /v2/users/{uid}/external-id HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {sandbox.token}\r\n"
        "Content-Type: application/json\r\n"
    )
    declared = _raw_request(sandbox, head + f"Content-Length: {100 * MAX_BODY_BYTES}\r\n\r\n")  # no body sent
    assert declared.startswith(b"HTTP/1.1 413")
    chunk = b"q" * 65536
    streamed = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY_BYTES // len(chunk) + 1))
    chunked = _raw_request(sandbox, head + "Transfer-Encoding: chunked\r\n\r\n", streamed)  # never terminated
    assert chunked.startswith(b"HTTP/1.1 413")


# -- query parameters -----------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["2e16", "1", "yes", "TRUE", "True", ""])
@pytest.mark.parametrize(
    "path", ["/v2/users/{u}", "/v2/users/{u}/personal-info", "/v2/users/{u}/external-id", "/v2/users"]
)
def test_include_inactive_must_be_true_or_false(api, uid, conforms, path, value):
    resp = api.get(path.format(u=uid), params={"includeInactive": value})
    assert refused(resp, conforms) == ["includeInactive"]


def test_include_inactive_true_and_false_and_absent(api, uid):
    for params in ({"includeInactive": "true"}, {"includeInactive": "false"}, {}):
        assert api.get(f"/v2/users/{uid}", params=params).status_code == 200
    twice = api.get(f"/v2/users/{uid}", params=[("includeInactive", "true"), ("includeInactive", "false")])
    assert twice.status_code == 400


def test_include_inactive_on_a_put_that_declares_it(api, uid, conforms):
    body = api.get(f"/v2/users/{uid}/external-id").json()
    resp = api.put(f"/v2/users/{uid}/external-id", params={"includeInactive": "2e16"}, json=body)
    assert refused(resp, conforms) == ["includeInactive"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"companyId": "not-a-uuid"}, "companyId"),
        ({"tmcId": "1234"}, "tmcId"),
        ({"email": "no-at-sign"}, "email"),
    ],
)
def test_query_user_checks_typed_parameters(api, conforms, params, field):
    assert refused(api.get("/v2/users", params=params), conforms) == [field]


def test_unknown_key_spelled_like_a_python_field_name_is_just_unknown(api, uid):
    profile = api.get(f"/v2/users/{uid}").json()
    body = {"persona": profile["persona"], "businessInfo": profile["businessInfo"], "external_id": {"a": 1}}
    assert api.put(f"/v2/users/{uid}", json=body).status_code == 200
    assert api.get(f"/v2/users/{uid}").json()["external_id"] == {"a": 1}


async def test_a_content_length_that_is_no_number_is_400():
    """h11 refuses such requests itself; the check holds behind any other ASGI server too."""

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    request = Request(
        {"type": "http", "method": "PUT", "path": "/", "headers": [(b"content-length", b"1e9")], "query_string": b""},
        receive,
    )
    with pytest.raises(SandboxError) as info:
        await read_body(request)
    assert info.value.status == 400
    assert info.value.messages[0]["errorParameters"][0]["name"] == "Content-Length"
