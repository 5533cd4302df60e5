"""Plan files: a bulk plan as JSON that a second person can review and ``bulk apply`` runs as is.

    pf = PlanFile.from_csv(csv_plan, Target("prod", "https://api.example.com", "tmc:<id>"))
    digest = write_plan_file("plan.json", pf)      # 0600, whole or not at all
    pf = read_plan_file("plan.json")               # PlanFileError: changed, foreign, not a plan
    pf.target.differs(base_url, scope)             # why it may not be applied here, or None

The file holds, at the top level: ``format`` and ``version``; ``environment`` (the name, base
URL and scope it was made against); ``created`` (UTC); ``source`` (the CSV's name, SHA-256,
section, key column, field columns and row count); ``summary``; the engine's plan
(:meth:`tui.domain.bulk_plan.Plan.to_json`: ``kind``, ``change``, ``complete`` and ``users``,
each user with its row number and key value, outcome, own change, edits, and the touched
fields with their value before (the pre-image) and after); and ``digest``.

The digest is ``sha256:`` and the SHA-256 of the canonical JSON of everything else (keys
sorted, no spaces, UTF-8), so re-indenting the file keeps it and changing any value breaks it.
It proves the file is the one that was reviewed (a reviewer can note it); it is not a
signature: whoever can write the file can compute a new one, so :func:`verify` also checks
that each user's writes are exactly what the user's change says and that the change is one a
bulk change may make. Personal data: the touched fields' values are there (apply writes them),
never a sensitive field (bulk changes refuse them); diffs shown from it are masked as on screen.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from tui.domain.bulk import STATUS_PATH, commit_docs, replay
from tui.domain.bulk_ops import Set, op_paths
from tui.domain.bulk_plan import Plan
from tui.domain.bulk_rules import check_change, refusal
from tui.domain.csv_import import CsvPlan
from tui.domain.edits import json_equal
from tui.domain.paths import format_path, get
from tui.domain.private_files import replace_private

__all__ = [
    "FORMAT",
    "VERSION",
    "Target",
    "PlanFile",
    "PlanFileError",
    "canonical",
    "digest_of",
    "write_plan_file",
    "read_plan_file",
    "verify",
]

FORMAT = "spotnana-tui bulk plan"
VERSION = 1


class PlanFileError(ValueError):
    """Not a plan file this version reads, or one changed since it was made."""


@dataclass(frozen=True)
class Target:
    """Where a plan was made: the environment's name, base URL and scope (``tmc:<id>`` or
    ``company:<id>``)."""

    name: str
    base_url: str
    scope: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "base_url": self.base_url, "scope": self.scope}

    def differs(self, base_url: str, scope: str) -> str | None:
        """Why this plan may not be applied against ``base_url`` and ``scope`` (None: it may)."""
        if self.base_url.rstrip("/") != base_url.rstrip("/"):
            return f"the plan was made against {self.base_url}, not {base_url}"
        if self.scope != scope:
            return f"the plan was made for {self.scope or 'no TMC or company'}, not {scope or 'no TMC or company'}"
        return None


@dataclass
class PlanFile:
    plan: Plan
    target: Target
    source: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, tuple[int, str]] = field(default_factory=dict)
    """User ID -> (the CSV's row number, its key value)."""
    digest: str = ""
    """As read (or last written)."""

    @classmethod
    def from_csv(cls, result: CsvPlan, target: Target) -> PlanFile:
        imported = result.imported
        source = {
            "file": imported.source,
            "sha256": imported.sha256,
            "section": imported.section.key,
            "key": imported.key,
            "columns": [c.name for c in imported.columns],
            "rows": len(imported.rows),
        }
        rows = {r.user_id: (r.number, r.key) for r in imported.rows}
        return cls(result.plan, target, source, rows)

    @property
    def key(self) -> str:
        return str(self.source.get("key", ""))

    def body(self) -> dict[str, Any]:
        """Everything but the digest."""
        data = self.plan.to_json()
        users = []
        for u in data.pop("users"):
            row, key = self.rows.get(u["user_id"], (None, ""))
            users.append({"row": row, "key": key, **u})
        data.pop("environment", None)
        created = data.pop("created", "")
        return {
            "format": FORMAT,
            "version": VERSION,
            "environment": self.target.to_json(),
            "created": created,
            "source": self.source,
            "summary": self.plan.summary(),
            **data,
            "users": users,
        }

    def to_json(self) -> dict[str, Any]:
        body = self.body()
        self.digest = digest_of(body)
        return {**body, "digest": self.digest}

    @classmethod
    def from_json(cls, data: Any) -> PlanFile:
        """The plan in ``data``; :class:`PlanFileError` unless it is a plan file of this
        version whose digest matches."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PlanFileError(f'not a plan file (no "format": "{FORMAT}"); make one with bulk plan -o')
        if data.get("version") != VERSION:
            raise PlanFileError(f"a plan file of version {data.get('version')!r}; this version reads {VERSION}")
        body = {k: v for k, v in data.items() if k != "digest"}
        written, now = data.get("digest"), digest_of(body)
        if written != now:
            raise PlanFileError(
                f"the plan file was changed after it was made: its digest is {written!r}, its content's {now}"
            )
        try:
            env = data["environment"]
            target = Target(str(env["name"]), str(env["base_url"]), str(env["scope"]))
            plan = Plan.from_json({**data, "environment": target.name})
            rows = {
                str(u["user_id"]): (int(u["row"]), str(u.get("key", "")))
                for u in data.get("users", [])
                if isinstance(u.get("row"), int)
            }
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlanFileError(f"the plan file cannot be read: {type(exc).__name__} {exc}") from None
        source = data.get("source")
        source = source if isinstance(source, dict) else {}
        return cls(plan, target, source, rows, str(written))


def canonical(data: Any) -> bytes:
    """The canonical serialisation the digest is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def digest_of(body: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def write_plan_file(path: str | os.PathLike[str], pf: PlanFile) -> str:
    """Write ``pf`` to ``path`` (0600, replaced only once complete); its digest."""
    data = pf.to_json()
    with replace_private(path) as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
    return pf.digest


def read_plan_file(path: str | os.PathLike[str]) -> PlanFile:
    """The plan file at ``path``, its digest checked and its writes verified (:func:`verify`);
    :class:`PlanFileError` (``OSError`` when it cannot be read)."""
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except ValueError as exc:
            raise PlanFileError(f"not JSON: {exc}") from None
    pf = PlanFile.from_json(data)
    problems = verify(pf)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise PlanFileError("the plan does not hold together: " + "; ".join(problems[:3]) + more)
    return pf


def verify(pf: PlanFile) -> list[str]:
    """Problems of a plan whose writes would not be what it says: for each user that will
    change, the change must be one a bulk change may make, and its touched fields (what apply
    writes) exactly the change replayed on their values before."""
    out: list[str] = []
    plan = pf.plan
    if plan.kind != "apply":
        out.append(f"a plan of kind {plan.kind!r}: bulk apply runs plans made by bulk plan")
    if not plan.complete:
        out.append("the plan is incomplete (planning was cancelled)")
    for u in plan.will_change:
        who = f"user {u.user_id}"
        section = u.change.section
        if section is None:
            if [t.path for t in u.touched] != [STATUS_PATH] or not u.change.user_level:
                out.append(f"{who}: a status change must touch isActive alone")
            continue
        problems = check_change(u.change)
        if problems:
            out.append(f"{who}: {problems[0].text}")
            continue
        refused = next((t for t in u.touched if refusal(section, Set(t.path, None))), None)
        if refused is not None:
            out.append(f"{who}: {format_path(refused.path)} may not be written in bulk")
            continue
        base, _ = commit_docs(u.touched)
        result = replay(u.change, base, check_result=False)
        targets = [p for p in map(op_paths, u.change.operations) if p is not None]
        covered = all(any(_related(t.path, p) for p in targets) for t in u.touched)
        if not u.touched or not covered or any(not json_equal(get(result.new, t.path), t.post) for t in u.touched):
            out.append(f"{who}: the fields it writes are not what its change says")
    return out


def _related(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """One path is the other or inside it."""
    n = min(len(a), len(b))
    return tuple(a[:n]) == tuple(b[:n])
