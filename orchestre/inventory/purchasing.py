"""Writes of purchasing: suppliers, purchase orders and the goods received against them.

A purchase order goes draft → sent → partially received → received, or is cancelled
before anything arrives. Each goods receipt locks its order (`locks.lock_purchase_order`),
so two receipts of one order never both take the last outstanding units; every receipt line
is a receipt movement in the ledger under the receipt's reference."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.catalog.models import Product
from orchestre.core.audit import diff, record_change, snapshot
from orchestre.core.money import quantize
from orchestre.core.outbox import enqueue_email
from orchestre.core.sequences import next_number
from orchestre.inventory.errors import (
    InvalidPurchaseOrder,
    PurchaseOrderStateConflict,
    ReceivingTooMuch,
    UnknownStockItem,
)
from orchestre.inventory.ledger import MAX_QUANTITY, Change, apply_movements
from orchestre.inventory.locks import lock_purchase_order
from orchestre.inventory.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMovement,
    Supplier,
    Warehouse,
)

Status = PurchaseOrder.Status
MAX_UNIT_COST = Decimal("1000000")
MAX_LINES = 200


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: int
    unit_cost: Decimal


def create_supplier(
    *, name: str, email: str = "", phone: str = "", lead_time_days: int = 7, actor
) -> Supplier:
    """A new supplier, audited. Raises InvalidPurchaseOrder for an empty or taken name or
    a lead time outside 0–365 days."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidPurchaseOrder(
            _("Enter a name of up to 120 characters."),
            fields={"name": [_("Enter a name of up to 120 characters.")]},
        )
    if not _whole(lead_time_days, 0, 365):
        message = _("Enter a lead time between 0 and 365 days.")
        raise InvalidPurchaseOrder(message, fields={"lead_time_days": [message]})
    with transaction.atomic():
        if Supplier.objects.filter(name__iexact=name).exists():
            message = _("A supplier with this name already exists.")
            raise InvalidPurchaseOrder(message, fields={"name": [message]})
        supplier = Supplier.objects.create(
            name=name, email=email.strip(), phone=phone.strip(), lead_time_days=lead_time_days
        )
        record_change(
            actor=actor,
            action="supplier.created",
            target=supplier,
            changes=diff({}, snapshot(supplier, ["name", "email", "phone", "lead_time_days"])),
        )
    return supplier


