"""The sandbox's data: lazy seeded profiles + an overlay of edits + created users + favorites.

A seeded user's profile is generated on demand by the Seeder; whatever the API (or a test)
writes is kept in ``overlay[user_id][profile_key]`` exactly as given (raw JSON, unknown fields
included) and wins over the seed. The search index is kept in step with every write.

Every write to a user (a section's PUT, the whole user's PUT, roles, travel arrangers through
that PUT, activate / deactivate, favorites, a change behind the app's back) moves the user's
``lastUpdatedAt`` forward, as a real server does: in the stored profile and in the list row
(``UserDetail.lastUpdatedAt``, what ``cache sync`` compares). ``GET /v2/users/{id}`` does not
send it: the spec's ``UserProfile`` has no such field. The stamp has whole seconds (the list's
DateTimeLocal), so a second write within the same second takes the next second: it always moves.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .index import Row, UserIndex

# URL slug -> profile key; the profile keys are the keys of Seeder.profile(i).
SECTION_KEYS = {
    "personal-info": "personalInfo",
    "business-info": "businessInfo",
    "travel-preferences": "travelPreferences",
    "membership-info": "membershipInfo",
    "notification-preferences": "notificationPreferences",
    "roles": "roles",
    "external-id": "externalId",
    "travel-arrangers": "travelArrangers",
    "applicable-policies": "applicablePolicies",
}
_DEFAULTS = {"roles": {"roles": []}, "travelArrangers": {"travelArrangers": []}, "applicablePolicies": {"policies": []}}
# Top-level keys of UserProfile (besides "id") that a GET of the user returns.
PROFILE_KEYS = (
    "personalInfo",
    "businessInfo",
    "persona",
    "isActive",
    "tier",
    "stealthType",
    "stealthMode",
    "relativeOf",
    "travelPreferences",
    "membershipInfo",
    "notificationPreferences",
    "travelArrangers",
    "adhocUserInfo",
    "externalId",
    "contractingTmcRef",
    "bookingTmcRef",
)
# Keys a full update (PUT /v2/users/{id}) or a create may set; others go to "_extra".
WRITABLE_KEYS = (
    "personalInfo",
    "businessInfo",
    "persona",
    "tier",
    "stealthType",
    "relativeOf",
    "travelPreferences",
    "membershipInfo",
    "notificationPreferences",
    "adhocUserInfo",
    "externalId",
    "travelArrangers",
    "billingCurrency",
)
_EXT_OBJ = "_externalIdObject"
_SERVER_KEYS = frozenset({"lastUpdatedAt", "createdAt"})
STATE_FORMAT = 1


class UnknownUser(KeyError):
    pass


def section_key(name: str) -> str:
    """Accept a URL slug ("personal-info") or a profile key ("personalInfo")."""
    if name in SECTION_KEYS:
        return SECTION_KEYS[name]
    if name in SECTION_KEYS.values():
        return name
    raise KeyError(f"unknown section {name!r}")


def now_local() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _iso(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("iso8601")
    return _s(value)


def deep_merge(base: Any, changes: Any) -> Any:
    """JSON merge: dicts merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(changes, dict):
        out = dict(base)
        for k, v in changes.items():
            out[k] = deep_merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(changes)


