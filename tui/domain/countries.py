"""Countries by name for the agent, ISO 3166-1 alpha-2 codes for the API (``"GB"``).

The spec stores countries (``issueCountry``, ``nationalityCountry``, ``isoCountryCode``,
``regionCode``, ...) as ISO alpha-2 codes; forms show and pick them by name (pycountry's
ISO 3166 data), and a code this data does not know is shown as it is and kept.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

__all__ = ["country_name", "country_choices", "find_country", "is_country_code"]


@lru_cache(maxsize=1)
def _by_code() -> dict[str, str]:
    out = {}
    for c in pycountry.countries:
        out[c.alpha_2] = getattr(c, "common_name", None) or c.name
    return out


def is_country_code(code: object) -> bool:
    return isinstance(code, str) and code.upper() in _by_code()


def country_name(code: str) -> str:
    """``"GB"`` -> ``"United Kingdom"``; a code not known is returned as it is."""
    if not isinstance(code, str):
        return str(code)
    return _by_code().get(code.upper(), code)


@lru_cache(maxsize=1)
def country_choices() -> tuple[tuple[str, str], ...]:
    """(name, alpha-2 code) for every country, sorted by name."""
    return tuple(sorted(((name, code) for code, name in _by_code().items()), key=lambda p: p[0].casefold()))


def find_country(text: str) -> str | None:
    """The alpha-2 code for what an agent typed: a code (``gb``, ``GBR``), a name
    (``United Kingdom``, ``south korea``), or the start of one name (``switz``); None when unclear."""
    text = " ".join(text.split())
    if not text:
        return None
    key = text.casefold()
    if len(text) == 2 and text.upper() in _by_code():
        return text.upper()
    try:
        found = pycountry.countries.lookup(text)
        return str(found.alpha_2)
    except LookupError:
        pass
    for name, code in country_choices():
        if name.casefold() == key:
            return code
    starts = [code for name, code in country_choices() if name.casefold().startswith(key)]
    return starts[0] if len(starts) == 1 else None
