"""Types and constants the seeder modules share (seed.py builds them, seed_profile.py reads them).

Kept apart so that neither module imports the other lazily or only for type checking:
seed.py imports seed_profile.py, and both import this module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

from .seed_data import email_part
from .seed_ids import STREAM_ORG, STREAM_PROFILE, STREAM_SUMMARY

__all__ = ["STREAM_ORG", "STREAM_PROFILE", "STREAM_SUMMARY", "Company", "Locale", "SeedSource", "UserRow"]


class Locale:
    """The name lists of one locale (seed_data.LOCALES), with their e-mail spellings."""

    __slots__ = (
        "code",
        "country",
        "language",
        "male",
        "female",
        "given",
        "family",
        "given_mail",
        "family_mail",
        "n_male",
        "combos",
    )

    def __init__(self, code: str, spec: tuple) -> None:
        country, language, male, female, family = spec
        self.code, self.country, self.language = code, country, language
        self.male, self.female, self.family = male, female, family
        self.given = male + female
        self.n_male = len(male)
        self.given_mail = tuple(email_part(g) for g in self.given)
        self.family_mail = tuple(email_part(f) for f in family)
        self.combos = len(self.given) * len(family)


@dataclass(slots=True)
class Company:
    """One customer company of the TMC. Reference lists hold ``{"id": uuid, "name": str}`` dicts."""

    id: str
    name: str
    code: str
    domain: str
    country_code: str  # HQ country (alpha-2)
    region: str  # NA / EMEA / APAC
    legal_entities: list[dict]
    offices: list[dict]
    departments: list[dict]
    cost_centers: list[dict]  # cost_centers[d] belongs to departments[d]
    grades: list[dict]  # junior -> senior
    policies: list[dict]  # PolicyBasicInfo-shaped {"id", "name"}
    office_places: list[tuple[str, int]] = field(default_factory=list)  # (country, city index) per office
    office_entity: list[int] = field(default_factory=list)  # legal entity index per office
    first_index: int = 0  # users first_index .. first_index + size - 1 belong to this company
    size: int = 0
    n_managers: int = 0
    office_cum: tuple[float, ...] = ()
    name_mul: int = 1
    name_add: int = 0


@dataclass(slots=True)
class UserRow:
    """What the list and the search index need about one user. Absent strings are "" (as in the
    store's rows built from edited profiles); only ``manager_index`` uses None."""

    index: int
    user_id: str
    given: str
    family: str
    email: str
    external_id: str
    employee_id: str  # "" unless persona EMPLOYEE
    persona: str
    tier: str
    is_active: bool
    roles: tuple[str, ...]
    company_id: str
    organization_name: str
    legal_entity_id: str
    office_id: str
    office_name: str
    department_id: str  # "" unless persona EMPLOYEE
    cost_center_id: str  # "" unless persona EMPLOYEE
    designation: str  # "" unless persona EMPLOYEE
    created_at: str  # DateTimeLocal iso8601, e.g. "2021-04-05T10:22:13"
    last_updated_at: str
    manager_index: int | None


class SeedSource(Protocol):
    """What profile building needs of the Seeder (seed.Seeder implements it)."""

    tmc_id: str
    tmc_name: str

    def rng(self, i: int, stream: int) -> random.Random: ...

    def user_id(self, i: int) -> str: ...

    def summary(self, i: int) -> UserRow: ...

    def company_of(self, i: int) -> Company: ...

    def office_position(self, office_id: str) -> tuple[Company, int] | None: ...

    def ref_name(self, ref_id: str) -> str | None: ...

    def name_of(self, c: Company, k: int) -> tuple[Locale, int, int, int]: ...

    def assisted_by(self, c: Company, k: int) -> list[int]: ...

    def assistant_of(self, c: Company, m: int) -> int | None: ...
