"""The floors of the house: api <- domain, api <- sandbox, and none of them imports textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"

# floor -> the other tui packages it may import (tui.api may import only itself)
ALLOWED = {
    "api": {"tui.api"},
    "domain": {"tui.api", "tui.domain"},
    "sandbox": {"tui.api", "tui.sandbox"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(TUI.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str | None = None) -> set[str]:
    """Absolute names of every module imported by a file (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


def _floor_of(name: str) -> str | None:
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "tui" and len(parts) > 1 else ("tui" if name == "tui" else None)


@pytest.mark.parametrize("floor", sorted(ALLOWED))
def test_floor_imports(floor):
    files = sorted((TUI / floor).rglob("*.py"))
    assert files, f"no sources under tui/{floor}"
    problems = []
    for path in files:
        for name in imports_of(path):
            if _top(name) == "textual":
                problems.append(f"{path.relative_to(TUI)} imports {name}")
            elif _top(name) == "tui":
                floor_name = _floor_of(name)
                # "from tui import x" would pull another floor through the root package
                if floor_name == "tui" or floor_name not in ALLOWED[floor]:
                    problems.append(f"{path.relative_to(TUI)} imports {name}")
    assert not problems, "\n".join(problems)


def test_the_import_walker_sees_relative_and_nested_imports(tmp_path):
    # the checker itself must catch what it is meant to catch
    fake = tmp_path / "probe.py"
    fake.write_text(
        "from ..client import X\nfrom . import _base\nimport textual.widgets\ndef f():\n    from tui.ui import app\n"
    )
    names = imports_of(fake, "tui.api.models.probe")
    assert {"tui.api.client", "tui.api.models._base", "textual.widgets", "tui.ui.app"} <= names


def test_importing_the_lower_floors_loads_no_textual():
    code = (
        "import sys, tui.api, tui.api.client, tui.api.auth, tui.api.models, tui.domain, tui.sandbox\n"
        "import pkgutil, importlib\n"
        "for pkg in (tui.api, tui.domain, tui.sandbox):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.') or m.startswith('tui.ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_import_tui_api_is_light():
    code = (
        "import sys, tui.api; print(','.join(m for m in ('httpx', 'pydantic', 'tui.api.models') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""  # errors only; client/auth/models load on first use


def test_what_the_list_starts_with_loads_no_profile_sections():
    # the app, its list screen and the client: what runs before the first rows are on screen
    code = (
        "import sys, tui.cli, tui.ui.run, tui.ui.app, tui.ui.screens.users, tui.ui.backend, tui.api.client\n"
        "print(','.join(m for m in ('tui.domain.sections', 'tui.domain.masking', 'tui.domain.edits') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""  # they load with the first profile


ROOT = TUI.parent


def _lint_imports(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--no-cache", *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )


def test_import_linter_contracts_are_kept():
    """pyproject.toml's [tool.importlinter] contracts: floors, widgets vs screens, no cycles."""
    out = _lint_imports()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "5 kept, 0 broken" in out.stdout


def test_the_contracts_catch_a_cycle_and_a_widget_importing_a_screen(tmp_path):
    import os

    pkg = tmp_path / "probe"
    (pkg / "ui" / "widgets").mkdir(parents=True)
    (pkg / "ui" / "screens").mkdir()
    for d in (pkg, pkg / "ui", pkg / "ui" / "widgets", pkg / "ui" / "screens"):
        (d / "__init__.py").write_text("")
    (pkg / "ui" / "widgets" / "w.py").write_text("def f():\n    from probe.ui.screens import s\n")
    (pkg / "ui" / "screens" / "s.py").write_text("from probe.ui.widgets import w\n")
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["probe"]\n'
        '[[tool.importlinter.contracts]]\nname = "widgets"\ntype = "forbidden"\n'
        'source_modules = ["probe.ui.widgets"]\nforbidden_modules = ["probe.ui.screens"]\n'
        '[[tool.importlinter.contracts]]\nname = "cycles"\ntype = "acyclic_siblings"\nancestors = ["probe"]\n'
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = _lint_imports("--config", str(config), cwd=tmp_path, env=env)
    assert out.returncode != 0
    assert "0 kept, 2 broken" in out.stdout, out.stdout
