"""Problems with a field, in the agent's words, the same everywhere.

:func:`agent_message` turns one pydantic error (``ValidationError.errors()`` item) into a short
phrase: ``"required"``, ``"not an email address"``, ``"a date as YYYY-MM-DD"``,
``"one of: A, B, C"``, never a regex. :func:`agent_text` does the same for a message that is
already text (a server's 400, a sandbox's, our own form parse errors), and :func:`by_field`
folds ``(path, message)`` pairs into one message per field (no ``"required; Field required"``),
so "N fields to fix" counts fields, not messages.

The section form, the item editor, the new-user form, the ``$EDITOR`` error header, the
server's 400 placement and the toasts all go through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tui.domain.paths import Path

__all__ = [
    "REQUIRED",
    "NOT_EMAIL",
    "DATE",
    "DATE_TIME",
    "NOT_UUID",
    "WHOLE_NUMBER",
    "NUMBER",
    "YES_NO",
    "TEXT",
    "one_of",
    "agent_message",
    "agent_text",
    "by_field",
    "fields_to_fix",
]

REQUIRED = "required"
NOT_EMAIL = "not an email address"
DATE = "a date as YYYY-MM-DD"
DATE_TIME = "a date and time as YYYY-MM-DDTHH:MM"
NOT_UUID = "not a UUID (8-4-4-4-12 hex digits)"
WHOLE_NUMBER = "a whole number"
NUMBER = "a number"
YES_NO = "yes or no"
TEXT = "must be text"
LIST = "must be a list"
OBJECT = "must be a group of fields"
NOT_NULL = "leave it empty instead of null"
INVALID = "not valid here"

_MAX_LISTED = 12


def one_of(values: Iterable[Any]) -> str:
    """``"one of: A, B, C"`` (a long list ends in ``…``)."""
    shown = [str(v) for v in values]
    if len(shown) > _MAX_LISTED:
        shown = shown[:_MAX_LISTED] + ["…"]
    return "one of: " + ", ".join(shown)


_BY_TYPE = {
    "missing": REQUIRED,
    "int_type": WHOLE_NUMBER,
    "int_parsing": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "float_type": NUMBER,
    "float_parsing": NUMBER,
    "finite_number": NUMBER,
    "bool_type": YES_NO,
    "bool_parsing": YES_NO,
    "string_type": TEXT,
    "list_type": LIST,
    "tuple_type": LIST,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "dict_type": OBJECT,
    "none_required": "must be empty",
    "extra_forbidden": "not a field here",
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "datetime_type": DATE_TIME,
    "datetime_parsing": DATE_TIME,
    "uuid_type": NOT_UUID,
    "uuid_parsing": NOT_UUID,
}


def _pattern_message(pattern: str) -> str:
    if "@" in pattern:
        return NOT_EMAIL
    if "[0-9a-fA-F]{8}" in pattern:
        return NOT_UUID
    if pattern.startswith("^\\d{4}-"):
        return DATE_TIME if "T" in pattern else DATE
    return "not in the expected format"


def _count(n: Any, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def agent_message(err: Mapping[str, Any]) -> str:
    """One pydantic error (a ``ValidationError.errors()`` item) in the agent's words."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern", "")))
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        return one_of(v.strip().strip("'\"") for v in re.split(r",| or ", expected) if v.strip())
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        return REQUIRED if n == 1 else f"at least {_count(n, 'character')}"
    if kind == "string_too_long":
        return f"at most {_count(ctx.get('max_length'), 'character')}"
    if kind == "too_short":
        return f"at least {_count(ctx.get('min_length'), 'item')}"
    if kind == "too_long":
        return f"at most {_count(ctx.get('max_length'), 'item')}"
    for name, words in (
        ("greater_than", "more than"),
        ("greater_than_equal", "at least"),
        ("less_than", "less than"),
        ("less_than_equal", "at most"),
    ):
        if kind == name:
            return f"{words} {next(iter(ctx.values()), '')}".strip()
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = str(ctx.get("expected_tags", ""))
        return one_of(t.strip().strip("'\"") for t in tags.split(",") if t.strip()) if tags else INVALID
    return agent_text(str(err.get("msg", INVALID)))


# pydantic's and servers' own phrasings, as they come in text (server 400s quote them)
_TEXT_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (
        re.compile(r"^field required$|^missing$|^required$|is required$|must not be (empty|blank)$", re.I),
        lambda m: REQUIRED,
    ),
    (re.compile(r"^string should match pattern '(.*)'$", re.I | re.S), lambda m: _pattern_message(m.group(1))),
    (
        re.compile(r"^(?:input should be|expected)(?: one of)? ((?:'[^']*'(?:, | or )?)+)$", re.I),
        lambda m: one_of(re.findall(r"'([^']*)'", m.group(1))),
    ),
    (re.compile(r"^expected one of:? (.+)$", re.I), lambda m: one_of(v.strip() for v in m.group(1).split(","))),
    (re.compile(r"^input should be a valid integer", re.I), lambda m: WHOLE_NUMBER),
    (re.compile(r"^input should be a valid number", re.I), lambda m: NUMBER),
    (re.compile(r"^input should be a valid boolean", re.I), lambda m: YES_NO),
    (re.compile(r"^input should be a valid string", re.I), lambda m: TEXT),
    (re.compile(r"^input should be a valid (list|array)", re.I), lambda m: LIST),
    (re.compile(r"^input should be a valid (dictionary|object)", re.I), lambda m: OBJECT),
    (re.compile(r"^input should be a valid date\b", re.I), lambda m: DATE),
    (re.compile(r"^input should be a valid datetime", re.I), lambda m: DATE_TIME),
    (re.compile(r"^input should be a valid uuid", re.I), lambda m: NOT_UUID),
    (re.compile(r"^must not be null", re.I), lambda m: NOT_NULL),
    (re.compile(r"^value error, (.+)$", re.I | re.S), lambda m: agent_text(m.group(1))),
    (re.compile(r"^(must be )?(not )?an? (valid )?e-?mail( address)?$", re.I), lambda m: NOT_EMAIL),
)

_OURS = {REQUIRED, NOT_EMAIL, DATE, DATE_TIME, NOT_UUID, WHOLE_NUMBER, NUMBER, YES_NO, TEXT, LIST, OBJECT}


def agent_text(text: str, path_text: str = "") -> str:
    """A message that is already text (a server's, pydantic's ``msg``, a form parse error) in
    the agent's words; text it does not recognise is kept, only tidied (a leading
    ``"<path>: "`` repeating the field it is shown next to goes)."""
    text = " ".join(str(text).split())
    if path_text and text.startswith(path_text + ": "):
        text = text[len(path_text) + 2 :]
    if text in _OURS or text.startswith("one of: "):
        return text
    for pattern, make in _TEXT_RULES:
        m = pattern.search(text)
        if m:
            return str(make(m))
    return text or INVALID


def by_field(problems: Iterable[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """One ``(path, message)`` per field, in first-seen order; several distinct messages for one
    field are joined with ``"; "`` (the same message twice, in any wording, counts once)."""
    out: dict[Path, list[str]] = {}
    for path, message in problems:
        words = agent_text(message)
        seen = out.setdefault(tuple(path), [])
        if words not in seen:
            seen.append(words)
    return [(path, "; ".join(messages)) for path, messages in out.items()]


def fields_to_fix(problems: Iterable[tuple[Path, str]]) -> str:
    """``"1 field to fix"`` / ``"3 fields to fix"``, counting distinct fields."""
    n = len({tuple(p) for p, _ in problems})
    return f"{n} field{'' if n == 1 else 's'} to fix"
