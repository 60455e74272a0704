from decimal import Decimal

import pytest

from orchestre.core.errors import Conflict, InvalidInput
from orchestre.core.models import AuditEntry
from orchestre.inventory.models import Warehouse
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.orders.tests.factories import place_test_order
from orchestre.payments.models import Payment, Refund
from orchestre.payments.tests.support import pay
from orchestre.shipping.models import Shipment
from orchestre.shipping.tests.factories import paid_order
from orchestre.support.goodwill import refund_order_line, refundable_on_lines, resend_order_items
from orchestre.support.models import GoodwillGesture
from orchestre.support.tests.factories import customer_ticket
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def paid_with_card():
    """A paid order (2 × 2.95 hearts = 5.90, a 4.25 mug, an 8.00 book) and its card payment."""
    order = paid_order()
    payment = pay(amount=order.total, reference=order.number, idempotency_key=order.number)
    return order, payment


def line(order, sku: str):
    return next(line for line in order.product_lines if line.code == sku)


def test_part_of_a_line_is_refunded_with_its_reason_and_audited():
    agent = staff_member("customer-service")
    order, payment = paid_with_card()
    ticket = customer_ticket(order_id=order.pk)
    heart = line(order, "85123A")

    gesture = refund_order_line(
        actor=agent,
        order_line_id=heart.pk,
        amount="2,95",
        reason="One heart arrived broken",
        idempotency_key="key-00000001",
        ticket_id=ticket.pk,
    )

    assert (gesture.kind, gesture.status, gesture.amount, gesture.ticket) == (
        "refund",
        "done",
        Decimal("2.95"),
        ticket,
    )
    assert gesture.refund.status == Refund.Status.SUCCEEDED
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("2.95")
    assert refundable_on_lines(order)[heart.pk] == Decimal("2.950")
    entry = AuditEntry.objects.get(action="goodwill.refund")
    assert (entry.actor, entry.note, entry.target_label) == (
        agent,
        "One heart arrived broken",
        order.number,
    )


def test_the_same_key_refunds_once():
    agent = staff_member("customer-service")
    order, payment = paid_with_card()
    heart = line(order, "85123A")
    arguments = {
        "actor": agent,
        "order_line_id": heart.pk,
        "amount": Decimal("1.00"),
        "reason": "Late",
        "idempotency_key": "key-00000002",
    }

    first = refund_order_line(**arguments)
    second = refund_order_line(**arguments)

    assert first.pk == second.pk
    assert Refund.objects.count() == 1
    with pytest.raises(Conflict) as refused:
        refund_order_line(**(arguments | {"amount": Decimal("2.00")}))
    assert refused.value.code == "idempotency_key_reused"


def test_never_more_than_the_line_and_nothing_changes_when_refused():
    agent = staff_member("customer-service")
    order, payment = paid_with_card()
    mug = line(order, "37370")
    refund_order_line(
        actor=agent,
        order_line_id=mug.pk,
        amount="3.00",
        reason="Chipped",
        idempotency_key="k-0000001",
    )

    with pytest.raises(Conflict) as refused:
        refund_order_line(
            actor=agent,
            order_line_id=mug.pk,
            amount="1.26",
            reason="Chipped again",
            idempotency_key="k-0000002",
        )

    assert refused.value.code == "exceeds_line"
    assert refused.value.message == "At most 1.25 EUR of this line can still be refunded."
    assert GoodwillGesture.objects.count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("3.00")


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "1.234", "NaN", "1e9", ""])
def test_an_invalid_amount_is_refused(amount):
    agent = staff_member("customer-service")
    order, _payment = paid_with_card()

    with pytest.raises(InvalidInput) as refused:
        refund_order_line(
            actor=agent,
            order_line_id=line(order, "85123A").pk,
            amount=amount,
            reason="x",
            idempotency_key="key-00000003",
        )

    assert refused.value.fields == {
        "amount": ["Enter a positive amount with at most two decimals."]
    }
    assert GoodwillGesture.objects.count() == 0


def test_an_unpaid_order_cannot_be_refunded():
    agent = staff_member("customer-service")
    order = place_test_order()

    with pytest.raises(Conflict) as refused:
        refund_order_line(
            actor=agent,
            order_line_id=order.product_lines[0].pk,
            amount="1.00",
            reason="x",
            idempotency_key="key-00000004",
        )

    assert refused.value.code == "not_refundable"
    assert GoodwillGesture.objects.count() == 0
    assert Payment.objects.count() == 0


def test_items_are_resent_at_no_charge():
    agent = staff_member("customer-service")
    order, _payment = paid_with_card()
    heart = line(order, "85123A")
    StockLevelFactory(
        warehouse=Warehouse.objects.get(code="lyon"), product=heart.product, quantity=5
    )

    gesture = resend_order_items(
        actor=agent,
        order_id=order.pk,
        quantities={heart.pk: 1},
        reason="Arrived broken",
        idempotency_key="key-00000005",
    )
    again = resend_order_items(
        actor=agent,
        order_id=order.pk,
        quantities={heart.pk: 1},
        reason="Arrived broken",
        idempotency_key="key-00000005",
    )

    shipment = Shipment.objects.get()
    assert again.pk == gesture.pk
    assert (gesture.kind, gesture.quantities, gesture.shipment_reference) == (
        "resend",
        {str(heart.pk): 1},
        shipment.number,
    )
    assert shipment.is_replacement
    assert AuditEntry.objects.filter(action="goodwill.resend", actor=agent).count() == 1


def test_resending_more_than_ordered_is_refused_and_changes_nothing():
    agent = staff_member("customer-service")
    order, _payment = paid_with_card()
    heart = line(order, "85123A")

    with pytest.raises(InvalidInput) as refused:
        resend_order_items(
            actor=agent,
            order_id=order.pk,
            quantities={heart.pk: 3, 999_999: 1},
            reason="Broken",
            idempotency_key="key-00000006",
        )

    assert refused.value.fields == {
        "quantities": ["85123A: resend from 1 to 2.", "Line 999999 is not a product of this order."]
    }
    assert Shipment.objects.count() == 0
    assert GoodwillGesture.objects.count() == 0
