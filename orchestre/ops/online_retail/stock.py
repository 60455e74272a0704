"""Opening stock of the imported catalogue: a written, deterministic rule.

The source has no stock figures. The opening balance is derived from recent sales so
that what sells is in stock and what stopped selling is not (the storefront's "in stock"
filter then means something):
- a product with no sale in the last 60 days of the data starts at 0 in both
  warehouses (out of stock);
- any other product starts with the units it sold in the last 30 days of the data, at
  least 5, split 70 % Paris / 30 % Lyon: Lyon gets 30 % rounded half-up, Paris the rest.
"The data" ends on the last invoice date in the file. A sale is a product line of a
sale invoice with a positive quantity and price. Each non-zero level gets one receipt
movement, reference "opening-balance", so the ledger adds up to the levels.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class WarehouseDefinition:
    code: str
    name: str
    city: str
    priority: int


PARIS = WarehouseDefinition("paris", "Entrepôt Paris-Nord", "Gonesse", 0)
LYON = WarehouseDefinition("lyon", "Entrepôt Lyon-Sud", "Corbas", 1)
WAREHOUSES = (PARIS, LYON)

SELLING_WINDOW = timedelta(days=60)
STOCK_WINDOW = timedelta(days=30)
MINIMUM_STOCK = 5
LYON_SHARE = Decimal("0.30")
OPENING_REFERENCE = "opening-balance"


def opening_stock(sales: list[tuple[date, int]], *, last_day: date) -> dict[str, int]:
    """Units per warehouse code for a product whose sales are given as (day, units);
    ``last_day`` is the last invoice day of the data."""
    if not any(day > last_day - SELLING_WINDOW for day, _ in sales):
        return {PARIS.code: 0, LYON.code: 0}
    recent = sum(units for day, units in sales if day > last_day - STOCK_WINDOW)
    total = max(recent, MINIMUM_STOCK)
    lyon = int((total * LYON_SHARE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {PARIS.code: total - lyon, LYON.code: lyon}
