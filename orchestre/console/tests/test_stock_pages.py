from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from orchestre.core.models import AuditEntry
from orchestre.inventory.models import PurchaseOrder, Warehouse
from orchestre.inventory.purchasing import LineInput, create_purchase_order, create_supplier
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.inventory.tests.stock import everything, levels
from orchestre.team.tests.factories import staff_member


@pytest.fixture
def lyon(db):
    return WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)


@pytest.fixture
def paris(db):
    return WarehouseFactory(code="paris", name="Paris", city="Paris", priority=2)


@pytest.fixture
def lamp(lyon):
    return stocked_product((lyon, 10), sku="LAMP", name="Lampe")


@pytest.fixture
def order(lamp, lyon):
    manager = staff_member("inventory-manager")
    supplier = create_supplier(name="Lumière", actor=manager)
    return create_purchase_order(
        supplier_id=supplier.pk,
        warehouse_id=lyon.pk,
        lines=[LineInput(lamp.pk, 5, Decimal("2"))],
        actor=manager,
    )


def pages(lamp, order):
    return [
        reverse("console:stock"),
        reverse("console:stock_product", args=[lamp.pk]),
        reverse("console:stock_reorder"),
        reverse("console:stock_warehouses"),
        reverse("console:stock_purchase_orders"),
        reverse("console:stock_purchase_order", args=[order.pk]),
    ]


def test_reading_pages_need_view_stock(console_client, customer_client, lamp, order):
    for path in pages(lamp, order):
        assert Client().get(path).status_code == 302
        assert customer_client.get(path).status_code == 403
        assert console_client("content-editor").get(path).status_code == 403
        assert console_client("business-analyst").get(path).status_code == 200


def test_writes_need_manage_stock_and_change_nothing_when_refused(
    console_client, customer_client, lamp, paris, order
):
    writes = [
        (
            reverse("console:stock_adjust", args=[lamp.pk]),
            {"adjust-warehouse": lamp.stock_levels.get().warehouse_id, "adjust-quantity": -1,
             "adjust-reason": "damaged"},
        ),
        (
            reverse("console:stock_transfer", args=[lamp.pk]),
            {"transfer-from_warehouse": lamp.stock_levels.get().warehouse_id,
             "transfer-to_warehouse": paris.pk, "transfer-quantity": 1},
        ),
        (reverse("console:stock_purchase_order_status", args=[order.pk]), {"action": "send"}),
        (reverse("console:stock_warehouse_new"), {"code": "lille", "name": "Lille",
                                                  "city": "Lille", "priority": 3}),
    ]  # fmt: skip
    before = (everything(), list(PurchaseOrder.objects.values_list("status")))
    for path, data in writes:
        assert Client().post(path, data).status_code == 302
        assert customer_client.post(path, data).status_code == 403
        assert console_client("business-analyst").post(path, data).status_code == 403
        assert console_client("logistics-manager").post(path, data).status_code == 403
    assert (everything(), list(PurchaseOrder.objects.values_list("status"))) == before
    assert Warehouse.objects.filter(code="lille").count() == 0
    manager = console_client("inventory-manager")
    for path, data in writes:
        assert manager.post(path, data).status_code == 302, path
    assert levels(lamp) == {"lyon": (8, 0), "paris": (1, 0)}
    assert PurchaseOrder.objects.get().status == "sent"
    assert Warehouse.objects.filter(code="lille").count() == 1
    assert AuditEntry.objects.filter(channel="console").count() == 4


def test_levels_list_filters_sorts_and_exports(
    console_client, lamp, paris, django_assert_num_queries
):
    stocked_product((paris, 2), sku="VASE", name="Vase")
    client = console_client("inventory-manager")
    client.get(reverse("console:stock"))  # warms the session and permission caches

    with django_assert_num_queries(12):
        page = client.get("/en/console/stock/", {"q": "vase", "sort": "-quantity"})

    assert page.status_code == 200
    assert [level.product.sku for level in page.context["listing"].page] == ["VASE"]
    export = client.get("/en/console/stock/", {"format": "csv", "warehouse": paris.pk})
    assert b"".join(export.streaming_content).decode().splitlines() == [
        "\ufeffsku,name,warehouse,on hand,reserved,available,reorder point",
        "VASE,Vase,paris,2,0,2,0",
    ]


def test_a_transfer_to_the_same_warehouse_is_explained(console_client, lamp, lyon):
    before = everything()

    page = console_client("inventory-manager").post(
        f"/en/console/stock/products/{lamp.pk}/transfer/",
        {"transfer-from_warehouse": lyon.pk, "transfer-to_warehouse": lyon.pk,
         "transfer-quantity": 2},
    )  # fmt: skip

    assert page.status_code == 400
    assert page.context["transfer_form"].errors == {
        "to_warehouse": ["Choose a destination other than the source warehouse."]
    }
    assert everything() == before


def test_an_adjustment_beyond_the_stock_is_explained(console_client, lamp, lyon):
    before = everything()

    page = console_client("inventory-manager").post(
        f"/en/console/stock/products/{lamp.pk}/adjust/",
        {"adjust-warehouse": lyon.pk, "adjust-quantity": -11, "adjust-reason": "lost"},
    )

    assert page.status_code == 400
    assert page.context["adjustment_form"].non_field_errors() == [
        "Only 10 unit(s) of LAMP can leave Lyon (on hand and not held for a checkout)."
    ]
    assert everything() == before


def test_receiving_on_the_purchase_order_page(console_client, lamp, order):
    client = console_client("inventory-manager")
    client.post(reverse("console:stock_purchase_order_status", args=[order.pk]), {"action": "send"})
    line = order.lines.get()
    path = f"/en/console/stock/purchase-orders/{order.pk}/receive/"
    before = everything()

    refused = client.post(path, {f"line-{line.pk}": 6})
    assert refused.status_code == 400
    assert "Only 5 unit(s) of LAMP are still expected." in refused.content.decode()
    assert everything() == before

    assert client.post(path, {f"line-{line.pk}": 5}).status_code == 302
    assert levels(lamp) == {"lyon": (15, 0)}
    assert PurchaseOrder.objects.get().status == "received"


def test_new_purchase_order_from_lines(console_client, lamp, lyon, order):
    client = console_client("inventory-manager")
    data = {"supplier": order.supplier_id, "warehouse": lyon.pk, "lines": "LAMP 3 1.20\nNOPE 1 1"}

    refused = client.post("/en/console/stock/purchase-orders/new/", data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["lines"] == [
        "Line 2: write a known SKU, whole units and a unit cost."
    ]
    assert PurchaseOrder.objects.count() == 1

    data["lines"] = "LAMP 3 1.20"
    assert client.post("/en/console/stock/purchase-orders/new/", data).status_code == 302
    assert PurchaseOrder.objects.count() == 2
