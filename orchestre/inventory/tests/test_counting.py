import pytest

from orchestre.core.models import AuditEntry
from orchestre.inventory.counting import (
    cancel_cycle_count,
    confirm_cycle_count,
    record_counted_quantities,
    start_cycle_count,
)
from orchestre.inventory.errors import CountStateConflict, InvalidCount
from orchestre.inventory.services import record_movement
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, ledger_disagreements, levels
from orchestre.team.tests.factories import staff_member


@pytest.fixture
def manager(db):
    return staff_member("inventory-manager")


def test_a_count_records_the_variances_as_count_movements(lyon, paris, manager):
    lamp = stocked_product((lyon, 10), sku="LAMP")
    vase = stocked_product((lyon, 4), sku="VASE")
    stocked_product((paris, 3), sku="ELSEWHERE")

    count = start_cycle_count(warehouse_id=lyon.pk, actor=manager)
    lines = {line.product.sku: line for line in count.lines.select_related("product")}
    assert {sku: line.expected_quantity for sku, line in lines.items()} == {"LAMP": 10, "VASE": 4}

    # A sale before the shelf is counted is in both the books and the shelf.
    record_movement(
        warehouse_id=lyon.pk, product_id=lamp.pk, kind="sale", quantity=-1, reference="OR-1"
    )
    record_counted_quantities(
        count_id=count.pk, counted={lines["LAMP"].pk: 7, lines["VASE"].pk: 4}, actor=manager
    )
    variances = {line.product.sku: line.variance for line in count.lines.select_related("product")}
    assert variances == {"LAMP": -2, "VASE": 0}

    movements = confirm_cycle_count(count_id=count.pk, actor=manager)

    assert [(m.product_id, m.kind, m.quantity, m.reference) for m in movements] == [
        (lamp.pk, "count", -2, f"COUNT-{count.pk}")
    ]
    assert levels(lamp) == {"lyon": (7, 0)}
    assert levels(vase) == {"lyon": (4, 0)}
    count.refresh_from_db()
    assert count.status == "confirmed"
    assert AuditEntry.objects.get(action="cycle_count.confirmed").changes == {
        "LAMP": [9, 7],
        "status": ["open", "confirmed"],
    }
    assert ledger_disagreements() == []


def test_confirming_needs_every_line_counted_and_happens_once(lyon, manager):
    lamp = stocked_product((lyon, 10), sku="LAMP")
    count = start_cycle_count(warehouse_id=lyon.pk, product_ids=[lamp.pk], actor=manager)
    before = everything()

    with pytest.raises(InvalidCount) as raised:
        confirm_cycle_count(count_id=count.pk, actor=manager)
    assert raised.value.message == "Count every line before confirming; not counted yet: LAMP."
    assert everything() == before

    line = count.lines.get()
    with pytest.raises(InvalidCount) as raised:
        record_counted_quantities(count_id=count.pk, counted={line.pk: -3}, actor=manager)
    assert raised.value.fields == {str(line.pk): ["Enter a whole number of units, 0 or more."]}

    record_counted_quantities(count_id=count.pk, counted={line.pk: 12}, actor=manager)
    confirm_cycle_count(count_id=count.pk, actor=manager)
    with pytest.raises(CountStateConflict):
        confirm_cycle_count(count_id=count.pk, actor=manager)
    assert levels(lamp) == {"lyon": (12, 0)}


def test_a_product_is_in_one_open_count_per_warehouse(lyon, manager):
    lamp = stocked_product((lyon, 10), sku="LAMP")
    first = start_cycle_count(warehouse_id=lyon.pk, product_ids=[lamp.pk], actor=manager)

    with pytest.raises(InvalidCount) as raised:
        start_cycle_count(warehouse_id=lyon.pk, product_ids=[lamp.pk], actor=manager)
    assert raised.value.message == "Already in an open count of this warehouse: LAMP."

    cancel_cycle_count(count_id=first.pk, actor=manager)
    start_cycle_count(warehouse_id=lyon.pk, product_ids=[lamp.pk], actor=manager)
    assert levels(lamp) == {"lyon": (10, 0)}


def test_nothing_to_count(lyon, manager):
    with pytest.raises(InvalidCount) as raised:
        start_cycle_count(warehouse_id=lyon.pk, actor=manager)
    assert raised.value.message == "There is nothing to count: choose at least one product."
