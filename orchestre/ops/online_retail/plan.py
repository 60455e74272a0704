"""From validated rows to what the shop will hold: invoices, products, customers.

Pure Python, no database: everything the import writes is decided here first, so a
problem found while planning (an invoice with two customers...) still changes nothing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from orchestre.ops.online_retail import classification, conversion, countries, naming, stock
from orchestre.ops.online_retail.attributes import ParsedAttributes, parse_attributes
from orchestre.ops.online_retail.codes import non_product_kind, normalise_stock_code
from orchestre.ops.online_retail.errors import ImportFileError
from orchestre.ops.online_retail.reader import Transaction
from orchestre.orders.models import Order, OrderLine

ZERO = Decimal(0)


class PlannedLine(NamedTuple):
    transaction: Transaction
    kind: str  # OrderLine.Kind
    sku: str | None  # the product's SKU; None on non-product lines


@dataclass
class InvoicePlan:
    number: str
    kind: str  # Order.Kind
    placed_at: datetime  # the earliest time on its lines (a few span two minutes)
    customer_ref: str
    country: str
    lines: list[PlannedLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The sum of its line amounts, exact (no rounding)."""
        return sum(
            (line.transaction.quantity * line.transaction.unit_price for line in self.lines), ZERO
        )


@dataclass(frozen=True)
class ProductPlan:
    sku: str
    source_name: str
    name: str
    category: str  # leaf slug
    attributes: ParsedAttributes
    first_seen: datetime  # the earliest invoice the code is on
    first_sold: datetime | None  # the earliest sale invoice; None if never sold
    price: Decimal | None  # EUR incl. VAT; None when there is nothing to sell it at
    opening_stock: dict[str, int]

    @property
    def listed_at(self) -> datetime:
        """When the product came into the shop: its first sale, or its first appearance
        for a product never sold."""
        return self.first_sold or self.first_seen


@dataclass(frozen=True)
class CustomerPlan:
    source_ref: str
    country_code: str
    first_invoice_at: datetime


@dataclass
class ImportPlan:
    invoices: dict[str, InvoicePlan]
    products: dict[str, ProductPlan]
    customers: dict[str, CustomerPlan]
    line_kinds: Counter
    unknown_countries: set[str]


def invoice_kind(number: str) -> str:
    """C… is a cancellation (credit note), A… an accounting adjustment, digits a sale."""
    if number.startswith("C"):
        return Order.Kind.CANCELLATION
    if number.startswith("A"):
        return Order.Kind.ADJUSTMENT
    return Order.Kind.SALE


def build_plan(transactions: list[Transaction]) -> ImportPlan:
    """Group the rows into invoices, give every line its kind, and work out the
    products and customers they imply. Raises ImportFileError when an invoice's lines
    disagree on its customer or country."""
    invoices: dict[str, InvoicePlan] = {}
    line_kinds: Counter = Counter()
    for invoice, rows in _group_invoices(transactions):
        has_price = any(row.unit_price for row in rows)
        invoice.lines = [_plan_line(invoice, row, has_price) for row in rows]
        line_kinds.update(line.kind for line in invoice.lines)
        invoices[invoice.number] = invoice
    return ImportPlan(
        invoices=invoices,
        products=_plan_products(invoices),
        customers=_plan_customers(invoices),
        line_kinds=line_kinds,
        unknown_countries={
            invoice.country
            for invoice in invoices.values()
            if invoice.country not in countries.COUNTRY_CODES
        },
    )


def _group_invoices(
    transactions: list[Transaction],
) -> list[tuple[InvoicePlan, list[Transaction]]]:
    """Each invoice (in order of first appearance) with its rows."""
    groups: dict[str, tuple[InvoicePlan, list[Transaction]]] = {}
    for row in transactions:
        group = groups.get(row.invoice)
        if group is None:
            invoice = InvoicePlan(
                row.invoice, invoice_kind(row.invoice), row.invoiced_at, row.customer_ref,
                row.country,
            )  # fmt: skip
            group = groups[row.invoice] = (invoice, [])
        invoice, rows = group
        if row.customer_ref != invoice.customer_ref or row.country != invoice.country:
            raise ImportFileError(
                f"invoice {row.invoice} is recorded for customer {row.customer_ref!r} in "
                f"{row.country!r} here but for customer {invoice.customer_ref!r} in "
                f"{invoice.country!r} on line {rows[0].line_number}",
                line_number=row.line_number,
            )
        invoice.placed_at = min(invoice.placed_at, row.invoiced_at)
        rows.append(row)
    return list(groups.values())


@cache
def _code_kind(stock_code: str) -> tuple[str, str | None]:
    """(SKU, non-product line kind or None) of a recorded code; a few thousand distinct
    codes cover hundreds of thousands of lines, hence the cache."""
    sku = normalise_stock_code(stock_code)
    return sku, non_product_kind(sku)


