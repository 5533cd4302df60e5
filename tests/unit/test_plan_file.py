"""Plan files: the envelope, the digest a reviewer can note, and what a changed file cannot do."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tui.domain.bulk import Change, Clear, Set, Touched
from tui.domain.bulk_plan import Plan, UserRef, plan_one
from tui.domain.paths import ABSENT
from tui.domain.plan_file import PlanFile, PlanFileError, Target, digest_of, read_plan_file, verify, write_plan_file

TARGET = Target("prod", "https://api.example.com", "tmc:7f3a")
COPY = {
    "designation": "Analyst",
    "workerType": "EMPLOYEE",
    "officeRef": {"id": "7d41b8db-aa37-473f-9d25-09f91760f4e0", "name": "Paris"},
}


def sample() -> PlanFile:
    a = Change(
        "business", (Set(("designation",), "Lead"), Set(("officeRef", "id"), "7d41b8db-aa37-473f-9d25-09f91760f4e0"))
    )
    b = Change("business", (Clear(("workerType",)),))
    users = [
        plan_one(UserRef("u-1", email="ada@x.org", change=a), a, COPY, validate=False),
        plan_one(UserRef("u-2", email="bo@x.org", change=b), b, COPY, validate=False),
        plan_one(UserRef("u-3", change=b), b, {"designation": "x"}, validate=False),
    ]
    plan = Plan(
        Change("business", (), note="per-row values from p.csv: Job title"), users, "prod", "2026-08-01T10:00:00Z"
    )
    source = {"file": "p.csv", "sha256": "ab" * 32, "section": "business", "key": "email", "rows": 3}
    return PlanFile(plan, TARGET, source, {"u-1": (2, "ada@x.org"), "u-2": (3, "bo@x.org"), "u-3": (4, "cy@x.org")})


def test_the_file_holds_environment_time_source_each_users_change_and_pre_image(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    digest = write_plan_file(path, sample())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["format"] == "spotnana-tui bulk plan" and data["version"] == 1
    assert data["environment"] == {"name": "prod", "base_url": "https://api.example.com", "scope": "tmc:7f3a"}
    assert data["created"] == "2026-08-01T10:00:00Z" and data["source"]["file"] == "p.csv"
    assert data["summary"] == "3 users · 2 will change · 1 already as asked · 0 cannot apply"
    first = data["users"][0]
    assert (first["row"], first["key"], first["user_id"], first["outcome"]) == (2, "ada@x.org", "u-1", "will_change")
    assert first["touched"] == [{"path": ["designation"], "pre": "Analyst", "post": "Lead"}]
    assert data["users"][1]["touched"] == [{"path": ["workerType"], "pre": "EMPLOYEE"}]  # cleared: no post
    assert data["digest"] == digest == digest_of({k: v for k, v in data.items() if k != "digest"})
    back = read_plan_file(path)
    assert back.digest == digest and back.rows == sample().rows and back.target == TARGET
    assert [(u.user_id, u.outcome, u.touched) for u in back.plan.users] == [
        ("u-1", "will_change", (Touched(("designation",), "Analyst", "Lead"),)),
        ("u-2", "will_change", (Touched(("workerType",), "EMPLOYEE", ABSENT),)),
        ("u-3", "already", ()),
    ]


def test_reindenting_keeps_the_digest_changing_a_value_breaks_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan_file(path, sample())
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data, indent=4, sort_keys=True))
    assert read_plan_file(path).digest == data["digest"]
    data["users"][0]["touched"][0]["post"] = "Chief"
    path.write_text(json.dumps(data))
    with pytest.raises(PlanFileError, match="the plan file was changed after it was made"):
        read_plan_file(path)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{", "not JSON"),
        ('{"users": []}', "not a plan file"),
        ('{"format": "spotnana-tui bulk plan", "version": 9}', "version 9"),
    ],
)
def test_what_is_not_a_plan_file_says_so(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(PlanFileError, match=says):
        read_plan_file(path)


def rewritten(tmp_path: Path, edit) -> Path:
    """A plan file edited by hand and its digest computed again (what a digest cannot stop)."""
    data = sample().to_json()
    edit(data)
    data.pop("digest")
    data["digest"] = digest_of(data)
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda d: d["users"][0]["touched"].append({"path": ["email"], "post": "x@evil.example"}),
            "not what its change",
        ),
        (lambda d: d["users"][0]["touched"][0].update(post="Other"), "not what its change says"),
        (
            lambda d: d["users"][1]["change"]["operations"].append({"op": "set", "path": ["externalId"], "value": 1}),
            "user u-2",
        ),
        (lambda d: d.update(kind="undo"), "bulk apply runs plans made by bulk plan"),
        (lambda d: d.update(complete=False), "incomplete"),
    ],
)
def test_a_recomputed_digest_does_not_let_a_plan_write_what_its_change_does_not_say(
    tmp_path: Path, edit, says: str
) -> None:
    with pytest.raises(PlanFileError, match=says):
        read_plan_file(rewritten(tmp_path, edit))


def test_sensitive_fields_are_refused_even_when_change_and_writes_agree() -> None:
    pf = sample()
    dob = Change("personal", (Set(("dob", "iso8601"), "1990-01-01"),))
    pf.plan.users[0] = plan_one(UserRef("u-1", change=dob), dob, {}, validate=False)
    (problem,) = verify(pf)
    assert problem.startswith("user u-1: Date of birth") and "sensitive personal data" in problem


def test_a_plan_is_for_one_server_and_scope() -> None:
    assert TARGET.differs("https://api.example.com/", "tmc:7f3a") is None
    assert TARGET.differs("https://api-stage.example.com", "tmc:7f3a") == (
        "the plan was made against https://api.example.com, not https://api-stage.example.com"
    )
    assert TARGET.differs("https://api.example.com", "company:1") == ("the plan was made for tmc:7f3a, not company:1")
