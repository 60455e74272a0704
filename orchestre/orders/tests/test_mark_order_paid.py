import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.core.models import OutboxMessage, Sequence
from orchestre.orders.errors import IllegalTransition, UnknownOrder
from orchestre.orders.models import Invoice, Order, OrderStatusChange
from orchestre.orders.services import cancel_unpaid_order, mark_order_paid, transition_order
from orchestre.orders.tests.factories import place_test_order

pytestmark = pytest.mark.django_db

SELLER = {
    "name": "Orchestre Démo SAS",
    "legal_form": "SAS au capital de 10 000 €",
    "address": "12 rue de la Paix, 75002 Paris, France",
    "siren": "000 000 000",
    "rcs": "RCS Paris 000 000 000",
    "vat_number": "FR00000000000",
    "email": "contact@orchestre.example",
}


@pytest.fixture(autouse=True)
def _seller(settings):
    settings.SELLER = SELLER
    settings.WEBHOOK_ENDPOINTS = [("https://erp.example/hooks", "s3cret")]
    settings.SHOP_URL = "https://shop.example"


def test_paying_an_order_records_the_payment_and_issues_the_invoice():
    order = place_test_order()
    paid_at = timezone.now() - datetime.timedelta(minutes=1)

    paid = mark_order_paid(order_id=order.pk, payment_reference="pi_123", paid_at=paid_at)

    year = timezone.localdate().year
    assert (paid.status, paid.paid_at, paid.payment_reference) == ("paid", paid_at, "pi_123")
    invoice = Invoice.objects.get(order=order)
    assert paid.invoice == invoice
    assert invoice.number == f"FA-{year}-000001"
    assert invoice.paid_at == paid_at
    assert invoice.currency == "EUR"
    assert invoice.seller == SELLER
    assert invoice.buyer == {
        "name": "Camille Durand",
        "company": "",
        "email": "camille.durand@example.org",
        "billing_address": order.billing_address,
        "billing_country": "France",
        "shipping_address": order.shipping_address,
        "shipping_country": "France",
    }
    assert invoice.lines == [
        {
            "kind": "product",
            "description": "Photophore cœur blanc",
            "sku": "85123A",
            "quantity": 2,
            "unit_price_excluding_vat": "2.46",
            "unit_price_including_vat": "2.95",
            "vat_rate": "0.2000",
            "amount_excluding_vat": "4.92",
            "amount": "5.90",
        },
        {
            "kind": "product",
            "description": "Mug rétro",
            "sku": "37370",
            "quantity": 1,
            "unit_price_excluding_vat": "3.54",
            "unit_price_including_vat": "4.25",
            "vat_rate": "0.2000",
            "amount_excluding_vat": "3.54",
            "amount": "4.25",
        },
        {
            "kind": "product",
            "description": "Livre de recettes",
            "sku": "22988",
            "quantity": 1,
            "unit_price_excluding_vat": "7.58",
            "unit_price_including_vat": "8.00",
            "vat_rate": "0.0550",
            "amount_excluding_vat": "7.58",
            "amount": "8.00",
        },
        {
            "kind": "postage",
            "description": "Colissimo à domicile",
            "sku": "",
            "quantity": 1,
            "unit_price_excluding_vat": "4.08",
            "unit_price_including_vat": "4.90",
            "vat_rate": "0.2000",
            "amount_excluding_vat": "4.08",
            "amount": "4.90",
        },
    ]
    assert invoice.vat_breakdown == [
        {"rate": "0.0550", "base": "9.63", "vat": "0.53"},
        {"rate": "0.2000", "base": "10.74", "vat": "2.15"},
    ]
    assert invoice.totals == {
        "subtotal": "18.15",
        "discount_total": "0.00",
        "delivery_total": "4.90",
        "total_excluding_vat": "20.37",
        "vat_total": "2.68",
        "total": "23.05",
    }
    assert list(
        OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status")
    ) == [("", "awaiting_payment"), ("awaiting_payment", "paid")]


