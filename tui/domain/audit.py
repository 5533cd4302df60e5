"""The audit trail: one JSON line per action an agent took (or tried) on a profile.

Each entry: ``time`` (UTC ISO 8601), ``environment``, ``user_id``, ``section``, ``action``
("update" / "deactivate" / "activate" / "create" / "reveal" / "export"), ``fields`` (the field
paths touched), ``changes`` (per path: change kind and values, x-pii values masked), ``result``,
``status`` (HTTP status, if any), ``debugIdentifier`` and ``message`` on errors, ``job`` (the
bulk job an entry belongs to, if any). Tokens never go in: entries are built from a fixed set
of keys, and strings are scrubbed of anything that looks like a credential.

A write is two entries: ``result: "attempted"`` with an ``attempt`` ID, appended before the
request goes out, then its outcome ("ok", "error", "overtaken", "unknown") with the same
``attempt``. An attempt with no outcome (the process died mid-write) reads back from
:meth:`AuditLog.history` as "attempted, outcome unknown".

An export that writes personal data to a file (``spotnana-tui export --include-pii``) is
recorded the same way, as ``action: "export"`` with no user: ``fields`` are its PII columns,
``message`` how many users went where (never a value).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path as FsPath
from typing import Any, Literal

from tui.domain.edits import Edit
from tui.domain.masking import redact_at
from tui.domain.paths import ABSENT, format_path
from tui.domain.private_files import FILE_MODE, fix_mode, private_dir

__all__ = ["AuditLog", "ACTIONS", "RESULTS", "UNRESOLVED", "scrub", "change_entries", "format_entry"]

Action = Literal["update", "deactivate", "activate", "create", "reveal", "export"]
Result = Literal["ok", "error", "conflict", "cancelled", "attempted", "unknown", "overtaken"]
ACTIONS = ("update", "deactivate", "activate", "create", "reveal", "export")
RESULTS = ("ok", "error", "conflict", "cancelled", "attempted", "unknown", "overtaken")
UNRESOLVED = "attempted, outcome unknown"
"""How :meth:`AuditLog.history` shows an attempt that never got an outcome."""

_SECRETS = [
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)\b(access_token|refresh_token|id_token|client_secret|token|password|authorization)"
        r"(\"?\s*[:=]\s*\"?)[^\s\"&,;]+"
    ),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # JWTs
]


def scrub(text: str) -> str:
    """Remove anything that looks like a credential from a free-text string."""
    text = _SECRETS[0].sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = _SECRETS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    return _SECRETS[2].sub("[redacted]", text)


def change_entries(section: Any, edits: Iterable[Edit]) -> list[dict[str, Any]]:
    """Audit records of edits: path, change kind, and values with x-pii (and the section's
    masked paths) masked."""
    out = []
    for e in edits:
        entry: dict[str, Any] = {"path": format_path(e.path), "kind": e.kind}
        for name, value in (("old", e.old), ("new", e.new)):
            if value is not ABSENT:
                entry[name] = redact_at(section.model, e.path, value, section.masked_paths)
        out.append(entry)
    return out


class AuditLog:
    """Append-only JSON-lines file. ``path`` comes from the caller (the user data dir); the
    file is 0600 and the folders made for it 0700."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = FsPath(path)
        self._checked = False

    def record(
        self,
        *,
        environment: str,
        user_id: str | None,
        section: str | None,
        action: Action,
        result: Result,
        fields: Iterable[str] = (),
        changes: list[dict[str, Any]] | None = None,
        status: int | None = None,
        debug_identifier: str | None = None,
        message: str | None = None,
        attempt: str | None = None,
        job_id: str | None = None,
    ) -> dict[str, Any]:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        if result not in RESULTS:
            raise ValueError(f"unknown audit result {result!r}")
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "environment": environment,
            "user_id": user_id,
            "section": section,
            "action": action,
            "fields": [str(f) for f in fields],
            "result": result,
        }
        if changes:
            entry["changes"] = changes
        if status is not None:
            entry["status"] = int(status)
        if debug_identifier:
            entry["debugIdentifier"] = scrub(str(debug_identifier))
        if message:
            entry["message"] = scrub(" ".join(str(message).split()))[:500]
        if attempt:
            entry["attempt"] = str(attempt)
        if job_id:
            entry["job"] = str(job_id)
        self._append(entry)
        return entry

    def record_edit(
        self,
        *,
        environment: str,
        user_id: str,
        section: Any,
        edits: Iterable[Edit],
        result: Result,
        action: Action = "update",
        status: int | None = None,
        debug_identifier: str | None = None,
        message: str | None = None,
        attempt: str | None = None,
        job_id: str | None = None,
    ) -> dict[str, Any]:
        """Record an edit of a section: field paths and masked values."""
        edits = list(edits)
        return self.record(
            environment=environment,
            user_id=user_id,
            section=section.key,
            action=action,
            result=result,
            fields=[format_path(e.path) for e in edits],
            changes=change_entries(section, edits),
            status=status,
            debug_identifier=debug_identifier,
            message=message,
            attempt=attempt,
            job_id=job_id,
        )

    @staticmethod
    def new_attempt() -> str:
        """An ID tying an "attempted" entry to its outcome."""
        return uuid.uuid4().hex

    def history(self) -> list[dict[str, Any]]:
        """Entries, oldest first, one per action: an attempt is folded into its outcome (the
        outcome entry keeps ``attempted_at``); an attempt with no outcome shows
        ``result: "attempted"`` and ``outcome: "unknown"``."""
        entries = self.read()
        started = {e["attempt"]: e for e in entries if e.get("result") == "attempted" and e.get("attempt")}
        ended = {e["attempt"] for e in entries if e.get("result") != "attempted" and e.get("attempt") in started}
        out = []
        for e in entries:
            if e.get("result") == "attempted" and e.get("attempt") in ended:
                continue
            if e.get("result") == "attempted":
                e = {**e, "outcome": "unknown"}
            elif e.get("attempt") in started:
                e = {**e, "attempted_at": started[e["attempt"]].get("time")}
            out.append(e)
        return out

    def _append(self, entry: dict[str, Any]) -> None:
        private_dir(self.path.parent)
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            if not self._checked:  # created 0600 whatever the umask; an older file tightened
                fix_mode(fd)
                self._checked = True
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)

    def read(self) -> list[dict[str, Any]]:
        """All entries, oldest first; unreadable lines are skipped."""
        if not self.path.exists():
            return []
        out = []
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(item, dict):
                    out.append(item)
        return out

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The last ``n`` actions of :meth:`history`."""
        return self.history()[-n:] if n > 0 else []


def format_entry(entry: dict[str, Any]) -> str:
    """One readable line for ``spotnana-tui audit``."""
    parts = [
        str(entry.get("time", "")),
        str(entry.get("environment", "")),
        str(entry.get("action", "")),
        str(entry.get("section") or "-"),
        str(entry.get("user_id") or "-"),
        UNRESOLVED if entry.get("result") == "attempted" else str(entry.get("result", "")),
    ]
    if entry.get("status") is not None:
        parts.append(str(entry["status"]))
    fields = entry.get("fields") or []
    if fields:
        parts.append(", ".join(fields))
    if entry.get("job"):
        parts.append(f"job {entry['job']}")
    if entry.get("debugIdentifier"):
        parts.append(f"debug {entry['debugIdentifier']}")
    return "  ".join(parts)
