"""Postal addresses: the countries the shop knows, and one validation for every address
form (checkout, account, API).

Postcodes are checked against each country's format and rewritten in its official form
("1012ab" becomes "1012 AB", "1234" in Luxembourg becomes "L-1234"), so the carrier label,
the invoice and the delivery zone all read the same postcode. The rules are listed in
docs/delivery.md."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orchestre.core.errors import InvalidInput

EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip

# ISO 3166-1 alpha-2 codes with their English names (translated in the .po files).
COUNTRIES: dict[str, Promise] = {
    "AD": _("Andorra"),
    "AE": _("United Arab Emirates"),
    "AT": _("Austria"),
    "AU": _("Australia"),
    "BE": _("Belgium"),
    "BG": _("Bulgaria"),
    "CA": _("Canada"),
    "CH": _("Switzerland"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DK": _("Denmark"),
    "EE": _("Estonia"),
    "ES": _("Spain"),
    "FI": _("Finland"),
    "FR": _("France"),
    "GB": _("United Kingdom"),
    "GR": _("Greece"),
    "HK": _("Hong Kong"),
    "HR": _("Croatia"),
    "HU": _("Hungary"),
    "IE": _("Ireland"),
    "IS": _("Iceland"),
    "IT": _("Italy"),
    "JP": _("Japan"),
    "LI": _("Liechtenstein"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "LV": _("Latvia"),
    "MC": _("Monaco"),
    "MT": _("Malta"),
    "NL": _("Netherlands"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "PT": _("Portugal"),
    "RO": _("Romania"),
    "SE": _("Sweden"),
    "SI": _("Slovenia"),
    "SK": _("Slovakia"),
    "US": _("United States"),
}

FIELDS = (
    "first_name",
    "last_name",
    "company",
    "line1",
    "line2",
    "postcode",
    "city",
    "country",
    "phone",
)

# Generous limits (no real name or street is cut off); carrier labels wrap longer lines.
MAX_LENGTHS = {
    "first_name": 60,
    "last_name": 60,
    "company": 80,
    "line1": 100,
    "line2": 100,
    "postcode": 12,
    "city": 60,
    "phone": 30,
}

REQUIRED_MESSAGES = {
    "first_name": _("Enter the first name."),
    "last_name": _("Enter the last name."),
    "line1": _("Enter the street address."),
    "postcode": _("Enter the postcode."),
    "city": _("Enter the town or city."),
    "country": _("Choose a country."),
}


def _same(compact: str) -> str:
    return compact


def _split(position: int, separator: str = " ") -> Callable[[str], str]:
    """Rewrites a compact postcode with `separator` before its last `position` characters."""
    return lambda compact: f"{compact[:-position]}{separator}{compact[-position:]}"


def _us_zip(compact: str) -> str:
    return compact if len(compact) == 5 else f"{compact[:5]}-{compact[5:]}"


def _prefixed(prefix: str) -> Callable[[str], str]:
    return lambda compact: f"{prefix}{compact}"


@dataclass(frozen=True)
class PostcodeRule:
    """`pattern` matches the compact form: upper case, without spaces or hyphens, and without
    a country prefix from `prefixes` ("L-1234" → "1234"); `format` writes it officially."""

    pattern: str
    message: Promise
    format: Callable[[str], str] = _same
    prefixes: tuple[str, ...] = ()
    required: bool = True

    def normalise(self, postcode: str) -> str | None:
        """The official form of `postcode`, or None when it does not fit the rule."""
        compact = re.sub(r"[\s-]", "", postcode.upper())
        for prefix in self.prefixes:
            if compact.startswith(prefix) and compact[len(prefix) :].isdigit():
                compact = compact[len(prefix) :]
                break
        if not re.fullmatch(self.pattern, compact, flags=re.ASCII):
            return None
        return self.format(compact)


_UK_OUTWARD = r"(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"

POSTCODE_RULES: dict[str, PostcodeRule] = {
    "AD": PostcodeRule(
        r"[1-7]\d\d",
        _("Enter an Andorran postcode of AD and 3 digits, e.g. AD500."),
        format=_prefixed("AD"),
        prefixes=("AD",),
    ),
    "AT": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Austrian postcode, e.g. 1010.")),
    "AU": PostcodeRule(r"\d{4}", _("Enter a 4-digit Australian postcode, e.g. 2000.")),
    "BE": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Belgian postcode, e.g. 1000.")),
    "BG": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Bulgarian postcode, e.g. 1000.")),
    "CA": PostcodeRule(
        r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d",
        _("Enter a Canadian postcode in the form A1A 1A1, e.g. K1A 0B1."),
        format=_split(3),
    ),
    "CH": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Swiss postcode, e.g. 8001.")),
    "CY": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Cypriot postcode, e.g. 1010.")),
    "CZ": PostcodeRule(
        r"[1-7]\d{4}", _("Enter a 5-digit Czech postcode, e.g. 110 00."), format=_split(2)
    ),
    "DE": PostcodeRule(r"(?!00)\d{5}", _("Enter a 5-digit German postcode, e.g. 10115.")),
    "DK": PostcodeRule(r"\d{4}", _("Enter a 4-digit Danish postcode, e.g. 1050.")),
    "EE": PostcodeRule(r"[1-9]\d{4}", _("Enter a 5-digit Estonian postcode, e.g. 10111.")),
    "ES": PostcodeRule(
        r"(?:0[1-9]|[1-4]\d|5[0-2])\d{3}",
        _("Enter a 5-digit Spanish postcode starting with 01 to 52, e.g. 28013."),
    ),
    "FI": PostcodeRule(r"\d{5}", _("Enter a 5-digit Finnish postcode, e.g. 00100.")),
    # 01–95 mainland France and Corsica, 97–98 overseas; 980xx is Monaco (checked apart).
    "FR": PostcodeRule(
        r"(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}",
        _("Enter a 5-digit French postcode, e.g. 75002."),
    ),
    "GB": PostcodeRule(
        rf"{_UK_OUTWARD}\d[ABD-HJLNP-UW-Z]{{2}}",
        _("Enter a UK postcode, e.g. SW1A 1AA."),
        format=_split(3),
    ),
    "GR": PostcodeRule(
        r"[1-8]\d{4}", _("Enter a 5-digit Greek postcode, e.g. 105 57."), format=_split(2)
    ),
    "HR": PostcodeRule(r"[1-5]\d{4}", _("Enter a 5-digit Croatian postcode, e.g. 10000.")),
    "HU": PostcodeRule(r"[1-9]\d{3}", _("Enter a 4-digit Hungarian postcode, e.g. 1051.")),
    # Many Irish addresses are delivered without an Eircode, so it is optional.
    "IE": PostcodeRule(
        r"(?:[AC-FHKNPRTV-Y]\d\d|D6W)[0-9AC-FHKNPRTV-Y]{4}",
        _("Enter an Eircode of 7 characters, e.g. D02 X285, or leave it blank."),
        format=_split(4),
        required=False,
    ),
    "IS": PostcodeRule(r"\d{3}", _("Enter a 3-digit Icelandic postcode, e.g. 101.")),
    "IT": PostcodeRule(r"\d{5}", _("Enter a 5-digit Italian postcode, e.g. 00184.")),
    "JP": PostcodeRule(
        r"\d{7}",
        _("Enter a Japanese postcode in the form 123-4567, e.g. 100-0001."),
        format=_split(4, "-"),
    ),
    "LI": PostcodeRule(
        r"94(?:8[5-9]|9[0-8])", _("Enter a Liechtenstein postcode from 9485 to 9498, e.g. 9490.")
    ),
    "LT": PostcodeRule(
        r"\d{5}",
        _("Enter a Lithuanian postcode of 5 digits, e.g. LT-01100."),
        format=_prefixed("LT-"),
        prefixes=("LT",),
    ),
    "LU": PostcodeRule(
        r"\d{4}",
        _("Enter a Luxembourg postcode of 4 digits, e.g. L-1648."),
        format=_prefixed("L-"),
        prefixes=("LU", "L"),
    ),
    "LV": PostcodeRule(
        r"\d{4}",
        _("Enter a Latvian postcode of 4 digits, e.g. LV-1050."),
        format=_prefixed("LV-"),
        prefixes=("LV",),
    ),
    "MC": PostcodeRule(
        r"980\d\d", _("Enter a 5-digit Monaco postcode starting with 980, e.g. 98000.")
    ),
    "MT": PostcodeRule(
        r"[A-Z]{3}\d{4}",
        _("Enter a Maltese postcode of 3 letters and 4 digits, e.g. VLT 1117."),
        format=_split(4),
    ),
    "NL": PostcodeRule(
        r"[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}",
        _("Enter a Dutch postcode of 4 digits and 2 letters, e.g. 1012 AB."),
        format=_split(2),
    ),
    "NO": PostcodeRule(r"\d{4}", _("Enter a 4-digit Norwegian postcode, e.g. 0150.")),
    "PL": PostcodeRule(
        r"\d{5}",
        _("Enter a Polish postcode in the form 12-345, e.g. 00-950."),
        format=_split(3, "-"),
    ),
    "PT": PostcodeRule(
        r"[1-9]\d{6}",
        _("Enter a Portuguese postcode in the form 1234-567, e.g. 1100-148."),
        format=_split(3, "-"),
    ),
    "RO": PostcodeRule(r"\d{6}", _("Enter a 6-digit Romanian postcode, e.g. 010011.")),
    "SE": PostcodeRule(
        r"[1-9]\d{4}", _("Enter a 5-digit Swedish postcode, e.g. 111 52."), format=_split(2)
    ),
    "SI": PostcodeRule(
        r"[1-9]\d{3}", _("Enter a 4-digit Slovenian postcode, e.g. 1000."), prefixes=("SI",)
    ),
    "SK": PostcodeRule(
        r"[089]\d{4}", _("Enter a 5-digit Slovak postcode, e.g. 811 01."), format=_split(2)
    ),
    "US": PostcodeRule(
        r"\d{5}(?:\d{4})?",
        _("Enter a US ZIP code of 5 or 9 digits, e.g. 10001 or 10001-1234."),
        format=_us_zip,
    ),
}
# Countries without postcodes (AE, HK) have no rule: the field may stay blank.


def country_name(code: str) -> str:
    return str(COUNTRIES[code])


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the active language, accents ignored."""

    def sort_key(choice: tuple[str, str]) -> str:
        decomposed = unicodedata.normalize("NFKD", choice[1].casefold())
        return "".join(char for char in decomposed if not unicodedata.combining(char))

    return sorted(((code, str(name)) for code, name in COUNTRIES.items()), key=sort_key)


