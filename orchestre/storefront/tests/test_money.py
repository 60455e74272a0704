from decimal import Decimal

import pytest
from django.utils import translation

from orchestre.storefront.templatetags.shop import money

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "french", "english"),
    [
        (Decimal("12.5"), f"12,50{NBSP}€", "€12.50"),
        (Decimal("0.4"), f"0,40{NBSP}€", "€0.40"),
        (Decimal("1234.5"), f"1{NNBSP}234,50{NBSP}€", "€1,234.50"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NBSP}€", "€1,234,567.89"),
        (Decimal("2.345"), f"2,35{NBSP}€", "€2.35"),  # ROUND_HALF_UP, the shop's rule
        (Decimal("-3"), f"-3,00{NBSP}€", "-€3.00"),
    ],
)
def test_money_is_written_the_way_each_language_does(amount, french, english):
    with translation.override("fr"):
        assert money(amount) == french
    with translation.override("en"):
        assert money(amount) == english


def test_money_takes_a_price_and_its_currency():
    class Price:
        amount = Decimal("9.9")
        currency = "GBP"

    with translation.override("fr"):
        assert money(Price()) == f"9,90{NBSP}£"
    with translation.override("en"):
        assert money(Price()) == "£9.90"


def test_money_of_nothing_is_empty():
    assert money(None) == ""
    assert money("") == ""
