import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.core.models import Sequence
from orchestre.orders.errors import InconsistentOrder
from orchestre.orders.models import Order, OrderLine, OrderStatusChange
from orchestre.orders.services import OrderTotals, VatLine
from orchestre.orders.tests.factories import (
    ADDRESS,
    BILLING_ADDRESS,
    order_arguments,
    place_test_order,
)
from orchestre.users.models import User

pytestmark = pytest.mark.django_db


def test_place_order_records_an_order_awaiting_payment():
    user = User.objects.create(username="camille", email="camille.durand@example.org")
    accepted_at = timezone.now() - datetime.timedelta(seconds=5)

    order = place_test_order(user=user, terms_accepted_at=accepted_at)

    order = Order.objects.get(pk=order.pk)
    year = timezone.localdate().year
    assert order.number == f"OR-{year}-00001"
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.kind == Order.Kind.SALE
    assert order.source == Order.Source.WEB
    assert order.user == user
    assert order.email == "camille.durand@example.org"
    assert order.language == "fr"
    assert len(order.access_token) == 43
    assert order.country == "France"
    assert order.country_code == "FR"
    assert order.currency == "EUR"
    assert order.shipping_address == ADDRESS
    assert order.billing_address == BILLING_ADDRESS
    assert order.delivery_method_code == "colissimo-home"
    assert order.delivery_method_name == "Colissimo à domicile"
    assert order.estimated_delivery_earliest == datetime.date(2026, 12, 1)
    assert order.estimated_delivery_latest == datetime.date(2026, 12, 3)
    assert (order.subtotal, order.discount_total, order.delivery_total) == (
        Decimal("18.15"),
        Decimal("0.00"),
        Decimal("4.90"),
    )
    assert (order.vat_total, order.total) == (Decimal("2.68"), Decimal("23.050"))
    assert order.vat_breakdown == [
        {"rate": "0.0550", "base": "9.63", "vat": "0.53"},
        {"rate": "0.2000", "base": "10.74", "vat": "2.15"},
    ]
    assert order.terms_version == "2026-11-01"
    assert order.terms_accepted_at == accepted_at
    assert order.paid_at is None
    assert order.payment_reference == ""
    assert Sequence.objects.get(name=f"order-{year}").last_value == 1


def test_lines_and_delivery_are_order_lines():
    order = place_test_order()

    lines = list(
        OrderLine.objects.filter(order=order)
        .order_by("pk")
        .values_list("kind", "code", "description", "quantity", "unit_price", "amount", "vat_rate")
    )

    assert lines == [
        (
            "product",
            "85123A",
            "Photophore cœur blanc",
            2,
            Decimal("2.95"),
            Decimal("5.9"),
            Decimal("0.2"),
        ),
        ("product", "37370", "Mug rétro", 1, Decimal("4.25"), Decimal("4.25"), Decimal("0.2")),
        ("product", "22988", "Livre de recettes", 1, Decimal("8"), Decimal("8"), Decimal("0.055")),
        (
            "postage",
            "colissimo-home",
            "Colissimo à domicile",
            1,
            Decimal("4.9"),
            Decimal("4.9"),
            Decimal("0.2"),
        ),
    ]
    assert OrderLine.objects.filter(order=order, kind="product", product__isnull=True).count() == 0


def test_placement_is_the_first_step_of_the_history():
    order = place_test_order()

    assert list(
        OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status")
    ) == [("", "awaiting_payment")]


def test_numbers_follow_each_other_and_tokens_differ():
    first = place_test_order()
    second = place_test_order()

    year = timezone.localdate().year
    assert (first.number, second.number) == (f"OR-{year}-00001", f"OR-{year}-00002")
    assert first.access_token != second.access_token


def test_free_delivery_is_a_zero_postage_line():
    arguments = order_arguments()
    totals = arguments["totals"]
    order = place_test_order(
        delivery=replace(arguments["delivery"], price=Decimal("0.00")),
        totals=OrderTotals(
            subtotal=totals.subtotal,
            discount_total=Decimal("0.00"),
            delivery_total=Decimal("0.00"),
            vat_total=Decimal("2.11"),
            total=Decimal("18.15"),
            vat_breakdown=[
                (Decimal("0.0550"), Decimal("7.58"), Decimal("0.42")),
                (Decimal("0.2000"), Decimal("8.46"), Decimal("1.69")),
            ],
        ),
    )

    postage = OrderLine.objects.get(order=order, kind="postage")
    assert (postage.amount, order.delivery_total) == (Decimal("0"), Decimal("0.00"))
    assert order.vat_breakdown[0] == {"rate": "0.0550", "base": "7.58", "vat": "0.42"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language": "de"}, "Unknown language “de”."),
        (
            {"lines": []},
            "An order needs at least one line. The subtotal is not the sum of the lines.",
        ),
        (
            {"totals_total": Decimal("23.06")},
            "The total is not subtotal + discounts + delivery. "
            "The VAT breakdown does not add up to the total.",
        ),
        (
            {"line_amount": Decimal("5.91")},
            "Line 85123A does not add up. The subtotal is not the sum of the lines.",
        ),
        ({"delivery_price": Decimal("5.90")}, "The delivery total is not the delivery price."),
        (
            {"vat": Decimal("2.16")},
            "The VAT total is not the sum of the VAT per rate. "
            "The VAT breakdown does not add up to the total.",
        ),
    ],
)
def test_figures_that_do_not_add_up_are_refused_and_nothing_is_written(change, message):
    arguments = order_arguments()
    totals = arguments["totals"]
    if "totals_total" in change:
        arguments["totals"] = replace(totals, total=change["totals_total"])
    elif "line_amount" in change:
        arguments["lines"] = [
            replace(arguments["lines"][0], amount=change["line_amount"]),
            *arguments["lines"][1:],
        ]
    elif "delivery_price" in change:
        arguments["delivery"] = replace(arguments["delivery"], price=change["delivery_price"])
    elif "vat" in change:
        arguments["totals"] = replace(
            totals,
            vat_breakdown=[
                totals.vat_breakdown[0],
                VatLine(rate=Decimal("0.2000"), base=Decimal("10.74"), vat=change["vat"]),
            ],
        )
    else:
        arguments.update(change)

    with pytest.raises(InconsistentOrder) as error:
        place_test_order(**arguments)

    assert error.value.code == "inconsistent_order"
    assert error.value.message == message
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert Sequence.objects.count() == 0


def test_a_positive_discount_is_refused():
    arguments = order_arguments()
    totals = arguments["totals"]

    with pytest.raises(InconsistentOrder) as error:
        place_test_order(
            totals=replace(totals, discount_total=Decimal("1.00"), total=Decimal("24.05"))
        )

    assert error.value.message.startswith("A discount total cannot be positive.")
    assert Order.objects.count() == 0
