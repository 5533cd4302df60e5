"""Drafts: an agent's unsent edits of one section, kept in the cache file until they are pushed.

Offline, saving a section makes a draft instead of a PUT; online, a change can be parked as one
(waiting on a traveler's answer). A draft is the copy the edits were made on (``base``) and the
field-path edits (:mod:`tui.domain.edits`), per environment, user and section: one draft per
user and section, a new save replaces the old one (keeping when it was first made).

    store = DraftStore(db, env, Sealer.from_keyring())
    draft = store.save(section, user_id, base, edited, user_label="Ann Lee <ann@x.org>", offline=True)
    plan = await plan_push(backend, draft)          # fresh GET, three-way merge, the diff to confirm
    body = plan.body or resolve(plan, {path: "mine", ...})
    result = await finish_push(backend, store, draft, plan, body, trail)   # the one commit path

Sensitive values (:func:`tui.domain.cache.sensitive_patterns`) never lie in the file in clear,
in the base or in the edits: they are sealed with the keyring key (:mod:`tui.domain.cache_crypto`,
the row's env, user, section and "draft" as associated data). With no key, the base's are left
out ("not cached", :attr:`Draft.not_cached`) and a draft whose edits hold one is refused
(:class:`DraftError`), as is one whose edits are tangled with a value that is not cached (inside
a list holding one: an index there no longer tells which document it was).

Pushing goes through :func:`tui.domain.commit.commit_section` and nothing else, and only with a
:class:`PushPlan` that :func:`plan_push` made (its diff is what the agent confirms) and a body
it gave out. A not-cached placeholder is never sent: outside lists the server's value stands in
for it (the fresh copy wins unless the agent edited that field); anything else that would send
one is refused. The draft goes once the push lands (or the server already says what it says),
and stays as it was on a conflict, an error, or when the agent declines.
"""

from __future__ import annotations

import builtins
import copy
import json
import sqlite3
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.domain.backend import JsonDoc, ProfileBackend
from tui.domain.cache import CacheEnv, sensitive_patterns
from tui.domain.cache_ages import age_text
from tui.domain.cache_crypto import Sealer, open_doc, seal_doc
from tui.domain.cache_db import env_id, transaction
from tui.domain.commit import AuditTrail, CommitResult, commit_section
from tui.domain.diff import DiffLine, diff, summary
from tui.domain.draft_rules import (
    DraftError,
    check_keepable,
    edit_seal_paths,
    fill,
    holes,
    in_list,
    list_label,
    open_at,
    seal_at,
    tangled,
)
from tui.domain.edits import ApplyError, EditSet, edits_from, json_equal
from tui.domain.merge import Choice, Conflict, MergeResult, merge
from tui.domain.merge import resolve as merge_resolve
from tui.domain.paths import Path
from tui.domain.sections import Section
from tui.domain.sections import section as section_named

__all__ = [
    "Draft",
    "DraftError",
    "DraftStore",
    "PushPlan",
    "all_drafts",
    "plan_push",
    "resolve",
    "finish_push",
    "age_text",
]


