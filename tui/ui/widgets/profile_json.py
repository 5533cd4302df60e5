"""A read-only section as a tree (travel arrangers, applicable policies): every key shown,
lists numbered, masked paths hidden, all expanded."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.domain.masking import mask_matching

__all__ = ["JsonView"]


def _scalar(value: Any) -> Text:
    if value is None:
        return Text("null", style="dim italic")
    if isinstance(value, bool):
        return Text("yes" if value else "no", style="bold")
    if isinstance(value, (int, float)):
        return Text(str(value), style="cyan")
    return Text(str(value))


class JsonView(Tree[Any]):
    DEFAULT_CSS = """
    JsonView { height: auto; max-height: 100%; background: $surface; padding: 0 1; }
    """

    def __init__(self, section: Any, data: Any, **kwargs: Any) -> None:
        super().__init__(section.title, data=None, **kwargs)
        self.section = section
        self.show_root = False
        self.guide_depth = 3
        self.set_data(data)

    def set_data(self, data: Any) -> None:
        self.clear()
        shown = mask_matching(data, self.section.masked_paths) if self.section.masked_paths else data
        if _empty(shown):
            self.root.add_leaf(Text(f"No {self.section.noun}.", style="dim italic"))
        else:
            self._add(self.root, shown)
        self.root.expand_all()

    def _add(self, node: TreeNode, value: Any) -> None:
        items = value.items() if isinstance(value, dict) else ((f"{i + 1}.", v) for i, v in enumerate(value))
        for key, item in items:
            name = key if isinstance(value, list) else self.section.label(str(key))
            if isinstance(item, (dict, list)) and item:
                self._add(node.add(Text(str(name), style="bold"), data=item), item)
            else:
                label = Text(f"{name}: ", style="bold")
                label.append_text(_scalar(item) if not isinstance(item, (dict, list)) else Text("(none)", style="dim"))
                node.add_leaf(label, data=item)


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None
