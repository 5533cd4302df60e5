"""A discriminated union's catch-all branch: unknown tags are kept, odd tags do not crash."""

from __future__ import annotations

import pytest

import tui.api.models as m
from tui.api.models._base import UnknownVariant
from tui.api.models.roles import RoleMetadataV2Other


@pytest.mark.parametrize("tag", ["TMC_SUPERVISOR", ["TMC_ADMIN"], {"x": 1}, 5, None])
def test_a_tag_naming_no_branch_lands_in_the_catch_all(tag) -> None:
    payload = {"roleType": "TMC_ADMIN", "metadata": {"roleType": tag, "zz": 1}}
    role = m.RoleConfig.model_validate(payload)
    assert isinstance(role.metadata, RoleMetadataV2Other) and isinstance(role.metadata, UnknownVariant)
    assert role.to_json() == payload  # kept as it is
    assert RoleMetadataV2Other.tag == "roleType"
    assert "TMC_ADMIN" in RoleMetadataV2Other.known_tags and tag not in RoleMetadataV2Other.known_tags


def test_a_known_tag_picks_its_branch() -> None:
    tmc = {"id": "b93dc51f-12dd-46c7-b7d6-1cb12cd3f5b3"}
    role = m.RoleConfig.model_validate({"metadata": {"roleType": "TMC_ADMIN", "tmcRef": tmc}})
    assert type(role.metadata).__name__ == "TmcRoleInfo"
