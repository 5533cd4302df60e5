"""Full profile of one seeded user: personal and business info, memberships, notifications,
roles, travel arrangers and policies. Travel preferences live in seed_prefs.py.

Everything derives from ``Seeder.summary(i)`` plus a second random stream of the same user, so a
profile always agrees with its summary row.
"""

from __future__ import annotations

from .seed_data import (
    CONTINGENT_ATTRIBUTES,
    INTERN_TITLE,
    NAME_SUFFIXES,
    NICKNAMES,
    STEALTH_LABELS,
    ascii_name,
    email_part,
)
from .seed_places import COUNTRIES, COUNTRY_CODES, NANP_AREAS, fill
from .seed_prefs import membership_info, travel_preferences
from .seed_travel import E
from .seed_types import STREAM_PROFILE, Company, SeedSource, UserRow

_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _date(y: int, rnd) -> str:
    return f"{y:04d}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"


def phone(cc: str, rnd, kind: str = "MOBILE", city: int = 0) -> dict:
    country = COUNTRIES[cc]
    pattern = country.mobile if kind == "MOBILE" else country.landline
    if pattern.startswith("###"):
        areas = NANP_AREAS[cc]
        pattern = str(areas[int(rnd() * len(areas))]) + pattern[3:]
    digits = fill(pattern, rnd)
    out = {
        "countryCode": country.dial,
        "countryCodeSource": "FROM_NUMBER_WITH_PLUS_SIGN",
        "isoCountryCode": cc,
        "nationalNumber": int(digits),
        "rawInput": f"+{country.dial} {digits}",
        "type": kind,
    }
    return out


def _address(cc: str, city_idx: int, rnd, *, default: bool, recipient: str | None) -> dict:
    country = COUNTRIES[cc]
    city = country.cities[city_idx]
    street = country.streets[int(rnd() * len(country.streets))]
    number = str(1 + int(rnd() * 180))
    if cc == "JP":
        line = f"{1 + int(rnd() * 5)}-{1 + int(rnd() * 20)}-{1 + int(rnd() * 30)} {street}"
    else:
        line = f"{street} {number}" if country.street_first else f"{number} {street}"
    lines = [line]
    if rnd() < 0.3:
        lines.append(f"Apt {1 + int(rnd() * 40)}{'ABCD'[int(rnd() * 4)]}")
    addr = {
        "addressLines": lines,
        "locality": city.name,
        "regionCode": cc,
        "isDefault": default,
        "timezone": city.tz,
        "continentCode": country.continent,
    }
    if city.area:
        addr["administrativeArea"] = city.area
        addr["administrativeAreaName"] = city.area_name
    if city.postal:
        addr["postalCode"] = fill(city.postal, rnd)
    if rnd() < 0.5:
        addr["languageCode"] = country.language.split("-")[0]
    if rnd() < 0.3:
        addr["coordinates"] = {
            "latitude": round(city.lat + (rnd() - 0.5) / 10, 6),
            "longitude": round(city.lng + (rnd() - 0.5) / 10, 6),
        }
    if recipient:
        addr["recipients"] = [recipient]
    if not default and rnd() < 0.5:
        addr["description"] = "Second home"
    return addr


def _identity_docs(nc: str, oc: str, rnd) -> list[dict]:
    docs = []
    if rnd() < 0.8:
        issued = 2013 + int(rnd() * 13)
        doc = {
            "docId": fill(COUNTRIES[nc].passport, rnd),
            "expiryDate": {"iso8601": _date(issued + 10, rnd)},
            "issueCountry": nc,
            "nationalityCountry": nc,
        }
        if rnd() < 0.8:
            doc["issuedDate"] = {"iso8601": _date(issued, rnd)}
        if rnd() < 0.7:
            doc["type"] = "REGULAR"
        docs.append({"passport": doc})
    if nc == "ES" and rnd() < 0.85:
        number = int(rnd() * 100_000_000)
        docs.append(
            {
                "nationalDoc": {
                    "docId": f"{number:08d}{_DNI_LETTERS[number % 23]}",
                    "issueCountry": "ES",
                    "type": "DNI",
                    "expiryDate": {"iso8601": _date(2027 + int(rnd() * 8), rnd)},
                }
            }
        )
    elif oc == "ES" and rnd() < 0.8:
        number = int(rnd() * 10_000_000)
        docs.append(
            {
                "nationalDoc": {
                    "docId": f"{'XYZ'[number % 3]}{number:07d}{_DNI_LETTERS[number % 23]}",
                    "issueCountry": "ES",
                    "type": "NIE",
                }
            }
        )
    elif rnd() < 0.12:
        doc = {"docId": fill("############", rnd), "issueCountry": nc}
        if rnd() < 0.5:
            doc["issuedDate"] = {"iso8601": _date(2012 + int(rnd() * 12), rnd)}
        docs.append({"nationalDoc": doc})
    visa_country = (
        oc if nc != oc and rnd() < 0.7 else (COUNTRY_CODES[int(rnd() * len(COUNTRY_CODES))] if rnd() < 0.12 else None)
    )
    if visa_country and visa_country != nc:
        issued = 2019 + int(rnd() * 7)
        doc = {
            "docId": fill("??#######", rnd),
            "expiryDate": {"iso8601": _date(issued + 1 + int(rnd() * 5), rnd)},
            "issueCountry": visa_country,
            "issuedDate": {"iso8601": _date(issued, rnd)},
            "nationalityCountry": nc,
            "type": "VISA",
        }
        if rnd() < 0.4:
            doc["authorizedStayDuration"] = {"iso8601": ("P90D", "P180D", "P1Y", "P3Y")[int(rnd() * 4)]}
        docs.append({"immigrationDoc": doc})
    if rnd() < (0.45 if "US" in (nc, oc) else 0.05):
        docs.append({"ktn": {"number": fill("15#######", rnd), "issueCountry": "US"}})
    if rnd() < 0.06:
        docs.append({"redress": {"number": fill("#######", rnd), "issueCountry": "US"}})
    return docs


