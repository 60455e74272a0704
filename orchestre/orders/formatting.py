"""How an order's addresses and amounts read in e-mails, pages and the PDF invoice."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language

from orchestre.core.money import quantize
from orchestre.shipping.addresses import COUNTRIES

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£"}


def country_name(code: str) -> str:
    """The country's name in the active language (the code itself when unknown)."""
    return str(COUNTRIES.get(code, code))


def address_lines(address: dict | None, *, country: str | None = None) -> list[str]:
    """A postal address as the lines of an envelope, in the French and EU order
    (name, company, street, postcode and city, country). `country` replaces the name of the
    address's country in the active language (an invoice prints the name it was issued
    with)."""
    if not address:
        return []
    name = " ".join(part for part in (address.get("first_name"), address.get("last_name")) if part)
    town = " ".join(part for part in (address.get("postcode"), address.get("city")) if part)
    lines = [
        name,
        address.get("company", ""),
        address.get("line1", ""),
        address.get("line2", ""),
        town,
        country if country is not None else country_name(address.get("country", "")),
    ]
    return [line for line in lines if line]


def format_amount(amount: Decimal | str, currency: str = "EUR") -> str:
    """An amount as the active language writes it, with characters every PDF font has
    (no-break spaces, never the narrow one): `1 234,50 €` in French, `€1,234.50` in English."""
    value = quantize(Decimal(amount), currency)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    digits = number_format(abs(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if value < 0 else ""
    if (get_language() or "fr").startswith("en"):
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits}\u00a0{symbol}"


def format_rate(rate: Decimal | str) -> str:
    """A VAT rate as a percentage: `20 %` in French, `20%` in English, `5,5 %`."""
    percent = (Decimal(rate) * 100).normalize()
    digits = number_format(percent, use_l10n=True)
    if (get_language() or "fr").startswith("en"):
        return f"{digits}%"
    return f"{digits}\u00a0%"
