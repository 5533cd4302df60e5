"""Literal place data for the sandbox seeder: countries, cities, streets, airports, rail stations.

Postal and document patterns: ``#`` is a digit, ``?`` an upper-case letter.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    area: str            # administrativeArea code
    area_name: str       # administrativeAreaName
    postal: str          # postal code pattern ("" = none in use)
    tz: str
    airport: str         # IATA code
    airport_name: str
    lat: float
    lng: float


class Country(NamedTuple):
    alpha3: str
    dial: int
    currency: str
    demonym: str
    language: str
    continent: str
    mobile: str          # national mobile number pattern
    landline: str
    passport: str        # passport number pattern
    street_first: bool   # "Street 12" instead of "12 Street"
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    stations: tuple[tuple[str, str, str], ...]   # (station name, code, city)


COUNTRIES: dict[str, Country] = {
    "US": Country("USA", 1, "USD", "American", "en-US", "NA", "###55501##", "###555####", "5########", False, (
        City("San Francisco", "CA", "California", "941##", "America/Los_Angeles", "SFO",
             "San Francisco International Airport", 37.7749, -122.4194),
        City("New York", "NY", "New York", "100##", "America/New_York", "JFK",
             "John F. Kennedy International Airport", 40.7128, -74.0060),
        City("Austin", "TX", "Texas", "787##", "America/Chicago", "AUS",
             "Austin-Bergstrom International Airport", 30.2672, -97.7431),
        City("Boston", "MA", "Massachusetts", "021##", "America/New_York", "BOS",
             "Boston Logan International Airport", 42.3601, -71.0589),
        City("Seattle", "WA", "Washington", "981##", "America/Los_Angeles", "SEA",
             "Seattle-Tacoma International Airport", 47.6062, -122.3321),
        City("Houston", "TX", "Texas", "770##", "America/Chicago", "IAH",
             "George Bush Intercontinental Airport", 29.7604, -95.3698),
        City("Chicago", "IL", "Illinois", "606##", "America/Chicago", "ORD",
             "O'Hare International Airport", 41.8781, -87.6298)),
        ("Maple Street", "Oak Avenue", "Pine Street", "Cedar Lane", "Elm Street", "Lakeview Drive",
         "Hillcrest Road", "Sunset Boulevard", "Park Avenue", "Main Street", "Mission Street", "Willow Way"),
        (("New York Penn Station", "NYP", "New York"), ("Boston South Station", "BOS", "Boston"),
         ("Chicago Union Station", "CHI", "Chicago"), ("Washington Union Station", "WAS", "Washington"),
         ("Seattle King Street Station", "SEA", "Seattle"))),
    "GB": Country("GBR", 44, "GBP", "British", "en-GB", "EU", "7#########", "20########", "#########", False, (
        City("London", "ENG", "England", "EC# #??", "Europe/London", "LHR", "London Heathrow Airport",
             51.5074, -0.1278),
        City("Manchester", "ENG", "England", "M## #??", "Europe/London", "MAN", "Manchester Airport",
             53.4808, -2.2426),
        City("Edinburgh", "SCT", "Scotland", "EH# #??", "Europe/London", "EDI", "Edinburgh Airport",
             55.9533, -3.1883)),
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Road",
         "Queen's Road", "Kings Crescent", "Albert Terrace", "Greenway Close"),
        (("London Euston", "EUS", "London"), ("London King's Cross", "KGX", "London"),
         ("London Paddington", "PAD", "London"), ("Manchester Piccadilly", "MAN", "Manchester"),
         ("Edinburgh Waverley", "EDB", "Edinburgh"), ("Birmingham New Street", "BHM", "Birmingham"))),
    "DE": Country("DEU", 49, "EUR", "German", "de-DE", "EU", "15#########", "89#######", "C??######", True, (
        City("Munich", "BY", "Bayern", "80###", "Europe/Berlin", "MUC", "Munich Airport", 48.1351, 11.5820),
        City("Berlin", "BE", "Berlin", "10###", "Europe/Berlin", "BER", "Berlin Brandenburg Airport",
             52.5200, 13.4050),
        City("Hamburg", "HH", "Hamburg", "20###", "Europe/Berlin", "HAM", "Hamburg Airport", 53.5511, 9.9937),
        City("Frankfurt am Main", "HE", "Hessen", "60###", "Europe/Berlin", "FRA", "Frankfurt Airport",
             50.1109, 8.6821)),
        ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Goethestraße", "Lindenallee",
         "Bergstraße", "Kirchweg", "Am Markt", "Rosenweg"),
        (("München Hauptbahnhof", "8000261", "Munich"), ("Berlin Hauptbahnhof", "8011160", "Berlin"),
         ("Hamburg Hauptbahnhof", "8002549", "Hamburg"), ("Frankfurt (Main) Hauptbahnhof", "8000105", "Frankfurt"))),
    "FR": Country("FRA", 33, "EUR", "French", "fr-FR", "EU", "6########", "1########", "##??#####", False, (
        City("Paris", "IDF", "Île-de-France", "750##", "Europe/Paris", "CDG", "Paris Charles de Gaulle Airport",
             48.8566, 2.3522),
        City("Lyon", "ARA", "Auvergne-Rhône-Alpes", "6900#", "Europe/Paris", "LYS", "Lyon-Saint Exupéry Airport",
             45.7640, 4.8357),
        City("Toulouse", "OCC", "Occitanie", "3100#", "Europe/Paris", "TLS", "Toulouse-Blagnac Airport",
             43.6047, 1.4442)),
        ("rue de la République", "avenue Victor Hugo", "rue Pasteur", "boulevard Voltaire", "rue des Lilas",
         "place de la Mairie", "rue du Moulin", "allée des Tilleuls"),
        (("Paris Gare de Lyon", "FRPLY", "Paris"), ("Paris Gare du Nord", "FRPNO", "Paris"),
         ("Lyon Part-Dieu", "FRLPD", "Lyon"), ("Toulouse Matabiau", "FRTLS", "Toulouse"))),
    "ES": Country("ESP", 34, "EUR", "Spanish", "es-ES", "EU", "6########", "91#######", "???######", True, (
        City("Madrid", "MD", "Comunidad de Madrid", "280##", "Europe/Madrid", "MAD",
             "Adolfo Suárez Madrid-Barajas Airport", 40.4168, -3.7038),
        City("Barcelona", "CT", "Cataluña", "080##", "Europe/Madrid", "BCN", "Barcelona-El Prat Airport",
             41.3874, 2.1686),
        City("Valencia", "VC", "Comunidad Valenciana", "460##", "Europe/Madrid", "VLC", "Valencia Airport",
             39.4699, -0.3763)),
        ("Calle Mayor", "Calle de Alcalá", "Avenida de la Constitución", "Calle Real", "Calle del Sol",
         "Calle Nueva", "Plaza de España", "Paseo de la Castellana"),
        (("Madrid Puerta de Atocha", "60000", "Madrid"), ("Barcelona Sants", "71801", "Barcelona"),
         ("Valencia Joaquín Sorolla", "03216", "Valencia"))),
    "IN": Country("IND", 91, "INR", "Indian", "en-IN", "AS", "9#########", "80########", "?#######", False, (
        City("Bengaluru", "KA", "Karnataka", "560###", "Asia/Kolkata", "BLR", "Kempegowda International Airport",
             12.9716, 77.5946),
        City("Mumbai", "MH", "Maharashtra", "400###", "Asia/Kolkata", "BOM",
             "Chhatrapati Shivaji Maharaj International Airport", 19.0760, 72.8777),
        City("Hyderabad", "TG", "Telangana", "500###", "Asia/Kolkata", "HYD", "Rajiv Gandhi International Airport",
             17.3850, 78.4867)),
        ("MG Road", "Brigade Road", "Residency Road", "Linking Road", "12th Main Road", "Hill Road",
         "Banjara Hills Road 3", "Church Street"),
        (("Mumbai CSMT", "CSMT", "Mumbai"), ("New Delhi", "NDLS", "New Delhi"), ("KSR Bengaluru", "SBC", "Bengaluru"),
         ("Secunderabad Junction", "SC", "Hyderabad"))),
    "JP": Country("JPN", 81, "JPY", "Japanese", "ja-JP", "AS", "90########", "3########", "??#######", False, (
        City("Tokyo", "13", "Tokyo", "1##-####", "Asia/Tokyo", "HND", "Tokyo Haneda Airport", 35.6762, 139.6503),
        City("Osaka", "27", "Osaka", "5##-####", "Asia/Tokyo", "KIX", "Kansai International Airport",
             34.6937, 135.5023)),
        ("Nishi-Shinjuku", "Marunouchi", "Umeda", "Shibuya", "Roppongi", "Nihonbashi", "Namba", "Ebisu"),
        (("Tokyo", "TYO", "Tokyo"), ("Shinagawa", "SGW", "Tokyo"), ("Shin-Osaka", "SOK", "Osaka"))),
    "CN": Country("CHN", 86, "CNY", "Chinese", "zh-CN", "AS", "13#########", "21########", "E########", True, (
        City("Shanghai", "SH", "Shanghai", "200###", "Asia/Shanghai", "PVG", "Shanghai Pudong International Airport",
             31.2304, 121.4737),
        City("Beijing", "BJ", "Beijing", "100###", "Asia/Shanghai", "PEK", "Beijing Capital International Airport",
             39.9042, 116.4074)),
        ("Nanjing Road", "Huaihai Road", "Century Avenue", "Jianguo Road", "Xinyuan Street", "Changning Road"),
        (("Shanghai Hongqiao", "AOH", "Shanghai"), ("Beijing South", "VNP", "Beijing"))),
    "AE": Country("ARE", 971, "AED", "Emirati", "ar-AE", "AS", "50#######", "4#######", "???######", True, (
        City("Dubai", "DU", "Dubai", "", "Asia/Dubai", "DXB", "Dubai International Airport", 25.2048, 55.2708),
        City("Abu Dhabi", "AZ", "Abu Dhabi", "", "Asia/Dubai", "AUH", "Zayed International Airport",
             24.4539, 54.3773)),
        ("Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road", "Corniche Road", "Al Khaleej Street"),
        ()),
    "BR": Country("BRA", 55, "BRL", "Brazilian", "pt-BR", "SA", "119########", "11########", "??######", True, (
        City("São Paulo", "SP", "São Paulo", "0####-###", "America/Sao_Paulo", "GRU",
             "São Paulo/Guarulhos International Airport", -23.5505, -46.6333),
        City("Rio de Janeiro", "RJ", "Rio de Janeiro", "2####-###", "America/Sao_Paulo", "GIG",
             "Rio de Janeiro/Galeão International Airport", -22.9068, -43.1729)),
        ("Avenida Paulista", "Rua Augusta", "Rua Oscar Freire", "Avenida Atlântica", "Rua das Flores",
         "Avenida Brasil"),
        ()),
    "SG": Country("SGP", 65, "SGD", "Singaporean", "en-SG", "AS", "8#######", "6#######", "K#######?", False, (
        City("Singapore", "", "", "0#####", "Asia/Singapore", "SIN", "Singapore Changi Airport", 1.3521, 103.8198),),
        ("Orchard Road", "Raffles Place", "Marina Boulevard", "Robinson Road", "Cecil Street", "Tanjong Pagar Road"),
        ()),
    "CA": Country("CAN", 1, "CAD", "Canadian", "en-CA", "NA", "###55501##", "###555####", "??######", False, (
        City("Toronto", "ON", "Ontario", "M#? #?#", "America/Toronto", "YYZ", "Toronto Pearson International Airport",
             43.6532, -79.3832),
        City("Vancouver", "BC", "British Columbia", "V#? #?#", "America/Vancouver", "YVR",
             "Vancouver International Airport", 49.2827, -123.1207),
        City("Montreal", "QC", "Québec", "H#? #?#", "America/Toronto", "YUL",
             "Montréal-Trudeau International Airport", 45.5017, -73.5673)),
        ("King Street West", "Yonge Street", "Queen Street", "Granville Street", "Robson Street", "Bay Street"),
        (("Toronto Union Station", "TRTO", "Toronto"), ("Montréal Central Station", "MTRL", "Montreal"),
         ("Vancouver Pacific Central", "VCVR", "Vancouver"))),
}
COUNTRY_CODES: tuple[str, ...] = tuple(COUNTRIES)
# Area codes used for North American numbers (pattern starts with ###).
NANP_AREAS = {"US": (415, 212, 512, 617, 206, 713, 312), "CA": (416, 604, 514)}


def fill(pattern: str, rnd) -> str:
    """Fill a pattern: ``#`` digit, ``?`` letter; ``rnd`` is a ``random.Random().random``."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append("0123456789"[int(rnd() * 10)])
        elif ch == "?":
            out.append("ABCDEFGHJKLMNPRSTUVWXYZ"[int(rnd() * 23)])
        else:
            out.append(ch)
    return "".join(out)
