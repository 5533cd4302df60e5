"""Themes as data: TOML files loaded at start-up (bundled ones, then the agent's own).

A theme file::

    name = "my-theme"
    dark = true
    primary = "#4a9eff"          # required; the other colours are optional
    secondary = "..."  accent = "..."  foreground = "..."  background = "..."
    surface = "..."  panel = "..."  error = "..."  warning = "..."  success = "..."
    [variables]                  # optional extra Textual variables
    "footer-key-foreground" = "#4a9eff"

A file that cannot be read or is not a valid theme is skipped and reported; it never stops
the app.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

__all__ = ["ThemeLoad", "bundled_themes_dir", "load_theme_file", "load_themes", "FALLBACK_THEME"]

FALLBACK_THEME = "spotnana-dark"
_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "error",
    "warning",
    "success",
    "boost",
)
_NUMBERS = ("luminosity_spread", "text_alpha")


class ThemeFileError(ValueError):
    pass


@dataclass
class ThemeLoad:
    themes: list[Theme] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)


def bundled_themes_dir() -> Path | None:
    """``themes/`` at the repo root (editable installs), else the packaged ``tui/_themes``."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "themes", here.parents[1] / "_themes"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    return None


def _colour(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{key} must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{key}: {value!r} is not a colour") from None
    return value


def load_theme_file(path: Path) -> Theme:
    """Parse one theme file. Raises ``ThemeFileError`` with a one-line reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"cannot be read ({type(exc).__name__})") from None
    name = data.get("name") or path.stem
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError("name must be a non-empty string")
    if "primary" not in data:
        raise ThemeFileError("primary colour is missing")
    kwargs: dict[str, object] = {}
    for key in _COLOURS:
        if key in data:
            kwargs[key] = _colour(data[key], key)
    for key in _NUMBERS:
        if key in data:
            if not isinstance(data[key], (int, float)) or isinstance(data[key], bool):
                raise ThemeFileError(f"{key} must be a number")
            kwargs[key] = float(data[key])
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError("dark must be true or false")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeFileError("[variables] must map names to strings")
    unknown = set(data) - {*_COLOURS, *_NUMBERS, "name", "dark", "variables"}
    if unknown:
        raise ThemeFileError(f"unknown keys: {', '.join(sorted(unknown))}")
    theme = Theme(name=name.strip(), dark=dark, variables=dict(variables), **kwargs)  # type: ignore[arg-type]
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # a colour combination textual cannot work with
        raise ThemeFileError(f"unusable ({type(exc).__name__}: {exc})") from None
    return theme


def load_themes(*directories: Path | None) -> ThemeLoad:
    """Load every ``*.toml`` in the directories, in order (later ones override by name)."""
    result = ThemeLoad()
    by_name: dict[str, Theme] = {}
    for directory in directories:
        if directory is None or not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                result.errors.append(f"theme {path.name}: {exc}")
                continue
            by_name[theme.name] = theme
            result.sources[theme.name] = path
    result.themes = list(by_name.values())
    return result
