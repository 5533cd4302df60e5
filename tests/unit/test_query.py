import pytest

from tui.domain.query import UserQuery, format_query, parse_query


def test_issue_example():
    q = parse_query("persona:GUEST tier:SEAT1A role:TRAVEL_ARRANGER chi")
    assert q.personas == ("GUEST",)
    assert q.tiers == ("SEAT1A",)
    assert q.roles == ("TRAVEL_ARRANGER",)
    assert q.text == "chi"
    assert q.warnings == ()


def test_plain_text_only():
    q = parse_query("  jane   doe ")
    assert q.text == "jane doe"
    assert not q.has_filters


def test_case_aliases_and_prefixes():
    q = parse_query("persona:guest,emp tier:vip role:tmc_ad status:inactive")
    assert q.personas == ("GUEST", "EMPLOYEE")
    assert q.tiers == ("SEAT1A",)
    assert q.roles == ("TMC_ADMIN",)
    assert q.status == "INACTIVE"


def test_exact_role_wins_over_longer_ones():
    assert parse_query("role:travel_arranger").roles == ("TRAVEL_ARRANGER",)


def test_unknown_values_are_kept_with_a_warning():
    q = parse_query("persona:ALIEN")
    assert q.personas == ("ALIEN",)
    assert q.warnings and "ALIEN" in q.warnings[0]


def test_bad_status_is_dropped_with_a_warning():
    q = parse_query("status:maybe x")
    assert q.status is None
    assert q.text == "x"
    assert "status" in q.warnings[0]


def test_unknown_key_is_searched_as_text():
    q = parse_query("colour:blue")
    assert q.text == "colour:blue"
    assert q.warnings


def test_half_typed_key_is_ignored():
    q = parse_query("persona:")
    assert q == UserQuery()


def test_id_filters_and_request_body():
    q = parse_query("office:o-1,o-2 legal:le-1 dept:d-1 cc:c-1 smith")
    body = q.to_request(tmc_id="t-1", offset=200, limit=50, descending=True)
    assert body == {
        "tmcId": {"id": "t-1"},
        "userStatusFilter": "ALL",
        "searchText": "smith",
        "pagination": {"offset": 200, "limit": 50},
        "filters": [
            {
                "legalEntityIds": [{"id": "le-1"}],
                "officeIds": [{"id": "o-1"}, {"id": "o-2"}],
                "departmentIds": [{"id": "d-1"}],
                "costCenterIds": [{"id": "c-1"}],
            }
        ],
        "sort": {"sortBy": "NAME", "sortOrder": "DESCENDING"},
    }


def test_request_without_filters_or_text_is_minimal():
    body = UserQuery().to_request(company_id="c", default_status="ACTIVE")
    assert body["companyId"] == {"id": "c"}
    assert body["userStatusFilter"] == "ACTIVE"
    assert "filters" not in body and "searchText" not in body


def test_request_needs_exactly_one_owner():
    with pytest.raises(ValueError):
        UserQuery().to_request()
    with pytest.raises(ValueError):
        UserQuery().to_request(tmc_id="a", company_id="b")


@pytest.mark.parametrize(
    "text",
    [
        "persona:GUEST tier:SEAT1A role:TRAVEL_ARRANGER chi",
        "status:all office:abc,def jane",
        'dept:"R and D" x',
        "",
    ],
)
def test_format_round_trips(text):
    q = parse_query(text)
    assert parse_query(format_query(q)) == q


def test_chips_are_readable():
    q = parse_query("status:active persona:guest office:01234567-89ab-cdef-0123-456789abcdef chi")
    assert q.chips() == ["status: active", "persona: GUEST", "office: 01234567…", 'text: "chi"']


def test_quoted_values():
    q = parse_query('office:"main office" "two words"')
    assert q.offices == ("main office",)
    assert q.text == "two words"


def test_names_quoted_and_unquoted():
    q = parse_query('office:"Paris HQ" dept:Legal cc:"4600 Legal","Ops, Paris" legal:acme anna')
    assert q.offices == ("Paris HQ",)
    assert q.departments == ("Legal",)
    assert q.cost_centers == ("4600 Legal", "Ops, Paris")
    assert q.legal_entities == ("acme",)
    assert q.text == "anna"
    assert format_query(q) == 'legal:acme office:"Paris HQ" dept:Legal cc:"4600 Legal","Ops, Paris" anna'
    assert parse_query(format_query(q)) == q


def test_email_filter():
    q = parse_query("email:Anna.Schmidt@tallgrass.example,b@x.example emails:c@y.example")
    assert q.emails == ("Anna.Schmidt@tallgrass.example", "b@x.example", "c@y.example")
    assert q.has_filters and q.text == ""
    body = q.to_request(company_id="c")
    assert body["filters"] == [{"emails": ["Anna.Schmidt@tallgrass.example", "b@x.example", "c@y.example"]}]
    assert "email: Anna.Schmidt@tallgrass.example|b@x.example|c@y.example" in q.chips()
    assert parse_query(format_query(q)) == q


def test_names_resolve_to_ids_through_the_directory():
    from tui.domain.directory import ReferenceDirectory

    hq, other_hq, zurich = ("11111111-1111-4111-8111-11111111111" + c for c in "123")
    directory = ReferenceDirectory()
    directory.add(
        [
            {"businessDetail": {"office": {"id": i, "name": n}}}
            for i, n in ((hq, "Paris HQ"), (other_hq, "Paris HQ"), (zurich, "Zürich Office"))
        ]
    )
    q, errors = parse_query('office:"paris hq",zurich dept:Legal x').resolved(directory)
    assert q.offices == (hq, other_hq, zurich)
    assert errors == ["no department named 'Legal': no departments seen yet (scroll the list, or use its ID)"]
    assert q.to_request(tmc_id="t")["filters"] == [{"officeIds": [{"id": hq}, {"id": other_hq}, {"id": zurich}]}]
    assert parse_query(f"office:{zurich}").chips(directory) == ["office: Zürich Office"]
    same, errors = parse_query(f"office:{hq} x").resolved(directory)
    assert same == parse_query(f"office:{hq} x") and errors == []
    q, errors = parse_query("office:Paris").resolved(None)
    assert q.offices == () and errors == ["'Paris' is not an ID"]