@dataclass
class Draft:
    id: int
    env: str
    """The environment's key (:func:`tui.domain.cache_db.env_key`)."""
    user_id: str
    section: Section
    user_label: str
    """How the agent knows the user (name and email), as given when saved."""
    base: JsonDoc
    """The copy the edits were made on (with :data:`NOT_CACHED` where a value was not kept)."""
    edits: EditSet
    offline: bool
    """Made offline (else parked online)."""
    note: str
    created_at: float
    updated_at: float
    not_cached: list[Path] = field(default_factory=list)
    """Paths of ``base`` whose (sensitive) value could not be kept: the server's copy stands in."""
    lost: list[Path] = field(default_factory=list)
    """Paths whose edited value cannot be read back (sealed with a key that is not here): such a
    draft cannot be pushed; drop it and make the change again."""
    env_name: str = ""

    def __repr__(self) -> str:  # never the values: a repr may reach a log
        return f"Draft(id={self.id}, user_id={self.user_id!r}, section={self.section.key!r}, {self.state})"

    @property
    def edited(self) -> JsonDoc:
        """``base`` with the edits applied: what the agent's form showed. An edit inside a
        value that is not cached (one of :attr:`lost`: its own value is sealed too) is left out."""
        try:
            return self.edits.apply(self.base)
        except ApplyError:
            gaps = self.not_cached
            kept = EditSet(e for e in self.edits if not any(h == e.path[: len(h)] != e.path for h in gaps))
            return kept.apply(self.base)

    @property
    def state(self) -> str:
        return "offline" if self.offline else "parked"

    def lines(self) -> list[DiffLine]:
        """The draft's diff (base -> edited), masked as the confirm screen masks it."""
        return diff(self.base, self.edited, self.section)

    def summary(self) -> str:
        """``"2 changes to personal info"``."""
        return summary(self.section, self.edits)

    def age_seconds(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.updated_at)


def _context(env: str, user_id: str, section_key: str, what: str) -> str:
    return f"{env}\x00{user_id}\x00{section_key}\x00draft\x00{what}"


# -- the store -------------------------------------------------------------------------------
_SELECT = (
    "SELECT d.id, d.user_id, d.section, d.user_label, d.base_json, d.base_sealed, d.edits_json, d.edits_sealed,"
    " d.offline, d.note, d.created_at, d.updated_at, e.key AS env_key, e.name AS env_name"
    " FROM drafts d JOIN envs e ON e.id = d.env"
)
_NEWEST_FIRST = " ORDER BY d.updated_at DESC, d.id DESC"


def _load(row: sqlite3.Row, sealer: Sealer | None) -> Draft | None:
    """A stored draft, put back together (None for a section this version does not know)."""
    try:
        sec = section_named(row["section"])
    except KeyError:
        return None
    env, user_id = row["env_key"], row["user_id"]
    base, _ = open_doc(
        json.loads(row["base_json"]), row["base_sealed"], sealer, _context(env, user_id, sec.key, "base")
    )
    raw = open_at(json.loads(row["edits_json"]), row["edits_sealed"], sealer, _context(env, user_id, sec.key, "edits"))
    edits = EditSet.from_json(raw)
    return Draft(
        id=int(row["id"]),
        env=env,
        user_id=user_id,
        section=sec,
        user_label=row["user_label"],
        base=base,
        edits=edits,
        offline=bool(row["offline"]),
        note=row["note"],
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
        not_cached=holes(base),
        lost=[e.path + rel for e in edits for rel in holes(e.new)],
        env_name=row["env_name"],
    )


def _loaded(rows: Iterable[sqlite3.Row], sealer: Sealer | None) -> builtins.list[Draft]:
    return [d for d in (_load(r, sealer) for r in rows) if d is not None]


def all_drafts(db: sqlite3.Connection, sealer: Sealer | None) -> builtins.list[Draft]:
    """The drafts of every environment in the file, newest first."""
    return _loaded(db.execute(_SELECT + _NEWEST_FIRST).fetchall(), sealer)


