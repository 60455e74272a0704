"""Console fulfilment: orders to prepare, pick list, picking, packing, shipping, parcels,
back-orders; every page and action under the permission matrix."""

import pytest
from django.test import Client

from orchestre.core.models import AuditEntry
from orchestre.orders.models import Order
from orchestre.shipping.models import Shipment
from orchestre.shipping.services import start_picking
from orchestre.shipping.tests.factories import paid_order, product_line_ids
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


def _client(role):
    client = Client()
    client.force_login(staff_member(role))
    return client


@pytest.fixture
def logistics():
    return _client("logistics-manager")


def test_orders_to_prepare_filters_sorts_exports(logistics, django_assert_max_num_queries):
    first = paid_order()
    second = paid_order()

    # Session, user, devices, permissions, menu, filters, count, page: not one per order.
    with django_assert_max_num_queries(14):
        page = logistics.get("/en/console/fulfilment/", {"sort": "-number"})
    exported = logistics.get("/en/console/fulfilment/", {"format": "csv", "sort": "number"})
    by_method = logistics.get("/en/console/fulfilment/", {"delivery_method": "nope"})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(second.number) < html.index(first.number)
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [first.number, second.number]
    assert rows[1].split(",")[4:6] == ["4", "4"]
    assert "Select a valid choice" in by_method.content.decode()


def test_the_pick_list_is_a_pdf_of_the_chosen_orders(logistics):
    order = paid_order()

    response = logistics.get("/en/console/fulfilment/pick-list.pdf", {"order": [order.pk]})
    empty = logistics.get("/en/console/fulfilment/pick-list.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.")
    assert empty.status_code == 302


def test_pick_pack_ship_through_the_console(logistics):
    order = paid_order()
    lines = product_line_ids(order)

    started = logistics.post("/en/console/fulfilment/start/", {"order": [order.pk]})
    shipment = Shipment.objects.get()
    assert started.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "in_preparation"

    base = f"/en/console/fulfilment/shipments/{shipment.pk}/"
    logistics.post(base + "pick/", {f"missing-{lines['22988']}": "1"})
    wrong = logistics.post(
        base + "scan/",
        {"sku": "NOPE", "quantity": 1},
        headers={"HX-Request": "true", "HX-Target": "packing"},
    )
    assert wrong.status_code == 422
    assert f"NOPE is not in parcel {shipment.number}: check the item." in wrong.content.decode()
    assert "<html" not in wrong.content.decode()
    too_many = logistics.post(base + "scan/", {"sku": "37370", "quantity": 2})
    assert too_many.status_code == 422
    assert "Too many units of 37370: the parcel holds 1 and 0 are already checked." in (
        too_many.content.decode()
    )
    logistics.post(base + "scan/", {"sku": "85123A", "quantity": 2})
    packed = logistics.post(base + "scan/", {"sku": "37370", "quantity": 1})
    assert "the parcel is packed" in packed.content.decode()

    logistics.post(base + "ship/")
    shipment.refresh_from_db()
    assert shipment.status == "shipped"
    assert shipment.tracking_number.startswith("SBX")
    label = logistics.get(base + "label.pdf")
    assert label["Content-Type"] == "application/pdf"
    back_orders = logistics.get("/en/console/fulfilment/back-orders/")
    assert order.number in back_orders.content.decode()
    assert "22988" in back_orders.content.decode()
    assert Order.objects.get(pk=order.pk).status == "in_preparation"


def test_shipment_pages_query_counts(logistics, django_assert_max_num_queries):
    actor = staff_member("logistics-manager")
    shipments = [start_picking(order_ids=[paid_order().pk], actor=actor)[0] for _ in range(3)]

    with django_assert_max_num_queries(12):
        listing = logistics.get("/en/console/fulfilment/shipments/")
    with django_assert_max_num_queries(12):
        detail = logistics.get(f"/en/console/fulfilment/shipments/{shipments[0].pk}/")
    with django_assert_max_num_queries(12):
        back_orders = logistics.get("/en/console/fulfilment/back-orders/")

    assert listing.status_code == detail.status_code == back_orders.status_code == 200
    assert logistics.get("/en/console/fulfilment/shipments/999999/").status_code == 404


def test_a_bad_cancel_shows_the_error_and_changes_nothing(logistics):
    (shipment,) = start_picking(
        order_ids=[paid_order().pk], actor=staff_member("logistics-manager")
    )

    response = logistics.post(f"/en/console/fulfilment/shipments/{shipment.pk}/cancel/", {})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Shipment.objects.get().status == "to_pick"


PAGES = [
    "/en/console/fulfilment/",
    "/en/console/fulfilment/shipments/",
    "/en/console/fulfilment/back-orders/",
]


@pytest.mark.parametrize("path", PAGES)
def test_reading_needs_view_orders(path):
    anonymous = Client().get(path)
    customer = Client()
    customer.force_login(customer_user())

    assert anonymous.status_code == 302
    assert "/console/sign-in/" in anonymous["Location"] or "sign" in anonymous["Location"]
    assert customer.get(path).status_code == 403
    assert _client("content-editor").get(path).status_code == 403
    assert _client("inventory-manager").get(path).status_code == 200


@pytest.mark.parametrize("action", ["start", "pick", "scan", "ship", "cancel"])
def test_every_write_needs_fulfil_orders(action):
    order = paid_order()
    (shipment,) = start_picking(order_ids=[order.pk], actor=staff_member("logistics-manager"))
    paths = {
        "start": "/en/console/fulfilment/start/",
        "pick": f"/en/console/fulfilment/shipments/{shipment.pk}/pick/",
        "scan": f"/en/console/fulfilment/shipments/{shipment.pk}/scan/",
        "ship": f"/en/console/fulfilment/shipments/{shipment.pk}/ship/",
        "cancel": f"/en/console/fulfilment/shipments/{shipment.pk}/cancel/",
    }
    data = {"order": [order.pk], "sku": "85123A", "quantity": 1, "reason": "test"}
    entries = AuditEntry.objects.count()
    customer = Client()
    customer.force_login(customer_user())

    assert Client().post(paths[action], data).status_code == 302
    assert customer.post(paths[action], data).status_code == 403
    assert _client("inventory-manager").post(paths[action], data).status_code == 403
    shipment.refresh_from_db()
    assert (shipment.status, shipment.lines.filter(packed__gt=0).count()) == ("to_pick", 0)
    assert AuditEntry.objects.count() == entries

    allowed = _client("logistics-manager").post(paths[action], data)
    assert allowed.status_code in (200, 302)