def _clean_text(value) -> str | None:
    """Text with whitespace runs collapsed and control characters dropped (PostgreSQL JSON
    cannot hold NUL); None for a value that is not text."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = unicodedata.normalize("NFC", value)
    value = "".join(char for char in value if unicodedata.category(char) != "Cc" or char.isspace())
    return " ".join(value.split())


def _phone_error(phone: str) -> Promise | None:
    if not re.fullmatch(r"\+?[\d ().-]+", phone):
        return _("Enter a phone number with digits only, e.g. +33 6 12 34 56 78.")
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("00"):
        digits = digits[2:]
    if not 6 <= len(digits) <= 15:
        return _("Enter a phone number of 6 to 15 digits, e.g. +33 6 12 34 56 78.")
    return None


def validate_address(data: dict, *, field_prefix: str = "") -> dict:
    """The address in `data`, normalised, as a dict with exactly the keys first_name,
    last_name, company, line1, line2, postcode, city, country and phone (all strings).

    Normalises: surrounding and repeated spaces, country in upper case, postcode in the
    country's official form, phone with single spaces. Raises one
    `InvalidInput(code="invalid_address")` whose `fields` name every bad field as
    `field_prefix + field`, each with one specific message. Reads nothing from the database."""
    address: dict[str, str] = {}
    errors: dict[str, Promise | str] = {}
    for field in FIELDS:
        value = _clean_text(data.get(field))
        if value is None:
            errors[field] = _("Enter text.")
            value = ""
        elif not value and field in REQUIRED_MESSAGES and field != "postcode":
            errors[field] = REQUIRED_MESSAGES[field]
        elif field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]:
            errors[field] = ngettext(
                "Enter at most %(limit)d character (you entered %(count)d).",
                "Enter at most %(limit)d characters (you entered %(count)d).",
                MAX_LENGTHS[field],
            ) % {"limit": MAX_LENGTHS[field], "count": len(value)}
        address[field] = value

    address["country"] = address["country"].upper()
    country = address["country"]
    if country and "country" not in errors and country not in COUNTRIES:
        errors["country"] = _("Choose a country from the list.")

    if "postcode" not in errors and country in COUNTRIES:
        postcode_error = _check_postcode(address, country)
        if postcode_error:
            errors["postcode"] = postcode_error

    if address["phone"] and "phone" not in errors:
        phone_error = _phone_error(address["phone"])
        if phone_error:
            errors["phone"] = phone_error

    if errors:
        raise InvalidInput(
            ngettext(
                "Check the address: %(count)d field needs correcting.",
                "Check the address: %(count)d fields need correcting.",
                len(errors),
            )
            % {"count": len(errors)},
            code="invalid_address",
            fields={
                f"{field_prefix}{field}": [str(errors[field])]
                for field in FIELDS
                if field in errors
            },
        )
    return address


def _check_postcode(address: dict[str, str], country: str) -> Promise | None:
    """Rewrites address["postcode"] in its official form; returns the error, if any."""
    rule = POSTCODE_RULES.get(country)
    postcode = address["postcode"]
    if not postcode:
        return REQUIRED_MESSAGES["postcode"] if rule and rule.required else None
    if rule is None:
        address["postcode"] = postcode.upper()
        return None
    official = rule.normalise(postcode)
    if official is None:
        return rule.message
    if country == "FR" and official.startswith("980"):
        return _("Postcodes 98000 to 98099 are in Monaco: choose Monaco as the country.")
    address["postcode"] = official
    return None
