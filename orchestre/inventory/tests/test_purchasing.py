from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.inventory.errors import (
    InvalidPurchaseOrder,
    PurchaseOrderStateConflict,
    ReceivingTooMuch,
)
from orchestre.inventory.models import PurchaseOrder, StockLevel, StockMovement, Supplier
from orchestre.inventory.purchasing import (
    LineInput,
    cancel_purchase_order,
    create_purchase_order,
    create_supplier,
    receive_purchase_order,
    send_purchase_order,
)
from orchestre.inventory.selectors import (
    list_reorder_suggestions,
    list_warehouse_summaries,
    units_on_order,
)
from orchestre.inventory.services import set_reorder_levels
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, ledger_disagreements, levels
from orchestre.team.tests.factories import staff_member


@pytest.fixture
def manager(db):
    return staff_member("inventory-manager")


@pytest.fixture
def supplier(manager):
    return create_supplier(name="Lumière SA", email="orders@lumiere.example", actor=manager)


def ordered(supplier, warehouse, manager, *lines):
    order = create_purchase_order(
        supplier_id=supplier.pk,
        warehouse_id=warehouse.pk,
        lines=[LineInput(product.pk, units, Decimal(cost)) for product, units, cost in lines],
        actor=manager,
    )
    return send_purchase_order(purchase_order_id=order.pk, actor=manager)


def test_a_purchase_order_is_sent_received_in_parts_then_complete(lyon, supplier, manager):
    lamp = stocked_product((lyon, 2), sku="LAMP")
    vase = stocked_product(sku="VASE")
    order = ordered(supplier, lyon, manager, (lamp, 10, "3.50"), (vase, 4, "12"))
    assert (order.number, order.status) == ("PO-000001", "sent")
    assert OutboxMessage.objects.get().payload["to"] == "orders@lumiere.example"
    lamp_line, vase_line = order.lines.order_by("pk")
    assert units_on_order() == {(lamp.pk, lyon.pk): 10, (vase.pk, lyon.pk): 4}

    first = receive_purchase_order(
        purchase_order_id=order.pk, quantities={lamp_line.pk: 6, vase_line.pk: 0}, actor=manager
    )
    order.refresh_from_db()
    assert (first.reference, order.status) == ("PO-000001-R1", "partially_received")
    assert levels(lamp) == {"lyon": (8, 0)}
    assert units_on_order() == {(lamp.pk, lyon.pk): 4, (vase.pk, lyon.pk): 4}

    receive_purchase_order(
        purchase_order_id=order.pk, quantities={lamp_line.pk: 4, vase_line.pk: 4}, actor=manager
    )
    order.refresh_from_db()
    assert order.status == "received"
    assert levels(vase) == {"lyon": (4, 0)}
    assert list(
        StockMovement.objects.filter(kind="receipt", reference__startswith="PO-")
        .order_by("pk")
        .values_list("product__sku", "quantity", "reference")
    ) == [("LAMP", 6, "PO-000001-R1"), ("LAMP", 4, "PO-000001-R2"), ("VASE", 4, "PO-000001-R2")]
    assert units_on_order() == {}
    assert ledger_disagreements() == []
    assert AuditEntry.objects.filter(action="purchase_order.received").count() == 2


def test_receiving_more_than_outstanding_is_refused(lyon, supplier, manager):
    lamp = stocked_product((lyon, 2), sku="LAMP")
    order = ordered(supplier, lyon, manager, (lamp, 10, "3.50"))
    line = order.lines.get()
    receive_purchase_order(purchase_order_id=order.pk, quantities={line.pk: 7}, actor=manager)
    before = everything()

    with pytest.raises(ReceivingTooMuch) as raised:
        receive_purchase_order(purchase_order_id=order.pk, quantities={line.pk: 4}, actor=manager)

    assert raised.value.message == (
        "You cannot receive more than is still expected on the purchase order."
    )
    assert raised.value.fields == {str(line.pk): ["Only 3 unit(s) of LAMP are still expected."]}
    assert everything() == before
    assert PurchaseOrder.objects.get().status == "partially_received"


@pytest.mark.parametrize(
    ("quantities", "field", "message"),
    [
        ("negative", "line", "Enter a whole number of units, 0 or more."),
        ("nothing", "quantities", "Enter the units received for at least one line."),
        ("foreign", "foreign", "This line is not on purchase order PO-000001."),
    ],
)
def test_bad_receipts_change_nothing(lyon, supplier, manager, quantities, field, message):
    lamp = stocked_product((lyon, 2))
    order = ordered(supplier, lyon, manager, (lamp, 10, "3.50"))
    line = order.lines.get()
    asked = {
        "negative": {line.pk: -1},
        "nothing": {line.pk: 0},
        "foreign": {line.pk + 100: 1},
    }[quantities]
    field = {"line": str(line.pk), "foreign": str(line.pk + 100)}.get(field, field)
    before = everything()

    with pytest.raises(InvalidPurchaseOrder) as raised:
        receive_purchase_order(purchase_order_id=order.pk, quantities=asked, actor=manager)

    assert raised.value.fields == {field: [message]}
    assert everything() == before


