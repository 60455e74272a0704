"""Staff API of the returns: every endpoint under the permission matrix, the whole flow,
and bad input answered with a JSON error that changes nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from orchestre.core.models import AuditEntry
from orchestre.inventory.models import StockMovement
from orchestre.inventory.tests.factories import WarehouseFactory
from orchestre.payments.models import Refund
from orchestre.returns.models import ReturnRequest
from orchestre.returns.services import authorise_return
from orchestre.returns.tests.factories import delivered_order, inspected, withdrawn
from orchestre.team.services import issue_api_token
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def api_as(role: str | None) -> Client:
    user = staff_member(role)
    _token, secret = issue_api_token(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})


def signed_in_customer() -> Client:
    client = Client()
    client.force_login(customer_user())
    return client


def post(client: Client, path: str, body: dict | None = None):
    return client.post(path, body or {}, content_type="application/json")


@pytest.mark.parametrize("path", ["/api/v1/staff/returns", "/api/v1/staff/returns/{number}"])
def test_reads_need_view_orders(path):
    request = withdrawn(delivered_order())
    path = path.format(number=request.number)

    assert Client().get(path).status_code == 401
    assert signed_in_customer().get(path).status_code == 401
    denied = api_as("marketing-manager").get(path)
    assert denied.status_code == 403
    assert denied.json()["message"] == "Your roles do not allow this action."
    assert api_as("business-analyst").get(path).status_code == 200


def test_the_list_filters_and_pages(django_assert_max_num_queries):
    first = withdrawn(delivered_order())
    second = withdrawn(delivered_order())
    ReturnRequest.objects.filter(pk=first.pk).update(status="authorised")
    client = api_as("customer-service")

    with django_assert_max_num_queries(6):
        everything = client.get("/api/v1/staff/returns", {"limit": 1})
    authorised = client.get("/api/v1/staff/returns", {"status": "authorised"})
    too_many = client.get("/api/v1/staff/returns", {"limit": 101})
    by_order = client.get("/api/v1/staff/returns", {"q": second.order.number})

    assert everything.json()["count"] == 2
    assert [item["number"] for item in everything.json()["results"]] == [second.number]
    assert [item["number"] for item in authorised.json()["results"]] == [first.number]
    assert too_many.status_code == 400
    assert [item["number"] for item in by_order.json()["results"]] == [second.number]


def test_an_unknown_return_is_a_404():
    answer = api_as("customer-service").get("/api/v1/staff/returns/RT-1999-00001")

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_return"


def test_the_whole_flow_through_the_api():
    order = delivered_order()
    heart, mug, book = order.product_lines
    warehouse = WarehouseFactory(code="lyon")
    service = api_as("customer-service")

    created = post(
        service,
        "/api/v1/staff/returns",
        {
            "order": order.number,
            "lines": [
                {"line_id": heart.pk, "quantity": 2},
                {"line_id": mug.pk, "quantity": 1},
                {"line_id": book.pk, "quantity": 1},
            ],
            "reason": "Colis refusé",
        },
    )
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    lines = created.json()["lines"]
    base = f"/api/v1/staff/returns/{number}"
    assert post(service, base + "/authorise").json()["status"] == "authorised"
    received = post(
        service,
        base + "/receive",
        {"lines": [{"line_id": line["id"], "quantity": line["quantity"]} for line in lines]},
    )
    assert received.json()["status"] == "received"
    inspected_answer = post(
        service,
        base + "/inspect",
        {
            "warehouse": "lyon",
            "lines": [
                {"line_id": line["id"], "restock": line["quantity"], "write_off": 0}
                for line in lines
            ],
        },
    )
    assert inspected_answer.json()["status"] == "inspected"
    refunded = post(service, base + "/refund")

    body = refunded.json()
    assert refunded.status_code == 200
    assert (
        body["status"],
        Decimal(body["goods_refunded"]),
        Decimal(body["delivery_refunded"]),
    ) == (
        "refunded",
        Decimal("18.15"),
        Decimal("4.90"),
    )
    assert body["credit_note"].startswith("AV-")
    assert StockMovement.objects.filter(kind="return", warehouse=warehouse).count() == 3
    assert set(
        AuditEntry.objects.filter(target_type="returns.returnrequest").values_list(
            "channel", flat=True
        )
    ) == {"api"}


@pytest.mark.parametrize(
    ("step", "denied", "allowed", "body"),
    [
        ("authorise", "ecommerce-manager", "logistics-manager", None),
        ("reject", "business-analyst", "inventory-manager", {"reason": "Hors délai"}),
    ],
)
def test_steps_need_manage_returns(step, denied, allowed, body):
    request = withdrawn(delivered_order())
    path = f"/api/v1/staff/returns/{request.number}/{step}"

    assert post(Client(), path, body).status_code == 401
    assert post(signed_in_customer(), path, body).status_code == 401
    assert post(api_as(denied), path, body).status_code == 403
    assert ReturnRequest.objects.get().status == "requested"
    assert post(api_as(allowed), path, body).status_code == 200
    assert ReturnRequest.objects.get().status != "requested"


def test_creating_needs_manage_returns_and_explains_bad_lines():
    order = delivered_order()
    heart = order.product_lines[0]
    body = {"order": order.number, "lines": [{"line_id": heart.pk, "quantity": 3}]}

    assert post(Client(), "/api/v1/staff/returns", body).status_code == 401
    assert post(api_as("business-analyst"), "/api/v1/staff/returns", body).status_code == 403
    refused = post(api_as("inventory-manager"), "/api/v1/staff/returns", body)
    twice = post(
        api_as("inventory-manager"),
        "/api/v1/staff/returns",
        {"order": order.number, "lines": [{"line_id": heart.pk, "quantity": 1}] * 2},
    )
    unknown = post(
        api_as("inventory-manager"), "/api/v1/staff/returns", {"order": "X", "lines": []}
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "code": "invalid_return_lines",
        "message": "Enter a whole number from 0 to 2.",
        "fields": {f"line-{heart.pk}": ["Enter a whole number from 0 to 2."]},
    }
    assert twice.json()["code"] == "duplicate_line"
    assert unknown.status_code == 404
    assert not ReturnRequest.objects.exists()


def test_receiving_and_inspecting_need_manage_returns_and_refuse_overstock():
    staff = staff_member("customer-service")
    request = withdrawn(delivered_order())
    authorise_return(return_id=request.pk, actor=staff)
    line = request.lines.first()
    path = f"/api/v1/staff/returns/{request.number}"
    receive = {"lines": [{"line_id": line.pk, "quantity": 1}]}

    assert post(api_as("business-analyst"), path + "/receive", receive).status_code == 403
    assert post(api_as("logistics-manager"), path + "/receive", receive).status_code == 200
    WarehouseFactory(code="lyon")
    inspect = {"warehouse": "lyon", "lines": [{"line_id": line.pk, "restock": 2, "write_off": 0}]}
    assert post(api_as("business-analyst"), path + "/inspect", inspect).status_code == 403
    refused = post(api_as("logistics-manager"), path + "/inspect", inspect)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        f"line-{line.pk}": ["You cannot restock more than was returned (1 received)."]
    }
    assert ReturnRequest.objects.get().status == "received"
    assert not StockMovement.objects.exists()


def test_refunding_needs_refund_payments():
    request = inspected(delivered_order(), staff_member("customer-service"))
    path = f"/api/v1/staff/returns/{request.number}/refund"

    assert post(Client(), path).status_code == 401
    assert post(api_as("logistics-manager"), path).status_code == 403
    assert not Refund.objects.exists()
    assert post(api_as("ecommerce-manager"), path).status_code == 200
    again = post(api_as("ecommerce-manager"), path)
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_return_transition"
    assert Refund.objects.count() == 1