class Store:
    """``warm=False``: the search index takes its bitsets on first need, or when
    :meth:`warm_soon` runs (the first page comes sooner; see SandboxConfig.lazy_index)."""

    def __init__(self, seeder: Any, state_file: str | Path | None = None, *, warm: bool = True) -> None:
        self.seeder = seeder
        self.n_seeded: int = seeder.n_users
        self.tmc_id: str = seeder.tmc_id
        self.companies = list(seeder.companies)
        self.company_ids = [c.id for c in self.companies]
        self.state_file = Path(state_file) if state_file else None
        self._lock = threading.RLock()
        self.lock = self._lock  # held by readers that walk the index
        self._overlay: dict[str, dict[str, Any]] = {}
        self._created: dict[str, dict[str, Any]] = {}
        self._uid_at: dict[int, str] = {}  # positions whose row comes from a profile
        self._favorites: dict[str, list[dict]] = {}
        self.ref_names: dict[str, str] = {}
        self._first_legal: dict[str, dict] = {}
        for c in self.companies:
            self.ref_names[c.id] = c.name
            for attr in ("legal_entities", "offices", "departments", "cost_centers", "grades"):
                for ref in getattr(c, attr, None) or ():
                    self.ref_names[ref["id"]] = ref.get("name", "")
            if getattr(c, "legal_entities", None):
                self._first_legal[c.id] = c.legal_entities[0]
        self.index = UserIndex(seeder.summary(i) for i in range(self.n_seeded))
        if self.state_file and self.state_file.is_file():
            self._load()
        self._warming: threading.Thread | None = None
        if warm:
            self.index.warm()

    WARM_DELAY = 0.5
    """Seconds warm_soon waits first: the client that asked for the first page is painting it
    (on a busy machine the two would share a core); a search sooner takes the bitsets itself."""

    def warm_soon(self) -> None:
        """Take the index's search bitsets in a thread of their own, once (a no-op when taken)."""
        if self._warming is None and not self.index.warmed:
            self._warming = threading.Thread(target=self._warm, name="sandbox-index", daemon=True)
            self._warming.start()

    def _warm(self) -> None:
        time.sleep(self.WARM_DELAY)
        with self._lock:
            self.index.warm()

    # -- reading ---------------------------------------------------------------------------
    def position(self, user_id: str) -> int | None:
        return self.index.position_of(user_id) if isinstance(user_id, str) else None

    def _pos(self, user_id: str) -> int:
        pos = self.position(user_id)
        if pos is None:
            raise UnknownUser(user_id)
        return pos

    def exists(self, user_id: str) -> bool:
        return self.position(user_id) is not None

    def _profile_at(self, pos: int, user_id: str) -> dict[str, Any]:
        base = self._created[user_id] if pos >= self.n_seeded else self.seeder.profile(pos)
        ov = self._overlay.get(user_id)
        if not ov:
            return dict(base)
        merged = dict(base)
        merged.update(ov)
        return merged

    def get_user_raw(self, user_id: str) -> dict[str, Any]:
        """The whole stored profile (seed + overlay), keys as in Seeder.profile()."""
        with self._lock:
            return copy.deepcopy(self._profile_at(self._pos(user_id), user_id))

    def is_active(self, user_id: str) -> bool:
        with self._lock:
            return self.index.active[self._pos(user_id)] == 1

    def get_section(self, user_id: str, key: str) -> Any:
        """A section exactly as stored (a copy)."""
        with self._lock:
            return copy.deepcopy(self._section(user_id, section_key(key)))

    def section_json(self, user_id: str, key: str) -> bytes:
        """:meth:`get_section` as the JSON the API sends (made under the lock, no copy first)."""
        with self._lock:
            return _json(self._section(user_id, section_key(key)))

    def _section(self, user_id: str, key: str) -> Any:
        profile = self._profile_at(self._pos(user_id), user_id)
        if key == "externalId":
            ext = profile.get("externalId")
            obj = profile.get(_EXT_OBJ)
            if isinstance(obj, dict) and obj.get("externalId") == ext:
                return obj
            return {"externalId": ext if isinstance(ext, str) else ""}
        if key in profile and profile[key] is not None:
            return profile[key]
        return copy.deepcopy(_DEFAULTS.get(key, {}))

    def user_profile(self, user_id: str) -> dict[str, Any]:
        """The body of GET /v2/users/{id}: a UserProfile, plus unknown fields once given."""
        with self._lock:
            return copy.deepcopy(self._user_profile(user_id))

    def user_profile_json(self, user_id: str) -> bytes:
        """:meth:`user_profile` as the JSON the API sends (made under the lock, no copy first)."""
        with self._lock:
            return _json(self._user_profile(user_id))

    def _user_profile(self, user_id: str) -> dict[str, Any]:
        profile = self._profile_at(self._pos(user_id), user_id)
        out: dict[str, Any] = {"id": user_id}
        for k in PROFILE_KEYS:
            if profile.get(k) is not None:
                out[k] = profile[k]
        out.update(_d(profile.get("_extra")))
        return out

    def row(self, pos: int) -> Any:
        """The index row of a position: the seeder's summary unless edited or created."""
        uid = self._uid_at.get(pos)
        if uid is None:
            return self.seeder.summary(pos)
        return self._row_from_profile(pos, uid, self._profile_at(pos, uid))

    def _row_from_profile(self, pos: int, uid: str, p: dict[str, Any]) -> Row:
        pi, bi = _d(p.get("personalInfo")), _d(p.get("businessInfo"))
        name = _d(pi.get("name"))
        names: dict[str, str] = {}

        def ref(key: str) -> str:
            r = _d(bi.get(key))
            rid = _s(r.get("id"))
            if rid and isinstance(r.get("name"), str):
                names[rid] = r["name"]
            return rid

        company = ref("organizationRef") or (self.company_ids[0] if self.company_ids else "")
        roles = [_d(r).get("roleType") for r in (_d(p.get("roles")).get("roles") or [])]
        return Row(
            index=pos,
            user_id=uid,
            given=_s(name.get("given")),
            family=_s(name.get("family1")),
            email=_s(pi.get("email")) or _s(bi.get("email")),
            external_id=_s(p.get("externalId")),
            employee_id=_s(bi.get("employeeId")),
            persona=_s(p.get("persona")),
            tier=p.get("tier") if isinstance(p.get("tier"), str) else None,
            is_active=p.get("isActive") is not False,
            roles=tuple(r for r in roles if isinstance(r, str)),
            company_id=company,
            organization_name=names.get(company) or self.ref_names.get(company, ""),
            legal_entity_id=ref("legalEntityRef"),
            office_id=ref("officeRef"),
            office_name="",
            department_id=ref("departmentRef"),
            cost_center_id=ref("costCenterRef"),
            designation=_s(bi.get("designation")),
            created_at=_iso(p.get("createdAt")),
            last_updated_at=_iso(p.get("lastUpdatedAt")),
            names=names,
            other_emails=tuple(e for e in (_s(bi.get("email")),) if e and e != _s(pi.get("email"))),
        )

    # -- list rendering ----------------------------------------------------------------------
    def _ref(self, rid: str, row: Any, name: str = "") -> dict[str, str]:
        nm = name or _d(getattr(row, "names", None)).get(rid) or self.ref_names.get(rid)
        return {"id": rid, "name": nm} if nm else {"id": rid}

    def detail(self, pos: int) -> dict[str, Any]:
        """The UserDetail of one position (for POST /v3/users/list)."""
        r = self.row(pos)
        company = r.company_id or (self.company_ids[0] if self.company_ids else self.tmc_id)
        legal = r.legal_entity_id or _d(self._first_legal.get(company)).get("id") or company
        business: dict[str, Any] = {"legalEntity": self._ref(legal, r)}
        if r.office_id:
            business["office"] = self._ref(r.office_id, r, _s(r.office_name))
        if r.department_id:
            business["department"] = self._ref(r.department_id, r)
        if r.cost_center_id:
            business["costCenter"] = self._ref(r.cost_center_id, r)
        if r.email:
            business["businessEmail"] = r.email
        if r.designation:
            business["designation"] = r.designation
        if r.employee_id:
            business["employeeId"] = r.employee_id
        created = _dtl(r.created_at)
        out: dict[str, Any] = {
            "userId": {"id": r.user_id},
            "organization": self._ref(company, r, _s(r.organization_name)),
            "persona": r.persona or "UNKNOWN_PERSONA",
            "isActive": self.index.active[pos] == 1,
        }
        if r.external_id:
            out["externalId"] = r.external_id
        out["personalDetail"] = {"name": {"given": r.given, "family1": r.family}}
        out["businessDetail"] = business
        out["createdAt"] = {"iso8601": created}
        out["lastUpdatedAt"] = {"iso8601": _dtl(r.last_updated_at, created)}
        return out

    def summary(self, pos: int) -> dict[str, Any]:
        """The UserSummary of one position (for GET /v2/users)."""
        r = self.row(pos)
        out: dict[str, Any] = {"id": r.user_id}
        if r.email:
            out["email"] = r.email
        if r.external_id:
            out["externalId"] = r.external_id
        out["persona"] = r.persona or "UNKNOWN_PERSONA"
        out["isActive"] = self.index.active[pos] == 1
        return out

    # -- writing ---------------------------------------------------------------------------
    def _write(self, user_id: str, mutate) -> None:
        """Every write to a user comes here: its ``lastUpdatedAt`` moves (see the module's doc)."""
        with self._lock:
            pos = self._pos(user_id)
            old = self.row(pos)
            previous = self._profile_at(pos, user_id).get("lastUpdatedAt")
            ov = self._overlay.setdefault(user_id, {})
            mutate(ov)
            ov["lastUpdatedAt"] = _stamp_after(previous)
            self._uid_at[pos] = user_id
            self.index.update(pos, old, self.row(pos))
            self._save()

    def set_section(self, user_id: str, key: str, raw: Any) -> None:
        """Store a section as given (unknown fields included, nothing validated here)."""
        key = section_key(key)
        raw = copy.deepcopy(raw)

        def mutate(ov: dict) -> None:
            if key == "externalId":
                ov["externalId"] = _d(raw).get("externalId")
                ov[_EXT_OBJ] = raw
            else:
                ov[key] = raw

        self._write(user_id, mutate)

    def tamper(self, user_id: str, section: str, changes: dict) -> Any:
        """Change a section behind the app's back: deep-merge ``changes`` into it."""
        with self._lock:
            merged = deep_merge(self.get_section(user_id, section), changes)
            self.set_section(user_id, section, merged)
            return merged

    def update_user(self, user_id: str, body: dict) -> None:
        """PUT /v2/users/{id}: every key given replaces the stored one; absent keys stay."""
        body = copy.deepcopy(body)

        def mutate(ov: dict) -> None:
            extra = dict(_d(ov.get("_extra")))
            for k, v in body.items():
                if k in _SERVER_KEYS:
                    continue  # the server's own (a copy sent back is not kept)
                if k in WRITABLE_KEYS:
                    ov[k] = v
                    if k == "externalId":
                        ov.pop(_EXT_OBJ, None)
                else:
                    extra[k] = v
            if extra:
                ov["_extra"] = extra

        self._write(user_id, mutate)

    def set_active(self, user_id: str, active: bool) -> None:
        self._write(user_id, lambda ov: ov.__setitem__("isActive", active))

    def create_user(self, body: dict) -> str:
        """POST /v2/users: a new active user from a (validated) UserCreateRequest body."""
        body = copy.deepcopy(body)
        with self._lock:
            uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox:{self.tmc_id}:created:{len(self._created)}"))
            while self.exists(uid):
                uid = str(uuid.uuid4())
            stamp = now_local()
            profile: dict[str, Any] = {"userId": uid, "isActive": True}
            extra: dict[str, Any] = {}
            for k, v in body.items():
                if k == "roles":
                    profile["roles"] = {"roles": v}
                elif k in WRITABLE_KEYS:
                    profile[k] = v
                else:
                    extra[k] = v
            profile.setdefault("travelArrangers", {"travelArrangers": []})
            profile.setdefault("applicablePolicies", {"policies": []})
            profile["createdAt"] = stamp
            profile["lastUpdatedAt"] = stamp
            if extra:
                profile["_extra"] = extra
            self._created[uid] = profile
            pos = len(self.index)
            self._uid_at[pos] = uid
            self.index.append(self._row_from_profile(pos, uid, profile))
            self._save()
            return uid

    # -- favorites -----------------------------------------------------------------------------
    def _touch(self, user_id: str) -> None:
        """A write to the user outside its profile (a favorite): only its stamp moves."""
        self._write(user_id, lambda ov: None)

    def add_favorite(self, user_id: str, body: dict) -> dict:
        with self._lock:
            self._touch(user_id)
            item: dict[str, Any] = {"favoriteId": str(uuid.uuid4()), "type": body["type"]}
            if body.get("params") is not None:
                item["params"] = copy.deepcopy(body["params"])
            item["displayName"] = body["displayName"]
            item["createdAt"] = now_local() + "Z"
            self._favorites.setdefault(user_id, []).append(item)
            self._save()
            return copy.deepcopy(item)

    def list_favorites(self, user_id: str, types: list[str] | None = None, query: str | None = None) -> list[dict]:
        with self._lock:
            self._pos(user_id)
            items = self._favorites.get(user_id, [])
            if types:
                items = [f for f in items if f.get("type") in types]
            if query:
                q = query.lower()
                items = [f for f in items if q in _s(f.get("displayName")).lower()]
            return copy.deepcopy(items)

    def remove_favorite(self, user_id: str, favorite_id: str) -> bool:
        with self._lock:
            self._pos(user_id)
            items = self._favorites.get(user_id, [])
            kept = [f for f in items if f.get("favoriteId") != favorite_id]
            if len(kept) == len(items):
                return False
            self._favorites[user_id] = kept
            self._touch(user_id)
            return True

    # -- persistence ---------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "format": STATE_FORMAT,
                "seed": getattr(self.seeder, "seed", None),
                "users": self.n_seeded,
                "tmcId": self.tmc_id,
                "created": self._created,
                "overlay": self._overlay,
                "favorites": self._favorites,
            }

    def _save(self) -> None:
        if not self.state_file:
            return
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(self.state(), separators=(",", ":")))
        os.replace(tmp, self.state_file)

    def save(self) -> None:
        with self._lock:
            self._save()

    def _load(self) -> None:
        data = json.loads(self.state_file.read_text())
        if data.get("format") != STATE_FORMAT or data.get("tmcId") != self.tmc_id:
            raise ValueError(
                f"{self.state_file} was written for another sandbox "
                f"(seed {data.get('seed')}, {data.get('users')} users); "
                "start with the same seed and size, or another state file"
            )
        for uid, profile in data.get("created", {}).items():
            self._created[uid] = profile
            pos = len(self.index)
            self._uid_at[pos] = uid
            self.index.append(self._row_from_profile(pos, uid, profile))
        for uid, ov in data.get("overlay", {}).items():
            pos = self.position(uid)
            if pos is None:
                continue
            old = self.row(pos)
            self._overlay[uid] = ov
            self._uid_at[pos] = uid
            self.index.update(pos, old, self.row(pos))
        self._favorites = {u: f for u, f in data.get("favorites", {}).items() if self.exists(u)}


def _json(value: Any) -> bytes:
    """As Starlette's JSONResponse renders a body."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _dtl(value: str, fallback: str = "2020-01-01T00:00:00") -> str:
    """A DateTimeLocal iso8601 string (YYYY-MM-DDTHH:MM[:SS]) from what is stored."""
    v = _s(value).replace(" ", "T")[:19]
    return v if len(v) >= 16 and v[4] == "-" and v[10] == "T" else fallback


def _stamp_after(previous: Any) -> Any:
    """Now, or one second after ``previous`` when that is not earlier (two writes in one second,
    or a seeded stamp in the future), in the shape the profile already uses for lastUpdatedAt
    (string or DateTimeLocal)."""
    stamp = now_local()
    before = _dtl(_iso(previous), "")
    if before and before >= stamp:
        try:
            later = dt.datetime.fromisoformat(before) + dt.timedelta(seconds=1)
        except ValueError:  # not a date after all: now will do
            later = None
        if later is not None:
            stamp = later.strftime("%Y-%m-%dT%H:%M:%S")
    return {"iso8601": stamp} if isinstance(previous, dict) else stamp
