"""Literal travel vocabulary for the sandbox seeder: suppliers, loyalty programmes and the spec's
enum values the seeder draws from (checked against the spec by tests/sandbox/test_seed.py)."""

from __future__ import annotations

# Airlines: code -> (name, alliance enum value or None, loyalty tiers)
AIRLINES = {
    "UA": ("United Airlines", "STAR_ALLIANCE", ("Silver", "Gold", "Platinum", "1K")),
    "LH": ("Lufthansa", "STAR_ALLIANCE", ("Frequent Traveller", "Senator", "HON Circle")),
    "AC": ("Air Canada", "STAR_ALLIANCE", ("25K", "35K", "50K", "75K", "Super Elite")),
    "SQ": ("Singapore Airlines", "STAR_ALLIANCE", ("Elite Silver", "Elite Gold", "PPS Club")),
    "NH": ("All Nippon Airways", "STAR_ALLIANCE", ("Bronze", "Platinum", "Diamond")),
    "AI": ("Air India", "STAR_ALLIANCE", ("Silver", "Gold", "Platinum")),
    "AA": ("American Airlines", "ONEWORLD", ("Gold", "Platinum", "Platinum Pro", "Executive Platinum")),
    "BA": ("British Airways", "ONEWORLD", ("Bronze", "Silver", "Gold")),
    "IB": ("Iberia", "ONEWORLD", ("Plata", "Oro", "Platino")),
    "JL": ("Japan Airlines", "ONEWORLD", ("Crystal", "Sapphire", "Diamond")),
    "QR": ("Qatar Airways", "ONEWORLD", ("Silver", "Gold", "Platinum")),
    "DL": ("Delta Air Lines", "SKYTEAM", ("Silver", "Gold", "Platinum", "Diamond")),
    "AF": ("Air France", "SKYTEAM", ("Silver", "Gold", "Platinum")),
    "KL": ("KLM", "SKYTEAM", ("Silver", "Gold", "Platinum")),
    "MU": ("China Eastern Airlines", "SKYTEAM", ("Silver", "Gold", "Platinum")),
    "EK": ("Emirates", None, ("Blue", "Silver", "Gold", "Platinum")),
    "6E": ("IndiGo", None, ("BluChip",)),
    "LA": ("LATAM Airlines", None, ("Gold", "Platinum", "Black")),
}
HOME_AIRLINES = {
    "US": ("UA", "AA", "DL"), "GB": ("BA",), "DE": ("LH",), "FR": ("AF",), "ES": ("IB",), "IN": ("AI", "6E"),
    "JP": ("NH", "JL"), "CN": ("MU",), "AE": ("EK",), "BR": ("LA",), "SG": ("SQ",), "CA": ("AC",),
}

# Hotel parent chains: code -> (name, brands ((code, name), ...), loyalty tiers)
HOTEL_CHAINS = {
    "EM": ("Marriott International", (("MC", "Marriott Hotels"), ("SI", "Sheraton"), ("WI", "Westin"),
                                      ("CY", "Courtyard"), ("RZ", "The Ritz-Carlton")),
           ("Silver Elite", "Gold Elite", "Platinum Elite", "Titanium Elite", "Ambassador Elite")),
    "HH": ("Hilton Worldwide", (("HH", "Hilton Hotels & Resorts"), ("HX", "Hampton by Hilton"),
                                ("DT", "DoubleTree by Hilton"), ("WA", "Waldorf Astoria")),
           ("Silver", "Gold", "Diamond")),
    "6C": ("IHG Hotels & Resorts", (("HI", "Holiday Inn"), ("IC", "InterContinental"), ("CP", "Crowne Plaza"),
                                    ("IN", "Hotel Indigo")),
           ("Silver Elite", "Gold Elite", "Platinum Elite", "Diamond Elite")),
    "HY": ("Hyatt Hotels", (("HY", "Hyatt Regency"), ("PH", "Park Hyatt"), ("AZ", "Andaz")),
           ("Discoverist", "Explorist", "Globalist")),
    "RT": ("Accor", (("NO", "Novotel"), ("IB", "ibis"), ("SB", "Sofitel"), ("PU", "Pullman")),
           ("Classic", "Silver", "Gold", "Platinum", "Diamond")),
    "WY": ("Wyndham Hotels & Resorts", (("WY", "Wyndham"), ("RA", "Ramada"), ("DI", "Days Inn")),
           ("Blue", "Gold", "Platinum", "Diamond")),
}