class DraftStore:
    """One environment's drafts in the cache file (``db`` from
    :func:`tui.domain.cache_db.connect`); ``sealer`` None: no keyring (see the module doc)."""

    def __init__(self, db: sqlite3.Connection, env: CacheEnv, sealer: Sealer | None, clock: Any = time.time) -> None:
        self.db = db
        self.env = env
        self.sealer = sealer
        self.clock = clock

    def _env(self) -> int | None:
        return env_id(self.db, self.env.key, create=False)

    def save(
        self,
        section: Section,
        user_id: str,
        base: JsonDoc,
        edited: JsonDoc,
        *,
        user_label: str = "",
        offline: bool = False,
        note: str = "",
    ) -> Draft:
        """Keep the agent's edits (``base`` -> ``edited``) as the draft of this user and section,
        in one transaction (whole or absent); a draft there before is replaced, keeping its ID
        and ``created_at``. Raises :class:`DraftError` (nothing is written) when there is
        nothing to keep or it cannot be kept safely."""
        if not section.editable or not section.put_method:
            raise DraftError(f"{section.title} is read-only: there is nothing to keep as a draft")
        edits = edits_from(base, edited)
        if not edits:
            raise DraftError(f"no changes to {section.noun} to keep as a draft")
        patterns = sensitive_patterns(section.model_name, section.masked_paths)
        check_keepable(section, base, edits, patterns, self.sealer)
        base_doc, base_blob = seal_doc(
            base, patterns, self.sealer, _context(self.env.key, user_id, section.key, "base")
        )
        edits_doc, edits_blob = seal_at(
            edits.to_json(),
            edit_seal_paths(edits, patterns),
            self.sealer,
            _context(self.env.key, user_id, section.key, "edits"),
        )
        now = float(self.clock())
        try:
            with transaction(self.db) as db:
                env = env_id(db, self.env.key, self.env.name)
                (draft_id,) = db.execute(
                    "INSERT INTO drafts (env, user_id, section, user_label, base_json, base_sealed, edits_json,"
                    " edits_sealed, offline, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (env, user_id, section) DO UPDATE SET user_label = excluded.user_label,"
                    " base_json = excluded.base_json, base_sealed = excluded.base_sealed,"
                    " edits_json = excluded.edits_json, edits_sealed = excluded.edits_sealed,"
                    " offline = excluded.offline, note = excluded.note,"
                    " updated_at = max(excluded.updated_at, drafts.updated_at + 0.000001)"
                    " RETURNING id",
                    (
                        env,
                        user_id,
                        section.key,
                        user_label,
                        json.dumps(base_doc, ensure_ascii=False),
                        base_blob,
                        json.dumps(edits_doc, ensure_ascii=False),
                        edits_blob,
                        1 if offline else 0,
                        note,
                        now,
                        now,
                    ),
                ).fetchall()[0]
        except sqlite3.Error as exc:
            raise DraftError(f"the draft could not be saved: {exc}") from exc
        saved = self.get_by_id(int(draft_id))
        assert saved is not None
        return saved

    def get(self, section: Section, user_id: str) -> Draft | None:
        env = self._env()
        if env is None:
            return None
        rows = self.db.execute(
            _SELECT + " WHERE d.env = ? AND d.user_id = ? AND d.section = ?", (env, user_id, section.key)
        )
        found = _loaded(rows.fetchall(), self.sealer)
        return found[0] if found else None

    def get_by_id(self, draft_id: int) -> Draft | None:
        env = self._env()
        if env is None:
            return None
        rows = self.db.execute(_SELECT + " WHERE d.env = ? AND d.id = ?", (env, int(draft_id))).fetchall()
        found = _loaded(rows, self.sealer)
        return found[0] if found else None

    def list(self, user_id: str | None = None) -> builtins.list[Draft]:
        """This environment's drafts (one user's, with ``user_id``), newest first."""
        env = self._env()
        if env is None:
            return []
        if user_id is None:
            rows = self.db.execute(_SELECT + " WHERE d.env = ?" + _NEWEST_FIRST, (env,))
        else:
            rows = self.db.execute(_SELECT + " WHERE d.env = ? AND d.user_id = ?" + _NEWEST_FIRST, (env, user_id))
        return _loaded(rows.fetchall(), self.sealer)

    def counts_for(self, user_id: str) -> dict[str, int]:
        """``{section_key: 1}`` for each section of the user that has a draft (the tab's "1 draft")."""
        env = self._env()
        if env is None:
            return {}
        rows = self.db.execute("SELECT section FROM drafts WHERE env = ? AND user_id = ?", (env, user_id))
        return {r[0]: 1 for r in rows}

    def delete(self, draft_id: int) -> bool:
        """Drop a draft; False when there was none with that ID here."""
        env = self._env()
        if env is None:
            return False
        with transaction(self.db) as db:
            return db.execute("DELETE FROM drafts WHERE env = ? AND id = ?", (env, int(draft_id))).rowcount > 0

    def _forget(self, draft: Draft) -> None:
        """Drop ``draft`` once pushed, unless it was saved again meanwhile."""
        env = self._env()
        if env is None:
            return
        with transaction(self.db) as db:
            db.execute(
                "DELETE FROM drafts WHERE env = ? AND id = ? AND updated_at = ?", (env, draft.id, draft.updated_at)
            )

    def count(self) -> int:
        env = self._env()
        if env is None:
            return 0
        return int(self.db.execute("SELECT count(*) FROM drafts WHERE env = ?", (env,)).fetchone()[0])


