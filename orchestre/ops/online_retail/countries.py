"""Country names as the source records them -> ISO 3166-1 alpha-2 codes.

The names are kept as recorded on orders (Order.country); the code goes to
Order.country_code and Customer.country. Three names are not countries:
- "Channel Islands" (Jersey and Guernsey, no common code): JE, Jersey, the larger one;
- "European Community": EU, the code ISO 3166 reserves for the European Union;
- "Unspecified": no code (empty), nothing is known.
A name missing from the table also gets no code; the import lists such names.
"""

COUNTRY_CODES: dict[str, str] = {
    "Australia": "AU",
    "Austria": "AT",
    "Bahrain": "BH",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "Channel Islands": "JE",
    "Cyprus": "CY",
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "EIRE": "IE",
    "European Community": "EU",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hong Kong": "HK",
    "Iceland": "IS",
    "Israel": "IL",
    "Italy": "IT",
    "Japan": "JP",
    "Lebanon": "LB",
    "Lithuania": "LT",
    "Malta": "MT",
    "Netherlands": "NL",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "RSA": "ZA",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "Spain": "ES",
    "Sweden": "SE",
    "Switzerland": "CH",
    "United Arab Emirates": "AE",
    "United Kingdom": "GB",
    "Unspecified": "",
    "USA": "US",
}


def country_code(recorded_name: str) -> str:
    """The ISO 3166-1 alpha-2 code of a recorded country name, '' when unknown."""
    return COUNTRY_CODES.get(recorded_name.strip(), "")