# Car rental vendors: code -> (name, loyalty tiers)
CAR_VENDORS = {
    "ZE": ("HERTZ", ("Gold", "Five Star", "President's Circle")),
    "ZI": ("AVIS", ("Preferred", "Preferred Plus", "President's Club")),
    "ZD": ("BUDGET", ("Fastbreak",)),
    "ET": ("ENTERPRISE", ("Plus", "Silver", "Gold", "Platinum")),
    "ZL": ("NATIONAL", ("Emerald Club", "Executive", "Executive Elite")),
    "AL": ("ALAMO", ("Insider",)),
    "SX": ("SIXT", ("Gold", "Platinum", "Diamond")),
    "EP": ("EUROPCAR", ("Club", "Executive", "Elite")),
}

# Rail loyalty: issuer -> (countries, tiers)
RAIL_PROGRAMS = {
    "DB": (("DE",), ("BahnBonus Silver", "BahnBonus Gold", "BahnBonus Platinum")),
    "SNCF": (("FR",), ("Grand Voyageur", "Grand Voyageur Le Club")),
    "EUROSTAR": (("GB", "FR"), ("Classique", "Carte Blanche", "Etoile")),
    "RENFE": (("ES",), ("Más Renfe Plata", "Más Renfe Oro")),
    "AMTRAK": (("US", "CA"), ("Select", "Select Plus", "Select Executive")),
}
# Rail cards: (name, spotnanaCode, vendor, countries)
RAIL_CARDS = (
    ("16-25 Railcard", "YNG", "ATOC", ("GB",)),
    ("26-30 Railcard", "TST", "ATOC", ("GB",)),
    ("Senior Railcard", "SRN", "ATOC", ("GB",)),
    ("Two Together Railcard", "TWO", "ATOC", ("GB",)),
    ("Family & Friends Railcard", "FAM", "ATOC", ("GB",)),
    ("Veterans Railcard", "VET", "ATOC", ("GB",)),
    ("Network Railcard", "NEW", "ATOC", ("GB",)),
    ("BahnCard 25", "BC25", "DB", ("DE",)),
    ("BahnCard 50", "BC50", "DB", ("DE",)),
    ("BahnCard 100", "BC100", "DB", ("DE",)),
    ("Carte Avantage Adulte", "AVA", "SNCF", ("FR",)),
    ("Tarjeta Dorada", "DOR", "RENFE", ("ES",)),
)