# -- pushing ---------------------------------------------------------------------------------
_ISSUED: weakref.WeakSet[PushPlan] = weakref.WeakSet()
"""The plans :func:`plan_push` made: :func:`finish_push` sends nothing for any other."""


@dataclass(eq=False)
class PushPlan:
    """What pushing a draft would do now, for the agent to confirm (see :func:`plan_push`)."""

    draft: Draft
    fresh: JsonDoc
    """The server's copy now."""
    base: JsonDoc
    """The draft's base, with the server's values in place of what was not cached outside lists."""
    merge: MergeResult | None
    body: JsonDoc | None
    """The fresh copy plus the agent's edits; None on a conflict (see :func:`resolve`) or a problem."""
    lines: builtins.list[DiffLine]
    """fresh -> body, masked as the confirm masks; on a conflict, fresh -> the edits that do not
    conflict."""
    problem: str = ""
    """Why this draft cannot be pushed (nothing can be sent); "" when it can."""
    _bodies: builtins.list[JsonDoc] = field(default_factory=list, repr=False)
    _fresh: JsonDoc = field(default=None, repr=False)

    def __repr__(self) -> str:  # never the values: a repr may reach a log
        return f"PushPlan({self.draft!r}, {len(self.conflicts)} conflicts, problem={bool(self.problem)})"

    @property
    def conflicts(self) -> builtins.list[Conflict]:
        return builtins.list(self.merge.conflicts) if self.merge is not None else []

    @property
    def unchanged(self) -> bool:
        """The server already says what the draft says: pushing sends nothing, the draft can go."""
        return not self.problem and self.body is not None and json_equal(self.body, self.fresh)

    @property
    def server_lines(self) -> builtins.list[DiffLine]:
        """What changed on the server since the draft's copy (base -> fresh), masked."""
        return diff(self.base, self.fresh, self.draft.section)

    def lines_for(self, body: JsonDoc) -> builtins.list[DiffLine]:
        """fresh -> ``body`` (a resolved body), masked: the diff to confirm after choosing."""
        return diff(self.fresh, body, self.draft.section)

    def summary(self) -> str:
        if self.problem:
            return self.problem
        if self.conflicts:
            n = len(self.conflicts)
            return f"{n} conflict{'s' if n != 1 else ''} with the server's copy"
        if self.unchanged:
            return "already as the draft says: nothing to send"
        return summary(self.draft.section, self.lines)


def _problem(draft: Draft, base: JsonDoc) -> str:
    if draft.lost:
        label = draft.section.label(draft.lost[0]).lower()
        return (
            f"the draft's {label} cannot be read here (it was sealed with a keyring key that is not here):"
            " drop the draft and make the change again"
        )
    in_lists = [h for h in holes(base) if in_list(h)]
    for e in draft.edits:
        if any(tangled(e.path, h) for h in in_lists):
            label = list_label(draft.section, next(h for h in in_lists if tangled(e.path, h)))
            return (
                f"the draft changes {label}, whose values are not cached here (no keyring key):"
                " push it where the key is, or drop it"
            )
    return ""


