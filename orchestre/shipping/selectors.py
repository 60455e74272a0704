"""Reads of the delivery offer: which methods an address and a parcel can have, at what
price, and when they would arrive."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.errors import InvalidInput
from orchestre.core.money import quantize
from orchestre.shipping.addresses import COUNTRIES
from orchestre.shipping.dates import (
    add_business_days,
    delivery_window,
    dispatch_date,
    is_business_day,
)
from orchestre.shipping.models import DeliveryRate, DeliveryZone

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    kind: str
    name: str  # in the active language
    carrier: str
    price: Decimal  # VAT included
    is_free: bool
    earliest: date
    latest: date


def resolve_zone(
    zones: list[DeliveryZone], *, country: str, postcode: str = ""
) -> DeliveryZone | None:
    """The zone of an address among `zones` (in position order): the first that claims it,
    else the rest-of-world zone, else None."""
    for zone in zones:
        if zone.claims(country, postcode):
            return zone
    return next((zone for zone in zones if zone.is_rest_of_world), None)


def _applicable_rate(
    rates: list[DeliveryRate], *, weight_grams: int, order_value: Decimal
) -> DeliveryRate | None:
    """The highest order-value tier reached, and within it the smallest weight band that
    holds the parcel."""
    candidates = [
        rate for rate in rates if rate.holds(weight_grams) and rate.min_order_value <= order_value
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda rate: (
            -rate.min_order_value,
            rate.max_weight_grams is None,
            rate.max_weight_grams or 0,
        ),
    )


def _dispatch_day(today: date | None, now: datetime | None) -> date:
    if today is not None and now is not None:
        raise TypeError("Pass either `today` or `now`, not both.")
    if today is None:
        return dispatch_date(now or timezone.now())
    return today if is_business_day(today) else add_business_days(today, 1)


def list_delivery_options(
    *,
    country: str,
    weight_grams: int,
    order_value: Decimal,
    postcode: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> list[DeliveryOption]:
    """The delivery options for a parcel of `weight_grams` and an order worth `order_value`
    (goods after discounts, VAT included) sent to `country` (ISO code) and `postcode`,
    ordered by the methods' position, then price.

    Dates count from the moment of the order, `now` (default: the current time), with the
    14:00 cut-off; `today` instead means "ordered that day before the cut-off". A method
    without a rate for the address's zone and the parcel's weight is left out; so is every
    method for a country the shop does not know (empty list). Two queries, no writes."""
    if weight_grams < 0:
        raise ValueError("weight_grams cannot be negative.")
    country = country.strip().upper()
    if country not in COUNTRIES:
        return []
    postcode = postcode.strip().upper()
    zone = resolve_zone(list(DeliveryZone.objects.all()), country=country, postcode=postcode)
    if zone is None:
        return []
    rates_by_method: dict[int, list[DeliveryRate]] = {}
    for rate in DeliveryRate.objects.filter(zone=zone, method__is_active=True).select_related(
        "method"
    ):
        rates_by_method.setdefault(rate.method_id, []).append(rate)

    dispatched = _dispatch_day(today, now)
    options: list[DeliveryOption] = []
    positions: dict[str, int] = {}
    for method_rates in rates_by_method.values():
        method = method_rates[0].method
        rate = _applicable_rate(method_rates, weight_grams=weight_grams, order_value=order_value)
        if rate is None or not method.serves(country):
            continue
        free = rate.free_above is not None and order_value >= rate.free_above
        price = ZERO if free else quantize(rate.price)
        earliest, latest = delivery_window(
            dispatched, min_days=method.min_days, max_days=method.max_days
        )
        positions[method.code] = method.position
        options.append(
            DeliveryOption(
                code=method.code,
                kind=method.kind,
                name=method.name,
                carrier=method.carrier,
                price=price,
                is_free=price == ZERO,
                earliest=earliest,
                latest=latest,
            )
        )
    return sorted(options, key=lambda option: (positions[option.code], option.price, option.code))


def get_delivery_option(
    *,
    code: str,
    country: str,
    weight_grams: int,
    order_value: Decimal,
    postcode: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> DeliveryOption:
    """The option `code` among `list_delivery_options(...)` for the same address, parcel and
    moment. Raises InvalidInput(code="invalid_delivery_method") when no method is chosen or
    the chosen one is not offered for this address and parcel."""
    if not code:
        message = _("Choose a delivery method.")
        raise InvalidInput(
            message, code="invalid_delivery_method", fields={"delivery_method": [message]}
        )
    for option in list_delivery_options(
        country=country,
        weight_grams=weight_grams,
        order_value=order_value,
        postcode=postcode,
        today=today,
        now=now,
    ):
        if option.code == code:
            return option
    message = _("This delivery method is not available for this address and parcel.")
    raise InvalidInput(
        message, code="invalid_delivery_method", fields={"delivery_method": [message]}
    )
