"""Price reads: the history of a product's prices and the prior lowest price."""

import datetime
from decimal import Decimal

from django.utils import timezone

from orchestre.pricing.models import PriceHistory

PRIOR_PRICE_DAYS = 30  # the period the Omnibus directive sets for the prior price


def list_price_history(product_id: int, *, limit: int = 100) -> list[PriceHistory]:
    """The product's prices, latest first, at most `limit`."""
    return list(
        PriceHistory.objects.filter(product_id=product_id).order_by("-valid_from", "-pk")[:limit]
    )


def get_prior_lowest_price(
    product_id: int, *, at: datetime.datetime | None = None, days: int = PRIOR_PRICE_DAYS
) -> Decimal | None:
    """The lowest price the product had during the `days` before `at` (now by default),
    counting the price in force when that period began; None without any earlier price.
    This is the reference price a reduction announced at `at` must be compared with."""
    at = at or timezone.now()
    start = at - datetime.timedelta(days=days)
    history = PriceHistory.objects.filter(product_id=product_id, valid_from__lt=at)
    amounts = list(history.filter(valid_from__gte=start).values_list("amount", flat=True))
    in_force = history.filter(valid_from__lt=start).order_by("-valid_from", "-pk").first()
    if in_force is not None:
        amounts.append(in_force.amount)
    return min(amounts) if amounts else None
