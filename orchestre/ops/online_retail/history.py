"""Writing the history side of an import: customers, orders and their lines. Called
inside the import's transaction.

Orders keep the invoice exactly as recorded: number, time, country, currency (GBP) and
every line, duplicates included, with quantity, unit price and amount untouched, so the
totals in the shop equal the totals of the file.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Min, Q, Sum

from orchestre.customers.models import Customer
from orchestre.ops.online_retail.batching import chunked
from orchestre.ops.online_retail.countries import country_code
from orchestre.ops.online_retail.errors import ImportFileError
from orchestre.ops.online_retail.identities import fictitious_identity
from orchestre.ops.online_retail.plan import CustomerPlan, InvoicePlan
from orchestre.orders.models import Order, OrderLine

SOURCE_CURRENCY = "GBP"
LINE_BATCH = 5000


def existing_invoice_numbers(numbers: list[str]) -> set[str]:
    """The numbers already imported. Raises ImportFileError if a number belongs to an
    order that was not imported (a web order), rather than skipping the invoice."""
    found = set()
    for chunk in chunked(numbers):
        for number, source in Order.objects.filter(number__in=chunk).values_list(
            "number", "source"
        ):
            if source != Order.Source.IMPORT:
                raise ImportFileError(
                    f"invoice {number} has the number of an existing {source} order"
                )
            found.add(number)
    return found


def imported_sales() -> dict[int, tuple[int, datetime | None]]:
    """What the imported orders in the database say of each product they sell: its net
    units (product lines of sales and cancellations) and its first sale. One grouped scan:
    on SQLite it is many times faster than the same query filtered on thousands of ids."""
    rows = (
        OrderLine.objects.filter(
            kind=OrderLine.Kind.PRODUCT,
            order__source=Order.Source.IMPORT,
            order__kind__in=[Order.Kind.SALE, Order.Kind.CANCELLATION],
        )
        .values("product_id")
        .annotate(
            units=Sum("quantity"),
            first_sold=Min(
                "order__placed_at", filter=Q(order__kind=Order.Kind.SALE, quantity__gt=0)
            ),
        )
        .values_list("product_id", "units", "first_sold")
    )
    return {product_id: (units, first_sold) for product_id, units, first_sold in rows}


def save_customers(plans: dict[str, CustomerPlan]) -> tuple[dict[str, int], int]:
    """Create the customers not imported before, with a generated fictitious identity;
    move an existing customer's ``created_at`` back when the file shows an earlier
    invoice. Returns ({source ref: id}, number created)."""
    existing = {
        source_ref: (customer_id, created_at)
        for source_ref, customer_id, created_at in Customer.objects.filter(
            source_ref__isnull=False
        ).values_list("source_ref", "id", "created_at")
    }
    new = []
    for plan in plans.values():
        if plan.source_ref in existing:
            customer_id, created_at = existing[plan.source_ref]
            if plan.first_invoice_at < created_at:
                Customer.objects.filter(id=customer_id).update(created_at=plan.first_invoice_at)
            continue
        identity = fictitious_identity(plan.source_ref)
        new.append(
            Customer(
                source_ref=plan.source_ref,
                first_name=identity.first_name,
                last_name=identity.last_name,
                email=identity.email,
                country=plan.country_code,
                is_fictitious=True,
                created_at=plan.first_invoice_at,
            )
        )
    Customer.objects.bulk_create(new, batch_size=LINE_BATCH)
    ids = {source_ref: customer_id for source_ref, (customer_id, _) in existing.items()}
    ids.update({customer.source_ref: customer.id for customer in new})
    return ids, len(new)


def create_orders(
    invoices: list[InvoicePlan],
    *,
    customer_ids: dict[str, int],
    product_ids: dict[str, int],
    progress: Callable[[int], None],
) -> int:
    """Insert one order per invoice and one line per recorded row; returns the lines
    written. ``progress`` is called with the number of lines written by each batch."""
    orders = [
        Order(
            number=invoice.number,
            kind=invoice.kind,
            source=Order.Source.IMPORT,
            status=Order.Status.DELIVERED,  # historical orders were fulfilled long ago
            customer_id=customer_ids.get(invoice.customer_ref),
            country=invoice.country,
            country_code=country_code(invoice.country),
            placed_at=invoice.placed_at,
            currency=SOURCE_CURRENCY,
            total=invoice.total,
        )
        for invoice in invoices
    ]
    Order.objects.bulk_create(orders, batch_size=LINE_BATCH)
    batch: list[OrderLine] = []
    written = 0
    for order, invoice in zip(orders, invoices, strict=True):
        for row, kind, sku in invoice.lines:
            batch.append(
                OrderLine(
                    order_id=order.id,
                    kind=kind,
                    product_id=product_ids[sku] if sku else None,
                    code=row.stock_code,
                    description=row.description,
                    quantity=row.quantity,
                    unit_price=row.unit_price,
                    amount=row.quantity * row.unit_price,
                )
            )
        if len(batch) >= LINE_BATCH:
            written += _flush(batch, progress)
    return written + _flush(batch, progress)


def _flush(batch: list[OrderLine], progress: Callable[[int], None]) -> int:
    OrderLine.objects.bulk_create(batch)
    count = len(batch)
    batch.clear()
    progress(count)
    return count
