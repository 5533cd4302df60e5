"""Deterministic generator of fictional traveler profiles for the sandbox Users API.

``Seeder(seed, n_users)`` describes a TMC with 3-6 companies and ``n_users`` users. Users are
generated on demand: ``summary(i)`` is cheap (what a list or search index needs) and
``profile(i)`` builds the full section payloads from the same per-user choices. Every choice
comes from ``random.Random`` seeded from (seed, index, stream), never from the clock or the
global generator, so the same seed always yields the same data.

Layout: each company owns a contiguous block of user indices. The first ``n_managers`` users of a
block are managers (local index 0 is the CEO); managers only report to earlier managers, so the
hierarchy has no cycles. Right after the managers sit the executive assistants, who hold the
TRAVEL_ARRANGER role for up to three managers each. Within a company, names come from a
permutation of all (locale, given, family) combinations, which keeps business e-mails unique.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import datetime, timedelta
from math import gcd

from .seed_data import (
    ASSISTANT_TITLE,
    CEO_TITLE,
    COMPANIES,
    DEPARTMENT_NAMES,
    DEPARTMENTS,
    GRADE_LADDERS,
    INTERN_TITLE,
    LEGAL_SUFFIX,
    LOCALES,
    POLICY_NAMES,
)
from .seed_ids import STREAM_ORG, STREAM_SUMMARY, seed_key, stream_key, uuid_from_bits
from .seed_places import COUNTRIES
from .seed_profile import build_profile
from .seed_types import Company, Locale, UserRow

__all__ = ["Company", "UserRow", "Seeder", "LOCALE_OF"]

_M48 = (1 << 48) - 1
_T0 = datetime(2018, 1, 1)
_END = datetime(2025, 10, 31, 18, 0)
_SPAN = int((_END - _T0).total_seconds())
_PERSONAL_DOMAINS = ("inbox.example", "postbox.example", "mailbox.example")
_TMC_NAMES = ("Atlas Corporate Travel", "Bluefin Travel Partners", "Compass Business Travel")


_LOCALES = tuple(Locale(code, spec) for code, spec in LOCALES.items())
_LOCALE_START: list[int] = []
_total = 0
for _loc in _LOCALES:
    _LOCALE_START.append(_total)
    _total += _loc.combos
_NAME_SPACE = _total
LOCALE_OF = {loc.code: loc for loc in _LOCALES}


def _iso(seconds: int) -> str:
    return (_T0 + timedelta(seconds=seconds)).isoformat()


class Seeder:
    """Deterministic fictional users; see the module docstring."""

    def __init__(self, seed: int = 42, n_users: int = 1000) -> None:
        if n_users < 0:
            raise ValueError("n_users must be >= 0")
        self.seed = seed
        self.n_users = n_users
        self._seed_key = seed_key(seed)
        org = self.rng(0, STREAM_ORG)
        self.tmc_id = uuid_from_bits(org.getrandbits(122))
        self.tmc_name = org.choice(_TMC_NAMES)
        self._mul = org.getrandbits(48) | 1
        self._mul_inv = pow(self._mul, -1, 1 << 48)
        self._xor = org.getrandbits(48)
        self.companies: list[Company] = [self._make_company(org, t) for t in org.sample(COMPANIES, org.randint(3, 6))]
        weights = [org.uniform(0.6, 1.6) for _ in self.companies]
        sizes = [int(n_users * w / sum(weights)) for w in weights]
        sizes[0] += n_users - sum(sizes)
        start = 0
        for c, size in zip(self.companies, sizes, strict=True):
            c.first_index, c.size = start, size
            c.n_managers = max(1, size // 9) if size else 0
            start += size
        self._starts = [c.first_index for c in self.companies]
        self.company_by_id = {c.id: c for c in self.companies}
        self._ref_names: dict[str, str] = {self.tmc_id: self.tmc_name}
        self._office_pos: dict[str, tuple[Company, int]] = {}
        for c in self.companies:
            self._ref_names[c.id] = c.name
            for refs in (c.legal_entities, c.offices, c.departments, c.cost_centers, c.grades, c.policies):
                for ref in refs:
                    self._ref_names[ref["id"]] = ref["name"]
            for n, office in enumerate(c.offices):
                self._office_pos[office["id"]] = (c, n)

    # ----------------------------------------------------------------- ids and keys
    def _key(self, i: int, stream: int) -> int:
        return stream_key(self._seed_key, i, stream)

    def rng(self, i: int, stream: int) -> random.Random:
        """The random stream ``stream`` (a ``STREAM_*`` constant) of user ``i``."""
        return random.Random(self._key(i, stream))

    def user_id(self, i: int) -> str:
        """The uuid of user ``i`` (its last 12 hex digits encode ``i``, scrambled)."""
        return self._uid(i, self.rng(i, STREAM_SUMMARY).getrandbits(74))

    def _uid(self, i: int, bits: int) -> str:
        x = ((i ^ self._xor) * self._mul) & _M48
        x ^= x >> 24
        value = (
            (bits >> 42) << 96
            | ((bits >> 26) & 0xFFFF) << 80
            | 4 << 76
            | ((bits >> 14) & 0xFFF) << 64
            | 2 << 62
            | (bits & 0x3FFF) << 48
            | x
        )
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def index_of(self, user_id: str) -> int | None:
        """Index of a generated user id, or None (no table needed: the id encodes the index)."""
        if not isinstance(user_id, str) or len(user_id) != 36:
            return None
        try:
            x = int(user_id[24:], 16)
        except ValueError:
            return None
        x ^= x >> 24
        i = ((x * self._mul_inv) & _M48) ^ self._xor
        if i >= self.n_users or self.user_id(i) != user_id.lower():
            return None
        return i

    def ref_name(self, ref_id: str) -> str | None:
        """Name of a company, legal entity, office, department, cost center, grade, policy or the TMC."""
        return self._ref_names.get(ref_id)

    def company_of(self, i: int) -> Company:
        return self.companies[bisect_right(self._starts, i) - 1]

    def office_position(self, office_id: str) -> tuple[Company, int] | None:
        return self._office_pos.get(office_id)

    # ----------------------------------------------------------------- companies
    def _make_company(self, org: random.Random, template) -> Company:
        name, code, domain, region, places = template
        uid = lambda: uuid_from_bits(org.getrandbits(122))  # noqa: E731
        countries: list[str] = []
        for country, _ in places:
            if country not in countries:
                countries.append(country)
        entities = [{"id": uid(), "name": f"{name} {LEGAL_SUFFIX[cc]}"} for cc in countries]
        offices = []
        for n, (cc, city) in enumerate(places):
            city_name = COUNTRIES[cc].cities[city].name
            offices.append({"id": uid(), "name": f"{city_name} {'HQ' if n == 0 else 'Office'}"})
        depts = org.sample(DEPARTMENT_NAMES, org.randint(6, 10))
        base = org.randint(2, 8) * 1000
        ladder = org.choice(GRADE_LADDERS)
        weights = [3.0] + [1.0] * (len(places) - 1)
        acc, cum = 0.0, []
        for w in weights:
            acc += w / sum(weights)
            cum.append(acc)
        cum[-1] = 1.0
        mul = org.randrange(1, _NAME_SPACE)
        while gcd(mul, _NAME_SPACE) != 1:
            mul = org.randrange(1, _NAME_SPACE)
        return Company(
            id=uid(),
            name=name,
            code=code,
            domain=domain,
            country_code=places[0][0],
            region=region,
            legal_entities=entities,
            offices=offices,
            departments=[{"id": uid(), "name": d} for d in depts],
            cost_centers=[{"id": uid(), "name": f"{base + 100 * n} {d}"} for n, d in enumerate(depts)],
            grades=[{"id": uid(), "name": g} for g in ladder],
            policies=[{"id": uid(), "name": p} for p in POLICY_NAMES],
            office_places=list(places),
            office_entity=[countries.index(cc) for cc, _ in places],
            office_cum=tuple(cum),
            name_mul=mul,
            name_add=org.randrange(_NAME_SPACE),
        )

    # ----------------------------------------------------------------- users
    @staticmethod
    def name_of(c: Company, k: int) -> tuple[Locale, int, int, int]:
        """(locale, given index, family index, repeat) of the company's k-th user."""
        slot = (c.name_mul * (k % _NAME_SPACE) + c.name_add) % _NAME_SPACE
        li = bisect_right(_LOCALE_START, slot) - 1
        loc = _LOCALES[li]
        gi, fi = divmod(slot - _LOCALE_START[li], len(loc.family))
        return loc, gi, fi, k // _NAME_SPACE

    @staticmethod
    def assisted_by(c: Company, k: int) -> list[int]:
        """Local indices of the managers that local user k assists as TRAVEL_ARRANGER (maybe none)."""
        m = k - c.n_managers
        if m < 0 or m >= c.n_managers or m % 6 or k >= c.size:
            return []
        return list(range(m, min(m + 3, c.n_managers)))

    @staticmethod
    def assistant_of(c: Company, m: int) -> int | None:
        """Local index of the assistant of manager m, if any."""
        if m >= c.n_managers or m % 6 >= 3 or c.n_managers + m - m % 6 >= c.size:
            return None
        return c.n_managers + m - m % 6

    def summary(self, i: int) -> UserRow:
        if not 0 <= i < self.n_users:
            raise IndexError(f"user index {i} out of range")
        c = self.companies[bisect_right(self._starts, i) - 1]
        k = i - c.first_index
        r = self.rng(i, STREAM_SUMMARY)
        rnd = r.random
        user_id = self._uid(i, r.getrandbits(74))
        loc, gi, fi, rep = self.name_of(c, k)
        n_mgr = c.n_managers
        roles: list[str] = []
        if k < n_mgr:
            kind, persona, active = 2, "EMPLOYEE", True
        elif self.assisted_by(c, k):
            kind, persona, active = 1, "EMPLOYEE", True
            roles.append("TRAVEL_ARRANGER")
        else:
            kind = 0
            x = rnd()
            persona = (
                "EMPLOYEE"
                if x < 0.84
                else "GUEST"
                if x < 0.89
                else "PERSONAL"
                if x < 0.93
                else "RELATIVE"
                if x < 0.97
                else "ADHOC"
            )
            active = rnd() >= 0.09
        employee = persona == "EMPLOYEE"
        if employee:
            if 1 <= k <= 3:
                roles.append(("COMPANY_ADMIN", "COMPANY_REPORT_ADMIN", "COMPANY_TRAVEL_ARRANGER")[k - 1])
            x = rnd()
            extra = (
                None
                if x >= 0.0153
                else "COMPANY_ADMIN"
                if x < 0.005
                else "COMPANY_TRAVEL_ARRANGER"
                if x < 0.010
                else "COMPANY_REPORT_ADMIN"
                if x < 0.013
                else "TMC_AGENT"
                if x < 0.0145
                else "TMC_ADMIN"
                if x < 0.015
                else "GLOBAL_AGENT"
                if x < 0.0152
                else "GLOBAL_ADMIN"
            )
            if extra and extra not in roles:
                roles.append(extra)
        office = 0 if k == 0 else bisect_right(c.office_cum, rnd())
        n_dept = len(c.departments)
        dept = (k - 1) % n_dept if kind == 2 and 1 <= k <= 6 else int(rnd() * n_dept)
        manager = None
        designation = ""
        if kind == 2:
            if k == 0:
                designation = CEO_TITLE
            else:
                level = 2 if k <= 6 else 1 if k < max(7, n_mgr // 4) else 0
                designation = DEPARTMENTS[c.departments[dept]["name"]][1][level]
                hi = (k - 1) // 6 + 1
                manager = max(0, hi - 3) + int(rnd() * min(3, hi))
        elif kind == 1:
            designation, manager = ASSISTANT_TITLE, k - n_mgr
        elif employee:
            titles = DEPARTMENTS[c.departments[dept]["name"]][0]
            designation = INTERN_TITLE if rnd() < 0.03 else titles[int(rnd() * len(titles))]
            lo = n_mgr // 6 if n_mgr > 6 else 0
            manager = lo + int(rnd() * (n_mgr - lo))
        tier = "SEAT1A" if (kind == 2 and (k <= 6 or rnd() < 0.3)) or rnd() < 0.07 else "BASIC"
        created = int((k / (c.size or 1) * 0.75 + rnd() * 0.25) * _SPAN)
        updated = created + int(rnd() * (_SPAN - created))
        g, f = loc.given_mail[gi], loc.family_mail[fi]
        if employee:
            email = f"{g}.{f}{rep + 1 if rep else ''}@{c.domain}"
        else:
            email = f"{g}.{f}.{i}@{_PERSONAL_DOMAINS[i % 3]}"
        return UserRow(
            i,
            user_id,
            loc.given[gi],
            loc.family[fi],
            email,
            f"{c.code}-{k:06d}",
            f"{c.code}{k + 10001:06d}" if employee else "",
            persona,
            tier,
            active,
            tuple(roles),
            c.id,
            c.name,
            c.legal_entities[c.office_entity[office]]["id"],
            c.offices[office]["id"],
            c.offices[office]["name"],
            c.departments[dept]["id"] if employee else "",
            c.cost_centers[dept]["id"] if employee else "",
            designation,
            _iso(created),
            _iso(updated),
            None if manager is None else c.first_index + manager,
        )

    def profile(self, i: int) -> dict:
        """Full section payloads of user ``i`` (see seed_profile.build_profile)."""
        return build_profile(self, i)

    def user_detail(self, i: int) -> dict:
        """A ``UserDetail`` payload (the list endpoint's item) for user ``i``, from its summary."""
        return detail_of_row(self, self.summary(i))


def detail_of_row(sd: Seeder, row: UserRow) -> dict:
    """``UserDetail`` JSON built from a ``UserRow`` (names of references looked up in the seeder)."""

    def ref(ref_id: str) -> dict | None:
        if not ref_id:
            return None
        name = sd.ref_name(ref_id)
        return {"id": ref_id} if name is None else {"id": ref_id, "name": name}

    business = {"legalEntity": ref(row.legal_entity_id)}
    for key, value in (
        ("office", ref(row.office_id)),
        ("department", ref(row.department_id)),
        ("costCenter", ref(row.cost_center_id)),
    ):
        if value is not None:
            business[key] = value
    if row.persona == "EMPLOYEE":
        business["businessEmail"] = row.email
    if row.designation:
        business["designation"] = row.designation
    if row.employee_id:
        business["employeeId"] = row.employee_id
    return {
        "userId": {"id": row.user_id},
        "organization": {"id": row.company_id, "name": row.organization_name},
        "persona": row.persona,
        "isActive": row.is_active,
        "externalId": row.external_id,
        "personalDetail": {"name": {"given": row.given, "family1": row.family}},
        "businessDetail": business,
        "createdAt": {"iso8601": row.created_at},
        "lastUpdatedAt": {"iso8601": row.last_updated_at},
    }
