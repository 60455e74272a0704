"""The pricing pipeline, with amounts worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from orchestre.checkout import totals as pipeline
from orchestre.checkout.totals import Adjustment, PricedLine, VatLine, compute_totals
from orchestre.shipping.selectors import DeliveryOption


def line(sku: str, quantity: int, unit_price: str, rate: str) -> PricedLine:
    price = Decimal(unit_price)
    return PricedLine(
        line_id=None,
        product_id=hash(sku) % 1000,
        sku=sku,
        name=sku,
        slug=sku.lower(),
        quantity=quantity,
        unit_price=price,
        vat_rate=Decimal(rate),
        amount=price * quantity,
        weight_grams=250,
    )


def delivery(price: str) -> DeliveryOption:
    return DeliveryOption(
        code="home",
        kind="home",
        name="Home",
        carrier="Colissimo",
        price=Decimal(price),
        is_free=Decimal(price) == 0,
        earliest=date(2026, 11, 25),
        latest=date(2026, 11, 26),
    )


def test_one_rate_without_delivery():
    result = compute_totals([line("HEART", 3, "2.95", "0.20")])

    # 8.85 TTC at 20 %: 8.85 / 1.2 = 7.375 → 7.38 excl. VAT, so 1.47 of VAT.
    assert result.subtotal == Decimal("8.85")
    assert result.vat_breakdown == [VatLine(Decimal("0.20"), Decimal("7.38"), Decimal("1.47"))]
    assert result.total == Decimal("8.85")
    assert result.total_excluding_vat == Decimal("7.38")
    assert result.item_count == 3
    assert result.weight_grams == 750


def test_delivery_is_shared_between_rates_in_proportion_and_adds_up_to_the_cent():
    result = compute_totals(
        [line("HEART", 3, "2.95", "0.20"), line("BOOK", 1, "10.00", "0.055")],
        delivery=delivery("4.90"),
    )

    # Delivery 4.90 shared 8.85 : 10.00 → 2.30 at 20 % and 2.60 at 5.5 %.
    # 20 %: 11.15 → 9.29 + 1.86. 5.5 %: 12.60 / 1.055 = 11.943 → 11.94 + 0.66.
    assert result.vat_breakdown == [
        VatLine(Decimal("0.055"), Decimal("11.94"), Decimal("0.66")),
        VatLine(Decimal("0.20"), Decimal("9.29"), Decimal("1.86")),
    ]
    assert result.delivery_total == Decimal("4.90")
    assert result.vat_total == Decimal("2.52")
    assert result.total == Decimal("23.75")
    assert sum(vat.gross for vat in result.vat_breakdown) == result.total


def test_free_delivery_costs_nothing_and_an_empty_cart_has_no_delivery():
    free = compute_totals([line("MUG", 1, "70.00", "0.20")], delivery=delivery("0.00"))
    empty = compute_totals([], delivery=delivery("4.90"))

    assert free.total == Decimal("70.00")
    assert (empty.total, empty.delivery, empty.vat_breakdown) == (Decimal("0.00"), None, [])


def test_discount_steps_apply_before_vat_and_never_below_zero(monkeypatch):
    monkeypatch.setattr(
        pipeline,
        "DISCOUNT_STEPS",
        [lambda lines: [Adjustment(code="WELCOME", label="Welcome", amount=Decimal("-2.00"))]],
    )
    discounted = compute_totals([line("MUG", 2, "6.00", "0.20")])

    # 12.00 − 2.00 = 10.00 at 20 %: 8.33 + 1.67.
    assert discounted.discount_total == Decimal("-2.00")
    assert discounted.total == Decimal("10.00")
    assert discounted.vat_breakdown == [VatLine(Decimal("0.20"), Decimal("8.33"), Decimal("1.67"))]

    monkeypatch.setattr(
        pipeline,
        "DISCOUNT_STEPS",
        [lambda lines: [Adjustment(code="HUGE", label="Huge", amount=Decimal("-50.00"))]],
    )
    assert compute_totals([line("MUG", 1, "6.00", "0.20")]).total == Decimal("0.00")


@pytest.mark.parametrize(
    ("amounts", "delivery_price"),
    [(["0.01", "0.01", "0.01"], "0.01"), (["33.33", "33.33", "33.34"], "5.99")],
)
def test_shares_always_add_up(amounts, delivery_price):
    rates = ["0.055", "0.10", "0.20"]
    lines = [line(f"P{i}", 1, amount, rates[i]) for i, amount in enumerate(amounts)]

    result = compute_totals(lines, delivery=delivery(delivery_price))

    assert sum(vat.gross for vat in result.vat_breakdown) == result.total
    assert result.total == sum(Decimal(amount) for amount in amounts) + Decimal(delivery_price)
