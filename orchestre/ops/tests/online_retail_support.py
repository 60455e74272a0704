"""Helpers for the online-retail import tests: small CSV files and database snapshots."""

import csv
import gzip
import io
from importlib.resources import files
from pathlib import Path

from orchestre.catalog.models import Attribute, AttributeValue, Category, Product
from orchestre.customers.models import Customer
from orchestre.inventory.models import StockLevel, StockMovement, Warehouse
from orchestre.orders.models import Order, OrderLine
from orchestre.pricing.models import Price, PriceHistory, VatRate

HEADER = (
    "invoice",
    "stock_code",
    "description",
    "quantity",
    "invoice_date",
    "unit_price",
    "customer_id",
    "country",
)
SHIPPED_EXTRACT = Path(str(files("orchestre.ops") / "data" / "online-retail-extract.csv.gz"))
IMPORTED_MODELS = (
    Category,
    Attribute,
    AttributeValue,
    Product,
    Product.attribute_values.through,
    VatRate,
    Price,
    PriceHistory,
    Warehouse,
    StockLevel,
    StockMovement,
    Customer,
    Order,
    OrderLine,
)


def line(
    invoice: str = "536365",
    code: str = "85123A",
    description: str = "WHITE HANGING HEART T-LIGHT HOLDER",
    quantity: str = "6",
    date: str = "2010-12-01T08:26:00",
    price: str = "2.55",
    customer: str = "17850",
    country: str = "United Kingdom",
) -> tuple[str, ...]:
    """One CSV row, as written in the source file."""
    return (invoice, code, description, quantity, date, price, customer, country)


def write_csv(path: Path, rows, *, header=HEADER) -> Path:
    """Write rows under the header; gzip-compressed when the name ends in .gz."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = text.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def read_rows(path: Path) -> list[list[str]]:
    """The data rows of a CSV or CSV.gz file, with the csv module alone."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        return list(csv.reader(file))[1:]


def whole_invoices(rows: list[list[str]], count: int) -> list[list[str]]:
    """The rows of the first ``count`` invoices of a file (whole invoices)."""
    kept: set[str] = set()
    for row in rows:
        if len(kept) == count and row[0] not in kept:
            break
        kept.add(row[0])
    return [row for row in rows if row[0] in kept]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the import writes, by table, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in IMPORTED_MODELS
    }