def personal_info(sd: SeedSource, row: UserRow, c: Company, rnd, oc: str, city: int) -> tuple[dict, str]:
    loc, gi, fi, _ = sd.name_of(c, row.index - c.first_index)
    male = gi < loc.n_male
    nc = loc.country if rnd() < 0.7 else oc
    name = {"given": row.given, "family1": row.family}
    same_sex = loc.male if male else loc.female
    if loc.code in ("en_US", "en_IN", "de_DE", "pt_BR") and rnd() < 0.3:
        middle = same_sex[int(rnd() * len(same_sex))]
        if middle != row.given:
            name["middle"] = middle
    if loc.code == "es_ES" and rnd() < 0.6:
        name["family2"] = loc.family[int(rnd() * len(loc.family))]
    if loc.code == "en_US" and rnd() < 0.04:
        name["suffix"] = NAME_SUFFIXES[int(rnd() * len(NAME_SUFFIXES))]
    if loc.code.startswith("en_") and row.given in NICKNAMES and rnd() < 0.4:
        name["preferred"] = NICKNAMES[row.given]
    info: dict = {"name": name, "email": row.email}
    if any(ord(ch) > 127 for v in name.values() for ch in v):
        info["travelerName"] = {k: ascii_name(v) for k, v in name.items() if k not in ("suffix", "preferred")}
    x = rnd()
    info["gender"] = "UNDISCLOSED" if x < 0.03 else "UNSPECIFIED" if x < 0.04 else ("MALE" if male else "FEMALE")
    if rnd() < 0.7:
        info["preferredPronoun"] = "THEY_THEM_THEIRS" if rnd() < 0.04 else ("HE_HIM_HIS" if male else "SHE_HER_HERS")
    if rnd() < 0.6:
        info["title"] = "DR" if rnd() < 0.06 else "MR" if male else ("MS", "MRS")[int(rnd() * 2)]
    young = row.designation == INTERN_TITLE
    info["dob"] = {"iso8601": _date((1999 if young else 1958) + int(rnd() * (7 if young else 45)), rnd)}
    info["nationality"] = COUNTRIES[nc].demonym
    info["preferredLanguage"] = loc.language if rnd() < 0.8 else COUNTRIES[oc].language
    phones = [phone(oc, rnd)]
    if rnd() < 0.25:
        phones.append(phone(oc, rnd, "LANDLINE"))
    info["phoneNumbers"] = phones
    if rnd() < 0.75:
        home_city = city if rnd() < 0.7 else int(rnd() * len(COUNTRIES[oc].cities))
        addrs = [_address(oc, home_city, rnd, default=True, recipient=None)]
        if rnd() < 0.1:
            addrs.append(
                _address(
                    oc,
                    int(rnd() * len(COUNTRIES[oc].cities)),
                    rnd,
                    default=False,
                    recipient=f"{row.given} {row.family}",
                )
            )
        info["addresses"] = addrs
    docs = _identity_docs(nc, oc, rnd)
    if docs:
        info["identityDocs"] = docs
    if rnd() < 0.6:
        relation = E["EmergencyContact.relation"][int(rnd() * 7)]
        other = loc.female if male else loc.male
        given = other[int(rnd() * len(other))]
        family = (
            row.family
            if relation in ("SPOUSE", "PARENT", "SIBLING", "CHILD")
            else loc.family[int(rnd() * len(loc.family))]
        )
        contact = {"name": f"{given} {family}", "relation": relation, "phoneNumbers": [phone(oc, rnd)]}
        if rnd() < 0.5:
            contact["email"] = f"{email_part(given)}.{email_part(family)}@inbox.example"
        if rnd() < 0.5:
            contact["preferredLanguage"] = loc.language
        info["emergencyContact"] = contact
    if rnd() < 0.03:  # deprecated, but real profiles still carry it
        info["emergencyContactInfo"] = {
            "email": f"contact.{row.index}@inbox.example",
            "name": {"given": "Alex", "family1": row.family},
            "phoneNumber": phone(oc, rnd),
        }
    if rnd() < 0.1:
        info["profilePicture"] = {
            "url": f"https://avatars.sandbox.example/{row.user_id}.png",
            "dimensions": {"height": 256, "width": 256},
        }
    return info, nc


