"""Staff API of customer service: every endpoint under the permission matrix, the ticket
flow, and bad input answered with a JSON error that changes nothing."""

import pytest
from django.test import Client
from django.utils import translation

from orchestre.core.models import AuditEntry, OutboxMessage
from orchestre.orders.tests.factories import paid_test_order
from orchestre.support.models import Ticket, TicketMessage
from orchestre.support.tests.factories import aged, customer_ticket
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


def test_tickets_are_listed_oldest_first_with_filters_and_a_capped_page(
    django_assert_max_num_queries,
):
    client = api_as("customer-service")
    late = aged(customer_ticket(subject="Late"), hours=10)
    fresh = customer_ticket(subject="Fresh")

    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/staff/tickets", {"limit": 1})
    overdue = client.get("/api/v1/staff/tickets", {"overdue": "true"}).json()
    too_many = client.get("/api/v1/staff/tickets", {"limit": 101})

    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2
    assert [(item["number"], item["overdue"]) for item in body["results"]] == [(late.number, True)]
    assert [item["number"] for item in overdue["results"]] == [late.number]
    assert too_many.status_code == 400 and too_many.json()["code"] == "invalid_request"
    assert fresh.number not in [item["number"] for item in overdue["results"]]


def test_a_ticket_is_read_with_its_whole_thread():
    client = api_as("customer-service")
    ticket = customer_ticket()

    response = client.get(f"/api/v1/staff/tickets/{ticket.number}")
    missing = client.get("/api/v1/staff/tickets/TK-99999")

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["channel"]) == (
        ticket.number,
        "new",
        "contact_form",
    )
    assert [(m["kind"], m["body"]) for m in body["messages"]] == [
        ("customer", "I ordered a week ago and have no news.")
    ]
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_ticket"


def test_staff_open_reply_note_and_solve_a_ticket_through_the_api():
    client = api_as("customer-service")
    order = paid_test_order()

    created = client.post(
        "/api/v1/staff/tickets",
        {
            "name": "Camille Durand",
            "email": "camille@example.org",
            "subject": "Phone call",
            "body": "Wants an invoice copy.",
            "language": "en",
            "priority": "high",
            "order": order.number,
        },
        content_type="application/json",
    )
    number = created.json()["number"]
    replied = client.post(
        f"/api/v1/staff/tickets/{number}/replies",
        {"body": "Here it is."},
        content_type="application/json",
    )
    noted = client.post(
        f"/api/v1/staff/tickets/{number}/replies",
        {"body": "Sent by e-mail.", "internal": True},
        content_type="application/json",
    )
    solved = client.post(
        f"/api/v1/staff/tickets/{number}/status",
        {"status": "solved"},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert (created.json()["order"], created.json()["priority"]) == (order.number, "high")
    assert (replied.status_code, replied.json()["status"]) == (201, "waiting")
    assert [m["kind"] for m in noted.json()["messages"]] == ["customer", "reply", "note"]
    assert solved.json()["status"] == "solved"
    assert OutboxMessage.objects.filter(key__startswith="ticket-reply-").count() == 1
    tickets_audit = AuditEntry.objects.filter(action__startswith="ticket.").order_by("pk")
    assert list(tickets_audit.values_list("action", "channel")) == [
        ("ticket.created", "api"),
        ("ticket.replied", "api"),
        ("ticket.noted", "api"),
        ("ticket.status_changed", "api"),
    ]


def test_bad_input_is_a_json_error_and_changes_nothing():
    client = api_as("customer-service")
    ticket = customer_ticket()

    empty_reply = client.post(
        f"/api/v1/staff/tickets/{ticket.number}/replies",
        {"body": " "},
        content_type="application/json",
    )
    new_status = client.post(
        f"/api/v1/staff/tickets/{ticket.number}/status",
        {"status": "new"},
        content_type="application/json",
    )
    unknown_status = client.post(
        f"/api/v1/staff/tickets/{ticket.number}/status",
        {"status": "done"},
        content_type="application/json",
    )
    bad_ticket = client.post(
        "/api/v1/staff/tickets",
        {"name": "", "email": "nope", "subject": "x", "body": "y"},
        content_type="application/json",
    )
    unknown_order = client.post(
        "/api/v1/staff/tickets",
        {"name": "A", "email": "a@example.org", "subject": "x", "body": "y", "order": "NOPE"},
        content_type="application/json",
    )

    assert empty_reply.status_code == 400
    assert empty_reply.json()["fields"] == {"body": ["Write a message of 1 to 10,000 characters."]}
    assert (new_status.status_code, new_status.json()["code"]) == (400, "invalid_status")
    assert (unknown_status.status_code, unknown_status.json()["code"]) == (400, "invalid_request")
    assert bad_ticket.status_code == 400
    assert set(bad_ticket.json()["fields"]) == {"name", "email"}
    assert (unknown_order.status_code, unknown_order.json()["code"]) == (404, "unknown_order")
    assert Ticket.objects.count() == 1
    assert TicketMessage.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/staff/tickets", None),
        ("get", "/api/v1/staff/tickets/TK-00001", None),
        (
            "post",
            "/api/v1/staff/tickets",
            {"name": "A", "email": "a@example.org", "subject": "S", "body": "B"},
        ),
        ("post", "/api/v1/staff/tickets/TK-00001/replies", {"body": "Hi"}),
        ("post", "/api/v1/staff/tickets/TK-00001/status", {"status": "closed"}),
    ],
)
def test_every_endpoint_needs_the_manage_tickets_permission(method, path, payload):
    customer_ticket()
    arguments = {"data": payload, "content_type": "application/json"} if payload else {}
    signed_in_customer = Client()
    signed_in_customer.force_login(customer_user())

    anonymous = getattr(Client(), method)(path, **arguments)
    customer = getattr(signed_in_customer, method)(path, **arguments)
    denied = getattr(api_as("logistics-manager"), method)(path, **arguments)

    assert (anonymous.status_code, customer.status_code) == (401, 401)
    assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()
    allowed = getattr(api_as("customer-service"), method)(path, **arguments)
    assert allowed.status_code in (200, 201)
