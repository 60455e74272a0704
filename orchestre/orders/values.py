"""The values `services.place_order` takes (also importable from `orchestre.orders.services`).

Amounts are Decimal, VAT included, already rounded by the pricing pipeline
(`checkout.totals`); VAT rates are fractions (0.2000 = 20 %)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class NewOrderLine:
    product_id: int | None
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class NewDelivery:
    code: str
    name: str
    price: Decimal
    vat_rate: Decimal
    earliest: date | None
    latest: date | None


@dataclass(frozen=True)
class VatLine:
    """The VAT of one rate: `base` excludes VAT, `vat` is the tax on it."""

    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class OrderTotals:
    """`discount_total` is zero or negative: total = subtotal + discount_total +
    delivery_total. `vat_breakdown` takes VatLine or (rate, base, vat) tuples."""

    subtotal: Decimal
    discount_total: Decimal
    delivery_total: Decimal
    vat_total: Decimal
    total: Decimal
    vat_breakdown: list[VatLine] = field(default_factory=list)

    def __post_init__(self):
        object.__setattr__(
            self,
            "vat_breakdown",
            [item if isinstance(item, VatLine) else VatLine(*item) for item in self.vat_breakdown],
        )
