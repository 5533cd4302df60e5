"""Editing a section as JSON in $VISUAL / $EDITOR: a scripted editor (a tiny python program)
edits the temporary file; invalid JSON reopens the editor with the reason above the agent's text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ui.test_profile_kit import (
    ProfileApp,
    puts,
    scripted_editor,
    wait_for,
    wait_ready,
    wait_screen,
)
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.profile_editor import editor_command, parse_edited, strip_header, with_header

SET_DESIGNATION = """
    doc = json.loads(path.read_text())
    doc["designation"] = "Edited In Editor"
    path.write_text(json.dumps(doc, indent=2))
"""

INVALID_THEN_VALID = """
    text = path.read_text()
    if n == 0:
        path.write_text(text.replace('"designation"', '"designation" oops', 1))
    else:
        body = "".join(l for l in text.splitlines(True) if not l.startswith("//"))
        body = body.replace('"designation" oops', '"designation"', 1)
        doc = json.loads(body)
        doc["designation"] = "Fixed After Error"
        path.write_text(json.dumps(doc))
"""


async def _run_editor_flow(sandbox, tmp_path, monkeypatch, user, script, confirm="y"):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", script)
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, "personal")
        await pilot.press("2")
        pane = await wait_ready(pilot, "business")
        await pilot.press("e")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        lines = [line.path for line in dialog.lines]
        await pilot.press(confirm)
        await wait_for(pilot, lambda: not pane.busy, what="editor flow done")
    return app, pane, lines


async def test_scripted_editor_edits_the_section(sandbox, tmp_path, monkeypatch):
    user = sandbox.store.row(60).user_id
    before = sandbox.store.get_section(user, "business-info")
    cmd = scripted_editor(tmp_path, SET_DESIGNATION)
    app, pane, lines = await _run_editor_flow(sandbox, tmp_path, monkeypatch, user, cmd)
    assert lines == [("designation",)]
    stored = sandbox.store.get_section(user, "business-info")
    assert stored == {**before, "designation": "Edited In Editor"}
    # the editor saw the section as JSON, in a private file given as its last argument
    seen = json.loads((tmp_path / "editor.seen0").read_text())
    assert seen == before
    argv = json.loads((tmp_path / "editor.argv0").read_text())
    assert argv[-1].endswith(".json") and "spotnana-business-" in argv[-1]
    assert (tmp_path / "editor.mode0").read_text() == "0o600"
    assert not Path(argv[-1]).exists()  # removed afterwards
    assert [e["result"] for e in app.audit.history()] == ["ok"]


async def test_invalid_json_reopens_the_editor_with_the_reason(sandbox, tmp_path, monkeypatch):
    user = sandbox.store.row(61).user_id
    cmd = scripted_editor(tmp_path, INVALID_THEN_VALID)
    # the editor command may carry its own arguments: the file still comes last
    app, pane, lines = await _run_editor_flow(sandbox, tmp_path, monkeypatch, user, cmd + " --wait")
    assert (tmp_path / "editor.count").read_text() == "2"
    second = (tmp_path / "editor.seen1").read_text()
    assert second.startswith("//") and "not valid JSON" in second
    assert '"designation" oops' in second  # the agent's own text came back, not a fresh copy
    assert json.loads((tmp_path / "editor.argv1").read_text())[-2] == "--wait"
    assert sandbox.store.get_section(user, "business-info")["designation"] == "Fixed After Error"


async def test_editor_cancel_at_confirm_sends_nothing(sandbox, tmp_path, monkeypatch):
    user = sandbox.store.row(62).user_id
    cmd = scripted_editor(tmp_path, SET_DESIGNATION)
    app, pane, lines = await _run_editor_flow(sandbox, tmp_path, monkeypatch, user, cmd, confirm="n")
    assert puts(sandbox, user) == []
    assert pane._draft is not None and "Edited In Editor" in pane._draft[0]  # kept for the next `e`


def test_parse_and_headers():
    assert parse_edited("") == (None, None)
    assert parse_edited("// only a header\n\n") == (None, None)
    doc, err = parse_edited('{"a": 1}')
    assert doc == {"a": 1} and err is None
    doc, err = parse_edited("[1, 2]")
    assert doc is None and "JSON object" in err
    doc, err = parse_edited('{"a": NaN}')
    assert doc is None and "NaN" in err
    text = with_header('{"a": }', ["not valid JSON: Expecting value at line 1, column 7"])
    assert text.splitlines()[0].startswith("//") and text.endswith('{"a": }')
    doc, err = parse_edited(text)
    # the line number counts the header lines the agent sees
    assert doc is None and f"line {len(text.splitlines())}" in err
    assert strip_header(with_header(text, ["again"])) == '{"a": }'  # an older header is replaced


def test_editor_command_prefers_visual_and_splits_arguments():
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "'my editor' -n"}) == ["my editor", "-n"]
    assert editor_command({}) == ["vi"]
