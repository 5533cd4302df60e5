"""Every profile section described once.

The profile screen, the form builder, the diff, the PUT, the audit log (and later bulk edits
and the cache) take a :class:`Section` and never branch on which section it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.api.operations import OPERATIONS
from tui.domain.masking import marked_paths, pii_paths
from tui.domain.paths import WILDCARD, Path, format_path, under_any

if TYPE_CHECKING:  # pydantic (and the models) load on first use, not before the list's first paint
    from pydantic import BaseModel

__all__ = ["FormHint", "Section", "SECTIONS", "section", "editable_sections", "humanize"]

_ACRONYMS = {
    "id": "ID",
    "dob": "Date of birth",
    "ktn": "KTN",
    "url": "URL",
    "iso8601": "ISO 8601",
    # the Name schema's keys, as an agent says them
    "family1": "Family name",
    "family2": "Second family name",
    "given": "Given name",
    "middle": "Middle name",
}


def humanize(key: str) -> str:
    """``employeeId`` -> ``Employee ID``, ``departmentRef`` -> ``Department``."""
    if key in _ACRONYMS and key != "id":
        return _ACRONYMS[key]
    if key.endswith("Ref") and len(key) > 3:
        key = key[:-3]
    elif key.endswith("Refs") and len(key) > 4:
        key = key[:-4] + "s"
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", key) or [key]
    words = [_ACRONYMS.get(w.lower(), w.lower()) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class FormHint:
    """How forms show one kind of object (a list item, a document inside one) and how diffs
    and list rows name it. Attached to a path pattern in :attr:`Section.form_hints`."""

    primary: tuple[str, ...] = ()
    """The fields an agent fills in, in the order they think of them; when given, the other
    fields go under a collapsed "More" group."""
    noun: str = ""
    """How a diff names one such object: "phone", "passport"."""
    names: tuple[str, ...] = ()
    """The fields whose values name it (``+ passport GB ••••1234``), in that order."""
    phone: bool = False
    """A PhoneNumber: the agent types the number, the structured fields are filled from it."""
    countries: tuple[str, ...] = ()
    """Fields holding ISO 3166 alpha-2 country codes (shown and picked by name)."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    noun: str
    """How a sentence names it: "3 changes to business info"."""
    get_method: str
    """UsersClient method (named after the GET operationId)."""
    put_method: str | None
    model_name: str
    """Class name in tui.api.models (resolved on use, see :attr:`model`)."""
    editable: bool = True
    masked_paths: tuple[Path, ...] = ()
    """Hidden on screen until revealed; list indices as ``"*"``."""
    field_order: tuple[str, ...] = ()
    """Top-level JSON keys in form order; keys not listed follow in model order."""
    labels: tuple[tuple[str, str], ...] = ()
    """(JSON key or formatted path pattern, label) overrides; other labels are humanized."""
    profile_key: str | None = None
    """Its key inside ``GET /v2/users/{id}`` (``UserProfile``); None when the profile lacks it."""
    form_hints: tuple[tuple[str, FormHint], ...] = ()
    """(object path pattern, e.g. ``"phoneNumbers[*]"`` or ``"identityDocs[*].passport"``, hint)."""
    profile_field: str | None = None
    """When the profile holds one field of the section, not the whole object (the external ID
    is ``"externalId": "..."`` there and ``{"externalId": "..."}`` as a section)."""
    short_title: str = ""
    """A tab label for narrow terminals (at most 9 cells); empty: the title is short already."""

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Section) and other.key == self.key

    @property
    def model(self) -> type[BaseModel]:
        import tui.api.models as models

        return getattr(models, self.model_name)

    @property
    def path(self) -> str:
        """The path template, e.g. "/v2/users/{userId}/personal-info" (from the operations
        table the client and the sandbox use too)."""
        return OPERATIONS[self.get_method].path

    def path_for(self, user_id: str) -> str:
        return self.path.replace("{userId}", str(user_id))

    @property
    def deprecated_paths(self) -> tuple[Path, ...]:
        """Fields the spec marks deprecated: kept when they come back, not offered for edits."""
        return tuple(marked_paths(self.model, "deprecated"))

    def is_deprecated(self, path: Path) -> bool:
        return under_any(self.deprecated_paths, tuple(path))

    @property
    def pii_paths(self) -> dict[Path, str]:
        return pii_paths(self.model)

    def fields(self) -> list[str]:
        """Top-level JSON keys offered in a form: hinted order first, deprecated ones left out."""
        keys = [info.alias or name for name, info in self.model.model_fields.items()]
        ordered = [k for k in self.field_order if k in keys] + [k for k in keys if k not in self.field_order]
        return [k for k in ordered if not self.is_deprecated((k,))]

    def label(self, path: Path | str) -> str:
        """The label for a field path (or a bare JSON key)."""
        if isinstance(path, str):
            path = (path,)
        pattern = format_path(tuple(WILDCARD if isinstance(k, int) else k for k in path))
        overrides = dict(self.labels)
        if pattern in overrides:
            return overrides[pattern]
        path = tuple(path)
        while len(path) > 1 and path[-1] in _WRAPPER_KEYS:
            path = path[:-1]  # dob.iso8601 is "Date of birth"
            pattern = format_path(tuple(WILDCARD if isinstance(k, int) else k for k in path))
            if pattern in overrides:
                return overrides[pattern]
        last = next((k for k in reversed(path) if isinstance(k, str) and k != WILDCARD), None)
        if last is None:
            return f"Item {path[-1] + 1}" if path and isinstance(path[-1], int) else self.title
        return overrides.get(last) or humanize(last)

    def hint(self, path: Path) -> FormHint | None:
        """The form hint of the object at ``path`` (list indices or ``"*"``), if any."""
        pattern = format_path(tuple(WILDCARD if isinstance(k, int) else k for k in path))
        return dict(self.form_hints).get(pattern)

    def is_country(self, path: Path) -> bool:
        """Whether the field at ``path`` holds an ISO alpha-2 country code."""
        if not path or not isinstance(path[-1], str):
            return False
        hint = self.hint(tuple(path[:-1]))
        return hint is not None and path[-1] in hint.countries

    def from_profile(self, profile: Any) -> Any:
        """This section's document as ``GET /v2/users/{id}`` holds it (None if it does not)."""
        if not self.profile_key or not isinstance(profile, dict) or self.profile_key not in profile:
            return None
        value = profile[self.profile_key]
        return {self.profile_field: value} if self.profile_field else value

    def into_profile(self, profile: dict[str, Any], doc: Any) -> None:
        """Put ``doc`` (this section's document) where ``GET /v2/users/{id}`` holds it."""
        if not self.profile_key:
            return
        if not self.profile_field:
            profile[self.profile_key] = doc
        elif isinstance(doc, dict) and self.profile_field in doc:
            profile[self.profile_key] = doc[self.profile_field]
        else:
            profile.pop(self.profile_key, None)

    @property
    def tab_title(self) -> str:
        """The short label (:attr:`short_title`, else :attr:`title`)."""
        return self.short_title or self.title

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "path": self.path, "editable": self.editable}