def _ref(sd: SeedSource, ref_id: str) -> dict:
    return {"id": ref_id, "name": sd.ref_name(ref_id)}


def _user_ref(row: UserRow) -> dict:
    return {"id": row.user_id, "name": f"{row.given} {row.family}"}


def business_info(sd: SeedSource, row: UserRow, c: Company, rnd, oc: str) -> dict:
    k = row.index - c.first_index
    info: dict = {
        "organizationRef": {"id": c.id, "name": c.name},
        "legalEntityRef": _ref(sd, row.legal_entity_id),
        "countryCode": COUNTRIES[oc].alpha3,
    }
    if row.persona != "EMPLOYEE":
        if row.office_id and rnd() < 0.5:
            info["officeRef"] = _ref(sd, row.office_id)
        if row.persona == "GUEST":
            info["workerType"] = "GUEST"
        return info
    info["officeRef"] = _ref(sd, row.office_id)
    info["departmentRef"] = _ref(sd, row.department_id)
    info["costCenterRef"] = _ref(sd, row.cost_center_id)
    info["designation"] = row.designation
    info["employeeId"] = row.employee_id
    info["email"] = row.email
    grades = c.grades
    top = len(grades) - 1
    if k < c.n_managers:
        level = top if k == 0 else top - 1 if k <= 6 else top - 2 if k < max(7, c.n_managers // 4) else top - 3
    elif row.designation == INTERN_TITLE:
        level = 0
    else:
        level = int(rnd() * (top - 2))
    info["gradeRef"] = grades[max(0, level)]
    if row.manager_index is not None:
        manager = sd.summary(row.manager_index)
        info["managerRef"] = _user_ref(manager)
        if rnd() < 0.05 and manager.manager_index is not None:
            info["designatedApproverRefs"] = [_user_ref(sd.summary(manager.manager_index))]
    else:
        info["authorizerEmail"] = f"travel-approvals@{c.domain}"
    if rnd() < 0.4:
        work = phone(oc, rnd, "LANDLINE")
        if rnd() < 0.5:
            work["extension"] = str(100 + int(rnd() * 900))
        info["phoneNumbers"] = [work]
    if row.designation == INTERN_TITLE:
        info["workerType"] = "INTERN"
    elif k >= c.n_managers and row.designation != "Executive Assistant":
        x = rnd()
        info["workerType"] = "CONTINGENT" if x < 0.08 else "SEASONAL" if x < 0.11 else "EMPLOYEE"
        if info["workerType"] == "CONTINGENT":
            info["companySpecifiedAttributes"] = [
                {"fixedColumnName": col, "value": vals[int(rnd() * len(vals))]} for col, vals in CONTINGENT_ATTRIBUTES
            ]
    else:
        info["workerType"] = "EMPLOYEE"
    if rnd() < 0.3:
        info["accountingCode"] = f"{sd.ref_name(row.cost_center_id).split()[0]}-{int(rnd() * 90) + 10}"
    return info


def _roles(sd: SeedSource, row: UserRow, c: Company, rnd) -> dict:
    roles = []
    for role in row.roles:
        cfg: dict = {"roleType": role}
        if role == "TRAVEL_ARRANGER":
            assisted = sd.assisted_by(c, row.index - c.first_index)
            cfg["metadata"] = {
                "roleType": role,
                "arrangerFor": [
                    {
                        "userId": sd.user_id(c.first_index + m),
                        "sendConfirmationEmail": rnd() < 0.7,
                        "sendFlightStatsNotificationEmail": rnd() < 0.4,
                    }
                    for m in assisted
                ],
            }
        elif role.startswith("COMPANY_"):
            cfg["metadata"] = {"roleType": role, "companyRef": {"id": c.id, "name": c.name}}
        elif role.startswith("TMC_"):
            cfg["metadata"] = {"roleType": role, "tmcRef": {"id": sd.tmc_id, "name": sd.tmc_name}}
        roles.append(cfg)
    return {"roles": roles}


def _arranger(sd: SeedSource, i: int, status: str) -> dict:
    a = sd.summary(i)
    return {
        "userId": {"id": a.user_id},
        "name": {"given": a.given, "family1": a.family},
        "email": a.email,
        "status": status,
    }


def _travel_arrangers(sd: SeedSource, row: UserRow, c: Company, rnd) -> dict:
    k = row.index - c.first_index
    out = []
    assistant = sd.assistant_of(c, k)
    if assistant is not None:
        out.append(_arranger(sd, c.first_index + assistant, "ACCEPTED"))
    elif row.persona == "EMPLOYEE" and k >= c.n_managers and sd.assistant_of(c, 0) is not None and rnd() < 0.02:
        out.append(_arranger(sd, c.first_index + sd.assistant_of(c, 0), "PENDING" if rnd() < 0.6 else "DENIED"))
    return {"travelArrangers": out}


def _notifications(sd: SeedSource, row: UserRow, c: Company, rnd) -> dict:
    if rnd() < 0.4:
        return {"preferences": []}
    prefs = []
    for kind in E["NotificationType"]:
        if rnd() < 0.7:
            email_pref: dict = {"enabled": rnd() < 0.85}
            assistant = sd.assistant_of(c, row.index - c.first_index)
            if assistant is not None and rnd() < 0.6:
                email_pref["ccEmails"] = [sd.summary(c.first_index + assistant).email]
            prefs.append({"notificationType": kind, "emailPreference": email_pref})
    return {"preferences": prefs}


def _policies(row: UserRow, c: Company) -> dict:
    names = {"Global Travel Policy"}
    if row.tier == "SEAT1A" or row.index - c.first_index < c.n_managers:
        names.add("Executive Travel Policy")
    if row.persona == "GUEST":
        names = {"Guest Travel Policy"}
    if row.designation == INTERN_TITLE:
        names.add("Intern Travel Policy")
    if row.department_id and (row.designation or "").startswith(("Account", "Sales")):
        names.add("Sales Team Travel Policy")
    return {"policies": [dict(p) for p in c.policies if p["name"] in names]}


def build_profile(sd: SeedSource, i: int) -> dict:
    row = sd.summary(i)
    c = sd.company_of(i)
    r = sd.rng(i, STREAM_PROFILE)
    rnd = r.random
    oc, city = c.office_places[sd.office_position(row.office_id)[1]]
    personal, nc = personal_info(sd, row, c, rnd, oc, city)
    prof = {
        "userId": row.user_id,
        "persona": row.persona,
        "tier": row.tier,
        "isActive": row.is_active,
        "externalId": row.external_id,
        "personalInfo": personal,
        "businessInfo": business_info(sd, row, c, rnd, oc),
        "travelPreferences": travel_preferences(rnd, oc, city, row.tier),
        "membershipInfo": membership_info(rnd, oc, nc),
        "notificationPreferences": _notifications(sd, row, c, rnd),
        "roles": _roles(sd, row, c, rnd),
        "travelArrangers": _travel_arrangers(sd, row, c, rnd),
        "applicablePolicies": _policies(row, c),
        "createdAt": {"iso8601": row.created_at},
        "lastUpdatedAt": {"iso8601": row.last_updated_at},
        "contractingTmcRef": {"id": sd.tmc_id, "name": sd.tmc_name},
        "bookingTmcRef": {"id": sd.tmc_id, "name": sd.tmc_name},
    }
    k = i - c.first_index
    if (row.tier == "SEAT1A" and k < c.n_managers and rnd() < 0.15) or rnd() < 0.003:
        prof["stealthMode"] = {
            "stealthType": E["StealthType"][int(rnd() * 3)],
            "label": STEALTH_LABELS[int(rnd() * len(STEALTH_LABELS))],
        }
    if row.persona in ("RELATIVE", "ADHOC") and c.n_managers:
        owner = sd.summary(c.first_index + int(rnd() * c.n_managers))
        if row.persona == "RELATIVE":  # deprecated field, still present on real relative profiles
            prof["relativeOf"] = {"userRef": _user_ref(owner), "relation": E["Relation"][int(rnd() * 4)]}
        else:
            prof["adhocUserInfo"] = {"profileOwner": {"userId": {"id": owner.user_id}}, "isSaved": rnd() < 0.5}
    return prof
