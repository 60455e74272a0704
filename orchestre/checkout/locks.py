"""The only place the checkout locks rows."""

from orchestre.orders.models import Order


def lock_order(number: str) -> Order:
    """Lock an order until the transaction ends, so that two settlements of one payment
    (the shopper's return and the webhook) run one after the other. On SQLite the
    IMMEDIATE transaction already holds the database's write lock."""
    return Order.objects.select_for_update().get(number=number)
