"""Travel preferences and loyalty memberships of a seeded user (see seed_profile.py)."""

from __future__ import annotations

from .seed_data import SPECIAL_MEAL_NOTES
from .seed_places import COUNTRIES, fill
from .seed_travel import AIRLINES, CAR_VENDORS, HOME_AIRLINES, HOTEL_CHAINS, RAIL_CARDS, RAIL_PROGRAMS, E

_AIRLINE_CODES = tuple(AIRLINES)
_CHAIN_CODES = tuple(HOTEL_CHAINS)
_CAR_CODES = tuple(CAR_VENDORS)


def pick(seq, n: int, rnd) -> list:
    """``n`` distinct items of ``seq`` in a random order (fewer if ``seq`` is shorter)."""
    pool = list(seq)
    n = min(n, len(pool))
    for j in range(n):
        s = j + int(rnd() * (len(pool) - j))
        pool[j], pool[s] = pool[s], pool[j]
    return pool[:n]


def one(seq, rnd):
    return seq[int(rnd() * len(seq))]


def _some(key: str, lo: int, hi: int, rnd) -> list:
    return pick(E[key], lo + int(rnd() * (hi - lo + 1)), rnd)


def _air(rnd, oc: str, city: int, tier: str) -> dict:
    country = COUNTRIES[oc]
    home = country.cities[city]
    air: dict = {}
    if rnd() < 0.7:
        air["homeAirport"] = home.airport
    if rnd() < 0.7:
        airlines = pick(HOME_AIRLINES[oc], 1 + int(rnd() * 2), rnd)
        others = [a for a in pick(_AIRLINE_CODES, 2, rnd) if a not in airlines]
        airlines += others[: int(rnd() * 2)]
        if rnd() < 0.3:
            air["airlinePrefs"] = [
                {"airlines": airlines[:1], "flightType": "DOMESTIC"},
                {"airlines": airlines[1:] or airlines[:1], "flightType": "INTERNATIONAL"},
            ]
        else:
            air["airlinePrefs"] = [{"airlines": airlines, "flightType": one(E["AirlinePref.flightType"], rnd)}]
    if rnd() < 0.4:
        air["alliancePref"] = {"alliances": _some("Alliance", 1, 2, rnd)}
    if rnd() < 0.3:
        air["farePref"] = {"fareTypes": _some("FarePref.fareTypes", 1, 2, rnd)}
    if rnd() < 0.35:
        meals = pick(E["MealType"], 3, rnd)
        meal: dict = {"inclMealPrefs": meals[: 1 + int(rnd() * 2)]}
        if rnd() < 0.2:
            meal["exclMealPrefs"] = meals[2:]
        if rnd() < 0.1:
            meal["specialMealDescription"] = one(SPECIAL_MEAL_NOTES, rnd)
        air["mealPref"] = meal
    if rnd() < 0.4:
        x = rnd()
        air["numStopPref"] = {"numOfStops": 0 if x < 0.6 else 1 if x < 0.9 else 2}
    if rnd() < 0.3:
        air["seatAmenityPref"] = {"seatAmenityTypes": _some("SeatAmenityPref.seatAmenityTypes", 1, 3, rnd)}
    if rnd() < 0.6:
        prefs = [
            {
                "cabins": ["ECONOMY"] if tier == "BASIC" else ["BUSINESS", "FIRST"][: 1 + int(rnd() * 2)],
                "position": one(E["SeatLocationPref.position"], rnd),
            }
        ]
        if rnd() < 0.3:
            prefs[0]["isBulkHeadPref"] = rnd() < 0.5
        if rnd() < 0.4:
            prefs[0]["maxFlightDurationInHours"] = 3 + int(rnd() * 4)
            prefs.append(
                {
                    "cabins": ["PREMIUM_ECONOMY", "BUSINESS"][: 1 + int(rnd() * 2)],
                    "position": one(E["SeatLocationPref.position"], rnd),
                }
            )
        air["seatLocationPrefs"] = prefs
    if rnd() < 0.45:
        airports = [{"airportCode": home.airport, "airportName": home.airport_name, "label": "WORK"}]
        other = one(country.cities, rnd)
        if other.airport != home.airport and rnd() < 0.5:
            airports.append(
                {"airportCode": other.airport, "airportName": other.airport_name, "label": one(("HOME", "OTHER"), rnd)}
            )
        air["preferredAirports"] = airports
    return air


def _rail(rnd, oc: str) -> dict:
    country = COUNTRIES[oc]
    rail: dict = {}
    if rnd() < 0.6:
        stations = pick(country.stations, 1 + int(rnd() * 2), rnd)
        rail["preferredRailStations"] = [
            {
                "stationName": name,
                "stationCode": code,
                "cityName": city,
                "countryCode": oc,
                "label": "WORK" if n == 0 else one(E["PreferredLocationLabel"], rnd),
            }
            for n, (name, code, city) in enumerate(stations)
        ]
    if rnd() < 0.6:
        seat: dict = {}
        if rnd() < 0.1:
            seat["hasAccessibility"] = True
        for key, field_name in (
            ("SeatPrefType", "seatTypes"),
            ("SeatPrefLocation", "seatLocations"),
            ("DeckLevel", "deckLevels"),
            ("SeatPrefDirection", "seatDirections"),
        ):
            if rnd() < 0.6:
                seat[field_name] = _some(key, 1, 2, rnd)
        rail["seatPreference"] = seat
    if rnd() < 0.7:
        rail["travelClasses"] = _some("RailTravelClass", 1, 2, rnd)
    if rnd() < 0.4:
        rail["coachPreferences"] = _some("CoachPref", 1, 2, rnd)
    if rnd() < 0.05:
        rail["conditionalRates"] = _some("ConditionalRate", 1, 1, rnd)
    return rail


