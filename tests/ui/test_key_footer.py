"""The footer (KeyFooter) shows the keys Textual's Footer would, and rebuilds its key widgets
only when those keys change (Textual's rebuilds them on every bindings update)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.ui.app_kit import make_app, settled
from tui.ui.widgets.key_footer import KeyFooter


def footer_keys(screen) -> list[FooterKey]:
    return list(screen.query_one(KeyFooter).query(FooterKey))


def expected_keys(screen) -> list[str]:
    """What Textual's Footer composes: the shown bindings, one per action, then the palette."""
    actions: dict[str, str] = {}
    for _, binding, _, _ in screen.active_bindings.values():
        if binding.show:
            actions.setdefault(binding.action, binding.key)
    palette = screen.active_bindings.get(screen.app.COMMAND_PALETTE_BINDING)
    return [*actions.values(), *([palette[1].key] if palette else [])]


async def test_same_keys_keep_their_widgets_and_new_keys_recompose(sandbox, tmp_path):
    app = make_app(sandbox, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await settled(pilot)
        before = footer_keys(screen)
        assert [k.key for k in before] == expected_keys(screen)
        assert "slash" in [k.key for k in before]  # "/ Search" while the list has the focus

        screen.refresh_bindings()  # a bindings update that changes nothing
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(screen) == before and all(k.is_attached for k in before)

        await pilot.press("slash")  # the search box hides "/ Search" (check_action)
        await pilot.pause()
        await pilot.pause()
        assert app.focused is screen.search
        keys = [k.key for k in footer_keys(screen)]
        assert keys == expected_keys(screen) and "slash" not in keys

        await pilot.press("escape")  # back to the list: "/ Search" again
        await pilot.pause()
        await pilot.pause()
        assert [k.key for k in footer_keys(screen)] == expected_keys(screen) == [k.key for k in before]
