"""Receipt, inspection, refund and credit note, with stock and money reconciled."""

from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.errors import InvalidInput
from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.orders.models import Order
from orchestre.orders.services import transition_order
from orchestre.payments.models import Payment, Refund
from orchestre.returns.errors import IllegalReturnTransition, InvalidReturnLines, RefundRefused
from orchestre.returns.models import CreditNote, ReturnLine, ReturnRequest
from orchestre.returns.services import (
    Inspection,
    authorise_return,
    inspect_return,
    receive_return,
    refund_return,
    reject_return,
)
from orchestre.returns.tests.factories import (
    delivered_order,
    inspected,
    paid_order,
    withdrawn,
)
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.offer import install_default_offer
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    if not DeliveryMethod.objects.exists():
        install_default_offer()
    return staff_member("customer-service")


def test_a_full_withdrawal_refunds_the_goods_and_the_cheapest_standard_delivery(staff):
    # 400 g in all: the relay delivery costs 3.90 for it today, less than the 4.90 paid.
    light = [ProductFactory(search_index=False, weight_grams=100) for _ in range(3)]
    order = delivered_order(products=light)
    request = inspected(order, staff)
    year = timezone.localdate().year

    refunded = refund_return(return_id=request.pk, actor=staff)

    # Goods 18.15; delivery paid 4.90, the cheapest standard delivery (relay) 3.90.
    assert (refunded.status, refunded.goods_refunded, refunded.delivery_refunded) == (
        "refunded",
        Decimal("18.15"),
        Decimal("3.90"),
    )
    payment = Payment.objects.get(reference=order.number)
    assert payment.amount_refunded == Decimal("22.05")
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.idempotency_key) == (
        Decimal("22.05"),
        "succeeded",
        f"return-refund:{request.number}:1",
    )
    note = CreditNote.objects.get()
    assert note.number == f"AV-{year}-000001"
    assert note.invoice_number == order.invoice.number
    # 20 %: 5.90 + 4.25 + delivery 3.90 = 14.05 → 11.71 + 2.34; 5.5 %: 8.00 → 7.58 + 0.42.
    assert note.vat_breakdown == [
        {"rate": "0.0550", "base": "7.58", "vat": "0.42"},
        {"rate": "0.2000", "base": "11.71", "vat": "2.34"},
    ]
    assert note.totals == {"total_excluding_vat": "19.29", "vat_total": "2.76", "total": "22.05"}
    assert [(line["sku"], line["quantity"], line["amount"]) for line in note.lines] == [
        ("85123A", 2, "5.90"),
        ("37370", 1, "4.25"),
        ("22988", 1, "8.00"),
        ("", 1, "3.90"),
    ]
    assert Order.objects.get(pk=order.pk).status == "partially_refunded"
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))[-1] == (
        "return.refunded"
    )
    assert OutboxMessage.objects.filter(key=f"return-refunded:{request.number}").count() == 1


def test_a_full_withdrawal_refunds_the_delivery_paid_when_no_standard_one_is_cheaper(staff):
    # 2 kg: the relay delivery costs 5.90 for it today, more than the 4.90 paid.
    request = inspected(delivered_order(), staff)

    refunded = refund_return(return_id=request.pk, actor=staff)

    assert (refunded.goods_refunded, refunded.delivery_refunded) == (
        Decimal("18.15"),
        Decimal("4.90"),
    )
    assert Order.objects.get(pk=refunded.order_id).status == "refunded"


def test_restocking_records_return_movements_in_the_ledger(staff):
    order = delivered_order()
    request = withdrawn(order)
    authorise_return(return_id=request.pk, actor=staff)
    heart, mug, book = request.lines.all()
    receive_return(return_id=request.pk, received={heart.pk: 2, mug.pk: 1, book.pk: 0}, actor=staff)
    warehouse = WarehouseFactory()

    inspect_return(
        return_id=request.pk,
        decisions={
            heart.pk: Inspection(restock=1, write_off=1),
            mug.pk: Inspection(restock=1, write_off=0),
        },
        warehouse_id=warehouse.pk,
        actor=staff,
    )

    movements = StockMovement.objects.filter(kind="return").order_by("pk")
    assert [(m.product_id, m.quantity, m.reference) for m in movements] == [
        (heart.order_line.product_id, 1, request.number),
        (mug.order_line.product_id, 1, request.number),
    ]
    assert StockLevel.objects.get(product_id=heart.order_line.product_id).quantity == 1
    heart.refresh_from_db()
    assert (heart.quantity_received, heart.quantity_restocked, heart.quantity_written_off) == (
        2,
        1,
        1,
    )
    # Part of the order is kept: no delivery refund; 2 × 2.95 + 4.25 = 10.15.
    refunded = refund_return(return_id=request.pk, actor=staff)
    assert (refunded.goods_refunded, refunded.delivery_refunded) == (
        Decimal("10.15"),
        Decimal("0.00"),
    )


