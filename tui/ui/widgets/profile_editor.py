"""Editing a section as JSON in the agent's own editor ($VISUAL, else $EDITOR, else vi).

The editor command may carry arguments (``code --wait``): it is split with :func:`shlex.split`
and the temporary file's path is always its last argument. The file is created 0600 and
removed afterwards. A text that does not parse (or does not fit the section's model) goes back
into the editor with the reasons in a ``//`` comment header above the agent's own text, which
is never lost; leading ``//`` lines are ignored when reading. What the file holds is the
caller's choice: the profile pane writes masked values as placeholders
(:mod:`tui.domain.editor_doc`), explained in a ``//`` note (:func:`with_note`).
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

__all__ = [
    "editor_command",
    "run_editor",
    "parse_edited",
    "with_header",
    "with_note",
    "strip_header",
    "EditorRun",
    "HEADER",
]

HEADER = "//"


def editor_command(environ: dict[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    cmd = (environ.get("VISUAL") or environ.get("EDITOR") or "vi").strip() or "vi"
    return shlex.split(cmd)


@dataclass
class EditorRun:
    text: str | None
    """What the file held when the editor exited (None when it could not be read)."""
    returncode: int
    error: str = ""


def _run_blocking(argv: list[str], headless: bool) -> int:
    kwargs: dict[str, Any] = {"stdin": subprocess.DEVNULL} if headless else {}
    return subprocess.run(argv, check=False, **kwargs).returncode


async def run_editor(app: Any, text: str, *, name: str = "section") -> EditorRun:
    """Write ``text`` to a private temporary file, run the editor on it (the app suspended
    while it runs), return what the file holds afterwards. The file is always removed."""
    fd, path = tempfile.mkstemp(prefix=f"spotnana-{name}-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        argv = editor_command() + [path]
        try:
            if getattr(app, "is_headless", False):
                code = await asyncio.to_thread(_run_blocking, argv, True)
            else:
                with app.suspend():
                    code = _run_blocking(argv, False)
        except (OSError, ValueError) as exc:
            return EditorRun(None, -1, f"could not run the editor {argv[0]!r}: {exc}")
        try:
            with open(path, encoding="utf-8") as fh:
                return EditorRun(fh.read(), code)
        except (OSError, UnicodeDecodeError) as exc:
            return EditorRun(None, code, f"could not read the edited file: {exc}")
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def strip_header(text: str) -> str:
    """The text without the leading ``//`` comment lines (ours or the agent's)."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].lstrip().startswith(HEADER):
        i += 1
    return "".join(lines[i:])


def with_header(text: str, messages: list[str]) -> str:
    """``messages`` as a comment header above ``text`` (an older header replaced)."""
    head = [f"{HEADER} spotnana-tui: this could not be used yet, nothing was sent:"]
    head += [f"{HEADER}   {m}" for m in messages]
    head.append(f"{HEADER} Fix it and save to continue, or empty the file to give up. These // lines are ignored.")
    return "\n".join(head) + "\n" + strip_header(text)


def with_note(text: str, lines: list[str]) -> str:
    """``lines`` as ``//`` comment lines above ``text`` (whose own header, if any, stays)."""
    if not lines:
        return text
    return "\n".join(f"{HEADER} {line}" for line in lines) + "\n" + text


def parse_edited(text: str) -> tuple[Any, str | None]:
    """(document, None) or (None, one-line reason). An empty file means "give up": (None, None)."""
    body = strip_header(text)
    if not body.strip():
        return None, None
    try:
        doc = json.loads(body, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # count lines from the top of the file the agent sees
        skipped = len(text.splitlines()) - len(body.splitlines())
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno + skipped}, column {exc.colno}"
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(doc, dict):
        return None, f"the section must be a JSON object ({{...}}), not {type(doc).__name__}"
    return doc, None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")
