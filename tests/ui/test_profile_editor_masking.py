"""`e` on the personal tab with the real form: the $EDITOR file holds no document number and no
date of birth (placeholders instead, unless revealed on screen), the placeholders come back as
the real values in the PUT, and a placeholder with nothing to keep is an error in the file."""

from __future__ import annotations

import copy
import json

from textual.widgets import Static

from tests.ui.test_profile_kit import ProfileApp, puts, scripted_editor, wait_for, wait_ready, wait_screen
from tui.domain.editor_doc import PLACEHOLDER
from tui.ui.screens.diff_confirm import DiffConfirmScreen
from tui.ui.widgets.form_fields import MaskedValue


def _user_with_documents(sandbox, start: int) -> tuple[str, dict]:
    """The first user from row ``start`` with a passport among 3+ identity documents and a dob."""
    for i in range(start, 300):
        uid = sandbox.store.row(i).user_id
        personal = sandbox.store.get_section(uid, "personal-info")
        kinds = [next(iter(d)) for d in personal.get("identityDocs", [])]
        if len(kinds) >= 3 and kinds[0] == "passport" and (personal.get("dob") or {}).get("iso8601"):
            return uid, personal
    raise AssertionError("no such user in the sandbox")


def _secrets(personal: dict) -> list[str]:
    out = [personal["dob"]["iso8601"]]
    for doc in personal["identityDocs"]:
        body = next(iter(doc.values()))
        out.append(str(body.get("docId") or body.get("number")))
    return out


def _script(secrets: list[str], edit: str) -> str:
    """An editor body: exits 3 when a secret is in the file, else applies ``edit`` to ``doc``."""
    return (
        f"""
        text = path.read_text()
        if any(s in text for s in {secrets!r}):
            sys.exit(3)
        doc = json.loads("".join(l for l in text.splitlines(True) if not l.startswith("//")))
    """
        + edit
        + """
        path.write_text(json.dumps(doc, indent=2))
    """
    )


async def _open_personal(pilot, app):
    pane = await wait_ready(pilot, "personal")
    assert pane.state == "ready"
    app.profile.set_focus(None)  # `e` in a text field types an e
    await pilot.pause()
    return pane


async def test_the_file_masks_documents_and_dob_and_edits_round_trip(sandbox, tmp_path, monkeypatch):
    user, before = _user_with_documents(sandbox, 10)
    secrets = _secrets(before)
    edit = """
        assert doc["dob"] == {"iso8601": "<masked: unchanged>"}, doc["dob"]
        doc["name"]["given"] = "Edited Given"
        del doc["identityDocs"][0]          # the passport goes; the others keep their placeholders
        doc["identityDocs"].reverse()       # and the rest change places
    """
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", scripted_editor(tmp_path, _script(secrets, edit)))
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_personal(pilot, app)
        await pilot.press("e")
        dialog = await wait_screen(pilot, DiffConfirmScreen)
        shown = " ".join(str(w.render()) for w in dialog.query(".diff-line").results(Static))
        assert not any(s in shown for s in secrets)  # the diff masks them too
        assert ("name", "given") in [line.path for line in dialog.lines]
        assert not any(line.path[:1] == ("dob",) for line in dialog.lines)
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user), what="the PUT")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
    seen = (tmp_path / "editor.seen0").read_text()
    assert seen.startswith("//") and PLACEHOLDER in seen.splitlines()[0]  # the header explains it
    assert not any(s in seen for s in secrets)
    assert (
        json.loads("".join(l for l in seen.splitlines(True) if not l.startswith("//")))["identityDocs"][0]["passport"][
            "docId"
        ]
        == PLACEHOLDER
    )
    expected = copy.deepcopy(before)
    expected["name"]["given"] = "Edited Given"
    expected["identityDocs"] = before["identityDocs"][1:][::-1]  # real numbers, each with its own document
    assert sandbox.store.get_section(user, "personal-info") == expected
    assert len(puts(sandbox, user)) == 1
    entries = app.audit.history()
    assert [(e["action"], e["result"]) for e in entries] == [("update", "ok")]  # no reveal happened
    assert not any(s in json.dumps(entries) for s in secrets)