def test_drafts_cannot_be_received_and_received_goods_cannot_be_cancelled(lyon, supplier, manager):
    lamp = stocked_product((lyon, 2))
    draft = create_purchase_order(
        supplier_id=supplier.pk,
        warehouse_id=lyon.pk,
        lines=[LineInput(lamp.pk, 5, Decimal("1"))],
        actor=manager,
    )
    with pytest.raises(PurchaseOrderStateConflict) as raised:
        receive_purchase_order(
            purchase_order_id=draft.pk, quantities={draft.lines.get().pk: 1}, actor=manager
        )
    assert raised.value.message == "Send the purchase order before receiving goods against it."

    send_purchase_order(purchase_order_id=draft.pk, actor=manager)
    receive_purchase_order(
        purchase_order_id=draft.pk, quantities={draft.lines.get().pk: 1}, actor=manager
    )
    with pytest.raises(PurchaseOrderStateConflict):
        cancel_purchase_order(purchase_order_id=draft.pk, actor=manager)
    assert PurchaseOrder.objects.get().status == "partially_received"


def test_cancelling_a_sent_order(lyon, supplier, manager):
    lamp = stocked_product((lyon, 2))
    order = ordered(supplier, lyon, manager, (lamp, 10, "3.50"))

    cancel_purchase_order(purchase_order_id=order.pk, actor=manager)

    assert PurchaseOrder.objects.get().status == "cancelled"
    assert units_on_order() == {}


def test_bad_purchase_orders_are_explained(lyon, supplier, manager):
    lamp = stocked_product((lyon, 2))
    inactive = Supplier.objects.create(name="Old", is_active=False)

    with pytest.raises(InvalidPurchaseOrder) as raised:
        create_purchase_order(
            supplier_id=supplier.pk,
            warehouse_id=lyon.pk,
            lines=[
                LineInput(lamp.pk, 0, Decimal("1")),
                LineInput(lamp.pk, 2, Decimal("-1")),
                LineInput(lamp.pk + 50, 2, Decimal("1")),
            ],
            actor=manager,
        )
    assert raised.value.fields == {
        "lines.0.quantity": ["Order a whole number of units, at least 1."],
        "lines.1.product": ["This product is already on another line."],
        "lines.1.unit_cost": ["Enter a unit cost of 0 or more."],
        "lines.2.product": ["This product does not exist."],
    }
    with pytest.raises(InvalidPurchaseOrder) as raised:
        create_purchase_order(
            supplier_id=inactive.pk, warehouse_id=lyon.pk, lines=[], actor=manager
        )
    assert raised.value.message == "This supplier is no longer active."
    with pytest.raises(InvalidPurchaseOrder) as raised:
        create_supplier(name="lumière sa", actor=manager)
    assert raised.value.fields == {"name": ["A supplier with this name already exists."]}
    assert PurchaseOrder.objects.count() == 0


def test_warehouse_value_at_the_last_purchase_cost(lyon, paris, supplier, manager):
    lamp = stocked_product((lyon, 4), (paris, 1))
    stocked_product((lyon, 3))
    ordered(supplier, lyon, manager, (lamp, 10, "2.50"))

    summaries = {summary.warehouse.code: summary for summary in list_warehouse_summaries()}

    assert (summaries["lyon"].units, summaries["lyon"].products) == (7, 2)
    assert summaries["lyon"].value == Decimal("10.00")
    assert summaries["lyon"].unvalued_units == 3
    assert (summaries["paris"].units, summaries["paris"].value) == (1, Decimal("2.50"))


def test_reorder_suggestion_formula(lyon, supplier, manager):
    supplier.lead_time_days = 16
    supplier.save()
    lamp = stocked_product((lyon, 40), sku="LAMP")
    idle = stocked_product((lyon, 1), sku="IDLE")
    set_reorder_levels(
        warehouse_id=lyon.pk,
        product_id=idle.pk,
        reorder_point=3,
        reorder_quantity=12,
        actor=manager,
    )
    now = timezone.now()
    # 30 sold over the last 30 days (1 a day), 99 long before.
    for units, days_ago in ((20, 3), (10, 29), (99, 45)):
        StockMovement.objects.create(
            warehouse=lyon, product=lamp, kind="sale", quantity=-units, reference="OR",
            created_at=now - timedelta(days=days_ago),
        )  # fmt: skip
    StockLevel.objects.filter(product=lamp).update(quantity=10)  # what those sales left
    ordered(supplier, lyon, manager, (lamp, 5, "1"))

    suggestions = list_reorder_suggestions(days=30, cover_days=14, now=now)

    assert [
        (s.level.product.sku, s.sold, s.daily_sales, s.lead_time_days, s.on_order, s.suggested)
        for s in suggestions
    ] == [
        # need = ceil(1 × (16 + 14)) = 30; position = 10 on hand + 5 on order.
        ("LAMP", 30, Decimal("1.00"), 16, 5, 15),
        # No sales, position 1 below the point 3: the reorder quantity.
        ("IDLE", 0, Decimal("0.00"), 7, 0, 12),
    ]
