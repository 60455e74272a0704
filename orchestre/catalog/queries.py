"""The product-listing query: parsed and validated once, for the storefront and the API."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orchestre.core.errors import InvalidInput

SORTS = {
    "relevance": _("Relevance"),
    "bestsellers": _("Bestsellers"),
    "price": _("Price, low to high"),
    "-price": _("Price, high to low"),
    "newest": _("Newest"),
    "name": _("Name"),
}
DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 100
MAX_ATTRIBUTE_VALUES = 20
# An attribute value code as stored (AttributeValue.code is a 40-character slug).
ATTRIBUTE_VALUE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")
TRUE_VALUES = ("1", "true", "on", "yes")
FALSE_VALUES = ("0", "false", "off", "no")


class ProductListForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    category = forms.SlugField(required=False, max_length=80)
    price_min = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2)
    price_max = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2)
    in_stock = forms.TypedChoiceField(
        required=False,
        choices=[(value, value) for value in TRUE_VALUES + FALSE_VALUES],
        coerce=lambda value: value in TRUE_VALUES,
        empty_value=False,
    )
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The maximum price must not be below the minimum."))
        return cleaned


@dataclass(frozen=True)
class ProductQuery:
    q: str = ""
    category: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q else "bestsellers"


def parse_product_query(
    data: Mapping, *, attribute_codes: tuple[str, ...] = (), category: str = ""
) -> ProductQuery:
    """Validate listing parameters; raise InvalidInput with one message per bad field.

    `data` is a QueryDict or a plain mapping; attribute filters are repeated parameters
    named after the attribute code (`?colour=red&colour=pink`)."""
    form = ProductListForm(data)
    fields = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
    getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
    attributes = {}
    for code in attribute_codes:
        values = {value for value in getlist(code) if value}
        if not values:
            continue
        if len(values) > MAX_ATTRIBUTE_VALUES:
            fields[code] = [
                str(_("Choose at most %(count)d values.") % {"count": MAX_ATTRIBUTE_VALUES})
            ]
        elif not all(ATTRIBUTE_VALUE_CODE.fullmatch(value) for value in values):
            fields[code] = [str(_("Unknown value."))]
        attributes[code] = tuple(sorted(values))
    if fields:
        raise InvalidInput(
            str(_("Some search parameters are invalid.")),
            code="invalid_query",
            fields=fields,
        )
    values = form.cleaned_data
    return ProductQuery(
        q=values["q"] or "",
        category=category or values["category"] or "",
        price_min=values["price_min"],
        price_max=values["price_max"],
        in_stock=bool(values["in_stock"]),
        attributes=attributes,
        sort=values["sort"] or "",
        page=values["page"] or 1,
        page_size=values["page_size"] or DEFAULT_PAGE_SIZE,
    )
