"""Warnings, not blocks: what an agent should look at before sending a profile, computed
from a section's document (so the profile tab, the diff dialog, the new-user form and the
bulk previews show the same ones).

    warnings_for(section("personal"), doc, today=date(2026, 8, 1),
                 lookups=Lookups(emails={"ada@example.org": ("Ada Quill",)}))
    -> [ProfileWarning(code="doc_expires_soon", path=("identityDocs", 0, "passport", "expiryDate"),
                       message="Passport GB ••••1234 expires on 2027-01-02, in 5 months."), ...]

The rules are data (:data:`RULES`): each names the path pattern it reads, and runs on any
section whose model holds that pattern; none branches on which section or screen asks.

- ``doc_expired`` / ``doc_expires_soon``: an identity document (any kind whose model has an
  ``expiryDate``: passport, visa, national ID) that expired before ``today``, or expires
  within six months of it (exactly six months included; "today" counts as soon, not expired:
  a document is valid through its expiry date).
- ``doc_no_expiry``: such a document without an expiry date.
- ``name_mismatch``: the spec's Passport has no name, so the name on tickets (``travelerName``,
  which must match the passport) is compared with the legal ``name``: given and family name
  always, middle and second family name where both have one. Case, accents, ICAO spellings
  (``ü`` as ``ue``), spaces, hyphens and apostrophes do not count as a difference. No
  ``travelerName`` means tickets use the legal name: nothing to compare.
- ``dob_future`` / ``dob_too_old``: a date of birth after ``today``, or more than 120 years
  before it (exactly 120 years is not "more").
- ``duplicate_email``: another user already has this email. The function does no request:
  it reads what the caller looked up (``Lookups.emails``, see :func:`email_lookup_body` and
  :func:`other_owners`); an email not looked up yet gives no warning.

Messages are screen text and keep what the screen masks masked (document numbers as
``••••1234``, never the date of birth; :mod:`tui.domain.masking`). They are not log text:
expiry dates are x-pii too, so a log gets codes and paths, not messages.
"""

from __future__ import annotations

import calendar
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from tui.domain.backend import ProfileBackend
from tui.domain.masking import mask_value
from tui.domain.paths import WILDCARD, Path, get

__all__ = [
    "ProfileWarning",
    "Lookups",
    "RULES",
    "warnings_for",
    "emails_to_look_up",
    "add_months",
    "email_lookup_body",
    "other_owners",
    "email_owners",
]

SOON_MONTHS = 6
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class ProfileWarning:
    code: str
    path: Path
    """Where it belongs, from the section root (``()``: the section as a whole)."""
    message: str


