"""Removing one item of a list with the list's own key (`d`), real form on the real sandbox:
the PUT leaves exactly the other items, in order, masked values (document numbers) intact."""

from __future__ import annotations

import copy

import pytest
from textual.widgets import DataTable

from tests.ui.test_profile_kit import ProfileApp, puts, wait_for, wait_ready, wait_screen
from tui.ui.screens.diff_confirm import DiffConfirmScreen


def _user_with(sandbox, start: int, key: str, at_least: int) -> tuple[str, dict]:
    for i in range(start, 300):
        uid = sandbox.store.row(i).user_id
        personal = sandbox.store.get_section(uid, "personal-info")
        if len(personal.get(key) or []) >= at_least:
            return uid, personal
    raise AssertionError(f"no user with {at_least} {key}")


@pytest.mark.parametrize(
    "key,start,remove",
    [
        ("phoneNumbers", 10, 1),  # the second of two (or more) phone numbers
        ("identityDocs", 20, 1),  # a document between two others: their numbers must not shift
        ("identityDocs", 150, 0),  # the first document
    ],
)
async def test_removing_one_item_puts_exactly_the_others(sandbox, tmp_path, key, start, remove):
    at_least = 2 if key == "phoneNumbers" else 3
    user, before = _user_with(sandbox, start, key, at_least)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await wait_ready(pilot, "personal")
        table = pane.form.field_widget((key,)).query_one(DataTable)
        table.focus()
        await pilot.pause()
        for _ in range(remove):
            await pilot.press("down")
        assert table.cursor_row == remove
        await pilot.press("d")
        await pilot.pause()
        assert len(pane.form.value[key]) == len(before[key]) - 1
        await pilot.press("ctrl+s")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        assert [(line.path, line.change) for line in dialog.lines] == [((key, remove), "removed")]
        assert puts(sandbox, user) == []
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user), what="the PUT")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
        assert pane.form.value[key] == before[key][:remove] + before[key][remove + 1 :]  # the re-read copy
    assert len(puts(sandbox, user)) == 1
    expected = copy.deepcopy(before)
    del expected[key][remove]
    stored = sandbox.store.get_section(user, "personal-info")
    assert stored[key] == expected[key]  # exactly the others, real values, same order
    assert stored == expected  # and nothing else changed
    entry = app.audit.history()[-1]
    assert (entry["result"], entry["fields"]) == ("ok", [f"{key}[{remove}]"])