_WRAPPER_KEYS = {"iso8601"}

_DOCS = (
    ("passport", "docId"),
    ("nationalDoc", "docId"),
    ("immigrationDoc", "docId"),
    ("ktn", "number"),
    ("redress", "number"),
)

_COMMON_LABELS = (
    ("email", "Email"),
    ("phoneNumbers", "Phone numbers"),
    ("docId", "Document number"),
    ("ktn", "Known traveler number"),
    ("redress", "Redress number"),
    ("nationalDoc", "National ID"),
    ("immigrationDoc", "Immigration document"),
    ("issueCountry", "Issuing country"),
    ("nationalityCountry", "Nationality"),
)

_PHONE = FormHint(primary=("type",), noun="phone", names=("type",), phone=True, countries=("isoCountryCode",))
_ADDRESS = FormHint(
    primary=("addressLines", "locality", "postalCode", "administrativeArea", "regionCode", "description", "isDefault"),
    noun="address",
    names=("description", "addressLines", "locality", "regionCode"),
    countries=("regionCode",),
)
_DOC_DATES = ("expiryDate", "issuedDate")
_PASSPORT = FormHint(
    primary=("docId", "issueCountry") + _DOC_DATES + ("nationalityCountry",),
    noun="passport",
    names=("issueCountry", "docId"),
    countries=("issueCountry", "nationalityCountry"),
)
_NATIONAL_DOC = FormHint(
    primary=("docId", "issueCountry") + _DOC_DATES + ("type",),
    noun="national ID",
    names=("issueCountry", "docId"),
    countries=("issueCountry",),
)
_IMMIGRATION_DOC = FormHint(
    primary=("docId", "type", "issueCountry") + _DOC_DATES + ("nationalityCountry",),
    noun="immigration document",
    names=("type", "issueCountry", "docId"),
    countries=("issueCountry", "nationalityCountry"),
)
_KTN = FormHint(
    primary=("number", "issueCountry"),
    noun="known traveler number",
    names=("issueCountry", "number"),
    countries=("issueCountry",),
)
_REDRESS = FormHint(
    primary=("number", "issueCountry"),
    noun="redress number",
    names=("issueCountry", "number"),
    countries=("issueCountry",),
)
_LOYALTY = FormHint(primary=("issuedBy", "id", "type", "tier", "appliedTo"), noun="loyalty", names=("issuedBy", "id"))

