"""The edit flow of one section of one user, UI-free.

    editor = SectionEditor(client, section("business"), user_id, audit, "sandbox")
    base = await editor.load()                 # raw JSON, as the server sent it
    errors = editor.validate(edited)           # -> [FieldError] for the form
    lines = editor.prepare(edited)             # -> [DiffLine] for the confirm screen
    result = await editor.commit(edited)       # fresh GET, merge, PUT(fresh + edits), audit
    if result.status == "conflict":            # show result.merge.conflicts, then
        result = await editor.commit(edited, {path: "mine" | "theirs", ...})

Every outcome of ``commit`` (ok, error, conflict) lands in the audit log, with field paths
and masked values only. The client is any object with ``call_raw(name, *path_args, body=)``
(:class:`tui.api.client.UsersClient`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from pydantic import ValidationError

from tui.api.errors import ApiError, SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.diff import DiffLine, diff
from tui.domain.edits import EditSet, edits_from
from tui.domain.merge import Choice, MergeResult, merge, resolve
from tui.domain.paths import Path, format_path, loc_to_path, parse_path
from tui.domain.sections import Section

__all__ = ["FieldError", "CommitResult", "SectionEditor", "field_errors_from_api", "field_errors_from_validation"]


@dataclass(frozen=True)
class FieldError:
    path: Path
    """Field path in the section's JSON; ``()`` for an error about the whole section."""
    message: str
    code: str | None = None

    @property
    def label(self) -> str:
        return format_path(self.path) or "(section)"


CommitStatus = Literal["ok", "conflict", "error", "no_changes"]


@dataclass
class CommitResult:
    status: CommitStatus
    base: Any = None
    """The new base copy (after ok: re-fetched from the server)."""
    applied: EditSet = field(default_factory=EditSet)
    """What the PUT changed relative to the fresh copy (after ok)."""
    merge: MergeResult | None = None
    """On conflict (and after ok): the merge, with ``conflicts`` to show per field."""
    field_errors: list[FieldError] = field(default_factory=list)
    error: SpotnanaError | None = None
    refetch_failed: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "no_changes")




def field_errors_from_validation(exc: ValidationError, data: Any) -> list[FieldError]:
    out: list[FieldError] = []
    seen: set[tuple[Path, str]] = set()
    for err in exc.errors(include_url=False, include_input=False):
        path = loc_to_path(tuple(err["loc"]), data)
        key = (path, err["msg"])
        if key not in seen:
            seen.add(key)
            out.append(FieldError(path, err["msg"], err["type"]))
    return out


def field_errors_from_api(error: ApiError, section: Section | None = None) -> list[FieldError]:
    """errorMessages' errorParameters -> field paths (``()`` when not about a known field)."""
    top = None
    if section is not None:
        top = {info.alias or name for name, info in section.model.model_fields.items()}
    out: list[FieldError] = []
    for msg in error.error_messages:
        text = str(msg.get("message") or msg.get("errorDetail") or msg.get("errorCode") or "invalid")
        code = msg.get("errorCode")
        paths: list[Path] = []
        for param in msg.get("errorParameters") or []:
            name = param.get("name") if isinstance(param, dict) else None
            if not isinstance(name, str) or not name:
                continue
            path = parse_path(name.removeprefix("$.").removeprefix("body."))
            if name == "body":
                path = ()
            if top is not None and path and path[0] not in top:
                continue
            paths.append(path)
        prefix = format_path(paths[0]) + ": " if paths else ""
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]  # the form shows the message next to the field
        for path in paths or [()]:
            out.append(FieldError(path, text, code))
    return out


