"""Factories and helpers for the orders' tests.

`place_test_order()` places a web order through the service with figures that add up the
way the pricing pipeline computes them: two lines at 20 %, one at 5.5 %, and a delivery
shared between the rates in proportion to the goods (docs/adr/0001)."""

import datetime
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.orders.models import Order, OrderLine
from orchestre.orders.services import (
    NewDelivery,
    NewOrderLine,
    OrderTotals,
    VatLine,
    mark_order_paid,
    place_order,
)

ADDRESS = {
    "first_name": "Camille",
    "last_name": "Durand",
    "company": "",
    "line1": "8 rue des Lilas",
    "line2": "Bâtiment B",
    "postcode": "69003",
    "city": "Lyon",
    "country": "FR",
    "phone": "+33 6 12 34 56 78",
}
BILLING_ADDRESS = {
    **ADDRESS,
    "line1": "3 place Bellecour",
    "line2": "",
    "postcode": "69002",
}


class ImportedOrderFactory(factory.django.DjangoModelFactory):
    """A row of imported history, as the data importer writes it."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda number: f"{536365 + number}")
    kind = Order.Kind.SALE
    source = Order.Source.IMPORT
    country = "United Kingdom"
    country_code = "GB"
    placed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5000))
    currency = "GBP"
    total = Decimal("15.300")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(ImportedOrderFactory)
    code = "85123A"
    description = "WHITE HANGING HEART T-LIGHT HOLDER"
    quantity = 6
    unit_price = Decimal("2.550")
    amount = Decimal("15.300")


def order_arguments(*, products=None, **overrides) -> dict:
    """Keyword arguments of `place_order` for a consistent order:
    2 × 2.95 + 1 × 4.25 at 20 % and 1 × 8.00 at 5.5 %, delivery 4.90, total 23.05."""
    heart, mug, book = products or [ProductFactory(search_index=False) for _ in range(3)]
    arguments = {
        "email": "camille.durand@example.org",
        "language": "fr",
        "user": None,
        "customer": None,
        "lines": [
            NewOrderLine(
                product_id=heart.pk,
                sku="85123A",
                name="Photophore cœur blanc",
                quantity=2,
                unit_price=Decimal("2.95"),
                vat_rate=Decimal("0.2000"),
                amount=Decimal("5.90"),
            ),
            NewOrderLine(
                product_id=mug.pk,
                sku="37370",
                name="Mug rétro",
                quantity=1,
                unit_price=Decimal("4.25"),
                vat_rate=Decimal("0.2000"),
                amount=Decimal("4.25"),
            ),
            NewOrderLine(
                product_id=book.pk,
                sku="22988",
                name="Livre de recettes",
                quantity=1,
                unit_price=Decimal("8.00"),
                vat_rate=Decimal("0.0550"),
                amount=Decimal("8.00"),
            ),
        ],
        "shipping_address": ADDRESS,
        "billing_address": BILLING_ADDRESS,
        "delivery": NewDelivery(
            code="colissimo-home",
            name="Colissimo à domicile",
            price=Decimal("4.90"),
            vat_rate=Decimal("0.2000"),
            earliest=datetime.date(2026, 12, 1),
            latest=datetime.date(2026, 12, 3),
        ),
        # 20 %: goods 10.15 + delivery share 2.74 = 12.89 → base 10.74, VAT 2.15;
        # 5.5 %: goods 8.00 + delivery share 2.16 = 10.16 → base 9.63, VAT 0.53.
        "totals": OrderTotals(
            subtotal=Decimal("18.15"),
            discount_total=Decimal("0.00"),
            delivery_total=Decimal("4.90"),
            vat_total=Decimal("2.68"),
            total=Decimal("23.05"),
            vat_breakdown=[
                VatLine(rate=Decimal("0.0550"), base=Decimal("9.63"), vat=Decimal("0.53")),
                VatLine(rate=Decimal("0.2000"), base=Decimal("10.74"), vat=Decimal("2.15")),
            ],
        ),
        "terms_version": "2026-11-01",
        "terms_accepted_at": timezone.now(),
        "country_code": "FR",
    }
    arguments.update(overrides)
    return arguments


def place_test_order(**overrides) -> Order:
    with transaction.atomic():
        return place_order(**order_arguments(**overrides))


def paid_test_order(**overrides) -> Order:
    order = place_test_order(**overrides)
    return mark_order_paid(order_id=order.pk, payment_reference="pi_sandbox_1")