SECTIONS: tuple[Section, ...] = (
    Section(
        key="personal",
        profile_key="personalInfo",
        title="Personal",
        noun="personal info",
        get_method="get_personal_info",
        put_method="update_personal_info",
        model_name="UserPersonalInfo",
        masked_paths=tuple(("identityDocs", WILDCARD) + d for d in _DOCS) + (("dob",),),
        field_order=(
            "name",
            "travelerName",
            "title",
            "email",
            "phoneNumbers",
            "dob",
            "gender",
            "nationality",
            "preferredLanguage",
            "preferredPronoun",
            "addresses",
            "identityDocs",
            "emergencyContact",
            "profilePicture",
        ),
        form_hints=(
            ("phoneNumbers[*]", _PHONE),
            ("emergencyContact.phoneNumbers[*]", _PHONE),
            ("addresses[*]", _ADDRESS),
            ("identityDocs[*].passport", _PASSPORT),
            ("identityDocs[*].nationalDoc", _NATIONAL_DOC),
            ("identityDocs[*].immigrationDoc", _IMMIGRATION_DOC),
            ("identityDocs[*].ktn", _KTN),
            ("identityDocs[*].redress", _REDRESS),
            (
                "emergencyContactInfo.userOrgId.tmcInfo.secondaryServiceProviderTmcs[*]",
                FormHint(noun="TMC", names=("supplier", "travelType")),
            ),
        ),
        labels=_COMMON_LABELS
        + (
            ("travelerName", "Name on tickets"),
            ("identityDocs", "Identity documents"),
            ("name.preferred", "Preferred name"),
            ("travelerName.preferred", "Preferred name"),
            ("addresses[*].regionCode", "Country"),
            ("addresses[*].administrativeArea", "Region / state"),
            ("addresses[*].locality", "City / town"),
            ("addresses[*].isDefault", "Default address"),
            ("identityDocs[*].passport.docId", "Passport number"),
            ("identityDocs[*].passport.expiryDate", "Expiry"),
            ("identityDocs[*].passport.issuedDate", "Issue date"),
        ),
    ),
    Section(
        key="business",
        profile_key="businessInfo",
        title="Business",
        noun="business info",
        get_method="get_business_info",
        put_method="update_business_info",
        model_name="BusinessInfo",
        field_order=(
            "employeeId",
            "designation",
            "email",
            "phoneNumbers",
            "organizationRef",
            "legalEntityRef",
            "departmentRef",
            "costCenterRef",
            "officeRef",
            "gradeRef",
            "managerRef",
            "countryCode",
            "workerType",
            "accountingCode",
            "authorizerEmail",
            "designatedApproverRefs",
            "companySpecifiedAttributes",
        ),
        form_hints=(
            ("phoneNumbers[*]", _PHONE),
            ("companySpecifiedAttributes[*]", FormHint(noun="attribute", names=("fixedColumnName", "value"))),
            ("designatedApproverRefs[*]", FormHint(noun="approver", names=("name", "id"))),
        ),
        labels=_COMMON_LABELS + (("designation", "Job title"), ("email", "Work email")),
    ),
    Section(
        key="travel",
        short_title="Travel",
        profile_key="travelPreferences",
        title="Travel preferences",
        noun="travel preferences",
        get_method="get_user_travel_preferences",
        put_method="update_travel_preferences",
        model_name="TravelPreferences",
        form_hints=(
            (
                "preferences.airPref.airlinePrefs[*]",
                FormHint(noun="airline preference", names=("airlines", "flightType")),
            ),
            (
                "preferences.airPref.seatLocationPrefs[*]",
                FormHint(noun="seat preference", names=("position", "cabins")),
            ),
            ("preferences.airPref.preferredAirports[*]", FormHint(noun="airport", names=("label", "airportCode"))),
            ("preferences.railCards[*]", FormHint(noun="rail card", names=("vendor", "name", "cardNumber"))),
            (
                "preferences.railPref.preferredRailStations[*]",
                FormHint(noun="station", names=("label", "stationCode", "stationName"), countries=("countryCode",)),
            ),
            ("preferences.carPref.vendors[*]", FormHint(noun="car vendor", names=("name", "code"))),
            (
                "preferences.hotelPref.hotelParentChains[*]",
                FormHint(noun="hotel chain", names=("chainName", "chainCode")),
            ),
            ("preferences.hotelPref.hotelBrands[*]", FormHint(noun="hotel brand", names=("brandName", "brandCode"))),
        ),
    ),
    Section(
        key="membership",
        short_title="Loyalty",
        profile_key="membershipInfo",
        title="Memberships",
        noun="memberships",
        get_method="get_membership_info",
        put_method="update_membership_info",
        model_name="MembershipInfo",
        field_order=("membershipInfos", "isLoyaltyBlocked"),
        form_hints=(("membershipInfos[*]", _LOYALTY),),
        labels=(("membershipInfos", "Loyalty programs"), ("isLoyaltyBlocked", "Loyalty blocked")),
    ),
    Section(
        key="notifications",
        short_title="Notify",
        profile_key="notificationPreferences",
        title="Notifications",
        noun="notification preferences",
        get_method="get_notification_preferences",
        put_method="update_notification_preferences",
        model_name="NotificationPreferences",
        form_hints=(("preferences[*]", FormHint(noun="notification", names=("notificationType",))),),
    ),
    Section(
        key="roles",
        title="Roles",
        noun="roles",
        get_method="get_user_roles",
        put_method="update_user_roles",
        model_name="RolesConfig",
        form_hints=(
            ("roles[*]", FormHint(noun="role", names=("roleType",))),
            (
                "roles[*].roleMetadata.travelArrangerMetadata.arrangerFor[*]",
                FormHint(noun="arranged for", names=("userId",)),
            ),
            ("roles[*].metadata.arrangerFor[*]", FormHint(noun="arranged for", names=("userId",))),
        ),
    ),
    Section(
        key="external_id",
        short_title="Ext ID",
        profile_key="externalId",
        profile_field="externalId",
        title="External ID",
        noun="external ID",
        get_method="get_external_id",
        put_method="update_external_id",
        model_name="ExternalIdObject",
        labels=(("externalId", "External ID"),),
    ),
    Section(
        key="travel_arrangers",
        short_title="Arrangers",
        profile_key="travelArrangers",
        title="Travel arrangers",
        noun="travel arrangers",
        get_method="get_user_travel_arrangers",
        put_method=None,
        model_name="UserTravelArrangers",
        editable=False,
    ),
    Section(
        key="policies",
        short_title="Policy",
        title="Applicable policies",
        noun="applicable policies",
        get_method="get_user_applicable_policies",
        put_method=None,
        model_name="UserApplicablePolicies",
        editable=False,
    ),
)

_BY_KEY = {s.key: s for s in SECTIONS}


def section(key: str) -> Section:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no section {key!r} (known: {', '.join(_BY_KEY)})") from None


def editable_sections() -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if s.editable)
