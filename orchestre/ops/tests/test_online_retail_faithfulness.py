"""The shipped demo extract, imported, holds exactly what the file says. The expected
figures are computed here from the file with the csv module and Decimal alone, not with
the importer's reader."""

import csv
import gzip
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orchestre.catalog.models import Product
from orchestre.ops.online_retail import import_online_retail
from orchestre.ops.tests.online_retail_support import SHIPPED_EXTRACT
from orchestre.orders.models import Order, OrderLine

LONDON = ZoneInfo("Europe/London")


def figures_from_the_file() -> dict:
    lines, quantity = 0, 0
    amount_by_month: dict[str, Decimal] = defaultdict(Decimal)
    invoices, codes = set(), set()
    with gzip.open(SHIPPED_EXTRACT, "rt", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            lines += 1
            quantity += int(row["quantity"])
            amount_by_month[row["invoice_date"][:7]] += int(row["quantity"]) * Decimal(
                row["unit_price"]
            )
            invoices.add(row["invoice"])
            codes.add(row["stock_code"])
    return {
        "lines": lines,
        "quantity": quantity,
        "amount_by_month": dict(amount_by_month),
        "invoices": len(invoices),
        "cancellations": sum(1 for number in invoices if number.startswith("C")),
        "codes": codes,
    }


@pytest.mark.django_db
def test_the_imported_extract_equals_the_file():
    expected = figures_from_the_file()

    summary = import_online_retail(path=SHIPPED_EXTRACT, progress=False)

    amount_by_month: dict[str, Decimal] = defaultdict(Decimal)
    total_by_month: dict[str, Decimal] = defaultdict(Decimal)
    for placed_at, amount in OrderLine.objects.values_list("order__placed_at", "amount"):
        amount_by_month[placed_at.astimezone(LONDON).strftime("%Y-%m")] += amount
    for placed_at, total in Order.objects.values_list("placed_at", "total"):
        total_by_month[placed_at.astimezone(LONDON).strftime("%Y-%m")] += total
    assert OrderLine.objects.count() == expected["lines"] == summary.lines_read
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == expected["quantity"]
    assert dict(amount_by_month) == expected["amount_by_month"]
    assert dict(total_by_month) == expected["amount_by_month"]
    assert len(expected["amount_by_month"]) == 10  # December 2010 to September 2011
    assert Order.objects.count() == expected["invoices"]
    kinds = Counter(Order.objects.values_list("kind", flat=True))
    assert kinds["cancellation"] == expected["cancellations"]
    assert set(OrderLine.objects.values_list("code", flat=True)) == expected["codes"]
    # Every product of the full file is in the extract: its 3,887 recorded codes are
    # 3,774 products, 94 lower-case spellings of them (85123a) and 19 non-product codes.
    assert len(expected["codes"]) == 3887
    assert Product.objects.count() == 3774
