"""Orders to return, paid through the sandbox provider, and returns at each step.

`delivered_order()` is the consistent order of orders/tests/factories.py (2 × 2.95 + 4.25
at 20 %, 8.00 at 5.5 %, delivery 4.90, total 23.05), paid by card in the sandbox, then
prepared, shipped and delivered `days_ago` days ago."""

import datetime
import itertools

from django.utils import timezone

from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.orders.models import Order, OrderStatusChange
from orchestre.orders.services import mark_order_paid, transition_order
from orchestre.orders.tests.factories import place_test_order
from orchestre.payments.services import start_payment
from orchestre.returns.services import (
    Inspection,
    authorise_return,
    inspect_return,
    receive_return,
    request_withdrawal,
)

_keys = itertools.count(1)


def paid_order(**overrides) -> Order:
    order = place_test_order(**overrides)
    payment = start_payment(
        provider="sandbox",
        token="tok_success",
        amount=order.total,
        currency=order.currency,
        reference=order.number,
        idempotency_key=f"{order.number}:charge:{next(_keys)}",
        return_url="/checkout/return/x/",
    )
    assert payment.status == "succeeded", payment
    return mark_order_paid(order_id=order.pk, payment_reference=payment.provider_payment_id)


def delivered_order(*, days_ago: int = 2, **overrides) -> Order:
    order = paid_order(**overrides)
    for status in ("in_preparation", "shipped", "delivered"):
        transition_order(order_id=order.pk, to=status)
    OrderStatusChange.objects.filter(order=order, to_status="delivered").update(
        at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return Order.objects.prefetch_related("lines").get(pk=order.pk)


def all_quantities(order: Order) -> dict[int, int]:
    return {line.pk: line.quantity for line in order.product_lines}


def withdrawn(order: Order, quantities: dict[int, int] | None = None):
    return request_withdrawal(order_id=order.pk, quantities=quantities or all_quantities(order))


def inspected(order: Order, actor, quantities: dict[int, int] | None = None):
    """A withdrawal authorised, received in full and restocked in the main warehouse."""
    request = withdrawn(order, quantities)
    authorise_return(return_id=request.pk, actor=actor)
    lines = list(request.lines.all())
    receive_return(
        return_id=request.pk, received={line.pk: line.quantity for line in lines}, actor=actor
    )
    warehouse = WarehouseFactory()
    return inspect_return(
        return_id=request.pk,
        decisions={line.pk: Inspection(restock=line.quantity, write_off=0) for line in lines},
        warehouse_id=warehouse.pk,
        actor=actor,
    )