def _plan(draft: Draft, fresh: JsonDoc) -> PushPlan:
    base = fill(draft.base, fresh, draft.not_cached)
    problem = _problem(draft, base)
    result: MergeResult | None = None
    body: JsonDoc | None = None
    lines: builtins.list[DiffLine] = []
    if not problem:
        try:
            result = merge(base, fresh, draft.edits.apply(base))
        except ApplyError as exc:
            problem = f"the draft no longer applies to the section: {exc}"
    if result is not None:
        body = result.merged if result.clean else None
        lines = diff(fresh, result.merged, draft.section)
        if holes(result.merged):
            problem, body = "the draft would send a value that is not cached here: push it where the key is", None
    plan = PushPlan(draft, fresh, base, result, body, lines, problem, _fresh=copy.deepcopy(fresh))
    if body is not None:
        plan._bodies.append(copy.deepcopy(body))
    _ISSUED.add(plan)
    return plan


async def plan_push(backend: ProfileBackend, draft: Draft) -> PushPlan:
    """Read the section again and merge three ways (the draft's base, the fresh copy, the
    agent's edits): the plan to show before anything is sent. Errors of the read
    (:class:`tui.api.errors.SpotnanaError`) come through; the draft is untouched."""
    fresh = await backend.read_section(draft.section, draft.user_id)
    return _plan(draft, fresh)


def resolve(plan: PushPlan, choices: Mapping[Path, Choice]) -> JsonDoc:
    """The body once each conflict has a choice ("mine" / "theirs", as
    :func:`tui.domain.merge.resolve`); confirm :meth:`PushPlan.lines_for` of it, then
    :func:`finish_push` it. :class:`DraftError` when it cannot be sent."""
    if plan.problem or plan.merge is None:
        raise DraftError(plan.problem or "this plan has nothing to send")
    body = merge_resolve(plan.merge, choices)
    gaps = holes(body)
    if gaps:
        label = plan.draft.section.label(gaps[0]).lower()
        raise DraftError(f"your version holds {label}, which is not cached here: keep the server's for it")
    plan._bodies.append(copy.deepcopy(body))
    return body


async def finish_push(
    backend: ProfileBackend, store: DraftStore, draft: Draft, plan: PushPlan, body: JsonDoc, trail: AuditTrail
) -> CommitResult:
    """Send the confirmed ``body`` of ``plan`` through the one commit path (fresh GET, merge
    with ``plan.fresh`` as base, so a change landed since the plan shows as a conflict or
    "overtaken"; PUT; audit; re-read). On ``ok`` / ``no_changes`` the draft is dropped; on
    anything else it stays as it was.

    :class:`DraftError` (nothing sent) for a plan :func:`plan_push` did not make for this
    draft, a body it did not give out, or a draft saved again or gone since the plan."""
    if plan not in _ISSUED or plan.draft.id != draft.id or plan.draft.env != draft.env:
        raise DraftError("a draft is pushed only with the plan made for it (plan_push), once its diff is confirmed")
    if plan.problem:
        raise DraftError(plan.problem)
    if not any(json_equal(body, issued) for issued in plan._bodies):
        raise DraftError("that is not the body the plan showed: plan the push again")
    current = store.get_by_id(draft.id)
    if current is None:
        raise DraftError("the draft is gone (pushed or dropped meanwhile)")
    if current.updated_at != plan.draft.updated_at:
        raise DraftError("the draft was saved again since it was reviewed: review it again")
    result = await commit_section(
        backend, draft.section, draft.user_id, base=copy.deepcopy(plan._fresh), edited=copy.deepcopy(body), trail=trail
    )
    if result.ok:
        try:
            store._forget(current)
        except sqlite3.Error:
            pass  # it landed: a draft left behind plans as "already as the draft says"
    return result
