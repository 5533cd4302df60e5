"""Phone numbers as typed -> the spec's PhoneNumber fields (phonenumbers), and countries by
name <-> ISO 3166 alpha-2 codes (pycountry)."""

from __future__ import annotations

import tui.api.models as m
from tui.domain.countries import country_choices, country_name, find_country, is_country_code
from tui.domain.form_schema import validation_errors
from tui.domain.phones import NEEDS_COUNTRY, STRUCTURED_KEYS, fill_phone, parse_phone, phone_text


def test_a_typed_number_fills_the_structured_fields():
    item, error = fill_phone({"type": "LANDLINE", "zzFuture": 1}, "+44 20 7946 0000")
    assert error is None
    assert item == {
        "type": "LANDLINE",
        "zzFuture": 1,
        "countryCode": 44,
        "nationalNumber": 2079460000,
        "isoCountryCode": "GB",
        "rawInput": "+44 20 7946 0000",
        "countryCodeSource": "FROM_NUMBER_WITH_PLUS_SIGN",
    }
    assert validation_errors(m.PhoneNumber, item) == []  # the spec's schema takes it


def test_extension_italian_zero_and_type_from_the_number():
    item, _ = fill_phone({}, "+44 20 7946 0000 ext. 12")
    assert item["extension"] == "12" and item["type"] == "LANDLINE"
    item, _ = fill_phone({}, "+39 06 1234 5678")
    assert item["italianLeadingZero"] is True and item["isoCountryCode"] == "IT"
    assert set(item) <= set(STRUCTURED_KEYS) | {"type"}


def test_a_number_without_plus_uses_the_items_country():
    item, error = fill_phone({"isoCountryCode": "GB", "countryCode": 1}, "020 7946 0000")
    assert error is None and item["countryCode"] == 44 and item["countryCodeSource"] == "FROM_DEFAULT_COUNTRY"


def test_invalid_numbers_say_why_and_leave_the_item_alone():
    before = {"type": "MOBILE", "countryCode": 1, "nationalNumber": 4155550100}
    assert fill_phone(before, "+44 20 1234") == (before, "not a valid phone number in United Kingdom")
    assert parse_phone("12") == (None, NEEDS_COUNTRY)
    assert parse_phone("hello")[1] is not None
    assert parse_phone("   ") == (None, "required")


def test_phone_text_shows_what_was_typed_or_formats_the_fields():
    assert phone_text({"rawInput": "+1 (415) 555-0100", "countryCode": 1}) == "+1 (415) 555-0100"
    assert phone_text({"countryCode": 44, "nationalNumber": 2079460000, "extension": "9"}) == "+44 20 7946 0000 x9"
    assert (
        phone_text({"countryCode": 39, "nationalNumber": 612345678, "italianLeadingZero": True}) == "+39 06 1234 5678"
    )
    assert phone_text({}) == "" and phone_text(None) == ""


def test_countries_by_name_and_code():
    assert country_name("GB") == "United Kingdom" and country_name("KR") == "South Korea"
    assert country_name("QQ") == "QQ"  # not known: shown as it is
    assert find_country("united kingdom") == "GB" and find_country("GBR") == "GB" and find_country("de") == "DE"
    assert find_country("switz") == "CH" and find_country("uni") is None
    names = [n for n, _ in country_choices()]
    assert names == sorted(names, key=str.casefold) and len(names) >= 249
    assert all(len(code) == 2 and code.isupper() for _, code in country_choices())
    assert is_country_code("fr") and not is_country_code("France")
