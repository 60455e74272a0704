"""Reads of the orders. Every order comes with its invoice (if any) and its lines in entry
order (products, then the delivery line), so pages and e-mails read them without more
queries."""

from django.db.models import Prefetch, QuerySet

from orchestre.orders.errors import UnknownOrder
from orchestre.orders.models import Invoice, Order, OrderLine


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("invoice").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    )


def get_order_by_number(number: str) -> Order:
    """The order numbered `number` (two queries). Raises UnknownOrder."""
    try:
        return _orders().get(number=number)
    except Order.DoesNotExist:
        raise UnknownOrder() from None


def get_order_by_token(token: str) -> Order:
    """The web order whose access token is `token` (two queries). Raises UnknownOrder for
    any other token, the empty one included."""
    if not token:
        raise UnknownOrder()
    try:
        return _orders().get(access_token=token)
    except Order.DoesNotExist:
        raise UnknownOrder() from None


def get_order_status_by_token(token: str) -> Order:
    """Only the number, status, payment date and invoice number of the order of `token`
    (one query), for pages that poll for the payment's confirmation. Raises UnknownOrder."""
    order = (
        Order.objects.select_related("invoice")
        .only("number", "status", "paid_at", "access_token", "invoice__number")
        .filter(access_token=token)
        .first()
        if token
        else None
    )
    if order is None:
        raise UnknownOrder()
    return order


def get_invoice_by_token(token: str) -> Invoice:
    """The invoice of the order of `token`, with its order (one query). Raises UnknownOrder
    when there is no such order or it has no invoice yet."""
    invoice = (
        Invoice.objects.select_related("order").filter(order__access_token=token).first()
        if token
        else None
    )
    if invoice is None:
        raise UnknownOrder()
    return invoice


def list_orders_for_user(user) -> QuerySet[Order]:
    """The web orders placed by `user` while signed in, latest first (two queries; none
    for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    return _orders().filter(user=user, source=Order.Source.WEB).order_by("-placed_at", "-pk")
