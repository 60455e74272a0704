"""Inventory reads."""

from collections.abc import Iterable

from django.db.models import F, Sum

from orchestre.inventory.models import StockLevel


def available_quantities(product_ids: Iterable[int]) -> dict[int, int]:
    """Units that can still be reserved per product: the sum over its warehouses of on hand
    minus reserved. Every id asked for is in the answer (0 without stock rows). One query,
    whatever the number of products; none for no products."""
    ids = set(product_ids)
    if not ids:
        return {}
    available = dict.fromkeys(ids, 0)
    available.update(
        StockLevel.objects.filter(product_id__in=ids)
        .values("product_id")
        .annotate(available=Sum(F("quantity") - F("reserved")))
        .order_by()
        .values_list("product_id", "available")
    )
    return available
