"""Console, customer service: customer search, the customer 360 view, goodwill gestures."""

from decimal import Decimal

import pytest
from django.test import Client

from orchestre.core.models import AuditEntry
from orchestre.inventory.models import Warehouse
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.payments.models import Refund
from orchestre.payments.tests.support import pay
from orchestre.shipping.models import Shipment
from orchestre.shipping.services import resend_items
from orchestre.shipping.tests.factories import paid_order
from orchestre.support.models import GoodwillGesture
from orchestre.support.tests.factories import customer_ticket
from orchestre.team.tests.factories import customer_user, staff_member

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def customer_with_history():
    """A customer with an account, two paid orders (one with a card payment and a
    replacement parcel) and a ticket."""
    user = customer_user(email="claire@example.fr")
    customer = user.customer
    first = paid_order(user=user, customer=customer)
    pay(amount=first.total, reference=first.number, idempotency_key=first.number)
    second = paid_order(customer=customer)
    heart = next(line for line in first.product_lines if line.code == "85123A")
    StockLevelFactory(
        warehouse=Warehouse.objects.order_by("pk").first(), product=heart.product, quantity=5
    )
    resend_items(
        order_id=first.pk, quantities={heart.pk: 1}, actor=staff_member(None), reason="Broken"
    )
    ticket = customer_ticket(user=user, subject="Broken heart")
    return customer, first, second, ticket


def test_the_360_view_shows_everything_on_one_screen(django_assert_max_num_queries):
    customer, first, second, ticket = customer_with_history()
    client = signed_in(staff_member("customer-service"))

    with django_assert_max_num_queries(20):
        response = client.get(f"/en/console/customers/{customer.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{customer}</h1>" in page
    for text in (
        first.number,
        second.number,
        ticket.number,
        "Broken heart",
        Shipment.objects.get().number,
        "Replacement",
        "No return.",
        "Not recorded",  # marketing consent: no consent is recorded yet
        "€46.10",
    ):
        assert text in page, text
    assert f"/en/console/support/orders/{first.number}/goodwill/" in page
    assert client.get("/en/console/customers/999999/").status_code == 404


def test_the_360_view_costs_the_same_queries_with_more_orders(django_assert_max_num_queries):
    customer, first, _second, _ticket = customer_with_history()
    client = signed_in(staff_member("customer-service"))
    client.get(f"/en/console/customers/{customer.pk}/")
    for _ in range(3):
        paid_order(customer=customer)

    with django_assert_max_num_queries(20):
        assert client.get(f"/en/console/customers/{customer.pk}/").status_code == 200


def test_customers_are_found_by_name_or_e_mail(django_assert_max_num_queries):
    customer, *_ = customer_with_history()
    other = customer_user(email="bob@example.fr").customer
    client = signed_in(staff_member("customer-service"))

    with django_assert_max_num_queries(10):
        response = client.get("/en/console/customers/", {"q": "claire@"})

    page = response.content.decode()
    assert f"/en/console/customers/{customer.pk}/" in page
    assert f"/en/console/customers/{other.pk}/" not in page


def test_a_line_is_partly_refunded_from_the_goodwill_page():
    customer, first, _second, ticket = customer_with_history()
    agent = staff_member("customer-service")
    client = signed_in(agent)
    mug = next(line for line in first.product_lines if line.code == "37370")

    page = client.get(
        f"/en/console/support/orders/{first.number}/goodwill/", {"ticket": ticket.number}
    )
    response = client.post(
        f"/en/console/support/orders/{first.number}/goodwill/refund/",
        {
            "order_line": mug.pk,
            "amount": "2.00",
            "reason": "Chipped",
            "idempotency_key": "0123456789abcdef",
            "ticket": ticket.number,
        },
    )
    repeated = client.post(
        f"/en/console/support/orders/{first.number}/goodwill/refund/",
        {
            "order_line": mug.pk,
            "amount": "2.00",
            "reason": "Chipped",
            "idempotency_key": "0123456789abcdef",
        },
    )

    assert page.status_code == 200 and "Still refundable" in page.content.decode()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/en/console/support/orders/{first.number}/goodwill/?ticket={ticket.number}"
    )
    gesture = GoodwillGesture.objects.get()
    assert (gesture.amount, gesture.ticket, gesture.status, gesture.actor) == (
        Decimal("2.00"),
        ticket,
        "done",
        agent,
    )
    assert repeated.status_code == 302
    assert Refund.objects.count() == 1
    assert AuditEntry.objects.get(action="goodwill.refund").channel == "console"


