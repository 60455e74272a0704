"""The ledger under real concurrent clients: threads calling the staff API of a live
production server (gunicorn, two processes of eight threads) on the test database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db.models import Sum

from orchestre.checkout.tests.live_shop import ShopClient, live_shop
from orchestre.inventory.models import PurchaseOrder, StockLevel, StockMovement
from orchestre.inventory.purchasing import (
    LineInput,
    create_purchase_order,
    create_supplier,
    send_purchase_order,
)
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.inventory.tests.stock import ledger_disagreements
from orchestre.team.services import issue_api_token
from orchestre.team.tests.factories import staff_member

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def at_once(calls):
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def bearer() -> dict[str, str]:
    manager = staff_member("inventory-manager")
    _token, secret = issue_api_token(actor=manager, user=manager, name="live")
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


def test_transfers_both_ways_and_adjustments_keep_ledger_and_levels_equal():
    lyon = WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)
    paris = WarehouseFactory(code="paris", name="Paris", city="Paris", priority=2)
    stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    headers = bearer()
    with live_shop() as base_url:
        client = ShopClient(base_url)

        def transfer(source, target, units):
            body = {"sku": "LANTERN", "from_warehouse": source, "to_warehouse": target,
                    "quantity": units}  # fmt: skip
            return lambda: client.request("POST", "/api/v1/staff/stock/transfers", body, headers)

        def adjust(warehouse):
            body = {"sku": "LANTERN", "warehouse": warehouse, "quantity": -1, "reason": "lost"}
            return lambda: client.request("POST", "/api/v1/staff/stock/adjustments", body, headers)

        calls = [transfer("lyon", "paris", 3) for _ in range(10)]
        calls += [transfer("paris", "lyon", 2) for _ in range(10)]
        calls += [adjust("lyon") for _ in range(8)] + [adjust("paris") for _ in range(8)]
        answers = at_once(calls)

    assert {answer.status for answer in answers} <= {201, 409}, answers
    refused = [answer.body["code"] for answer in answers if answer.status == 409]
    assert set(refused) <= {"insufficient_stock"}
    adjusted = sum(answer.status == 201 for answer in answers[20:])
    # Transfers only move units: the total falls by the successful adjustments alone.
    assert StockLevel.objects.aggregate(total=Sum("quantity"))["total"] == 20 - adjusted
    assert StockLevel.objects.filter(quantity__lt=0).count() == 0
    assert ledger_disagreements() == []
    transfers = StockMovement.objects.filter(kind="transfer")
    assert transfers.aggregate(total=Sum("quantity"))["total"] in (0, None)
    assert transfers.count() == 2 * sum(answer.status == 201 for answer in answers[:20])


def test_concurrent_receipts_never_receive_more_than_ordered():
    lyon = WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)
    lantern = stocked_product((lyon, 0), sku="LANTERN")
    manager = staff_member("inventory-manager")
    supplier = create_supplier(name="Lumière", actor=manager)
    order = create_purchase_order(
        supplier_id=supplier.pk,
        warehouse_id=lyon.pk,
        lines=[LineInput(lantern.pk, 10, Decimal("2"))],
        actor=manager,
    )
    send_purchase_order(purchase_order_id=order.pk, actor=manager)
    line_id = order.lines.get().pk
    headers = bearer()
    with live_shop() as base_url:
        client = ShopClient(base_url)
        path = f"/api/v1/staff/purchase-orders/{order.pk}/receipts"
        body = {"lines": [{"line_id": line_id, "quantity": 2}]}
        answers = at_once([lambda: client.request("POST", path, body, headers)] * 8)

    assert sorted(answer.status for answer in answers) == [201] * 5 + [409] * 3
    # Once the fifth receipt completes the order, later ones find it received.
    assert {answer.body["code"] for answer in answers if answer.status == 409} == {
        "purchase_order_status"
    }
    assert sorted(answer.body["reference"] for answer in answers if answer.status == 201) == [
        f"{order.number}-R{n}" for n in range(1, 6)
    ]
    assert StockLevel.objects.get(product=lantern).quantity == 10
    assert PurchaseOrder.objects.get().status == "received"
    assert ledger_disagreements() == []
