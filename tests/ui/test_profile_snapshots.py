"""Snapshots of the profile screen: every tab, masked and revealed PII, the diff dialog and
the conflict view, at 80x24 and 120x40.

Deterministic: the module sandbox (seed 7), every tab's worker finished before the frame,
no base URL / port / clock on screen (the header's "last updated" comes from the list's
UserDetail, which these tests do not pass), focus on the tab bar.
Update after a deliberate change: ``pytest tests/ui/test_profile_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tests.ui.test_profile_kit import ProfileApp, scripted_editor, wait_ready, wait_screen
from tui.domain.sections import SECTIONS
from tui.ui.screens.conflict import ConflictScreen
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.profile_section import SectionPane
from tui.ui.widgets.section_form import SectionForm

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
VIEWED = 3  # the seeded user most snapshots show (never changed by these tests)


async def _settle(pilot, key: str) -> SectionPane:
    pane = await wait_ready(pilot, key)
    screen = pilot.app.profile
    await pilot.pause()
    screen.set_focus(screen.query_one("ContentTabs"))
    await pilot.pause()
    return pane


def _app(sandbox, tmp_path, row: int = VIEWED) -> ProfileApp:
    return ProfileApp(sandbox, sandbox.store.row(row).user_id, tmp_path / "audit.jsonl")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("n,key", [(i + 1, s.key) for i, s in enumerate(SECTIONS)], ids=[s.key for s in SECTIONS])
def test_tab(snap_compare, sandbox, tmp_path, n, key, size):
    async def run(pilot):
        await wait_ready(pilot, "personal")
        await pilot.press(str(n))
        await _settle(pilot, key)

    assert snap_compare(_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_personal_revealed(snap_compare, sandbox, tmp_path, size):
    async def run(pilot):
        pane = await _settle(pilot, "personal")
        pane.form.post_message(SectionForm.RevealRequested(("dob",)))
        await pilot.pause()
        await _settle(pilot, "personal")

    assert snap_compare(_app(sandbox, tmp_path), terminal_size=size, run_before=run)


DIFF_EDIT = """
    # the file starts with // lines explaining the masked values' placeholder
    doc = json.loads("".join(l for l in path.read_text().splitlines(True) if not l.startswith("//")))
    doc["name"]["given"] = "Hiro"
    doc["dob"] = {"iso8601": "1986-10-18"}
    doc["phoneNumbers"] = doc.get("phoneNumbers", [])[1:]
    path.write_text(json.dumps(doc))
"""

CONFLICT_EDIT = """
    doc = json.loads(path.read_text())
    doc["designation"] = "Agent's Title"
    doc["accountingCode"] = "ACC-42"
    path.write_text(json.dumps(doc))
"""


@pytest.mark.parametrize("size", SIZES)
def test_diff_dialog_masked(snap_compare, sandbox, tmp_path, monkeypatch, size):
    monkeypatch.setenv("VISUAL", scripted_editor(tmp_path, DIFF_EDIT))

    async def run(pilot):
        await _settle(pilot, "personal")
        await pilot.press("e")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.pause()

    assert snap_compare(_app(sandbox, tmp_path), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_conflict_view(snap_compare, sandbox, tmp_path, monkeypatch, size):
    monkeypatch.setenv("VISUAL", scripted_editor(tmp_path, CONFLICT_EDIT))
    row = 100 if size == (80, 24) else 101

    async def run(pilot):
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        await _settle(pilot, "business")
        sandbox.store.tamper(
            pilot.app.user_id, "business-info", {"designation": "Head of Server Changes", "employeeId": "SRV-000100"}
        )
        await pilot.press("e")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_screen(pilot, ConflictScreen)
        await pilot.pause()

    assert snap_compare(_app(sandbox, tmp_path, row), terminal_size=size, run_before=run)