def _plan_line(invoice: InvoicePlan, row: Transaction, invoice_has_price: bool) -> PlannedLine:
    sku, kind = _code_kind(row.stock_code)
    if kind is not None:
        return PlannedLine(row, kind, None)
    # Stock written off or found again, booked as an unpriced invoice without customer;
    # the notes typed on those lines ('damaged', 'found', '?') are not names.
    if invoice.kind == Order.Kind.SALE and not invoice.customer_ref and not invoice_has_price:
        return PlannedLine(row, OrderLine.Kind.STOCK_ADJUSTMENT, sku)
    return PlannedLine(row, OrderLine.Kind.PRODUCT, sku)


class _ProductFacts:
    """What the lines of one SKU say, gathered in one pass. Tallies map a value to
    [times recorded, latest time recorded]."""

    def __init__(self, first_seen: datetime) -> None:
        self.sale_descriptions: dict[str, list] = {}
        self.adjustment_descriptions: dict[str, list] = {}
        self.first_seen = first_seen
        self.first_sold: datetime | None = None
        self.prices: dict[Decimal, list] = {}
        self.sales: list[tuple[date, int]] = []


def _tally(tallies: dict, value, when: datetime) -> None:
    seen = tallies.get(value)
    if seen is None:
        tallies[value] = [1, when]
    else:
        seen[0] += 1
        if when > seen[1]:
            seen[1] = when


def _plan_products(invoices: dict[str, InvoicePlan]) -> dict[str, ProductPlan]:
    facts: dict[str, _ProductFacts] = {}
    last_day = max(invoice.placed_at for invoice in invoices.values()).date()
    for invoice in invoices.values():
        is_sale = invoice.kind == Order.Kind.SALE
        when = invoice.placed_at  # the time the order gets, so facts match the orders
        day = when.date()  # in the source's own time zone
        for row, kind, sku in invoice.lines:
            if sku is None:
                continue
            product = facts.get(sku)
            if product is None:
                product = facts[sku] = _ProductFacts(when)
            elif when < product.first_seen:
                product.first_seen = when
            if kind == OrderLine.Kind.STOCK_ADJUSTMENT:
                _tally(product.adjustment_descriptions, row.description, when)
                continue
            _tally(product.sale_descriptions, row.description, when)
            if not is_sale or row.quantity <= 0:
                continue
            if product.first_sold is None or when < product.first_sold:
                product.first_sold = when
            if row.unit_price > 0:
                _tally(product.prices, row.unit_price, when)
                product.sales.append((day, row.quantity))
    return {sku: _product_plan(sku, product, last_day) for sku, product in sorted(facts.items())}


def _product_plan(sku: str, facts: _ProductFacts, last_day: date) -> ProductPlan:
    source_name = naming.choose_name(
        {text: tuple(tally) for text, tally in facts.sale_descriptions.items()},
        {text: tuple(tally) for text, tally in facts.adjustment_descriptions.items()},
        sku=sku,
    )
    price = None
    if facts.prices:
        # The most frequent price; a tie goes to the one charged most recently.
        recorded = max(facts.prices.items(), key=lambda item: (item[1], item[0]))[0]
        price = conversion.shop_price(recorded) or None  # 0.001 GBP is 0.00 EUR: no price
    return ProductPlan(
        sku=sku,
        source_name=source_name,
        name=naming.readable_name(source_name),
        category=classification.classify(source_name),
        attributes=parse_attributes(source_name),
        first_seen=facts.first_seen,
        first_sold=facts.first_sold,
        price=price,
        opening_stock=stock.opening_stock(facts.sales, last_day=last_day),
    )


def _plan_customers(invoices: dict[str, InvoicePlan]) -> dict[str, CustomerPlan]:
    by_customer: dict[str, list[InvoicePlan]] = defaultdict(list)
    for invoice in invoices.values():
        if invoice.customer_ref:
            by_customer[invoice.customer_ref].append(invoice)
    plans = {}
    for source_ref, customer_invoices in sorted(by_customer.items()):
        # The country of most of the customer's invoices; a tie goes to the latest one.
        votes: dict[str, list] = {}
        for invoice in customer_invoices:
            _tally(votes, invoice.country, invoice.placed_at)
        country = max(votes.items(), key=lambda item: (item[1], item[0]))[0]
        plans[source_ref] = CustomerPlan(
            source_ref=source_ref,
            country_code=countries.country_code(country),
            first_invoice_at=min(invoice.placed_at for invoice in customer_invoices),
        )
    return plans


def units_sold_by_sku(invoices: list[InvoicePlan]) -> Counter:
    """Net units per SKU on the product lines of these invoices: sales minus
    cancellations (stock adjustments and accounting adjustments are not sales)."""
    units: Counter = Counter()
    for invoice in invoices:
        if invoice.kind == Order.Kind.ADJUSTMENT:
            continue
        for row, kind, sku in invoice.lines:
            if kind == OrderLine.Kind.PRODUCT:
                units[sku] += row.quantity
    return units
