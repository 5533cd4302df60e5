"""Every binding of every screen and widget has an id, so an agent can remap it in [keymap]."""

from __future__ import annotations

from textual.binding import Binding

from tui.ui.app import binding_classes, known_binding_ids


def test_every_binding_has_a_unique_id_per_class() -> None:
    missing = []
    for cls in binding_classes():
        ids = []
        for binding in vars(cls)["BINDINGS"]:
            if not isinstance(binding, Binding) or not binding.id:
                missing.append(f"{cls.__name__}: {binding}")
            else:
                ids.append(binding.id)
        assert len(ids) == len(set(ids)), cls.__name__
    assert missing == []


def test_known_ids_cover_the_profile_editor_and_the_list() -> None:
    ids = known_binding_ids()
    for wanted in ("users.search", "users.create", "profile.save", "diff.escape", "list.add", "form.reveal"):
        assert wanted in ids, wanted
