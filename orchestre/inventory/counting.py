"""Writes of cycle counts: start a count of some products of a warehouse, enter what was
counted, confirm it so the differences become count movements.

Each line's expected quantity is the book quantity when its count is entered: a sale made
before the shelf was counted is already in both the books and the shelf, so it is not
counted twice. A product is in at most one open count per warehouse, so two counts never
correct the same shelf twice."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.catalog.models import Product
from orchestre.core.audit import record_change
from orchestre.inventory.errors import CountStateConflict, InvalidCount, UnknownStockItem
from orchestre.inventory.ledger import MAX_QUANTITY, Change, apply_movements
from orchestre.inventory.locks import lock_cycle_count
from orchestre.inventory.models import (
    CycleCount,
    CycleCountLine,
    StockLevel,
    StockMovement,
    Warehouse,
)

MAX_LINES = 2000


def start_cycle_count(
    *, warehouse_id: int, product_ids: list[int] | None = None, actor, note: str = ""
) -> CycleCount:
    """Open a count of `product_ids` in a warehouse (all products stocked there when None)
    with each line expecting the current book quantity; audited. Raises UnknownStockItem
    for a missing warehouse or product, InvalidCount when there is nothing to count, too
    much at once, or a product already in another open count of the warehouse."""
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise UnknownStockItem(_("This warehouse does not exist."), field="warehouse")
    if len(note) > 255:
        raise InvalidCount(_("A note has at most 255 characters."))
    with transaction.atomic():
        books = dict(
            StockLevel.objects.filter(warehouse_id=warehouse_id).values_list(
                "product_id", "quantity"
            )
        )
        if product_ids is None:
            wanted = sorted(books)
        else:
            wanted = sorted(set(product_ids))
            known = set(Product.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            if len(known) != len(wanted):
                raise UnknownStockItem(_("This product does not exist."), field="products")
        if not wanted:
            message = _("There is nothing to count: choose at least one product.")
            raise InvalidCount(message, fields={"products": [message]})
        if len(wanted) > MAX_LINES:
            message = _("Count at most %(count)d products at once.") % {"count": MAX_LINES}
            raise InvalidCount(message, fields={"products": [message]})
        busy = sorted(
            CycleCountLine.objects.filter(
                count__warehouse_id=warehouse_id,
                count__status=CycleCount.Status.OPEN,
                product_id__in=wanted,
            ).values_list("product__sku", flat=True)
        )
        if busy:
            message = _("Already in an open count of this warehouse: %(skus)s.") % {
                "skus": ", ".join(busy[:10])
            }
            raise InvalidCount(message, fields={"products": [message]})
        count = CycleCount.objects.create(
            warehouse_id=warehouse_id, note=note, created_at=timezone.now(), created_by=actor
        )
        CycleCountLine.objects.bulk_create(
            CycleCountLine(
                count=count, product_id=product_id, expected_quantity=books.get(product_id, 0)
            )
            for product_id in wanted
        )
        record_change(
            actor=actor,
            action="cycle_count.started",
            target=count,
            changes={"lines": [None, len(wanted)]},
        )
    return count


def record_counted_quantities(
    *, count_id: int, counted: dict[int, int | None], actor
) -> CycleCount:
    """Enter counted units per line id (None clears a line); each entered line's expected
    quantity becomes the book quantity now. Raises InvalidCount (fields per line id) for a
    negative or non-integer quantity or a line of another count, CountStateConflict when
    the count is closed, UnknownStockItem when it does not exist. Locks the count."""
    fields = {}
    for line_id, units in counted.items():
        if units is not None and (
            isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= MAX_QUANTITY
        ):
            fields[str(line_id)] = [_("Enter a whole number of units, 0 or more.")]
    if fields:
        raise InvalidCount(_("Some counted quantities need correcting."), fields=fields)
    with transaction.atomic():
        count = _locked_open(count_id)
        lines = CycleCountLine.objects.in_bulk(list(counted))
        foreign = [pk for pk in counted if pk not in lines or lines[pk].count_id != count.pk]
        if foreign:
            message = _("This line is not part of the count.")
            raise InvalidCount(message, fields={str(pk): [message] for pk in foreign})
        books = dict(
            StockLevel.objects.filter(
                warehouse_id=count.warehouse_id,
                product_id__in=[line.product_id for line in lines.values()],
            ).values_list("product_id", "quantity")
        )
        for pk, units in counted.items():
            line = lines[pk]
            line.counted_quantity = units
            line.expected_quantity = books.get(line.product_id, 0)
        CycleCountLine.objects.bulk_update(
            lines.values(), ["counted_quantity", "expected_quantity"]
        )
        record_change(
            actor=actor,
            action="cycle_count.entered",
            target=count,
            changes={"counted_lines": [None, sum(units is not None for units in counted.values())]},
        )
    return count


def confirm_cycle_count(*, count_id: int, actor) -> list[StockMovement]:
    """Close an open count whose every line is counted, writing a count movement for each
    line whose counted units differ from the expected ones; returns those movements and
    audits it. Raises InvalidCount naming the lines not counted yet, CountStateConflict
    when closed, InsufficientStock when a shortfall would take units held for checkouts.
    Locks the count, then the stock levels in the stock order."""
    with transaction.atomic():
        count = _locked_open(count_id)
        lines = list(count.lines.select_related("product").order_by("product_id"))
        missing = [line.product.sku for line in lines if line.counted_quantity is None]
        if missing:
            message = _("Count every line before confirming; not counted yet: %(skus)s.") % {
                "skus": ", ".join(missing[:10])
            }
            raise InvalidCount(message, fields={"lines": [message]})
        changes = [
            Change(count.warehouse_id, line.product_id, line.variance)
            for line in lines
            if line.variance
        ]
        applied = (
            apply_movements(
                changes, kind=StockMovement.Kind.COUNT, reference=count.reference, actor=actor
            )
            if changes
            else []
        )
        count.status = CycleCount.Status.CONFIRMED
        count.confirmed_at = timezone.now()
        count.save(update_fields=["status", "confirmed_at"])
        skus = {line.product_id: line.product.sku for line in lines}
        audit = {skus[item.movement.product_id]: [item.before, item.after] for item in applied}
        audit["status"] = [CycleCount.Status.OPEN, CycleCount.Status.CONFIRMED]
        record_change(actor=actor, action="cycle_count.confirmed", target=count, changes=audit)
    return [item.movement for item in applied]


def cancel_cycle_count(*, count_id: int, actor) -> CycleCount:
    """Drop an open count without touching stock; audited. Raises CountStateConflict
    when closed, UnknownStockItem when it does not exist. Locks the count."""
    with transaction.atomic():
        count = _locked_open(count_id)
        count.status = CycleCount.Status.CANCELLED
        count.save(update_fields=["status"])
        record_change(
            actor=actor,
            action="cycle_count.cancelled",
            target=count,
            changes={"status": [CycleCount.Status.OPEN, CycleCount.Status.CANCELLED]},
        )
    return count


def _locked_open(count_id: int) -> CycleCount:
    count = lock_cycle_count(count_id)
    if count is None:
        raise UnknownStockItem(_("This count does not exist."), field="count")
    if count.status != CycleCount.Status.OPEN:
        raise CountStateConflict(_("This count is closed: it can no longer change."))
    return count