class SectionEditor:
    def __init__(
        self,
        client: Any,
        section: Section,
        user_id: str,
        audit: AuditLog | None = None,
        env_name: str = "",
    ) -> None:
        self.client = client
        self.section = section
        self.user_id = user_id
        self.audit = audit
        self.env_name = env_name
        self.base: Any = None

    # -- reading -------------------------------------------------------------------------

    async def fetch(self) -> Any:
        """The server's copy now (raw JSON, as received)."""
        data = await self.client.call_raw(self.section.get_method, self.user_id)
        return {} if data is None else data

    async def load(self) -> Any:
        """Fetch and keep the base copy; returns a copy the caller may edit."""
        self.base = await self.fetch()
        return copy.deepcopy(self.base)

    # -- checking ------------------------------------------------------------------------

    def validate(self, edited: Any) -> list[FieldError]:
        try:
            self.section.model.model_validate(edited)
        except ValidationError as exc:
            return field_errors_from_validation(exc, edited)
        return []

    def edits(self, edited: Any) -> EditSet:
        self._need_base()
        return edits_from(self.base, edited)

    def prepare(self, edited: Any) -> list[DiffLine]:
        self._need_base()
        return diff(self.base, edited, self.section)

    # -- writing -------------------------------------------------------------------------

    async def commit(self, edited: Any, resolutions: Mapping[Path, Choice] | None = None) -> CommitResult:
        self._need_base()
        if not self.section.editable or not self.section.put_method:
            raise ValueError(f"{self.section.title} is read-only")
        mine = edits_from(self.base, edited)
        if not mine:
            return CommitResult("no_changes", base=copy.deepcopy(self.base))
        try:
            fresh = await self.fetch()
        except SpotnanaError as exc:
            self._audit(mine, "error", exc)
            return CommitResult("error", base=self.base, error=exc)

        result = merge(self.base, fresh, edited)
        if not result.clean:
            chosen = dict(resolutions or {})
            if any(c.path not in chosen for c in result.conflicts):
                self._audit(mine, "conflict", message=self._conflict_text(result))
                return CommitResult("conflict", base=self.base, merge=result)
            body = resolve(result, chosen)
        else:
            body = result.merged

        applied = edits_from(fresh, body)
        if not applied:  # e.g. every conflict resolved as "theirs": nothing left to write
            self.base = fresh
            return CommitResult("no_changes", base=copy.deepcopy(fresh), merge=result)
        try:
            await self.client.call_raw(self.section.put_method, self.user_id, body=body)
        except SpotnanaError as exc:
            errors = field_errors_from_api(exc, self.section) if isinstance(exc, ApiError) and exc.status == 400 else []
            self._audit(applied or mine, "error", exc)
            return CommitResult("error", base=self.base, merge=result, field_errors=errors, error=exc)

        self._audit(applied, "ok")
        refetch_failed = False
        try:
            self.base = await self.fetch()
        except SpotnanaError:
            self.base = body
            refetch_failed = True
        return CommitResult(
            "ok", base=copy.deepcopy(self.base), applied=applied, merge=result, refetch_failed=refetch_failed
        )

    def record_cancel(self, edited: Any) -> None:
        """The agent said no at the confirm step: record which fields they had changed."""
        self._need_base()
        self._audit(edits_from(self.base, edited), "cancelled")

    def record_reveal(self, paths: list[Path]) -> None:
        """The agent revealed masked values: record which (paths only, never values)."""
        if self.audit is not None:
            self.audit.record(
                environment=self.env_name,
                user_id=self.user_id,
                section=self.section.key,
                action="reveal",
                result="ok",
                fields=[format_path(tuple(p)) for p in paths],
            )

    # -- helpers -------------------------------------------------------------------------

    def _need_base(self) -> None:
        if self.base is None:
            raise RuntimeError("load() the section first")

    @staticmethod
    def _conflict_text(result: MergeResult) -> str:
        return "changed on the server meanwhile: " + ", ".join(c.label for c in result.conflicts)

    def _audit(self, edits: EditSet, outcome: str, exc: SpotnanaError | None = None, message: str | None = None) -> None:
        if self.audit is None:
            return
        self.audit.record_edit(
            environment=self.env_name,
            user_id=self.user_id,
            section=self.section,
            edits=edits,
            result=outcome,  # type: ignore[arg-type]
            status=getattr(exc, "status", None),
            debug_identifier=getattr(exc, "debug_identifier", None),
            message=message or _safe_error_text(exc),
        )


def _safe_error_text(exc: SpotnanaError | None) -> str | None:
    """An error line for the audit log: for API errors only status and error codes (a server
    message may quote the rejected value, which may be PII)."""
    if exc is None:
        return None
    if isinstance(exc, ApiError):
        codes = ", ".join(exc.error_codes)
        return f"{exc.status} {exc.reason}" + (f" [{codes}]" if codes else "")
    return f"{type(exc).__name__}: {exc}"
