from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.inventory.errors import InsufficientStock, InvalidMovement, UnknownStockItem
from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.inventory.services import (
    adjust_stock,
    allocate_reservations,
    record_movement,
    reserve_stock,
    set_reorder_levels,
    transfer_stock,
)
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, ledger_disagreements, levels
from orchestre.team.tests.factories import staff_member


@pytest.fixture
def manager(db):
    return staff_member("inventory-manager", email="stock@shop.example")


def test_record_movement_changes_the_level_and_writes_the_ledger(lyon, manager):
    lamp = stocked_product((lyon, 5), sku="LAMP")

    movement = record_movement(
        warehouse_id=lyon.pk,
        product_id=lamp.pk,
        kind="return",
        quantity=2,
        reference="RMA-1",
        actor=manager,
        note="back from customer",
    )

    assert (movement.kind, movement.quantity, movement.reference, movement.note) == (
        "return",
        2,
        "RMA-1",
        "back from customer",
    )
    assert movement.actor == manager
    assert levels(lamp) == {"lyon": (7, 0)}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes, entry.actor_id) == (
        "stock.return",
        {"lyon": [5, 7]},
        manager.pk,
    )
    assert ledger_disagreements() == []


def test_record_movement_creates_a_missing_level_for_units_coming_in(lyon, paris):
    lamp = stocked_product((lyon, 5))

    record_movement(
        warehouse_id=paris.pk, product_id=lamp.pk, kind="receipt", quantity=4, reference="X"
    )

    assert levels(lamp) == {"lyon": (5, 0), "paris": (4, 0)}
    assert AuditEntry.objects.count() == 0
    assert ledger_disagreements() == []


@pytest.mark.parametrize(
    ("kind", "quantity", "error", "message"),
    [
        (
            "receipt",
            -1,
            InvalidMovement,
            "Units come in by a receipt: the quantity must be positive.",
        ),
        ("sale", 2, InvalidMovement, "Units leave by a sale: the quantity must be negative."),
        ("adjustment", 0, InvalidMovement, "A movement of zero units changes nothing."),
        ("adjustment", 1.5, InvalidMovement, "A quantity must be a whole number."),
        ("gift", 1, InvalidMovement, "Unknown kind of movement."),
        (
            "adjustment",
            -6,
            InsufficientStock,
            "Only 5 unit(s) of LAMP can leave Lyon (on hand and not held for a checkout).",
        ),
    ],
)
def test_bad_movements_change_nothing(lyon, kind, quantity, error, message):
    lamp = stocked_product((lyon, 5), sku="LAMP")
    before = everything()

    with pytest.raises(error) as raised:
        record_movement(
            warehouse_id=lyon.pk, product_id=lamp.pk, kind=kind, quantity=quantity, reference="x"
        )

    assert raised.value.message == message
    assert everything() == before


def test_reserved_units_cannot_leave_by_a_movement(lyon):
    lamp = stocked_product((lyon, 5), sku="LAMP")
    reserve_stock(
        reference="cart", quantities={lamp.pk: 4}, expires_at=timezone.now() + timedelta(minutes=5)
    )

    with pytest.raises(InsufficientStock) as raised:
        record_movement(
            warehouse_id=lyon.pk, product_id=lamp.pk, kind="adjustment", quantity=-2, reference="x"
        )

    assert raised.value.shortages == {"LAMP": 1}
    assert levels(lamp) == {"lyon": (5, 4)}


def test_unknown_product_or_warehouse(lyon):
    lamp = stocked_product((lyon, 5))
    before = everything()

    with pytest.raises(UnknownStockItem) as raised:
        record_movement(
            warehouse_id=lyon.pk, product_id=lamp.pk + 99, kind="receipt", quantity=1, reference="x"
        )
    assert raised.value.fields == {"product": ["This product does not exist."]}
    with pytest.raises(UnknownStockItem) as raised:
        record_movement(
            warehouse_id=lyon.pk + 99, product_id=lamp.pk, kind="receipt", quantity=1, reference="x"
        )
    assert raised.value.fields == {"warehouse": ["This warehouse does not exist."]}
    assert everything() == before


def test_adjustment_needs_a_reason_and_a_note_for_other(lyon, manager):
    lamp = stocked_product((lyon, 5))
    before = everything()

    with pytest.raises(InvalidMovement) as raised:
        adjust_stock(
            warehouse_id=lyon.pk, product_id=lamp.pk, quantity=-1, reason="", actor=manager
        )
    assert raised.value.fields == {"reason": ["Choose a reason for the adjustment."]}
    with pytest.raises(InvalidMovement) as raised:
        adjust_stock(
            warehouse_id=lyon.pk, product_id=lamp.pk, quantity=-1, reason="other", actor=manager
        )
    assert raised.value.fields == {"note": ["Say why in the note."]}
    assert everything() == before

    movement = adjust_stock(
        warehouse_id=lyon.pk,
        product_id=lamp.pk,
        quantity=-2,
        reason="damaged",
        actor=manager,
        note="dropped",
    )

    assert (movement.kind, movement.quantity, movement.reference) == ("adjustment", -2, "damaged")
    assert levels(lamp) == {"lyon": (3, 0)}
    assert AuditEntry.objects.get().note == "damaged dropped"


