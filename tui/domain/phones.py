"""Phone numbers as an agent types them <-> the spec's ``PhoneNumber`` object.

The spec's ``PhoneNumber`` mirrors libphonenumber's PhoneNumber (``countryCode``,
``nationalNumber``, ``extension``, ``rawInput``, ``countryCodeSource``, ...), so the
`phonenumbers` library (its Python port) parses what the agent typed and fills them:

    fill_phone({"type": "LANDLINE"}, "+44 20 7946 0000")
    -> ({"type": "LANDLINE", "countryCode": 44, "nationalNumber": 2079460000,
         "isoCountryCode": "GB", "countryCodeSource": "FROM_NUMBER_WITH_PLUS_SIGN",
         "rawInput": "+44 20 7946 0000"}, None)

Only what the number has is written (no defaults), and keys that are not structured phone
fields (``type``, unknown ones) are kept as they are.
"""

from __future__ import annotations

import copy
from typing import Any

import phonenumbers

from tui.domain.messages import REQUIRED

__all__ = ["STRUCTURED_KEYS", "phone_text", "parse_phone", "fill_phone", "NOT_A_PHONE", "NEEDS_COUNTRY"]

NOT_A_PHONE = "not a phone number"
NEEDS_COUNTRY = "start with + and the country code, e.g. +44 20 7946 0000"

STRUCTURED_KEYS = (
    "countryCode",
    "nationalNumber",
    "extension",
    "isoCountryCode",
    "italianLeadingZero",
    "numberOfLeadingZeros",
    "rawInput",
    "countryCodeSource",
    "preferredDomesticCarrierCode",
)
"""The keys a typed number fills (the spec's PhoneNumber fields but ``type``)."""

_SOURCES = {
    phonenumbers.CountryCodeSource.UNSPECIFIED: "UNSPECIFIED",
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN: "FROM_NUMBER_WITH_PLUS_SIGN",
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD: "FROM_NUMBER_WITH_IDD",
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN: "FROM_NUMBER_WITHOUT_PLUS_SIGN",
    phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY: "FROM_DEFAULT_COUNTRY",
}

_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: "MOBILE",
    phonenumbers.PhoneNumberType.FIXED_LINE: "LANDLINE",
}


def phone_text(value: Any) -> str:
    """The number as the agent reads it: what was typed (``rawInput``) when there is one, else
    the international format of ``countryCode`` + ``nationalNumber`` (+ extension)."""
    if not isinstance(value, dict):
        return ""
    raw = value.get("rawInput")
    if isinstance(raw, str) and raw.strip():
        return raw
    cc, national = value.get("countryCode"), value.get("nationalNumber")
    if not isinstance(cc, int) or not isinstance(national, int):
        if isinstance(national, int):
            return str(national)
        return f"+{cc}" if isinstance(cc, int) else ""
    number = phonenumbers.PhoneNumber(country_code=cc, national_number=national)
    if value.get("italianLeadingZero") is True:
        number.italian_leading_zero = True
        zeros = value.get("numberOfLeadingZeros")
        if isinstance(zeros, int) and zeros > 1:
            number.number_of_leading_zeros = zeros
    ext = value.get("extension")
    if isinstance(ext, str) and ext:
        number.extension = ext
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_phone(text: str, region: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """(the structured fields, None) for a valid number, or (None, a message in the agent's
    words). ``region`` (ISO alpha-2) is the country assumed when the number has no ``+``."""
    text = text.strip()
    if not text:
        return None, REQUIRED
    default = region.upper() if isinstance(region, str) and len(region) == 2 else None
    try:
        number = phonenumbers.parse(text, default, keep_raw_input=True)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return None, NEEDS_COUNTRY
        return None, NOT_A_PHONE
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_country_code(number.country_code or 0)
        if where and where != phonenumbers.UNKNOWN_REGION:
            return None, f"not a valid phone number in {_country_name(where)}"
        return None, NOT_A_PHONE
    out: dict[str, Any] = {"countryCode": number.country_code, "nationalNumber": number.national_number}
    if number.extension:
        out["extension"] = number.extension
    iso = phonenumbers.region_code_for_number(number)
    if iso and iso != phonenumbers.UNKNOWN_REGION:
        out["isoCountryCode"] = iso
    if number.italian_leading_zero:
        out["italianLeadingZero"] = True
        if number.number_of_leading_zeros and number.number_of_leading_zeros > 1:
            out["numberOfLeadingZeros"] = number.number_of_leading_zeros
    if number.raw_input:
        out["rawInput"] = number.raw_input
    if number.country_code_source in _SOURCES:
        out["countryCodeSource"] = _SOURCES[number.country_code_source]
    if number.preferred_domestic_carrier_code:
        out["preferredDomesticCarrierCode"] = number.preferred_domestic_carrier_code
    kind = _TYPES.get(phonenumbers.number_type(number))
    if kind:
        out["type"] = kind
    return out, None


def fill_phone(item: Any, text: str, region: str | None = None) -> tuple[Any, str | None]:
    """``item`` (a PhoneNumber object) with its structured fields replaced by those of
    ``text``; other keys stay. ``type`` is filled from the number only when the item has none.
    On an invalid number: (``item`` unchanged, the message)."""
    base = copy.deepcopy(item) if isinstance(item, dict) else {}
    if region is None and isinstance(base.get("isoCountryCode"), str):
        region = base["isoCountryCode"]
    fields, error = parse_phone(text, region)
    if fields is None:
        return item, error
    kind = fields.pop("type", None)
    for key in STRUCTURED_KEYS:
        base.pop(key, None)
    base.update(fields)
    if kind and not base.get("type"):
        base["type"] = kind
    return base, None


def _country_name(code: str) -> str:
    from tui.domain.countries import country_name

    return country_name(code)
