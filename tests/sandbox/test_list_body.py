"""plain_list_body (the sandbox's list request without the models) never says yes to a body the
model path would refuse, says yes to what the app sends without filters, and a plain first
page is answered without loading pydantic or the models at all."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.models import ListUsersV3Request
from tui.domain.query import parse_query
from tui.sandbox.errors import ApiError
from tui.sandbox.list_body import plain_list_body
from tui.sandbox.validation import validated

UUID = "701ff7dd-c7b1-4c8c-a233-ae7793c9f163"


def model_accepts(body: object) -> bool:
    try:
        validated(body, ListUsersV3Request)
    except ApiError:
        return False
    return True


@pytest.mark.parametrize("text", ["", "ma", "  smith  jo ", "status:all", "status:inactive kim", "email:"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("scope", ["tmc", "company"])
def test_what_the_app_sends_without_filters_is_plain(text, descending, scope):
    query = parse_query(text)
    ids = {"tmc_id": UUID} if scope == "tmc" else {"company_id": UUID}
    for offset in (0, 100, 9_900):
        body = query.to_request(**ids, offset=offset, limit=100, descending=descending, default_status="ACTIVE")
        assert plain_list_body(body) and model_accepts(body)


def test_filters_and_anything_unusual_go_to_the_model():
    base = {"tmcId": {"id": UUID}, "pagination": {"offset": 0, "limit": 100}}
    assert plain_list_body(base)
    for extra in (
        {"filters": [{"personas": ["GUEST"]}]},
        {"region": "EU"},
        {"zzFuture": 1},
        {"searchText": None},
        {"userStatusFilter": "active"},
        {"sort": {"sortBy": "NAME"}},
        {"companyId": {"id": UUID}},
        {"pagination": {"offset": 0.0, "limit": 100}},
        {"pagination": {"offset": True}},
        {"pagination": {"limit": 0}},
        {"pagination": {"offset": 2**31}},
        {"pagination": {"limit": 2**31}},
        {"sort": {"sortBy": "name", "sortOrder": "ASCENDING"}},
        {"sort": {"sortBy": "NAME", "sortOrder": "ascending"}},
        {"tmcId": {"id": UUID.upper() + "\n"}},
        {"tmcId": {"id": UUID, "name": "x"}},
    ):
        body = {**base, **extra}
        assert not plain_list_body(body), extra
    assert plain_list_body({**base, "pagination": {"offset": 2**31 - 1, "limit": 2**31 - 1}})


def odd(*items: object) -> st.SearchStrategy:
    """Values next to the valid ones: wrong case, types JSON blurs, bounds, nulls."""
    return st.sampled_from(items)


entity = st.fixed_dictionaries({"id": odd(UUID, UUID.upper(), "not-a-uuid", UUID + "\n", "", 5, None)}) | odd(
    None, 5, "x", {}, {"id": UUID, "x": 1}, [UUID]
)
whole = odd(-1, 0, 1, 2, 100, 2**31 - 1, 2**31, 1.0, 0.0, 2.5, True, False, None, "1")
pagination = (
    st.fixed_dictionaries({}, optional={"offset": whole, "limit": whole})
    | st.dictionaries(odd("offset", "limit", "size"), whole, max_size=3)
    | odd(None, [], "x")
)
word = odd(
    "ACTIVE", "INACTIVE", "ALL", "active", "Active", "ALL ", "", "NAME", "name", "ASCENDING", "DESCENDING", "EMAIL"
)
sort = (
    st.fixed_dictionaries({"sortBy": word, "sortOrder": word})
    | st.dictionaries(odd("sortBy", "sortOrder", "x"), word | odd(None, 1, ["NAME"]), max_size=3)
    | odd(None, "NAME", [])
)
values = {
    "tmcId": entity,
    "companyId": entity,
    "pagination": pagination,
    "userStatusFilter": word | odd(None, 1, ["ALL"]),
    "searchText": st.text(max_size=4) | odd(None, 1, ["a"], {"a": 1}),
    "sort": sort,
    "filters": odd([{"personas": ["GUEST"]}], [], None),
    "zzFuture": st.integers(),
}


plain = st.fixed_dictionaries(
    {
        "tmcId": st.just({"id": UUID}),
        "pagination": st.fixed_dictionaries(
            {}, optional={"offset": st.integers(0, 2**31 - 1), "limit": st.integers(1, 2**31 - 1)}
        ),
    },
    optional={
        "userStatusFilter": st.sampled_from(["ACTIVE", "INACTIVE", "ALL"]),
        "searchText": st.text(max_size=6),
        "sort": st.fixed_dictionaries(
            {"sortBy": st.just("NAME"), "sortOrder": st.sampled_from(["ASCENDING", "DESCENDING"])}
        ),
    },
)


@st.composite
def near_misses(draw: st.DrawFn) -> dict:
    """A plain body with a few keys replaced, added or taken out."""
    body = dict(draw(plain))
    for key in draw(st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=2, unique=True)):
        if draw(st.booleans()):
            body[key] = draw(values[key])
        else:
            body.pop(key, None)
    return body


bodies = plain | near_misses() | st.fixed_dictionaries({}, optional=values) | st.sampled_from([None, [], "body", 5])


@settings(max_examples=1500, deadline=None)
@given(bodies)
def test_plain_never_accepts_what_the_model_refuses(body):
    if plain_list_body(body):
        assert model_accepts(body), body


def test_a_plain_first_page_loads_no_models_and_a_filtered_one_does():
    code = """
import sys, httpx
from tui.sandbox import SandboxConfig, start_sandbox
with start_sandbox(SandboxConfig(users=60, seed=5, lazy_index=True)) as sb:
    auth = {"Authorization": f"Bearer {sb.token}"}
    plain = {"tmcId": {"id": sb.tmc_id}, "pagination": {"offset": 0, "limit": 10}, "userStatusFilter": "ALL",
             "sort": {"sortBy": "NAME", "sortOrder": "ASCENDING"}}
    first = httpx.post(f"{sb.base_url}/v3/users/list", json=plain, headers=auth).json()
    print(first["pagination"]["totalNumResults"], "pydantic" in sys.modules, "tui.api.models" in sys.modules)
    bad = httpx.post(f"{sb.base_url}/v3/users/list", json={**plain, "userStatusFilter": "SOME"}, headers=auth)
    guests = {**plain, "filters": [{"personas": ["GUEST"]}]}
    found = httpx.post(f"{sb.base_url}/v3/users/list", json=guests, headers=auth).json()["users"]
    print(bad.status_code, all(u["persona"] == "GUEST" for u in found), "tui.api.models" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["60", "False", "False", "400", "True", "True"]
