"""The order state machine (docs/orders.md): which status may follow which, and what each
status means for the customer."""

from django.utils.translation import gettext_lazy as _

from orchestre.orders.models import OrderStatus

Status = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.AWAITING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset(
        {Status.IN_PREPARATION, Status.CANCELLED, Status.REFUNDED, Status.PARTIALLY_REFUNDED}
    ),
    # A withdrawal may come before delivery (a parcel refused or sent back): refundable.
    Status.IN_PREPARATION: frozenset(
        {Status.SHIPPED, Status.CANCELLED, Status.REFUNDED, Status.PARTIALLY_REFUNDED}
    ),
    Status.SHIPPED: frozenset({Status.DELIVERED, Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.DELIVERED: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    # A further partial refund keeps the status and is recorded in the history.
    Status.PARTIALLY_REFUNDED: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}

# What the order page tells the customer about each status.
EXPLANATIONS: dict[str, str] = {
    Status.AWAITING_PAYMENT: _(
        "We are waiting for the confirmation of your payment. Nothing is charged until the "
        "payment is confirmed."
    ),
    Status.PAID: _("Your payment has been received. We will start preparing your parcel soon."),
    Status.IN_PREPARATION: _("Our warehouse team is preparing your parcel."),
    Status.SHIPPED: _("Your parcel has left our warehouse and is on its way."),
    Status.DELIVERED: _(
        "Your parcel has been delivered. You may withdraw from the purchase within 14 days "
        "of delivery."
    ),
    Status.CANCELLED: _(
        "This order has been cancelled. Any amount charged is refunded to the card used."
    ),
    Status.REFUNDED: _("This order has been refunded in full."),
    Status.PARTIALLY_REFUNDED: _("Part of this order has been refunded."),
}


def sources_of(target: str) -> list[str]:
    """The statuses an order may be in to move to `target`."""
    return sorted(source for source, targets in TRANSITIONS.items() if target in targets)


def allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
