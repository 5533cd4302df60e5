"""Facts kept once in the code still say what the shared spec says."""

from __future__ import annotations

import pytest

from tests import specdata
from tui.api.operations import USER_STATUSES


@pytest.mark.skipif(not specdata.available(), reason="the shared spec is absent (../shared/spotnana)")
def test_user_statuses_are_the_specs_status_filter_enum() -> None:
    prop = specdata.schemas()["ListUsersV3Request"]["properties"]["userStatusFilter"]
    assert tuple(prop["enum"]) == USER_STATUSES