def _car(rnd) -> dict:
    car: dict = {}
    if rnd() < 0.7:
        codes = pick(_CAR_CODES, 1 + int(rnd() * 3), rnd)
        car["vendors"] = [{"code": code, "name": CAR_VENDORS[code][0]} for code in codes]
    if rnd() < 0.6:
        car["carTypes"] = _some("CarType", 1, 3, rnd)
    if rnd() < 0.4:
        car["engineTypes"] = _some("EngineType", 1, 2, rnd)
    if rnd() < 0.5:
        car["transmissionTypes"] = ["AUTOMATIC"] if rnd() < 0.7 else ["MANUAL"]
    if rnd() < 0.05:
        car["conditionalRates"] = _some("ConditionalRate", 1, 2, rnd)
    return car


def _hotel(rnd) -> dict:
    hotel: dict = {}
    chains = pick(_CHAIN_CODES, 1 + int(rnd() * 2), rnd)
    if rnd() < 0.6:
        hotel["hotelParentChains"] = [{"chainCode": code, "chainName": HOTEL_CHAINS[code][0]} for code in chains]
    if rnd() < 0.4:
        brands = pick(HOTEL_CHAINS[chains[0]][1], 1 + int(rnd() * 2), rnd)
        hotel["hotelBrands"] = [{"brandCode": code, "brandName": name} for code, name in brands]
    if rnd() < 0.6:
        hotel["hotelAmenityTypes"] = _some("HotelPrefAmenity", 1, 4, rnd)
    if rnd() < 0.7:
        room: dict = {}
        for key in ("bedCount", "roomType", "mostImportantFact", "roomLocation", "pillowType"):
            if rnd() < 0.5:
                room[key] = one(E[f"RoomPreference.{key}"], rnd)
        if rnd() < 0.2:
            room["roomAmenityPrefs"] = _some("RoomPreference.roomAmenityPrefs", 1, 2, rnd)
        if rnd() < 0.05:
            room["isMobilityAccessible"] = True
        hotel["roomPreference"] = room
    if rnd() < 0.05:
        hotel["conditionalRates"] = _some("ConditionalRate", 1, 2, rnd)
    return hotel


def travel_preferences(rnd, oc: str, city: int, tier: str) -> dict:
    """A ``TravelPreferences`` payload."""
    if rnd() < 0.05:
        return {}
    prefs: dict = {}
    if rnd() < 0.85:
        prefs["preferredCurrency"] = COUNTRIES[oc].currency if rnd() < 0.9 else one(("USD", "EUR", "GBP"), rnd)
    if rnd() < 0.85:
        prefs["airPref"] = _air(rnd, oc, city, tier)
    cards = [card for card in RAIL_CARDS if oc in card[3]]
    if cards and rnd() < 0.3:
        name, code, vendor, _ = one(cards, rnd)
        card = {"name": name, "spotnanaCode": code, "vendor": vendor}
        if rnd() < 0.8:
            card["cardNumber"] = fill("############", rnd)
            card["expiryDate"] = {"iso8601": f"{2025 + int(rnd() * 4)}-{1 + int(rnd() * 12):02d}-01"}
        prefs["railCards"] = [card]
    if COUNTRIES[oc].stations and rnd() < 0.5:
        prefs["railPref"] = _rail(rnd, oc)
    if rnd() < 0.45:
        prefs["carPref"] = _car(rnd)
    if rnd() < 0.6:
        prefs["hotelPref"] = _hotel(rnd)
    return {"preferences": prefs}


def _loyalty(rnd, kind: str, issuer: str, tiers, applied) -> dict:
    info = {"id": fill("##########" if kind != "CAR" else "?#######", rnd), "type": kind, "issuedBy": issuer}
    if applied and rnd() < 0.3:
        info["appliedTo"] = applied
    if rnd() < 0.6:
        info["tier"] = one(tiers, rnd)
    if rnd() < 0.2:
        info["linked"] = rnd() < 0.6
    return info


def membership_info(rnd, oc: str, nc: str) -> dict:
    """A ``MembershipInfo`` payload: 0-6 loyalty programmes."""
    programs = []
    if rnd() < 0.9:
        home = HOME_AIRLINES[oc] + (HOME_AIRLINES[nc] if nc != oc else ())
        codes = pick(home, 1 + int(rnd() * 2), rnd)
        if rnd() < 0.3:
            codes += [c for c in pick(_AIRLINE_CODES, 1, rnd) if c not in codes]
        for code in codes:
            _, alliance, tiers = AIRLINES[code]
            partners = [c for c, a in AIRLINES.items() if alliance and a[1] == alliance and c != code][:3]
            programs.append(_loyalty(rnd, "AIR", code, tiers, partners))
    for code in pick(HOTEL_CHAINS, int(rnd() * 3), rnd):
        _, brands, tiers = HOTEL_CHAINS[code]
        programs.append(_loyalty(rnd, "HOTEL", code, tiers, [b for b, _ in brands[:2]]))
    if rnd() < 0.35:
        code = one(_CAR_CODES, rnd)
        programs.append(_loyalty(rnd, "CAR", code, CAR_VENDORS[code][1], None))
    rail = [name for name, (countries, _) in RAIL_PROGRAMS.items() if oc in countries]
    if rail and rnd() < 0.25:
        name = one(rail, rnd)
        programs.append(_loyalty(rnd, "RAIL", name, RAIL_PROGRAMS[name][1], None))
    out: dict = {"membershipInfos": programs}
    if rnd() < 0.03:
        out["isLoyaltyBlocked"] = True
    elif rnd() < 0.2:
        out["isLoyaltyBlocked"] = False
    return out
