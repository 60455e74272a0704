"""Template helpers of the storefront: money, stock, listing links, SEO links."""

import json
from decimal import Decimal

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from orchestre.catalog.queries import ProductQuery
from orchestre.core.money import MINOR_UNITS, quantize
from orchestre.storefront.seo import absolute_url, stock_status

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£"}
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"


@register.filter
def money(value, currency: str = "") -> str:
    """A price the way the reader's language writes it: `1 234,50 €` in French (narrow
    no-break space between thousands, no-break space before the symbol), `€1,234.50` in
    English. Takes a Decimal or anything with `amount` and `currency` (a Price)."""
    if value is None or value == "":
        return ""
    amount = getattr(value, "amount", value)
    currency = currency or getattr(value, "currency", "") or settings.SHOP_CURRENCY
    amount = quantize(Decimal(amount), currency)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.{MINOR_UNITS[currency]}f}"
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if (get_language() or "fr").startswith("en"):
        return f"{sign}{symbol}{digits}"
    whole, _, fraction = digits.partition(".")
    french = whole.replace(",", NARROW_NO_BREAK_SPACE) + ("," + fraction if fraction else "")
    return f"{sign}{french}{NO_BREAK_SPACE}{symbol}"


@register.simple_tag
def stock(available: int) -> SafeString:
    """Availability of a product as a short status line."""
    status = stock_status(available)
    if status == "in_stock":
        label = gettext("In stock")
    elif status == "low_stock":
        label = ngettext("Low stock: %(count)d left", "Low stock: %(count)d left", available) % {
            "count": available
        }
    else:
        label = gettext("Out of stock")
    return format_html('<p class="stock {}">{}</p>', status.replace("_", "-"), label)


@register.simple_tag(takes_context=True)
def other_language_url(context, language: str) -> str:
    """The current page, query included, in `language`. A plain link rather than Django's
    set_language form: the language is in the address, and a form would need a CSRF token,
    which would make every catalogue page per-visitor and set a cookie on each."""
    return translate_url(context["request"].get_full_path(), language)


def query_parameters(query: ProductQuery, *, page: int = 1) -> list[tuple[str, str]]:
    """The URL parameters that reproduce a listing query (defaults left out)."""
    parameters = []
    if query.q:
        parameters.append(("q", query.q))
    if query.price_min is not None:
        parameters.append(("price_min", str(query.price_min)))
    if query.price_max is not None:
        parameters.append(("price_max", str(query.price_max)))
    if query.in_stock:
        parameters.append(("in_stock", "1"))
    for code, values in sorted(query.attributes.items()):
        parameters.extend((code, value) for value in values)
    if query.sort:
        parameters.append(("sort", query.sort))
    if page > 1:
        parameters.append(("page", str(page)))
    return parameters


@register.simple_tag
def listing_url(path: str, query: ProductQuery, page: int = 1) -> str:
    """The URL of one page of a listing, built from the validated query (so a link never
    carries a parameter that was ignored)."""
    parameters = query_parameters(query, page=page)
    return f"{path}?{urlencode(parameters)}" if parameters else path


@register.simple_tag
def page_window(number: int, num_pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last and two either side of the current one,
    None where pages are skipped."""
    shown = sorted({1, num_pages, *range(max(1, number - 2), min(num_pages, number + 2) + 1)})
    window: list[int | None] = []
    for page in shown:
        if window and page - window[-1] > 1:
            window.append(None)
        window.append(page)
    return window


@register.inclusion_tag("storefront/_seo_links.html")
def seo_links(path: str) -> dict:
    """Canonical link and hreflang alternates of a page, `path` in the active language."""
    alternates = [
        (code, absolute_url(translate_url(path, code))) for code, _name in settings.LANGUAGES
    ]
    return {
        "canonical": absolute_url(path),
        "alternates": alternates,
        "default": absolute_url(translate_url(path, settings.LANGUAGE_CODE)),
    }


@register.filter
def json_ld(data: dict) -> SafeString:
    """A <script type="application/ld+json"> holding `data`, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.filter
def values_of(attributes: dict[str, tuple[str, ...]], code: str) -> tuple[str, ...]:
    """The values chosen for one attribute in a listing query."""
    return attributes.get(code, ())


@register.filter
def percent(rate) -> str:
    """A VAT rate as a percentage in the active language's format: 0.2000 → 20, 0.0550 → 5,5."""
    value = Decimal(rate) * 100
    return number_format(int(value) if value == value.to_integral_value() else value.normalize())