async def test_a_value_revealed_on_screen_is_in_clear_and_typing_over_a_placeholder_sets_it(
    sandbox, tmp_path, monkeypatch
):
    user, before = _user_with_documents(sandbox, 60)
    dob = before["dob"]["iso8601"]
    hidden = _secrets(before)[1:]
    edit = f"""
        assert doc["dob"] == {{"iso8601": {dob!r}}}, doc["dob"]   # revealed on screen: in clear
        doc["identityDocs"][0]["passport"]["docId"] = "NEWP7654321"
    """
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", scripted_editor(tmp_path, _script(hidden, edit)))
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_personal(pilot, app)
        masked = pane.form.field_widget(("dob",)).query_one(MaskedValue)
        masked.focus()
        await pilot.press("r")  # reveal the date of birth on screen (audited here, once)
        await wait_for(pilot, lambda: ("dob",) in pane.form.revealed, what="the reveal")
        app.profile.set_focus(None)
        await pilot.pause()
        await pilot.press("e")
        await wait_screen(pilot, DiffConfirmScreen)
        await pilot.press("y")
        await wait_for(pilot, lambda: puts(sandbox, user), what="the PUT")
        await wait_for(pilot, lambda: not pane.busy and not pane.has_changes, what="saved")
    expected = copy.deepcopy(before)
    expected["identityDocs"][0]["passport"]["docId"] = "NEWP7654321"
    assert sandbox.store.get_section(user, "personal-info") == expected
    entries = app.audit.history()
    assert [(e["action"], e["result"], e["fields"]) for e in entries] == [
        ("reveal", "ok", ["dob"]),
        ("update", "ok", ["identityDocs[0].passport.docId"]),
    ]


async def test_a_placeholder_with_nothing_to_keep_goes_back_as_an_error(sandbox, tmp_path, monkeypatch):
    user, before = _user_with_documents(sandbox, 120)
    secrets = _secrets(before)
    body = _script(
        secrets,
        """
        if n == 0:   # a new document whose number is a copied placeholder: nothing to keep
            doc["identityDocs"].append({"passport": {"docId": "<masked: unchanged>", "issueCountry": "US"}})
        else:
            doc = {}
    """,
    ).replace("path.write_text(json.dumps(doc, indent=2))", "path.write_text(json.dumps(doc) if doc else '')")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", scripted_editor(tmp_path, body))
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_personal(pilot, app)
        await pilot.press("e")
        count = tmp_path / "editor.count"
        await wait_for(
            pilot, lambda: count.exists() and count.read_text() == "2" and not pane.busy, what="the editor twice"
        )
        assert not isinstance(app.screen, DiffConfirmScreen)
        assert not pane.has_changes
    again = (tmp_path / "editor.seen1").read_text()
    index = len(before["identityDocs"])
    header = [line for line in again.splitlines() if line.startswith("//")]
    assert any(f"identityDocs[{index}].passport.docId" in line and "none here to keep" in line for line in header)
    assert any(PLACEHOLDER in line and "stands for" in line for line in header)  # the note is still there
    assert not any(s in again for s in secrets)
    assert puts(sandbox, user) == []
    assert sandbox.store.get_section(user, "personal-info") == before


async def test_a_reveal_stays_with_its_document_when_an_earlier_one_is_removed(sandbox, tmp_path, monkeypatch):
    from textual.widgets import DataTable

    user, before = _user_with_documents(sandbox, 180)
    numbers = _secrets(before)[1:]  # per document, in order
    edit = f"""
        assert {numbers[1]!r} in text   # revealed on screen: in clear
        assert doc["identityDocs"][0] == {before["identityDocs"][1]!r}
    """
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", scripted_editor(tmp_path, _script([numbers[0], numbers[2]], edit)))
    app = ProfileApp(sandbox, user, tmp_path / "audit.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _open_personal(pilot, app)
        docs = pane.form.field_widget(("identityDocs",))
        table = docs.query_one(DataTable)
        table.focus()
        await pilot.press("down", "r")  # reveal the second document
        await wait_for(pilot, lambda: pane.form.revealed, what="the reveal")
        assert pane.form.revealed == {("identityDocs", 1)}
        await pilot.press("up", "d")  # remove the first: the revealed one is now the first
        await pilot.pause()
        assert pane.form.revealed == {("identityDocs", 0)}
        rows = [" ".join(str(c) for c in table.get_row_at(r)) for r in range(table.row_count)]
        assert numbers[1][-4:] in rows[0] and numbers[2] not in rows[1] and numbers[2][-4:] in rows[1]
        app.profile.set_focus(None)
        await pilot.pause()
        await pilot.press("e")
        await wait_screen(pilot, DiffConfirmScreen)  # the editor found what it expected
        await pilot.press("n")
        await wait_for(pilot, lambda: not pane.busy, what="cancelled")
    assert puts(sandbox, user) == []
    assert [e["action"] for e in app.audit.history()] == ["reveal", "update"]  # one reveal, then the cancel
