"""Money: always Decimal, always with its currency, rounded by one rule.

The rounding rule of the whole shop: amounts are quantised to the currency's minor unit
with ROUND_HALF_UP (the commercial rounding French invoices use), once, at the end of each
computed amount (a line total, a VAT amount, a converted price), never on intermediate
products.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MINOR_UNITS = {"EUR": 2, "GBP": 2}


def quantize(amount: Decimal, currency: str = "EUR") -> Decimal:
    exponent = Decimal(1).scaleb(-MINOR_UNITS[currency])
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise TypeError("Money never takes a float; pass a Decimal or a string.")
        object.__setattr__(self, "amount", quantize(Decimal(self.amount), self.currency))

    def __add__(self, other: "Money") -> "Money":
        self._check_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, quantity: int | Decimal) -> "Money":
        return Money(self.amount * Decimal(quantity), self.currency)

    def _check_currency(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} and {other.currency}.")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def amount_excluding_vat(amount_including_vat: Decimal, vat_rate: Decimal, currency="EUR"):
    """The net amount of a VAT-included price (vat_rate as a fraction, e.g. 0.20)."""
    return quantize(Decimal(amount_including_vat) / (1 + Decimal(vat_rate)), currency)