def test_restocking_more_than_was_returned_is_refused_and_nothing_changes(staff):
    order = delivered_order()
    request = withdrawn(order)
    authorise_return(return_id=request.pk, actor=staff)
    heart, mug, book = request.lines.all()
    receive_return(return_id=request.pk, received={heart.pk: 1}, actor=staff)
    warehouse = WarehouseFactory()

    with pytest.raises(InvalidReturnLines) as raised:
        inspect_return(
            return_id=request.pk,
            decisions={heart.pk: Inspection(restock=2, write_off=0)},
            warehouse_id=warehouse.pk,
            actor=staff,
        )

    assert raised.value.fields == {
        f"line-{heart.pk}": ["You cannot restock more than was returned (1 received)."]
    }
    assert ReturnRequest.objects.get().status == "received"
    assert not StockMovement.objects.exists()
    assert ReturnLine.objects.filter(quantity_restocked__gt=0).count() == 0


def test_receiving_more_than_was_returned_is_refused(staff):
    request = withdrawn(delivered_order())
    authorise_return(return_id=request.pk, actor=staff)
    heart = request.lines.first()

    with pytest.raises(InvalidReturnLines) as raised:
        receive_return(return_id=request.pk, received={heart.pk: 3}, actor=staff)

    assert raised.value.fields == {
        f"line-{heart.pk}": ["Enter a whole number from 0 to 2 (units returned)."]
    }
    assert ReturnRequest.objects.get().status == "authorised"


def test_steps_out_of_order_are_refused(staff):
    request = withdrawn(delivered_order())

    with pytest.raises(IllegalReturnTransition) as raised:
        refund_return(return_id=request.pk, actor=staff)

    assert raised.value.message == "A return that is “Requested” cannot be refunded."
    assert not Refund.objects.exists()


def test_a_rejection_needs_a_reason_and_frees_the_units(staff):
    order = delivered_order()
    request = withdrawn(order)

    with pytest.raises(InvalidInput):
        reject_return(return_id=request.pk, reason="  ", actor=staff)
    assert ReturnRequest.objects.get().status == "requested"

    closed = reject_return(return_id=request.pk, reason="Article personnalisé", actor=staff)

    assert (closed.status, closed.rejection_reason) == ("closed", "Article personnalisé")
    assert withdrawn(order).status == "requested"


def test_a_second_refund_of_the_same_return_pays_nothing(staff):
    request = inspected(delivered_order(), staff)
    refund_return(return_id=request.pk, actor=staff)

    with pytest.raises(IllegalReturnTransition):
        refund_return(return_id=request.pk, actor=staff)

    assert Refund.objects.count() == 1
    assert CreditNote.objects.count() == 1


def test_an_order_not_yet_delivered_is_refunded_before_preparation_only(staff):
    order = paid_order()
    request = inspected(order, staff)

    refunded = refund_return(return_id=request.pk, actor=staff)

    assert refunded.status == "refunded"
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert Payment.objects.get(reference=order.number).amount_refunded == Decimal("23.05")


def test_a_parcel_sent_back_on_its_way_is_refunded(staff):
    order = paid_order()
    request = inspected(order, staff)
    transition_order(order_id=order.pk, to="in_preparation")
    transition_order(order_id=order.pk, to="shipped")

    refund_return(return_id=request.pk, actor=staff)

    order.refresh_from_db()
    assert Refund.objects.count() == 1
    assert ReturnRequest.objects.get().status == "refunded"
    assert order.status in ("refunded", "partially_refunded")


def test_a_refused_refund_changes_nothing_and_the_next_try_uses_a_new_key(staff, monkeypatch):
    from orchestre.payments.providers.base import RefundResult
    from orchestre.payments.providers.sandbox import SandboxProvider

    request = inspected(delivered_order(), staff)
    original = SandboxProvider.refund
    monkeypatch.setattr(
        SandboxProvider,
        "refund",
        lambda self, **kwargs: RefundResult(status="failed", failure_code="processing_error"),
    )

    with pytest.raises(RefundRefused) as raised:
        refund_return(return_id=request.pk, actor=staff)

    assert raised.value.code == "refund_failed"
    assert ReturnRequest.objects.get().status == "inspected"
    assert not CreditNote.objects.exists()
    monkeypatch.setattr(SandboxProvider, "refund", original)
    refunded = refund_return(return_id=request.pk, actor=staff)
    assert refunded.status == "refunded"
    assert list(Refund.objects.order_by("pk").values_list("idempotency_key", "status")) == [
        (f"return-refund:{request.number}:1", "failed"),
        (f"return-refund:{request.number}:2", "succeeded"),
    ]
