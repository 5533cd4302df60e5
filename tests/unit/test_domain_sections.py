"""The section registry: one description per section, consistent with the client and spec."""

from __future__ import annotations

import pytest

from tui.api.client import UsersClient
from tui.api.models import UserProfile
from tui.api.operations import OPERATIONS
from tui.domain.sections import SECTIONS, editable_sections, humanize, section


def test_registry_order_and_titles():
    assert [s.key for s in SECTIONS] == [
        "personal",
        "business",
        "travel",
        "membership",
        "notifications",
        "roles",
        "external_id",
        "travel_arrangers",
        "policies",
    ]
    assert [s.title for s in SECTIONS] == [
        "Personal",
        "Business",
        "Travel preferences",
        "Memberships",
        "Notifications",
        "Roles",
        "External ID",
        "Travel arrangers",
        "Applicable policies",
    ]
    assert [s.key for s in editable_sections()] == [s.key for s in SECTIONS[:7]]
    assert section("business").title == "Business"
    with pytest.raises(KeyError):
        section("nope")


@pytest.mark.parametrize("sec", SECTIONS, ids=lambda s: s.key)
def test_methods_exist_and_match_the_operations_table(sec):
    get_op = OPERATIONS[sec.get_method]
    assert hasattr(UsersClient, sec.get_method)
    assert get_op.method == "GET" and get_op.path == sec.path
    assert get_op.response == sec.model_name
    assert sec.model.__name__ == sec.model_name
    if sec.editable:
        put_op = OPERATIONS[sec.put_method]
        assert hasattr(UsersClient, sec.put_method)
        assert put_op.method == "PUT" and put_op.path == sec.path and put_op.request == sec.model_name
    else:
        assert sec.put_method is None
    assert sec.path_for("u-1") == sec.path.replace("{userId}", "u-1")


def test_deprecated_fields_not_offered():
    personal = section("personal")
    assert ("emergencyContactInfo",) in personal.deprecated_paths
    assert "emergencyContactInfo" not in personal.fields()
    assert personal.is_deprecated(("emergencyContact", "designation"))
    assert section("roles").is_deprecated(("roles", 0, "roleMetadata"))
    assert not section("roles").is_deprecated(("roles", 0, "roleType"))


def test_form_hints():
    biz = section("business")
    assert biz.fields()[:3] == ["employeeId", "designation", "email"]
    assert set(biz.fields()) == {i.alias or n for n, i in biz.model.model_fields.items()}
    personal = section("personal")
    assert personal.label(("identityDocs", 2, "passport", "docId")) == "Document number"
    assert personal.label(("dob", "iso8601")) == "Date of birth"
    assert biz.label("departmentRef") == "Department"
    assert humanize("employeeId") == "Employee ID"
    assert humanize("designatedApproverRefs") == "Designated approvers"
    assert hash(biz) == hash(section("business")) and {biz: 1}[section("business")] == 1


def test_each_section_path_is_its_operations_path_for_get_and_put():
    for s in SECTIONS:
        assert s.path == OPERATIONS[s.get_method].path
        if s.put_method:
            assert OPERATIONS[s.put_method].path == s.path and OPERATIONS[s.put_method].method == "PUT"


def test_each_section_knows_its_key_in_the_user_profile():
    keys = {info.alias or name for name, info in UserProfile.model_fields.items()}
    for s in SECTIONS:
        assert s.profile_key is None or s.profile_key in keys, s.key
    profile = {"personalInfo": {"name": {"given": "A"}}, "externalId": "EXT-1"}
    assert section("personal").from_profile(profile) == {"name": {"given": "A"}}
    assert section("external_id").from_profile(profile) == {"externalId": "EXT-1"}
    assert section("roles").from_profile(profile) is None  # GET /v2/users/{id} has no roles
    section("external_id").into_profile(profile, {"externalId": "EXT-2"})
    section("business").into_profile(profile, {"designation": "X"})
    assert profile["externalId"] == "EXT-2" and profile["businessInfo"] == {"designation": "X"}
