"""The pricing pipeline: lines → discounts → delivery → VAT → total.

Every amount the shop shows or records for a purchase (cart page, checkout, API, e-mails,
invoices) comes from `compute_totals`, so they can never disagree. Prices are read from the
database here and nowhere else: a price sent by a client is never an input.

Rounding (docs/adr/0001): each line amount is unit price × quantity, exact in cents; a
discount or delivery amount shared between VAT rates is split in proportion to the lines and
the last rate takes the remainder, so the shares add up to the cent; the VAT of each rate is
computed once on that rate's total, VAT included: vat = gross − round_half_up(gross / (1 + rate)).

Where later features plug in:
- promotions, vouchers and loyalty rewards are `DISCOUNT_STEPS`: functions that receive the
  priced lines and return `Adjustment`s (negative amounts, VAT included) applied before VAT;
- gift cards are a means of payment, not a discount (they do not reduce the VAT base): they
  will be deducted from `total` by the checkout after this pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from orchestre.core.money import quantize

if TYPE_CHECKING:
    from orchestre.shipping.selectors import DeliveryOption

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricedLine:
    line_id: int | None
    product_id: int
    sku: str
    name: str
    slug: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    amount: Decimal
    weight_grams: int


@dataclass(frozen=True)
class Adjustment:
    """A discount (negative) or surcharge, VAT included, shared across VAT rates pro rata."""

    code: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.base + self.vat


@dataclass(frozen=True)
class Totals:
    lines: list[PricedLine]
    subtotal: Decimal
    adjustments: list[Adjustment]
    discount_total: Decimal
    delivery: DeliveryOption | None
    delivery_total: Decimal
    vat_breakdown: list[VatLine]
    vat_total: Decimal
    total: Decimal
    currency: str = "EUR"
    unavailable_skus: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum(line.weight_grams * line.quantity for line in self.lines)

    @property
    def total_excluding_vat(self) -> Decimal:
        return self.total - self.vat_total


DiscountStep = Callable[[Sequence[PricedLine]], list[Adjustment]]

# Promotions, vouchers and loyalty register here, in the order they apply.
DISCOUNT_STEPS: list[DiscountStep] = []


def compute_totals(
    lines: Sequence[PricedLine],
    *,
    delivery: DeliveryOption | None = None,
    currency: str | None = None,
    unavailable_skus: Iterable[str] = (),
) -> Totals:
    currency = currency or settings.SHOP_CURRENCY
    subtotal = sum((line.amount for line in lines), ZERO)
    adjustments = [adjustment for step in DISCOUNT_STEPS for adjustment in step(lines)]
    # A discount can bring the goods down to zero, never below.
    discount_total = max(sum((item.amount for item in adjustments), ZERO), -subtotal)
    delivery_total = delivery.price if (delivery and lines) else ZERO

    gross_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        gross_by_rate[line.vat_rate] = gross_by_rate.get(line.vat_rate, ZERO) + line.amount
    shares = _split(discount_total + delivery_total, gross_by_rate, currency)
    breakdown = []
    for rate in sorted(gross_by_rate):
        gross = gross_by_rate[rate] + shares[rate]
        base = quantize(gross / (1 + rate), currency)
        breakdown.append(VatLine(rate=rate, base=base, vat=gross - base))
    total = subtotal + discount_total + delivery_total
    return Totals(
        lines=list(lines),
        subtotal=subtotal,
        adjustments=adjustments,
        discount_total=discount_total,
        delivery=delivery if lines else None,
        delivery_total=delivery_total,
        vat_breakdown=breakdown,
        vat_total=sum((vat_line.vat for vat_line in breakdown), ZERO),
        total=total,
        currency=currency,
        unavailable_skus=list(unavailable_skus),
    )


def _split(
    amount: Decimal, weights: dict[Decimal, Decimal], currency: str
) -> dict[Decimal, Decimal]:
    """Share `amount` between the rates in proportion to their weights; exact to the cent."""
    rates = sorted(weights)
    shares = dict.fromkeys(rates, ZERO)
    total_weight = sum(weights.values(), ZERO)
    if not rates or not amount:
        return shares
    if not total_weight:
        shares[rates[-1]] = amount
        return shares
    remaining = amount
    for rate in rates[:-1]:
        shares[rate] = quantize(amount * weights[rate] / total_weight, currency)
        remaining -= shares[rate]
    shares[rates[-1]] = remaining
    return shares


def price_cart(cart, *, delivery: DeliveryOption | None = None) -> Totals:
    """Totals of a cart whose lines were loaded with their product, price and VAT rate
    (`cart.selectors.get_cart`). A line whose product lost its price or was withdrawn from
    sale is left out of the totals and reported in `unavailable_skus`."""
    priced: list[PricedLine] = []
    unavailable: list[str] = []
    for line in cart.lines.all():
        product = line.product
        price = getattr(product, "price", None)
        if price is None or not product.is_active:
            unavailable.append(product.sku)
            continue
        priced.append(
            PricedLine(
                line_id=line.pk,
                product_id=product.pk,
                sku=product.sku,
                name=product.name,
                slug=product.slug,
                quantity=line.quantity,
                unit_price=price.amount,
                vat_rate=price.vat_rate.rate,
                amount=quantize(price.amount * line.quantity, price.currency),
                weight_grams=product.weight_grams,
            )
        )
    return compute_totals(priced, delivery=delivery, unavailable_skus=unavailable)
