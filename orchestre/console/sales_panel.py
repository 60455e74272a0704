"""The sales summary of the managers' and marketing's home, until the cockpit arrives:
the last 30 days against the 30 before, from the orders themselves."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from orchestre.orders.models import Order, OrderLine, OrderStatus

WINDOW_DAYS = 30
# Orders that count as sales: paid, whatever happened after (refunds are their own rows).
SOLD = (
    OrderStatus.PAID,
    OrderStatus.IN_PREPARATION,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.PARTIALLY_REFUNDED,
)


def home_panel(request: HttpRequest) -> dict:
    sales = Order.objects.filter(kind=Order.Kind.SALE, status__in=SOLD, currency="EUR")
    # The demo's history ends years ago: summarise the last 30 days that have sales.
    latest = sales.aggregate(latest=Max("placed_at"))["latest"]
    end = min(timezone.now(), latest + timedelta(seconds=1)) if latest else timezone.now()
    start = end - timedelta(days=WINDOW_DAYS)
    previous_start = start - timedelta(days=WINDOW_DAYS)
    current = _figures(sales.filter(placed_at__gte=start, placed_at__lt=end))
    previous = _figures(sales.filter(placed_at__gte=previous_start, placed_at__lt=start))
    top = (
        OrderLine.objects.filter(
            order__in=sales.filter(placed_at__gte=start, placed_at__lt=end),
            kind=OrderLine.Kind.PRODUCT,
        )
        .values("code", "description")
        .annotate(units=Sum("quantity"), revenue=Sum("amount"))
        .order_by("-revenue")[:5]
    )
    return {
        "start": start,
        "end": end,
        "current": current,
        "previous": previous,
        "top_products": list(top),
    }


def _figures(orders) -> dict:
    totals = orders.aggregate(revenue=Sum("total"), orders=Count("pk"))
    revenue = totals["revenue"] or Decimal("0")
    count = totals["orders"]
    return {
        "revenue": revenue,
        "orders": count,
        "average": (revenue / count).quantize(Decimal("0.01")) if count else None,
    }
