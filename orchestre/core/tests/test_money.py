from decimal import Decimal

import pytest

from orchestre.core.money import Money, amount_excluding_vat, quantize


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01")],
)
def test_quantize_rounds_half_up_to_cents(amount, expected):
    assert quantize(Decimal(amount)) == Decimal(expected)


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(1.10)


def test_money_refuses_mixed_currencies():
    with pytest.raises(ValueError, match="Cannot combine EUR and GBP"):
        Money(Decimal("1.00"), "EUR") + Money(Decimal("1.00"), "GBP")


def test_money_multiplies_then_rounds_once():
    assert Money(Decimal("0.335")) * 3 == Money(Decimal("1.02"))


def test_amount_excluding_vat_of_a_vat_included_price():
    assert amount_excluding_vat(Decimal("12.00"), Decimal("0.20")) == Decimal("10.00")
    assert amount_excluding_vat(Decimal("9.99"), Decimal("0.055")) == Decimal("9.47")