def create_purchase_order(
    *,
    supplier_id: int,
    warehouse_id: int,
    lines: list[LineInput],
    expected_on: date | None = None,
    note: str = "",
    actor,
) -> PurchaseOrder:
    """A draft purchase order numbered PO-nnnnnn, with one line per product; audited.
    Raises InvalidPurchaseOrder (with `fields` such as `lines.0.quantity`) for no lines,
    a product twice, a quantity below 1, a negative cost, an inactive supplier; and
    UnknownStockItem for a missing supplier, warehouse or product. Nothing is written
    then."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise UnknownStockItem(_("This supplier does not exist."), field="supplier")
    if not supplier.is_active:
        message = _("This supplier is no longer active.")
        raise InvalidPurchaseOrder(message, fields={"supplier": [message]})
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise UnknownStockItem(_("This warehouse does not exist."), field="warehouse")
    if len(note) > 255:
        message = _("A note has at most 255 characters.")
        raise InvalidPurchaseOrder(message, fields={"note": [message]})
    cleaned = _clean_lines(lines)
    with transaction.atomic():
        purchase_order = PurchaseOrder.objects.create(
            number=f"PO-{next_number('purchase-order'):06d}",
            supplier=supplier,
            warehouse_id=warehouse_id,
            expected_on=expected_on,
            note=note,
            created_at=timezone.now(),
            created_by=actor,
        )
        PurchaseOrderLine.objects.bulk_create(
            PurchaseOrderLine(
                purchase_order=purchase_order,
                product_id=line.product_id,
                quantity_ordered=line.quantity,
                unit_cost=line.unit_cost,
            )
            for line in cleaned
        )
        record_change(
            actor=actor,
            action="purchase_order.created",
            target=purchase_order,
            changes={"status": [None, Status.DRAFT], "lines": [None, len(cleaned)]},
        )
    return purchase_order


def send_purchase_order(*, purchase_order_id: int, actor) -> PurchaseOrder:
    """Mark a draft as sent and e-mail it to the supplier when it has an address (once:
    the e-mail is keyed by the order). Raises UnknownStockItem, or
    PurchaseOrderStateConflict when it is not a draft. Locks the order."""
    with transaction.atomic():
        purchase_order = _locked(purchase_order_id)
        if purchase_order.status != Status.DRAFT:
            raise PurchaseOrderStateConflict(_("Only a draft purchase order can be sent."))
        purchase_order.status = Status.SENT
        purchase_order.sent_at = timezone.now()
        purchase_order.save(update_fields=["status", "sent_at"])
        supplier = purchase_order.supplier
        if supplier.email:
            enqueue_email(
                key=f"purchase-order-sent:{purchase_order.pk}",
                to=supplier.email,
                subject=_("Purchase order %(number)s") % {"number": purchase_order.number},
                text_body=_purchase_order_text(purchase_order),
            )
        record_change(
            actor=actor,
            action="purchase_order.sent",
            target=purchase_order,
            changes={"status": [Status.DRAFT, Status.SENT]},
        )
    return purchase_order


def cancel_purchase_order(*, purchase_order_id: int, actor, note: str = "") -> PurchaseOrder:
    """Cancel a draft or sent order. Raises PurchaseOrderStateConflict once goods were
    received (or it is already closed), UnknownStockItem when it does not exist. Locks the
    order."""
    with transaction.atomic():
        purchase_order = _locked(purchase_order_id)
        if purchase_order.status not in (Status.DRAFT, Status.SENT):
            raise PurchaseOrderStateConflict(
                _("Only a draft or sent purchase order with nothing received can be cancelled.")
            )
        before = purchase_order.status
        purchase_order.status = Status.CANCELLED
        purchase_order.save(update_fields=["status"])
        record_change(
            actor=actor,
            action="purchase_order.cancelled",
            target=purchase_order,
            changes={"status": [before, Status.CANCELLED]},
            note=note,
        )
    return purchase_order


def receive_purchase_order(
    *, purchase_order_id: int, quantities: dict[int, int], actor, note: str = ""
) -> GoodsReceipt:
    """Receive goods against a sent or partially received order: `quantities` gives the
    units received per purchase order line id (0 or missing: none of that line). Writes a
    goods receipt (reference `<PO number>-R<n>`), one receipt movement per line, moves the
    order to partially received or received, and audits it.

    Raises InvalidPurchaseOrder for a negative or non-integer quantity, a line of another
    order, or nothing received; ReceivingTooMuch, naming each line's outstanding units,
    when more than is outstanding; PurchaseOrderStateConflict for a draft, received or
    cancelled order; UnknownStockItem when the order does not exist. Nothing changes then.
    Locks the order, then the stock levels in the stock order."""
    wanted: dict[int, int] = {}
    for line_id, units in quantities.items():
        if not _whole(units, 0, MAX_QUANTITY):
            message = _("Enter a whole number of units, 0 or more.")
            raise InvalidPurchaseOrder(message, fields={str(line_id): [message]})
        if units:
            wanted[line_id] = units
    if len(note) > 255:
        message = _("A note has at most 255 characters.")
        raise InvalidPurchaseOrder(message, fields={"note": [message]})
    with transaction.atomic():
        purchase_order = _locked(purchase_order_id)
        if purchase_order.status not in (Status.SENT, Status.PARTIALLY_RECEIVED):
            raise PurchaseOrderStateConflict(
                _("Goods can only be received against a sent, not yet fully received order.")
                if purchase_order.status != Status.DRAFT
                else _("Send the purchase order before receiving goods against it.")
            )
        lines = {
            line.pk: line
            for line in purchase_order.lines.select_related("product").order_by("product_id")
        }
        foreign = [line_id for line_id in wanted if line_id not in lines]
        if foreign:
            message = _("This line is not on purchase order %(number)s.") % {
                "number": purchase_order.number
            }
            raise InvalidPurchaseOrder(message, fields={str(pk): [message] for pk in foreign})
        if not wanted:
            message = _("Enter the units received for at least one line.")
            raise InvalidPurchaseOrder(message, fields={"quantities": [message]})
        too_much = {
            str(pk): (lines[pk].product.sku, lines[pk].outstanding)
            for pk, units in wanted.items()
            if units > lines[pk].outstanding
        }
        if too_much:
            raise ReceivingTooMuch(too_much)
        number = purchase_order.receipts.count() + 1
        receipt = GoodsReceipt.objects.create(
            purchase_order=purchase_order,
            reference=f"{purchase_order.number}-R{number}",
            received_at=timezone.now(),
            received_by=actor,
            note=note,
        )
        received = [lines[pk] for pk in sorted(wanted, key=lambda pk: lines[pk].product_id)]
        for line in received:
            # The order is locked, so this always matches; the condition is the backstop
            # of the database's own check (received within ordered).
            PurchaseOrderLine.objects.filter(
                pk=line.pk, quantity_received__lte=F("quantity_ordered") - wanted[line.pk]
            ).update(quantity_received=F("quantity_received") + wanted[line.pk])
        GoodsReceiptLine.objects.bulk_create(
            GoodsReceiptLine(receipt=receipt, line=line, quantity=wanted[line.pk])
            for line in received
        )
        apply_movements(
            [
                Change(purchase_order.warehouse_id, line.product_id, wanted[line.pk])
                for line in received
            ],
            kind=StockMovement.Kind.RECEIPT,
            reference=receipt.reference,
            actor=actor,
            note=note,
        )
        complete = all(
            line.quantity_received + wanted.get(pk, 0) >= line.quantity_ordered
            for pk, line in lines.items()
        )
        before = purchase_order.status
        purchase_order.status = Status.RECEIVED if complete else Status.PARTIALLY_RECEIVED
        purchase_order.save(update_fields=["status"])
        changes = {
            line.product.sku: [line.quantity_received, line.quantity_received + wanted[line.pk]]
            for line in received
        }
        if before != purchase_order.status:
            changes["status"] = [before, purchase_order.status]
        record_change(
            actor=actor,
            action="purchase_order.received",
            target=purchase_order,
            changes=changes,
            note=receipt.reference,
        )
    return receipt


def _locked(purchase_order_id: int) -> PurchaseOrder:
    purchase_order = lock_purchase_order(purchase_order_id)
    if purchase_order is None:
        raise UnknownStockItem(_("This purchase order does not exist."), field="purchase_order")
    return purchase_order


def _whole(value, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _clean_lines(lines: list[LineInput]) -> list[LineInput]:
    if not lines:
        message = _("Add at least one line.")
        raise InvalidPurchaseOrder(message, fields={"lines": [message]})
    if len(lines) > MAX_LINES:
        message = _("A purchase order has at most %(count)d lines.") % {"count": MAX_LINES}
        raise InvalidPurchaseOrder(message, fields={"lines": [message]})
    known = set(
        Product.objects.filter(pk__in={line.product_id for line in lines}).values_list(
            "pk", flat=True
        )
    )
    fields: dict[str, list[str]] = {}
    seen: set[int] = set()
    cleaned = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        if line.product_id not in known:
            fields[f"{prefix}.product"] = [_("This product does not exist.")]
        elif line.product_id in seen:
            fields[f"{prefix}.product"] = [_("This product is already on another line.")]
        seen.add(line.product_id)
        if not _whole(line.quantity, 1, MAX_QUANTITY):
            fields[f"{prefix}.quantity"] = [_("Order a whole number of units, at least 1.")]
        try:
            cost = Decimal(line.unit_cost)
        except (InvalidOperation, TypeError, ValueError):
            cost = None
        if cost is None or not cost.is_finite() or not 0 <= cost < MAX_UNIT_COST:
            fields[f"{prefix}.unit_cost"] = [_("Enter a unit cost of 0 or more.")]
        else:
            cleaned.append(LineInput(line.product_id, line.quantity, quantize(cost)))
    if fields:
        raise InvalidPurchaseOrder(_("Some lines need correcting."), fields=fields)
    return cleaned


def _purchase_order_text(purchase_order: PurchaseOrder) -> str:
    rows = [
        f"{line.product.sku}  {line.product.name}  × {line.quantity_ordered}  @ {line.unit_cost}"
        for line in purchase_order.lines.select_related("product")
    ]
    facts = {
        "number": purchase_order.number,
        "warehouse": purchase_order.warehouse.name,
        "city": purchase_order.warehouse.city,
    }
    heading = _("Purchase order %(number)s, to deliver to %(warehouse)s, %(city)s:") % facts
    return "\n".join([heading, "", *rows])
