"""The wheel carries every package of tui/ and the bundled themes."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tui").rglob("__init__.py")}
    assert found - listed == set()
    assert config["package-dir"]["tui._themes"] == "themes"
    assert list((ROOT / "themes").glob("*.toml")), "bundled themes are missing"
