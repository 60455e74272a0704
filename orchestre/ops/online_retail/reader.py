"""Reading the online-retail CSV: every row is validated before anything is written.

The file is the UCI "Online Retail" extract described in data/online-retail/README.md:
UTF-8 CSV (optionally gzip-compressed), one header row, eight columns. A problem stops the
read at once with an ImportFileError naming the physical line (the header is line 1).
"""

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tqdm import tqdm

from orchestre.ops.online_retail.errors import ImportFileError

COLUMNS = (
    "invoice",
    "stock_code",
    "description",
    "quantity",
    "invoice_date",
    "unit_price",
    "customer_id",
    "country",
)
# Invoice dates are UK local time as recorded (no offset in the file).
SOURCE_TIME_ZONE = ZoneInfo("Europe/London")

INVOICE = re.compile(r"[CA]?\d{1,19}")
QUANTITY = re.compile(r"-?\d{1,10}")
PRICE = re.compile(r"-?\d{1,9}(?:\.\d{1,3})?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
CUSTOMER = re.compile(r"\d{1,20}")
# The limits of the columns the rows are written to (orders.OrderLine, orders.Order).
MAX_CODE_LENGTH = 32
MAX_DESCRIPTION_LENGTH = 200
MAX_COUNTRY_LENGTH = 60
MAX_QUANTITY = 2_147_483_647
MAX_AMOUNT = Decimal("1e11")


class Transaction(NamedTuple):
    """One validated row, values typed; ``stock_code`` and ``description`` as recorded."""

    line_number: int
    invoice: str
    stock_code: str
    description: str
    quantity: int
    invoiced_at: datetime
    unit_price: Decimal
    customer_ref: str
    country: str


def read_transactions(path: Path | str, *, progress: bool = False) -> list[Transaction]:
    """Every row of the file, validated and typed, in file order.

    Raises ImportFileError for an unreadable file, a wrong header, a row with the wrong
    number of columns or any value that does not parse; the message names the line."""
    path = Path(path)
    if not path.name.endswith((".csv", ".csv.gz")):
        raise ImportFileError("expected a .csv or .csv.gz file")
    try:
        raw = path.open("rb")
    except OSError as error:
        raise ImportFileError(f"cannot read the file: {error.strerror}") from error
    with raw:
        # Progress is the position in the file as stored (compressed), which ``raw`` knows.
        binary = gzip.GzipFile(fileobj=raw) if path.name.endswith(".gz") else raw
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        bar = tqdm(
            total=path.stat().st_size,
            unit="B",
            unit_scale=True,
            desc="Reading",
            disable=not progress,
            leave=False,
        )
        with bar:
            rows = csv.reader(text, strict=True)
            transactions = []
            try:
                for transaction in _parse(rows):
                    transactions.append(transaction)
                    if len(transactions) % 20_000 == 0:
                        bar.update(raw.tell() - bar.n)
            except UnicodeDecodeError as error:
                # Decoding runs ahead of the CSV reader by a block: no reliable line number.
                raise ImportFileError("the file is not UTF-8 text") from error
            except (gzip.BadGzipFile, EOFError, zlib.error) as error:
                raise ImportFileError("not a complete gzip file") from error
            except csv.Error as error:
                raise ImportFileError(str(error), line_number=rows.line_num) from error
            bar.update(raw.tell() - bar.n)
    return transactions


def _parse(rows: Iterator[list[str]]) -> Iterator[Transaction]:
    header = next(rows, None)
    if header is None:
        raise ImportFileError(f"the file is empty; expected the header {','.join(COLUMNS)}")
    if tuple(column.strip() for column in header) != COLUMNS:
        raise ImportFileError(
            f"header is {','.join(header)!r}, expected {','.join(COLUMNS)!r}", line_number=1
        )
    # Invoices repeat their number, date and customer on every line: check each distinct
    # value once.
    dates: dict[str, datetime] = {}
    valid_invoices: set[str] = set()
    valid_customers: set[str] = {""}
    for row in rows:
        line = rows.line_num
        if len(row) != len(COLUMNS):
            raise ImportFileError(
                f"expected {len(COLUMNS)} columns, found {len(row)}", line_number=line
            )
        invoice, stock_code, description, quantity, date, price, customer, country = row
        if invoice not in valid_invoices:
            if not INVOICE.fullmatch(invoice):
                raise ImportFileError(
                    f"invoice {invoice!r} is not an invoice number "
                    "(digits, with an optional C or A prefix)",
                    line_number=line,
                )
            valid_invoices.add(invoice)
        if not stock_code.strip():
            raise ImportFileError("stock_code is empty", line_number=line)
        if len(stock_code) > MAX_CODE_LENGTH:
            raise ImportFileError(
                f"stock_code {stock_code!r} is longer than {MAX_CODE_LENGTH} characters",
                line_number=line,
            )
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise ImportFileError(
                f"description is longer than {MAX_DESCRIPTION_LENGTH} characters",
                line_number=line,
            )
        if not QUANTITY.fullmatch(quantity):
            raise ImportFileError(f"quantity {quantity!r} is not an integer", line_number=line)
        units = int(quantity)
        if abs(units) > MAX_QUANTITY:
            raise ImportFileError(f"quantity {quantity} is out of range", line_number=line)
        invoiced_at = dates.get(date)
        if invoiced_at is None:
            invoiced_at = dates[date] = _parse_date(date, line)
        if not PRICE.fullmatch(price):
            raise ImportFileError(
                f"unit_price {price!r} is not a price (a number with at most 3 decimals)",
                line_number=line,
            )
        unit_price = Decimal(price)
        if abs(units * unit_price) >= MAX_AMOUNT:
            raise ImportFileError(
                f"quantity × unit_price ({quantity} × {price}) is too large", line_number=line
            )
        if customer not in valid_customers:
            if not CUSTOMER.fullmatch(customer):
                raise ImportFileError(
                    f"customer_id {customer!r} is not a customer number (digits)",
                    line_number=line,
                )
            valid_customers.add(customer)
        if not country.strip() or len(country) > MAX_COUNTRY_LENGTH:
            raise ImportFileError(
                f"country {country!r} is empty or longer than {MAX_COUNTRY_LENGTH} characters",
                line_number=line,
            )
        yield Transaction(
            line, invoice, stock_code, description, units, invoiced_at, unit_price, customer,
            country,
        )  # fmt: skip


def _parse_date(value: str, line: int) -> datetime:
    problem = f"invoice_date {value!r} is not a date and time (YYYY-MM-DDTHH:MM:SS)"
    if not DATE.fullmatch(value):
        raise ImportFileError(problem, line_number=line)
    try:
        local = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
    except ValueError as error:
        raise ImportFileError(problem, line_number=line) from error
    return local.replace(tzinfo=SOURCE_TIME_ZONE)
