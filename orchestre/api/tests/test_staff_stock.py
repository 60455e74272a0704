from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from orchestre.core.models import AuditEntry
from orchestre.inventory.models import PurchaseOrder, StockMovement
from orchestre.inventory.purchasing import LineInput, create_purchase_order, create_supplier
from orchestre.inventory.tests.factories import WarehouseFactory, stocked_product
from orchestre.inventory.tests.stock import everything, levels
from orchestre.team.services import issue_api_token
from orchestre.team.tests.factories import customer_user, staff_member


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def lyon(db):
    return WarehouseFactory(code="lyon", name="Lyon", city="Lyon", priority=1)


@pytest.fixture
def paris(db):
    return WarehouseFactory(code="paris", name="Paris", city="Paris", priority=2)


@pytest.fixture
def lamp(lyon):
    return stocked_product((lyon, 10), sku="LAMP", name="Lampe")


def api_as(user) -> Client:
    _token, secret = issue_api_token(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def signed_in_customer() -> Client:
    """A customer's session is no API token; customers cannot hold one."""
    client = Client()
    client.force_login(customer_user())
    return client


def manager_api():
    return api_as(staff_member("inventory-manager"))


READS = ["/api/v1/staff/stock", "/api/v1/staff/stock/movements", "/api/v1/staff/purchase-orders"]


@pytest.mark.parametrize("path", READS)
def test_reads_need_view_stock(path, lamp):
    assert Client().get(path).status_code == 401
    assert signed_in_customer().get(path).status_code == 401
    assert api_as(staff_member("content-editor")).get(path).status_code == 403
    assert api_as(staff_member("business-analyst")).get(path).status_code == 200


WRITES = [
    (
        "/api/v1/staff/stock/adjustments",
        {"sku": "LAMP", "warehouse": "lyon", "quantity": -1, "reason": "damaged"},
    ),
    (
        "/api/v1/staff/stock/transfers",
        {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "paris", "quantity": 1},
    ),
]


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_writes_need_manage_stock_and_change_nothing_when_refused(path, body, lamp, paris):
    before = everything()
    assert Client().post(path, body, content_type="application/json").status_code == 401
    assert signed_in_customer().post(path, body, content_type="application/json").status_code == 401
    for user in (staff_member("business-analyst"), staff_member("logistics-manager")):
        answer = api_as(user).post(path, body, content_type="application/json")
        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"
    assert everything() == before
    assert manager_api().post(path, body, content_type="application/json").status_code == 201


def test_levels_with_filters(lamp, paris):
    stocked_product((paris, 2), sku="VASE", name="Vase bleu")

    answer = manager_api().get("/api/v1/staff/stock", {"q": "vase"})

    assert answer.status_code == 200
    assert answer.json() == {
        "count": 1,
        "results": [
            {
                "sku": "VASE",
                "product_id": answer.json()["results"][0]["product_id"],
                "name": "Vase bleu",
                "warehouse": "paris",
                "quantity": 2,
                "reserved": 0,
                "available": 2,
                "reorder_point": 0,
                "reorder_quantity": 0,
                "below_reorder_point": False,
            }
        ],
    }
    assert manager_api().get("/api/v1/staff/stock", {"warehouse": "lyon"}).json()["count"] == 1
    assert manager_api().get("/api/v1/staff/stock", {"limit": 101}).status_code == 400


def test_adjustment_and_its_movement(lamp):
    client = manager_api()

    answer = client.post(
        "/api/v1/staff/stock/adjustments",
        {"sku": "LAMP", "warehouse": "lyon", "quantity": -3, "reason": "damaged", "note": "wet"},
        content_type="application/json",
    )

    assert answer.status_code == 201
    body = answer.json()
    assert (body["kind"], body["quantity"], body["reference"], body["note"]) == (
        "adjustment", -3, "damaged", "wet",
    )  # fmt: skip
    assert levels(lamp) == {"lyon": (7, 0)}
    assert AuditEntry.objects.get(action="stock.adjusted").channel == "api"
    movements = client.get("/api/v1/staff/stock/movements", {"sku": "LAMP"}).json()
    assert [(m["kind"], m["quantity"]) for m in movements["results"]] == [
        ("adjustment", -3),
        ("receipt", 10),
    ]


@pytest.mark.parametrize(
    ("body", "status", "code", "fields"),
    [
        (
            {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "lyon", "quantity": 1},
            400,
            "invalid_movement",
            {"to_warehouse": ["Choose a destination other than the source warehouse."]},
        ),
        (
            {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "paris", "quantity": 11},
            409,
            "insufficient_stock",
            {"LAMP": ["Only 10 left."]},
        ),
        (
            {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "paris", "quantity": -2},
            400,
            "invalid_movement",
            {"quantity": ["Transfer a positive number of units."]},
        ),
        (
            {"sku": "NOPE", "from_warehouse": "lyon", "to_warehouse": "paris", "quantity": 1},
            404,
            "unknown_stock_item",
            {"sku": ["This product does not exist."]},
        ),
        (
            {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "mars", "quantity": 1},
            404,
            "unknown_stock_item",
            {"to_warehouse": ["This warehouse does not exist."]},
        ),
    ],
)
def test_bad_transfers_are_explained_and_change_nothing(lamp, paris, body, status, code, fields):
    before = everything()

    answer = manager_api().post(
        "/api/v1/staff/stock/transfers", body, content_type="application/json"
    )

    assert answer.status_code == status
    assert (answer.json()["code"], answer.json()["fields"]) == (code, fields)
    assert everything() == before


def test_transfer(lamp, paris):
    answer = manager_api().post(
        "/api/v1/staff/stock/transfers",
        {"sku": "LAMP", "from_warehouse": "lyon", "to_warehouse": "paris", "quantity": 4},
        content_type="application/json",
    )

    assert answer.status_code == 201
    assert answer.json()["reference"] == "TRF-000001"
    assert [m["quantity"] for m in answer.json()["movements"]] == [-4, 4]
    assert levels(lamp) == {"lyon": (6, 0), "paris": (4, 0)}


def test_purchase_order_created_sent_and_received(lamp):
    manager = staff_member("inventory-manager")
    supplier = create_supplier(name="Lumière", actor=manager)
    client = api_as(manager)

    created = client.post(
        "/api/v1/staff/purchase-orders",
        {
            "supplier_id": supplier.pk,
            "warehouse": "lyon",
            "lines": [{"sku": "LAMP", "quantity": 5, "unit_cost": "2.40"}],
            "send": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    order = created.json()
    assert (order["number"], order["status"], order["lines"][0]["unit_cost"]) == (
        "PO-000001", "sent", "2.40",
    )  # fmt: skip
    line_id = order["lines"][0]["id"]
    path = f"/api/v1/staff/purchase-orders/{order['id']}/receipts"

    too_much = client.post(
        path, {"lines": [{"line_id": line_id, "quantity": 6}]}, content_type="application/json"
    )
    assert too_much.status_code == 409
    assert too_much.json()["fields"] == {
        str(line_id): ["Only 5 unit(s) of LAMP are still expected."]
    }
    assert levels(lamp) == {"lyon": (10, 0)}

    received = client.post(
        path, {"lines": [{"line_id": line_id, "quantity": 2}]}, content_type="application/json"
    )
    assert received.status_code == 201
    assert received.json()["reference"] == "PO-000001-R1"
    assert received.json()["purchase_order"]["status"] == "partially_received"
    assert levels(lamp) == {"lyon": (12, 0)}
    listing = client.get("/api/v1/staff/purchase-orders", {"status": "partially_received"}).json()
    assert [(o["number"], o["units_ordered"], o["units_received"]) for o in listing["results"]] == [
        ("PO-000001", 5, 2)
    ]


def test_purchase_order_permissions_and_bad_input(lamp):
    manager = staff_member("inventory-manager")
    supplier = create_supplier(name="Lumière", actor=manager)
    order = create_purchase_order(
        supplier_id=supplier.pk,
        warehouse_id=lamp.stock_levels.get().warehouse_id,
        lines=[LineInput(lamp.pk, 3, Decimal("1"))],
        actor=manager,
    )
    body = {
        "supplier_id": supplier.pk,
        "warehouse": "lyon",
        "lines": [{"sku": "NOPE", "quantity": 1, "unit_cost": "1"}],
    }
    analyst = api_as(staff_member("business-analyst"))
    assert (
        analyst.post(
            "/api/v1/staff/purchase-orders", body, content_type="application/json"
        ).status_code
        == 403
    )
    receipt = f"/api/v1/staff/purchase-orders/{order.pk}/receipts"
    line = {"lines": [{"line_id": order.lines.get().pk, "quantity": 1}]}
    assert analyst.post(receipt, line, content_type="application/json").status_code == 403

    answer = api_as(manager).post(
        "/api/v1/staff/purchase-orders", body, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"lines.0.sku": ["This product does not exist."]}
    draft = api_as(manager).post(receipt, line, content_type="application/json")
    assert draft.status_code == 409
    assert draft.json()["message"] == "Send the purchase order before receiving goods against it."
    missing = api_as(manager).post(
        f"/api/v1/staff/purchase-orders/{order.pk + 9}/receipts",
        line,
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert PurchaseOrder.objects.count() == 1
    assert StockMovement.objects.filter(kind="receipt").count() == 1