# Enum values from the spec, by schema (or schema.property) name.
ENUMS = {
    "Alliance": ("STAR_ALLIANCE", "ONEWORLD", "SKYTEAM"),
    "AirlinePref.flightType": ("DOMESTIC", "INTERNATIONAL", "ALL"),
    "FarePref.fareTypes": ("CHANGEABLE", "REFUNDABLE"),
    "MealType": ("AVML", "BBML", "BLML", "CHML", "DBML", "FPML", "GFML", "HFML", "HNML", "KSML", "LCML", "LFML",
                 "LPML", "LSML", "MOML", "NLML", "NSML", "ORML", "PFML", "RVML", "SFML", "SPML", "VGML", "VJML",
                 "VLML", "VOML"),
    "SeatAmenityPref.seatAmenityTypes": ("FLAT_BED", "WIFI", "IN_SEAT_POWER"),
    "SeatLocationPref.cabins": ("ECONOMY", "PREMIUM_ECONOMY", "BUSINESS", "FIRST"),
    "SeatLocationPref.position": ("AISLE", "WINDOW", "AISLE_OR_WINDOW"),
    "PreferredLocationLabel": ("HOME", "WORK", "OTHER"),
    "SeatPrefType": ("SLEEPER_BED", "NORMAL", "TABLE_SEAT"),
    "SeatPrefLocation": ("AISLE", "WINDOW", "SOLO"),
    "DeckLevel": ("UPPER_DECK", "LOWER_DECK"),
    "SeatPrefDirection": ("FORWARD", "BACKWARD"),
    "RailTravelClass": ("FIRST", "STANDARD", "BUSINESS", "SLEEPER", "STANDARD_PREMIUM", "BUSINESS_PREMIUM",
                        "COACH", "ROOM", "EXECUTIVE"),
    "CoachPref": ("SMOKING", "NON_SMOKING", "PETS_ALLOWED", "RESTAURANT", "QUIET"),
    "ConditionalRate": ("MILITARY", "AAA", "GOVERNMENT"),
    "CarType": ("MINI", "ECONOMY", "COMPACT", "MID_SIZE", "STANDARD", "FULL_SIZE", "PREMIUM", "LUXURY",
                "CONVERTIBLE", "MINIVAN", "SUV", "VAN", "PICKUP", "SPORTS", "WAGON"),
    "EngineType": ("PETROL", "DIESEL", "ELECTRIC", "HYBRID", "CNG", "HYDROGEN", "MULTI_FUEL", "ETHANOL"),
    "TransmissionSearchFilter": ("MANUAL", "AUTOMATIC"),
    "HotelPrefAmenity": ("PARKING", "FREE_PARKING", "FREE_BREAKFAST", "POOL", "WIFI", "FITNESS_CENTER",
                         "FAMILY_FRIENDLY", "RECEPTION", "SPA", "RESTAURANT", "BAR", "TRANSPORTATION",
                         "PET_FRIENDLY", "BUSINESS_CENTER", "AIR_CONDITIONING", "BEACH_ACCESS",
                         "LAUNDRY_SERVICES", "ROOM_SERVICE", "ACCESSIBLE"),
    "RoomPreference.bedCount": ("ONE_BED", "TWO_BEDS"),
    "RoomPreference.roomType": ("SMOKING", "NON_SMOKING"),
    "RoomPreference.mostImportantFact": ("ROOM_TYPE", "BED_COUNT", "ROOM_LOCATION"),
    "RoomPreference.roomLocation": ("HIGH_FLOOR", "LOW_FLOOR", "NEAR_ELEVATOR"),
    "RoomPreference.pillowType": ("FOAM", "EXTRA_FOAM", "EXTRA_FEATHER"),
    "RoomPreference.roomAmenityPrefs": ("FEATHER_FREE_ROOM", "EXTRA_TOWELS", "REFRIGERATOR"),
    "LoyaltyInfo.type": ("AIR", "HOTEL", "CAR", "RAIL"),
    "NotificationType": ("FLIGHT_NOTIFICATION", "BOOKING_NOTIFICATION"),
    "Persona": ("EMPLOYEE", "GUEST", "PERSONAL", "RELATIVE", "ADHOC"),
    "Tier": ("BASIC", "SEAT1A"),
    "RoleTypeEnum": ("COMPANY_ADMIN", "COMPANY_TRAVEL_ARRANGER", "TRAVEL_ARRANGER", "COMPANY_REPORT_ADMIN",
                     "TMC_ADMIN", "TMC_AGENT", "GLOBAL_ADMIN", "GLOBAL_AGENT"),
    "WorkerType": ("EMPLOYEE", "CONTINGENT", "SEASONAL", "INTERN", "GUEST"),
    "Gender": ("MALE", "FEMALE", "UNSPECIFIED", "UNDISCLOSED"),
    "PreferredPronoun": ("SHE_HER_HERS", "HE_HIM_HIS", "THEY_THEM_THEIRS"),
    "NameSuffix": ("JR", "SR", "II", "III", "PHD", "MD"),
    "UserTitle": ("MR", "MS", "MRS", "DR"),
    "EmergencyContact.relation": ("SPOUSE", "PARENT", "SIBLING", "CHILD", "FRIEND", "RELATIVE", "COLLEAGUE"),
    "Relation": ("SPOUSE", "CHILD", "PARENT", "OTHER"),
    "TravelerArrangerStatus": ("PENDING", "ACCEPTED", "DENIED"),
    "StealthType": ("STEALTH_TYPE_1", "STEALTH_TYPE_2", "STEALTH_TYPE_3"),
    "Passport.type": ("REGULAR",),
    "ImmigrationDocument.type": ("VISA",),
    "NationalDoc.type": ("DNI", "NIE"),
    "PhoneNumber.type": ("MOBILE", "LANDLINE"),
    "PhoneNumber.countryCodeSource": ("FROM_NUMBER_WITH_PLUS_SIGN",),
}
E = ENUMS
