"""Customer service's "resend an item": a replacement parcel at no charge."""

import pytest

from orchestre.core.models import AuditEntry
from orchestre.inventory.errors import InsufficientStock
from orchestre.inventory.models import StockLevel, StockMovement, Warehouse
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.orders.models import Order
from orchestre.shipping.errors import InvalidQuantities
from orchestre.shipping.models import Shipment
from orchestre.shipping.services import cancel_shipment, resend_items
from orchestre.shipping.tests.factories import paid_order, product_line_ids
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def test_resend_takes_the_units_out_of_stock():
    agent = staff_member("customer-service")
    order = paid_order()
    heart = next(line for line in order.product_lines if line.code == "85123A")
    level = StockLevelFactory(
        warehouse=Warehouse.objects.get(code="lyon"), product=heart.product, quantity=5
    )

    shipment = resend_items(
        order_id=order.pk, quantities={heart.pk: 1}, actor=agent, reason="Arrived broken"
    )

    assert (shipment.is_replacement, shipment.status, shipment.reason) == (
        True,
        "to_pick",
        "Arrived broken",
    )
    level.refresh_from_db()
    assert level.quantity == 4
    movement = StockMovement.objects.get(reference=shipment.number)
    assert (movement.kind, movement.quantity) == ("adjustment", -1)
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert AuditEntry.objects.filter(action="shipment.resent", actor=agent).count() == 1

    cancel_shipment(shipment_id=shipment.pk, actor=agent, reason="Found another")
    level.refresh_from_db()
    assert level.quantity == 5


def test_resend_refuses_more_than_ordered_and_missing_stock():
    agent = staff_member("customer-service")
    order = paid_order()
    lines = product_line_ids(order)

    with pytest.raises(InvalidQuantities) as error:
        resend_items(order_id=order.pk, quantities={lines["37370"]: 2}, actor=agent, reason="x")
    with pytest.raises(InvalidQuantities) as no_reason:
        resend_items(order_id=order.pk, quantities={lines["37370"]: 1}, actor=agent, reason=" ")
    with pytest.raises(InsufficientStock):
        resend_items(order_id=order.pk, quantities={lines["37370"]: 1}, actor=agent, reason="x")

    assert error.value.fields == {
        str(lines["37370"]): ["At most 1 units of 37370 can be resent (the quantity ordered)."]
    }
    assert no_reason.value.fields == {"reason": ["This field is required."]}
    assert Shipment.objects.count() == 0
    assert StockLevel.objects.count() == 0
    assert AuditEntry.objects.count() == 0