def test_refunding_more_than_the_line_is_explained_and_nothing_changes():
    _customer, first, _second, _ticket = customer_with_history()
    client = signed_in(staff_member("customer-service"))
    mug = next(line for line in first.product_lines if line.code == "37370")

    response = client.post(
        f"/en/console/support/orders/{first.number}/goodwill/refund/",
        {
            "order_line": mug.pk,
            "amount": "4.26",
            "reason": "Chipped",
            "idempotency_key": "abcdef0123456789",
        },
    )

    assert response.status_code == 400
    assert "At most 4.25 EUR of this line can still be refunded." in response.content.decode()
    assert GoodwillGesture.objects.count() == 0
    assert Refund.objects.count() == 0


def test_items_are_resent_from_the_goodwill_page():
    _customer, first, _second, _ticket = customer_with_history()
    client = signed_in(staff_member("customer-service"))
    heart = next(line for line in first.product_lines if line.code == "85123A")

    refused = client.post(
        f"/en/console/support/orders/{first.number}/goodwill/resend/",
        {f"quantity_{heart.pk}": "3", "reason": "Lost", "idempotency_key": "resend-000000001"},
    )
    response = client.post(
        f"/en/console/support/orders/{first.number}/goodwill/resend/",
        {f"quantity_{heart.pk}": "1", "reason": "Lost", "idempotency_key": "resend-000000002"},
    )

    assert refused.status_code == 400
    assert "Ensure this value is less than or equal to 2." in refused.content.decode()
    assert response.status_code == 302
    assert Shipment.objects.filter(is_replacement=True).count() == 2
    assert GoodwillGesture.objects.get().kind == "resend"


@pytest.mark.parametrize(
    ("method", "path_template", "action"),
    [
        ("get", "/en/console/customers/", "view_customers"),
        ("get", "/en/console/customers/{customer}/", "view_customers"),
        ("get", "/en/console/support/orders/{order}/goodwill/", "goodwill"),
        ("post", "/en/console/support/orders/{order}/goodwill/refund/", "goodwill"),
        ("post", "/en/console/support/orders/{order}/goodwill/resend/", "goodwill"),
    ],
)
def test_customer_and_goodwill_pages_need_their_permission(method, path_template, action):
    customer, first, _second, _ticket = customer_with_history()
    path = path_template.format(customer=customer.pk, order=first.number)
    heart = next(line for line in first.product_lines if line.code == "85123A")
    data = {
        "order_line": heart.pk,
        f"quantity_{heart.pk}": "1",
        "amount": "1.00",
        "reason": "Test",
        "idempotency_key": "perm-0123456789",
    }
    # The digital manager sees customers but may not make gestures; logistics neither.
    denied_role = "digital-manager" if action == "goodwill" else "logistics-manager"
    shipments = Shipment.objects.count()

    anonymous = getattr(Client(), method)(path, data)
    as_customer = getattr(signed_in(customer_user()), method)(path, data)
    denied = getattr(signed_in(staff_member(denied_role)), method)(path, data)

    assert anonymous.status_code == 302 and "/console/sign-in/" in anonymous["Location"]
    assert (as_customer.status_code, denied.status_code) == (403, 403)
    assert GoodwillGesture.objects.count() == 0
    assert Shipment.objects.count() == shipments
    allowed = getattr(signed_in(staff_member("customer-service")), method)(path, data)
    assert allowed.status_code in (200, 302)