def test_paying_queues_the_confirmation_e_mail_and_the_webhook_event():
    order = place_test_order(language="en")

    mark_order_paid(order_id=order.pk, payment_reference="pi_123")

    email = OutboxMessage.objects.get(kind="email")
    assert email.key == f"order-confirmation:{order.number}"
    assert email.payload["to"] == "camille.durand@example.org"
    assert email.payload["subject"] == (
        f"Your order {order.number} at Orchestre — Boutique cadeaux is confirmed"
    )
    assert f"https://shop.example/en/order/{order.access_token}/" in email.payload["text_body"]
    assert (
        f'href="https://shop.example/en/order/{order.access_token}/"' in email.payload["html_body"]
    )
    webhook = OutboxMessage.objects.get(kind="webhook")
    assert webhook.payload["event_type"] == "order.paid"
    assert webhook.payload["event_id"] == f"order.paid:{order.number}"
    data = webhook.payload["data"]
    assert data["number"] == order.number
    assert (data["status"], data["total"], data["currency"]) == ("paid", "23.05", "EUR")
    assert data["invoice_number"] == Invoice.objects.get().number
    assert data["lines"] == [
        {"sku": "85123A", "quantity": 2, "amount": "5.90"},
        {"sku": "37370", "quantity": 1, "amount": "4.25"},
        {"sku": "22988", "quantity": 1, "amount": "8.00"},
    ]
    assert "email" not in data


def test_paying_twice_changes_nothing_the_second_time():
    order = place_test_order()
    first = mark_order_paid(order_id=order.pk, payment_reference="pi_123")

    second = mark_order_paid(order_id=order.pk, payment_reference="pi_456")

    assert second.pk == first.pk
    assert (second.payment_reference, second.paid_at) == ("pi_123", first.paid_at)
    assert Invoice.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    assert OrderStatusChange.objects.filter(order=order).count() == 2
    year = timezone.localdate().year
    assert Sequence.objects.get(name=f"invoice-{year}").last_value == 1


def test_an_order_paid_then_shipped_is_still_paid_once():
    order = place_test_order()
    mark_order_paid(order_id=order.pk, payment_reference="pi_123")
    transition_order(order_id=order.pk, to="in_preparation")

    again = mark_order_paid(order_id=order.pk, payment_reference="pi_123")

    assert again.status == "in_preparation"
    assert Invoice.objects.count() == 1


def test_a_cancelled_order_cannot_be_paid():
    order = place_test_order()
    cancel_unpaid_order(order_id=order.pk, reason="reservation expired")

    with pytest.raises(IllegalTransition) as error:
        mark_order_paid(order_id=order.pk, payment_reference="pi_123")

    assert error.value.message == "An order cannot go from “Cancelled” to “Paid”."
    assert Order.objects.get(pk=order.pk).paid_at is None
    assert Invoice.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert not Sequence.objects.filter(name__startswith="invoice-").exists()


def test_an_unknown_order_cannot_be_paid():
    with pytest.raises(UnknownOrder):
        mark_order_paid(order_id=12345, payment_reference="pi_123")

    assert Invoice.objects.count() == 0


def test_invoice_numbers_follow_each_other_across_orders():
    orders = [place_test_order() for _ in range(3)]

    for order in reversed(orders):
        mark_order_paid(order_id=order.pk, payment_reference=f"pi_{order.pk}")

    year = timezone.localdate().year
    assert [Invoice.objects.get(order=order).number for order in reversed(orders)] == [
        f"FA-{year}-000001",
        f"FA-{year}-000002",
        f"FA-{year}-000003",
    ]


def test_the_invoice_keeps_what_was_true_when_it_was_issued(settings):
    order = place_test_order()
    mark_order_paid(order_id=order.pk, payment_reference="pi_123")

    settings.SELLER = {**SELLER, "address": "1 avenue de France, 75013 Paris"}
    Order.objects.filter(pk=order.pk).update(billing_address={"first_name": "Other"})

    invoice = Invoice.objects.get(order=order)
    assert invoice.seller["address"] == "12 rue de la Paix, 75002 Paris, France"
    assert invoice.buyer["name"] == "Camille Durand"
    assert invoice.totals["total"] == "23.05"
    assert Decimal(invoice.lines[0]["amount"]) == Decimal("5.90")
