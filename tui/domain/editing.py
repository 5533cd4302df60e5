"""The edit flow of one section of one user, UI-free.

    editor = SectionEditor(backend, section("business"), user_id, AuditTrail(audit, "sandbox"))
    base = await editor.load()                 # raw JSON, as the server sent it
    errors = editor.validate(edited)           # -> [FieldError] for the form
    lines = editor.prepare(edited)             # -> [DiffLine] for the confirm screen
    result = await editor.commit(edited)       # the one commit path (tui.domain.commit)
    if result.status == "conflict":            # show result.merge.conflicts, then
        result = await editor.commit(edited, {path: "mine" | "theirs", ...})

The editor keeps the base copy the agent's edits are made against and moves it on as the
commit path reports (the re-read after a save, the server's copy after "all theirs").
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from pydantic import ValidationError

from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.commit import AuditTrail, CommitResult, commit_section
from tui.domain.diff import DiffLine, diff
from tui.domain.edits import EditSet, edits_from
from tui.domain.field_errors import FieldError, field_errors_from_api, field_errors_from_validation
from tui.domain.merge import Choice
from tui.domain.paths import Path, format_path
from tui.domain.sections import Section

__all__ = ["FieldError", "CommitResult", "SectionEditor", "field_errors_from_api", "field_errors_from_validation"]


class SectionEditor:
    def __init__(
        self, backend: ProfileBackend, section: Section, user_id: str, trail: AuditTrail | None = None
    ) -> None:
        self.backend = backend
        self.section = section
        self.user_id = user_id
        self.trail = trail or AuditTrail(None)
        self.base: JsonDoc = None

    # -- reading -------------------------------------------------------------------------

    async def fetch(self) -> JsonDoc:
        """The server's copy now (raw JSON, as received)."""
        return await self.backend.read_section(self.section, self.user_id)

    async def load(self) -> JsonDoc:
        """Fetch and keep the base copy; returns a copy the caller may edit."""
        self.base = await self.fetch()
        return copy.deepcopy(self.base)

    # -- checking ------------------------------------------------------------------------

    def validate(self, edited: JsonDoc) -> list[FieldError]:
        try:
            self.section.model.model_validate(edited)
        except ValidationError as exc:
            return field_errors_from_validation(exc, edited)
        return []

    def edits(self, edited: JsonDoc) -> EditSet:
        return edits_from(self._need_base(), edited)

    def prepare(self, edited: JsonDoc) -> list[DiffLine]:
        return diff(self._need_base(), edited, self.section)

    # -- writing -------------------------------------------------------------------------

    async def commit(self, edited: JsonDoc, resolutions: Mapping[Path, Choice] | None = None) -> CommitResult:
        result = await commit_section(
            self.backend,
            self.section,
            self.user_id,
            self._need_base(),
            edited,
            trail=self.trail,
            resolutions=resolutions,
        )
        if result.status in ("ok", "overtaken", "no_changes"):
            self.base = copy.deepcopy(result.base)
        return result

    def record_cancel(self, edited: JsonDoc) -> None:
        """The agent said no at the confirm step: record which fields they had changed."""
        log = self.trail.log
        if log is not None:
            log.record_edit(
                environment=self.trail.environment,
                user_id=self.user_id,
                section=self.section,
                edits=self.edits(edited),
                result="cancelled",
                job_id=self.trail.job_id,
            )

    def record_reveal(self, paths: list[Path]) -> None:
        """The agent revealed masked values: record which (paths only, never values)."""
        log = self.trail.log
        if log is not None:
            log.record(
                environment=self.trail.environment,
                user_id=self.user_id,
                section=self.section.key,
                action="reveal",
                result="ok",
                fields=[format_path(tuple(p)) for p in paths],
            )

    # -- helpers -------------------------------------------------------------------------

    def _need_base(self) -> JsonDoc:
        if self.base is None:
            raise RuntimeError("load() the section first")
        return self.base