@dataclass(frozen=True)
class Lookups:
    """What the caller looked up on the server for the checks that need it."""

    emails: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Lower-cased email -> the *other* users that have it (names or IDs; empty: nobody)."""


@dataclass(frozen=True)
class _Context:
    section: Any
    doc: Any
    today: date
    lookups: Lookups


Check = Callable[[_Context, Path, Any], Iterable[ProfileWarning]]


@dataclass(frozen=True)
class Rule:
    pattern: Path
    """The model path the rule reads (``"*"`` for list items); the rule runs where it exists."""
    check: Check
    """Called with each concrete path the pattern matches in the document, and its value."""


# --- dates --------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, the day clamped to the month's end (Aug 31 + 6 -> Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _iso_date(value: Any) -> date | None:
    """A ``DateModel`` (``{"iso8601": "2027-01-02"}``) or a bare string as a date (None if not one)."""
    if isinstance(value, dict):
        value = value.get("iso8601")
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


def _distance(today: date, when: date) -> str:
    """``in 5 months`` / ``in 12 days`` / ``tomorrow`` / ``today`` / ``3 months ago``."""
    if when == today:
        return "today"
    ahead = when > today
    earlier, later = (today, when) if ahead else (when, today)
    months = _months_between(earlier, later)
    if months >= 12:
        amount = f"{months // 12} year{'s' if months // 12 != 1 else ''}"
    elif months >= 1:
        amount = f"{months} month{'s' if months != 1 else ''}"
    else:
        days = (later - earlier).days
        if days == 1:
            return "tomorrow" if ahead else "yesterday"
        amount = f"{days} days"
    return f"in {amount}" if ahead else f"{amount} ago"


# --- identity documents ---------------------------------------------------------------------


def _doc_name(ctx: _Context, path: Path, doc: Any) -> str:
    """``Passport GB ••••1234``: the kind (the section's label), the issuing country, the
    number masked as the screen masks it."""
    parts = [ctx.section.label(path)]
    if isinstance(doc, dict):
        if isinstance(doc.get("issueCountry"), str):
            parts.append(doc["issueCountry"])
        number = doc.get("docId")
        if isinstance(number, str) and number:
            parts.append(str(mask_value(number)))
    return " ".join(parts)


def _has_expiry_field(ctx: _Context, path: Path) -> bool:
    model = _model_at(ctx.section.model, tuple(WILDCARD if isinstance(k, int) else k for k in path))
    return model is not None and "expiryDate" in _aliases(model)


def _check_expiry(ctx: _Context, path: Path, value: Any) -> Iterator[ProfileWarning]:
    if not isinstance(value, dict):
        return
    for kind, doc in value.items():
        here = path + (kind,)
        if not isinstance(doc, dict) or not _has_expiry_field(ctx, here):
            continue
        name = _doc_name(ctx, here, doc)
        if "expiryDate" not in doc:
            yield ProfileWarning("doc_no_expiry", here, f"{name} has no expiry date.")
            continue
        expiry = _iso_date(doc["expiryDate"])
        at = here + ("expiryDate",)
        if expiry is None:
            continue  # not a date: the form's validation says so
        if expiry < ctx.today:
            yield ProfileWarning(
                "doc_expired", at, f"{name} expired on {expiry.isoformat()}, {_distance(ctx.today, expiry)}."
            )
        elif expiry <= add_months(ctx.today, SOON_MONTHS):
            yield ProfileWarning(
                "doc_expires_soon", at, f"{name} expires on {expiry.isoformat()}, {_distance(ctx.today, expiry)}."
            )


# --- names ----------------------------------------------------------------------------------

_ICAO = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "đ": "d",
        "ł": "l",
        "ı": "i",
    }
)


def _spellings(name: str) -> set[str]:
    """The ways a ticket may spell ``name``: ICAO (``ü`` -> ``ue``) and accents dropped, in
    letters and digits only, case-folded."""

    def letters(text: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isalnum() and ord(ch) < 128)

    folded = name.casefold()
    return {letters(folded.translate(_ICAO)), letters(folded)}


def _same_name(a: Any, b: Any) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        return a == b
    return bool(_spellings(a) & _spellings(b))


_NAME_PARTS = (("given", True), ("family1", True), ("middle", False), ("family2", False))
"""(Name key, compared even when one side lacks it)."""


def _check_names(ctx: _Context, path: Path, value: Any) -> Iterator[ProfileWarning]:
    legal = get(ctx.doc, ("name",))
    if not isinstance(value, dict) or not isinstance(legal, dict):
        return
    differ = []
    for key, always in _NAME_PARTS:
        ticket, real = value.get(key), legal.get(key)
        if not always and (ticket is None or real is None):
            continue
        if not _same_name(ticket, real):
            differ.append(key)
    if not differ:
        return
    parts = [ctx.section.label(("name", k)).lower() for k in differ]
    which = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    where = path + (differ[0],) if len(differ) == 1 else path
    ticket_label = ctx.section.label(path)
    yield ProfileWarning(
        "name_mismatch",
        where,
        f"{ticket_label} differs from the legal name in the {which}: tickets must match the passport.",
    )


# --- date of birth --------------------------------------------------------------------------


def _check_dob(ctx: _Context, path: Path, value: Any) -> Iterator[ProfileWarning]:
    born = _iso_date(value)
    if born is None:
        return
    label = ctx.section.label(path)
    if born > ctx.today:
        yield ProfileWarning("dob_future", path, f"{label} is in the future.")
    elif born < add_months(ctx.today, -12 * MAX_AGE_YEARS):
        yield ProfileWarning("dob_too_old", path, f"{label} is more than {MAX_AGE_YEARS} years ago.")


# --- email ----------------------------------------------------------------------------------


def _check_email(ctx: _Context, path: Path, value: Any) -> Iterator[ProfileWarning]:
    if not isinstance(value, str) or not value.strip():
        return
    others = ctx.lookups.emails.get(value.strip().lower())
    if not others:
        return
    if len(others) == 1:
        who = f"Another user ({others[0]}) already has"
    else:
        who = f"{len(others)} other users ({', '.join(others[:2])}{', …' if len(others) > 2 else ''}) already have"
    yield ProfileWarning("duplicate_email", path, f"{who} this {ctx.section.label(path).lower()}.")


def email_lookup_body(
    email: str, *, tmc_id: str | None = None, company_id: str | None = None, limit: int = 5
) -> dict[str, Any]:
    """The ``POST /v3/users/list`` body that finds the users with ``email`` (active or not)."""
    if (tmc_id is None) == (company_id is None):
        raise ValueError("exactly one of tmc_id or company_id is needed to look up an email")
    owner = {"tmcId": {"id": tmc_id}} if tmc_id is not None else {"companyId": {"id": company_id}}
    return {
        **owner,
        "userStatusFilter": "ALL",
        "filters": [{"emails": [email.strip()]}],
        "pagination": {"offset": 0, "limit": limit},
    }


def other_owners(answer: Any, exclude_user_id: str | None = None) -> tuple[str, ...]:
    """The users of a ``ListUsersV3Response`` other than ``exclude_user_id``, as the agent
    knows them: "Given Family" (else the user ID)."""
    out: list[str] = []
    users = answer.get("users") if isinstance(answer, dict) else None
    for user in users if isinstance(users, list) else ():
        if not isinstance(user, dict):
            continue
        user_id = get(user, ("userId", "id"), None)
        if exclude_user_id is not None and user_id == exclude_user_id:
            continue
        name = get(user, ("personalDetail", "name"))
        parts = [name.get(k) for k in ("given", "family1")] if isinstance(name, dict) else []
        text = " ".join(p for p in parts if isinstance(p, str) and p)
        out.append(text or str(user_id or "a user"))
    return tuple(out)


async def email_owners(
    backend: ProfileBackend,
    email: str,
    *,
    tmc_id: str | None = None,
    company_id: str | None = None,
    exclude_user_id: str | None = None,
) -> tuple[str, ...] | None:
    """The other users that have ``email``, asked through ``backend.list_users`` (the TMC's
    users when a TMC is given, else the company's); None when neither is known."""
    if not tmc_id and not company_id:
        return None
    body = email_lookup_body(email, tmc_id=tmc_id or None, company_id=None if tmc_id else company_id)
    return other_owners(await backend.list_users(body), exclude_user_id)


# --- the rules ------------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    Rule(("identityDocs", WILDCARD), _check_expiry),
    Rule(("travelerName",), _check_names),
    Rule(("dob",), _check_dob),
    Rule(("email",), _check_email),
)


def warnings_for(
    section: Any, doc: Any, *, today: date | None = None, lookups: Lookups | None = None
) -> list[ProfileWarning]:
    """The warnings of ``doc`` (a ``section``'s JSON), in document order of the rules."""
    ctx = _Context(section, doc, today or date.today(), lookups or Lookups())
    out: list[ProfileWarning] = []
    for rule in RULES:
        if not _annotations_at(section.model, rule.pattern):
            continue  # not in this section's model
        for path in _concrete(doc, rule.pattern):
            out.extend(rule.check(ctx, path, get(doc, path)))
    return out


def emails_to_look_up(section: Any, doc: Any) -> list[str]:
    """The (lower-cased) addresses the duplicate-email check of ``doc`` needs looked up."""
    pattern = next(r.pattern for r in RULES if r.check is _check_email)
    if not _annotations_at(section.model, pattern):
        return []
    out = []
    for path in _concrete(doc, pattern):
        value = get(doc, path)
        if isinstance(value, str) and "@" in value.strip():
            out.append(value.strip().lower())
    return list(dict.fromkeys(out))


# --- walking models and documents -----------------------------------------------------------


def _concrete(doc: Any, pattern: Path, prefix: Path = ()) -> list[Path]:
    if not pattern:
        return [prefix]
    head, rest = pattern[0], pattern[1:]
    if head == WILDCARD:
        if isinstance(doc, list):
            return [p for i, item in enumerate(doc) for p in _concrete(item, rest, prefix + (i,))]
        return []
    if isinstance(doc, dict) and head in doc:
        return _concrete(doc[head], rest, prefix + (head,))
    return []


def _aliases(model: type[BaseModel]) -> dict[str, Any]:
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def _inner(annotation: Any) -> Iterator[Any]:
    """The types inside Optional / unions / Annotated / lists (lists marked by a ``list`` yield)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        yield from _inner(get_args(annotation)[0])
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _inner(arg)
    else:
        yield annotation


def _step(annotation: Any, key: str) -> Iterator[Any]:
    for tp in _inner(annotation):
        if key == WILDCARD and get_origin(tp) in (list, tuple):
            for arg in get_args(tp):
                yield from _inner(arg)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = _aliases(tp)
            if key in fields:
                yield fields[key]


@cache
def _annotations_at(model: type[BaseModel], pattern: Path) -> tuple[Any, ...]:
    current: list[Any] = [model]
    for key in pattern:
        current = [nxt for ann in current for nxt in _step(ann, str(key))]
    return tuple(current)


def _model_at(model: type[BaseModel], pattern: Path) -> type[BaseModel] | None:
    """The model at ``pattern`` of ``model`` (the first one where a union offers several)."""
    for ann in _annotations_at(model, pattern):
        for tp in _inner(ann):
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                return tp
    return None