def test_transfer_moves_units_with_two_movements(lyon, paris, manager):
    lamp = stocked_product((lyon, 5), sku="LAMP")

    out, into = transfer_stock(
        product_id=lamp.pk,
        from_warehouse_id=lyon.pk,
        to_warehouse_id=paris.pk,
        quantity=3,
        actor=manager,
    )

    assert (out.quantity, into.quantity, out.kind, into.kind) == (-3, 3, "transfer", "transfer")
    assert out.reference == into.reference == "TRF-000001"
    assert levels(lamp) == {"lyon": (2, 0), "paris": (3, 0)}
    assert AuditEntry.objects.get().changes == {"lyon": [5, 2], "paris": [0, 3]}
    assert ledger_disagreements() == []


@pytest.mark.parametrize(
    ("quantity", "same", "error", "field", "message"),
    [
        (6, False, InsufficientStock, "LAMP", "Only 5 left."),
        (-1, False, InvalidMovement, "quantity", "Transfer a positive number of units."),
        (
            2,
            True,
            InvalidMovement,
            "to_warehouse",
            "Choose a destination other than the source warehouse.",
        ),
    ],
)
def test_bad_transfers_change_nothing(lyon, paris, manager, quantity, same, error, field, message):
    lamp = stocked_product((lyon, 5), sku="LAMP")
    before = everything()

    with pytest.raises(error) as raised:
        transfer_stock(
            product_id=lamp.pk,
            from_warehouse_id=lyon.pk,
            to_warehouse_id=lyon.pk if same else paris.pk,
            quantity=quantity,
            actor=manager,
        )

    assert raised.value.fields == {field: [message]}
    assert everything() == before
    assert AuditEntry.objects.count() == 0


def test_falling_below_the_reorder_point_mails_the_managers_once_per_crossing(lyon, manager):
    staff_member("logistics-manager")
    lamp = stocked_product((lyon, 10), sku="LAMP")
    set_reorder_levels(
        warehouse_id=lyon.pk,
        product_id=lamp.pk,
        reorder_point=5,
        reorder_quantity=20,
        actor=manager,
    )
    assert OutboxMessage.objects.count() == 0

    def move(units):
        record_movement(
            warehouse_id=lyon.pk,
            product_id=lamp.pk,
            kind="adjustment",
            quantity=units,
            reference="x",
        )

    move(-6)  # 4: below
    move(-1)  # 3: still below, no new e-mail
    level = StockLevel.objects.get(product=lamp)
    assert (level.low_stock_alerted, level.low_stock_crossings) == (True, 1)
    assert list(OutboxMessage.objects.values_list("key", "payload__to")) == [
        (f"low-stock:{level.pk}:1:{manager.pk}", "stock@shop.example")
    ]
    move(5)  # 8: back above
    move(-4)  # 4: below again
    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.order_by("pk").last().key == f"low-stock:{level.pk}:2:{manager.pk}"


def test_raising_the_reorder_point_above_the_stock_is_a_crossing(lyon, manager):
    lamp = stocked_product((lyon, 3))

    level = set_reorder_levels(
        warehouse_id=lyon.pk,
        product_id=lamp.pk,
        reorder_point=5,
        reorder_quantity=10,
        actor=manager,
    )

    assert (level.reorder_point, level.reorder_quantity, level.low_stock_alerted) == (5, 10, True)
    assert OutboxMessage.objects.count() == 1
    assert AuditEntry.objects.get().changes == {
        "reorder_point": [0, 5],
        "reorder_quantity": [0, 10],
    }


def test_reorder_levels_refuse_negative_values(lyon, manager):
    lamp = stocked_product((lyon, 3))
    before = everything()

    with pytest.raises(InvalidMovement) as raised:
        set_reorder_levels(
            warehouse_id=lyon.pk,
            product_id=lamp.pk,
            reorder_point=-1,
            reorder_quantity=1,
            actor=manager,
        )

    assert raised.value.fields == {"reorder_point": ["Enter a whole number between 0 and 1000000."]}
    assert everything() == before


def test_sales_allocated_below_the_point_are_announced(lyon, manager):
    lamp = stocked_product((lyon, 6))
    set_reorder_levels(
        warehouse_id=lyon.pk,
        product_id=lamp.pk,
        reorder_point=5,
        reorder_quantity=10,
        actor=manager,
    )
    reserve_stock(
        reference="cart", quantities={lamp.pk: 2}, expires_at=timezone.now() + timedelta(minutes=5)
    )

    allocate_reservations(reference="cart", order_number="OR-1")

    assert StockMovement.objects.filter(kind="sale").count() == 1
    assert OutboxMessage.objects.filter(key__startswith="low-stock:").count() == 1
