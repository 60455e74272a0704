"""Staff API of fulfilment: orders, parcels, packing, shipping, the carrier webhook."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from orchestre.core.models import AuditEntry
from orchestre.orders.models import Order
from orchestre.shipping import carriers
from orchestre.shipping.models import Shipment
from orchestre.shipping.tests.factories import paid_order, product_line_ids
from orchestre.team.services import issue_api_token
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def api_as(user) -> Client:
    _token, secret = issue_api_token(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def post(client, path, body=None):
    return client.post(
        "/api/v1" + path, data=json.dumps(body or {}), content_type="application/json"
    )


def test_create_pack_ship_through_the_api():
    order = paid_order()
    lines = product_line_ids(order)
    api = api_as(staff_member("logistics-manager"))

    created = post(
        api,
        "/staff/shipments",
        {"order": order.number, "lines": [{"order_line_id": lines["85123A"], "quantity": 2}]},
    )
    assert created.status_code == 201, created.json()
    shipment = created.json()
    assert (shipment["status"], shipment["order"]) == ("to_pick", order.number)

    packed = post(
        api,
        f"/staff/shipments/{shipment['id']}/pack",
        {"items": [{"sku": "85123A", "quantity": 2}]},
    )
    assert packed.json()["status"] == "packed"
    shipped = post(api, f"/staff/shipments/{shipment['id']}/ship")
    assert shipped.json()["tracking_number"].startswith("SBX")

    detail = api.get(f"/api/v1/staff/orders/{order.number}")
    assert detail.json()["units_shipped"] == 2
    assert detail.json()["status"] == "in_preparation"
    listing = api.get("/api/v1/staff/orders", {"to_prepare": "true"})
    assert [row["number"] for row in listing.json()["results"]] == [order.number]
    assert api.get("/api/v1/staff/shipments").json()["count"] == 1


def test_shipping_more_than_ordered_is_a_400_and_changes_nothing():
    order = paid_order()
    lines = product_line_ids(order)
    api = api_as(staff_member("logistics-manager"))

    response = post(
        api,
        "/staff/shipments",
        {"order": order.number, "lines": [{"order_line_id": lines["37370"], "quantity": 3}]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_quantities"
    assert response.json()["fields"] == {
        str(lines["37370"]): [
            "Only 1 of the 1 units of 37370 ordered are left to ship; the others are already "
            "in parcels."
        ]
    }
    assert Shipment.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert api.get("/api/v1/staff/orders/OR-0000-00000").status_code == 404


def test_permissions():
    order = paid_order()
    lines = product_line_ids(order)
    body = {"order": order.number, "lines": [{"order_line_id": lines["37370"], "quantity": 1}]}

    assert Client().get("/api/v1/staff/orders").status_code == 401
    # A customer cannot hold an API token: a signed-in customer session is not enough.
    customer = Client()
    customer.force_login(customer_user())
    assert customer.get("/api/v1/staff/orders").status_code == 401
    assert api_as(staff_member("content-editor")).get("/api/v1/staff/orders").status_code == 403
    reader = api_as(staff_member("inventory-manager"))
    assert reader.get("/api/v1/staff/orders").status_code == 200
    assert post(reader, "/staff/shipments", body).status_code == 403
    assert Shipment.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="shipment").count() == 0
    assert (
        post(api_as(staff_member("logistics-manager")), "/staff/shipments", body).status_code == 201
    )


def test_the_carrier_webhook_needs_a_valid_signature():
    order = paid_order()
    api = api_as(staff_member("logistics-manager"))
    lines = product_line_ids(order)
    created = post(
        api,
        "/staff/shipments",
        {"order": order.number, "lines": [{"order_line_id": lines["37370"], "quantity": 1}]},
    ).json()
    post(api, f"/staff/shipments/{created['id']}/pack", {"items": [{"sku": "37370"}]})
    number = post(api, f"/staff/shipments/{created['id']}/ship").json()["tracking_number"]
    events = carriers.track(number, now=timezone.now() + timedelta(days=1))
    body = carriers.webhook_body(number, events)

    forged = Client().post(
        "/api/v1/carriers/sandbox/webhook",
        data=body,
        content_type="application/json",
        headers={"Carrier-Signature": "t=1,v1=00"},
    )
    signed = Client().post(
        "/api/v1/carriers/sandbox/webhook",
        data=body,
        content_type="application/json",
        headers={"Carrier-Signature": carriers.sign(body)},
    )

    assert forged.status_code == 400
    assert signed.json() == {"recorded": 4}
    assert Shipment.objects.get().status == "delivered"
