"""Stock reservations: units are held while a payment runs, become a sale when it succeeds
and go back to the shelf when it fails, is abandoned or the hold expires
(docs/adr/0005-stock-reservations.md).

Stock rows change only by conditional UPDATEs (`... WHERE quantity >= reserved + n`), which
the database applies one at a time per row, so no stock is ever promised twice and none
goes negative (the stock level's check constraints are the backstop). Rows are touched in
one order everywhere (product id, warehouse priority, warehouse id), so two transactions
never wait for each other in a cycle on PostgreSQL. The reservations of one reference change
one transaction at a time (`locks.lock_reference`)."""

import re
from collections import Counter, defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F, Subquery, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orchestre.catalog.models import Product
from orchestre.core.audit import diff, record_change, snapshot
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.core.sequences import next_number
from orchestre.inventory.errors import (
    InsufficientStock,
    InvalidMovement,
    InvalidReservationQuantity,
    InvalidWarehouse,
    UnknownReservation,
    UnknownStockItem,
)
from orchestre.inventory.ledger import (
    MAX_QUANTITY,
    Applied,
    Change,
    after_stock_left,
    apply_movements,
    check_quantity,
    follow_reorder_point,
)
from orchestre.inventory.locks import lock_reference
from orchestre.inventory.models import Reservation, StockLevel, StockMovement, Warehouse
from orchestre.inventory.selectors import available_quantities

ACTIVE = Reservation.Status.ACTIVE
ALLOCATED = Reservation.Status.ALLOCATED
RELEASED = Reservation.Status.RELEASED
EXPIRED = Reservation.Status.EXPIRED


def reserve_stock(
    *, reference: str, quantities: dict[int, int], expires_at: datetime
) -> list[Reservation]:
    """Hold `quantities` (units per product id) under `reference` until `expires_at`, and
    return the reservations, one per product and warehouse used.

    All or nothing: warehouses are used in priority order and a line one of them cannot
    cover is split over the next ones; when any product falls short, InsufficientStock
    names every short SKU with the units available and nothing stays reserved. Idempotent:
    while the reference's latest reservations are active or allocated they are returned and
    nothing more is held (to hold other quantities, release first). Raises
    InvalidReservationQuantity for a quantity below 1. Locks the reference; runs in its own
    transaction or inside the caller's, whose commit makes the hold visible."""
    for product_id, units in quantities.items():
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise InvalidReservationQuantity(product_id)
    with transaction.atomic():
        lock_reference(reference)
        latest = _latest_reservations(reference)
        if any(reservation.status in (ACTIVE, ALLOCATED) for reservation in latest):
            return latest
        reservations = _reserve(
            reference=reference, quantities=quantities, expires_at=expires_at, now=timezone.now()
        )
        _bump_catalogue_if_stock_crossed_zero(
            {product_id: -units for product_id, units in quantities.items()}
        )
    return reservations


def allocate_reservations(*, reference: str, order_number: str) -> int:
    """Turn the reference's latest reservations into sales and return the units sold.

    Each reservation leaves stock and `reserved` together and becomes `allocated`; one SALE
    movement per product and warehouse records it under `order_number`. Reservations that
    expired or were released are first held again (the payment may succeed after the hold
    lapsed), wherever stock is left now; raises InsufficientStock, changing nothing, when
    it is gone. Idempotent: already allocated → 0, nothing changes. Raises
    UnknownReservation when the reference never reserved anything. Locks the reference;
    runs in its own transaction or inside the caller's."""
    now = timezone.now()
    with transaction.atomic():
        lock_reference(reference)
        latest = _latest_reservations(reference)
        if not latest:
            raise UnknownReservation(reference)
        held = [reservation for reservation in latest if reservation.status == ACTIVE]
        lapsed: Counter[int] = Counter()
        for reservation in latest:
            if reservation.status in (RELEASED, EXPIRED):
                lapsed[reservation.product_id] += reservation.quantity
        if lapsed:
            renewed = _reserve(
                reference=reference, quantities=dict(lapsed), expires_at=now, now=now
            )
            held = sorted(held + renewed, key=_stock_order)
        sold: Counter[tuple[int, int]] = Counter()
        for reservation in held:
            if _close(reservation, status=ALLOCATED):
                _take_out_of_reserved(reservation, sold=True)
                sold[reservation.product_id, reservation.warehouse_id] += reservation.quantity
        StockMovement.objects.bulk_create(
            StockMovement(
                product_id=product_id,
                warehouse_id=warehouse_id,
                kind=StockMovement.Kind.SALE,
                quantity=-units,
                reference=order_number,
                created_at=now,
            )
            for (product_id, warehouse_id), units in sold.items()
        )
        after_stock_left(list(sold))
        # Allocating moves units from reserved to sold: what can be ordered only changes
        # when lapsed reservations were held again.
        _bump_catalogue_if_stock_crossed_zero(
            {product_id: -units for product_id, units in lapsed.items()}
        )
    return sum(sold.values())


def release_reservations(*, reference: str) -> int:
    """Give back the stock held under `reference` (payment failed, order cancelled) and
    return the units released. Idempotent: nothing active → 0; allocations stay sold.
    Locks the reference; runs in its own transaction or inside the caller's."""
    with transaction.atomic():
        lock_reference(reference)
        held = _ordered(Reservation.objects.filter(reference=reference, status=ACTIVE))
        return _give_back(held, status=RELEASED)


def expire_reservations(*, now: datetime | None = None) -> int:
    """Give back the stock of active reservations whose `expires_at` is at or before `now`
    and return the units expired. Each reference is expired in its own short transaction,
    with its lock, so a long backlog never holds locks for long. Idempotent."""
    now = now or timezone.now()
    references = list(
        Reservation.objects.filter(status=ACTIVE, expires_at__lte=now)
        .order_by("reference")
        .values_list("reference", flat=True)
        .distinct()
    )
    expired = 0
    for reference in references:
        with transaction.atomic():
            lock_reference(reference)
            due = _ordered(
                Reservation.objects.filter(reference=reference, status=ACTIVE, expires_at__lte=now)
            )
            expired += _give_back(due, status=EXPIRED)
    return expired


def _latest_reservations(reference: str) -> list[Reservation]:
    """The rows written by the reference's last reservation (one `created_at` per call; the
    newest row by id says which call was last, whatever the servers' clocks)."""
    newest = (
        Reservation.objects.filter(reference=reference).order_by("-pk").values("created_at")[:1]
    )
    return _ordered(Reservation.objects.filter(reference=reference, created_at=Subquery(newest)))


def _ordered(reservations) -> list[Reservation]:
    return list(
        reservations.select_related("warehouse").order_by(
            "product_id", "warehouse__priority", "warehouse_id", "pk"
        )
    )


def _stock_order(reservation: Reservation) -> tuple[int, int, int, int]:
    return (
        reservation.product_id,
        reservation.warehouse.priority,
        reservation.warehouse_id,
        reservation.pk,
    )


def _reserve(
    *, reference: str, quantities: dict[int, int], expires_at: datetime, now: datetime
) -> list[Reservation]:
    product_ids = sorted(quantities)
    levels: dict[int, list[StockLevel]] = defaultdict(list)
    for level in (
        StockLevel.objects.filter(product_id__in=product_ids)
        .select_related("warehouse")
        .order_by("product_id", "warehouse__priority", "warehouse_id")
    ):
        levels[level.product_id].append(level)
    reservations: list[Reservation] = []
    short: dict[int, int] = {}
    for product_id in product_ids:
        missing = quantities[product_id]
        for level in levels[product_id]:
            if not missing:
                break
            taken = _hold(level, missing)
            if taken:
                missing -= taken
                reservations.append(
                    Reservation(
                        product_id=product_id,
                        warehouse=level.warehouse,
                        quantity=taken,
                        reference=reference,
                        status=ACTIVE,
                        expires_at=expires_at,
                        created_at=now,
                    )
                )
        if missing:
            short[product_id] = quantities[product_id] - missing
    if short:
        # Raised inside the atomic block: what the other lines took is rolled back.
        skus = dict(Product.objects.filter(pk__in=short).values_list("pk", "sku"))
        raise InsufficientStock(
            shortages={
                skus.get(product_id, str(product_id)): available
                for product_id, available in short.items()
            }
        )
    return Reservation.objects.bulk_create(reservations)


def _hold(level: StockLevel, wanted: int) -> int:
    """Reserve up to `wanted` units of one stock level and return how many were taken."""
    units = min(wanted, level.quantity - level.reserved)
    while units > 0:
        if StockLevel.objects.filter(pk=level.pk, quantity__gte=F("reserved") + units).update(
            reserved=F("reserved") + units
        ):
            return units
        # Another transaction took some since the level was read: take what is left.
        level.refresh_from_db(fields=["quantity", "reserved"])
        units = min(wanted, level.quantity - level.reserved)
    return 0


def _close(reservation: Reservation, *, status: str) -> bool:
    """Move an active reservation to `status`; False when it was not active any more."""
    closed = Reservation.objects.filter(pk=reservation.pk, status=ACTIVE).update(status=status)
    if closed:
        reservation.status = status
    return bool(closed)


def _take_out_of_reserved(reservation: Reservation, *, sold: bool) -> None:
    units = reservation.quantity
    changes = {"reserved": F("reserved") - units}
    if sold:
        changes["quantity"] = F("quantity") - units
    changed = StockLevel.objects.filter(
        product_id=reservation.product_id,
        warehouse_id=reservation.warehouse_id,
        reserved__gte=units,
    ).update(**changes)
    if not changed:
        # Every active reservation is counted in its level's `reserved`: a level holding
        # less means the stock rows were edited around these services.
        raise RuntimeError(
            f"Stock level of product {reservation.product_id} in warehouse "
            f"{reservation.warehouse_id} holds fewer than {units} reserved units "
            f"for reservation {reservation.pk}."
        )


def _give_back(reservations: list[Reservation], *, status: str) -> int:
    given_back: Counter[int] = Counter()
    for reservation in reservations:
        if _close(reservation, status=status):
            _take_out_of_reserved(reservation, sold=False)
            given_back[reservation.product_id] += reservation.quantity
    _bump_catalogue_if_stock_crossed_zero(given_back)
    return sum(given_back.values())


def _bump_catalogue_if_stock_crossed_zero(change: dict[int, int]) -> None:
    """Catalogue pages show whether a product can be ordered: when this transaction's
    `change` (available units per product) ran a product out or brought it back, every
    cached page is invalidated once the transaction commits."""
    change = {product_id: units for product_id, units in change.items() if units}
    if not change:
        return
    available = available_quantities(change)
    if any(
        (available[product_id] == 0) != (available[product_id] - units == 0)
        for product_id, units in change.items()
    ):
        bump_version(CATALOG)


# The ledger: every change of on-hand units is a movement, written by ledger.apply_movements.


class AdjustmentReason(TextChoices):
    DAMAGED = "damaged", gettext_lazy("Damaged")
    LOST = "lost", gettext_lazy("Lost or stolen")
    FOUND = "found", gettext_lazy("Found")
    CORRECTION = "correction", gettext_lazy("Booking error corrected")
    OTHER = "other", gettext_lazy("Other (say why in the note)")


def record_movement(
    *,
    warehouse_id: int,
    product_id: int,
    kind: str,
    quantity: int,
    reference: str,
    actor=None,
    note: str = "",
) -> StockMovement:
    """Record one ledger movement and change the stock level by `quantity` (positive in,
    negative out) in one transaction, and return the movement.

    The level changes by a conditional UPDATE: units leaving must be on hand and not held
    for a checkout, else InsufficientStock (nothing changes). A level missing for units
    coming in is created. The quantity's sign must suit the kind (a receipt or return
    comes in, a sale goes out): InvalidMovement otherwise, and for zero or a non-integer;
    UnknownStockItem for a missing product or warehouse. With an `actor`, the change is
    written to the audit log. Runs in its own transaction or inside the caller's."""
    check_quantity(quantity, kind=kind)
    with transaction.atomic():
        (applied,) = apply_movements(
            [Change(warehouse_id, product_id, quantity)],
            kind=kind,
            reference=reference,
            actor=actor,
            note=note,
        )
        if actor is not None:
            _audit_movements(actor, f"stock.{kind}", [applied], note=note or reference)
    return applied.movement


def adjust_stock(
    *,
    warehouse_id: int,
    product_id: int,
    quantity: int,
    reason: str,
    actor,
    note: str = "",
) -> StockMovement:
    """Correct on-hand units by `quantity` (positive found, negative damaged or lost) with
    a reason (AdjustmentReason; "other" needs a note); one adjustment movement, audited.
    Raises InvalidMovement for a bad quantity or reason, InsufficientStock when more would
    leave than is on hand and free, UnknownStockItem for a missing product or warehouse."""
    check_quantity(quantity)
    if reason not in AdjustmentReason.values:
        raise InvalidMovement(_("Choose a reason for the adjustment."), field="reason")
    note = note.strip()
    if reason == AdjustmentReason.OTHER and not note:
        raise InvalidMovement(_("Say why in the note."), field="note")
    with transaction.atomic():
        (applied,) = apply_movements(
            [Change(warehouse_id, product_id, quantity)],
            kind=StockMovement.Kind.ADJUSTMENT,
            reference=reason,
            actor=actor,
            note=note,
        )
        _audit_movements(actor, "stock.adjusted", [applied], note=f"{reason} {note}".strip())
    return applied.movement


def transfer_stock(
    *,
    product_id: int,
    from_warehouse_id: int,
    to_warehouse_id: int,
    quantity: int,
    actor,
    note: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move `quantity` units of a product from one warehouse to another: two transfer
    movements (out, in) under one TRF- reference, in one transaction, the two levels
    updated in the stock order. Returns (out, in). Raises InvalidMovement for a quantity
    below 1 or the same warehouse twice, InsufficientStock when the source has fewer
    free units, UnknownStockItem for a missing product or warehouse; nothing changes."""
    check_quantity(quantity)
    if quantity < 0:
        raise InvalidMovement(_("Transfer a positive number of units."))
    if from_warehouse_id == to_warehouse_id:
        raise InvalidMovement(
            _("Choose a destination other than the source warehouse."), field="to_warehouse"
        )
    with transaction.atomic():
        reference = f"TRF-{next_number('stock-transfer'):06d}"
        applied = apply_movements(
            [
                Change(from_warehouse_id, product_id, -quantity),
                Change(to_warehouse_id, product_id, quantity),
            ],
            kind=StockMovement.Kind.TRANSFER,
            reference=reference,
            actor=actor,
            note=note,
        )
        _audit_movements(actor, "stock.transferred", applied, note=reference)
    return applied[0].movement, applied[1].movement


def set_reorder_levels(
    *, warehouse_id: int, product_id: int, reorder_point: int, reorder_quantity: int, actor
) -> StockLevel:
    """Set a product's reorder point and reorder quantity in a warehouse (creating its
    empty stock level if needed) and return the level; audited. A level that is now below
    its point is announced like any other crossing. Raises InvalidMovement for a negative
    or non-integer value, UnknownStockItem for a missing product or warehouse."""
    for field, value in (("reorder_point", reorder_point), ("reorder_quantity", reorder_quantity)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
            raise InvalidMovement(
                _("Enter a whole number between 0 and %(max)d.") % {"max": MAX_QUANTITY},
                field=field,
            )
    if not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise UnknownStockItem(_("This warehouse does not exist."), field="warehouse")
    if not Product.objects.filter(pk=product_id).exists():
        raise UnknownStockItem(_("This product does not exist."), field="product")
    with transaction.atomic():
        level, _created = StockLevel.objects.get_or_create(
            warehouse_id=warehouse_id, product_id=product_id
        )
        before = snapshot(level, ["reorder_point", "reorder_quantity"])
        StockLevel.objects.filter(pk=level.pk).update(
            reorder_point=reorder_point, reorder_quantity=reorder_quantity
        )
        level.refresh_from_db()
        follow_reorder_point(level)
        record_change(
            actor=actor,
            action="stock.reorder_levels_set",
            target=level.product,
            changes=diff(before, snapshot(level, ["reorder_point", "reorder_quantity"])),
            note=level.warehouse.code,
        )
    return level


def create_warehouse(*, code: str, name: str, city: str, priority: int, actor) -> Warehouse:
    """A new warehouse, audited. Raises InvalidWarehouse for a code that is not a short
    slug or is taken, an empty name or city, or a priority outside 0–1000."""
    code = code.strip().lower()
    _check_warehouse(name=name, city=city, priority=priority)
    if not code or len(code) > 20 or not _SLUG.fullmatch(code):
        raise InvalidWarehouse(
            _("Use up to 20 lower-case letters, digits or hyphens."), field="code"
        )
    with transaction.atomic():
        if Warehouse.objects.filter(code=code).exists():
            raise InvalidWarehouse(_("Another warehouse has this code."), field="code")
        warehouse = Warehouse.objects.create(
            code=code, name=name.strip(), city=city.strip(), priority=priority
        )
        record_change(
            actor=actor,
            action="warehouse.created",
            target=warehouse,
            changes=diff({}, snapshot(warehouse, _WAREHOUSE_FIELDS)),
        )
    return warehouse


def update_warehouse(*, warehouse_id: int, name: str, city: str, priority: int, actor) -> Warehouse:
    """Rename or reprioritise a warehouse (its code stays: references use it); audited.
    Raises NotFound-style UnknownStockItem or InvalidWarehouse."""
    _check_warehouse(name=name, city=city, priority=priority)
    with transaction.atomic():
        warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
        if warehouse is None:
            raise UnknownStockItem(_("This warehouse does not exist."), field="warehouse")
        before = snapshot(warehouse, _WAREHOUSE_FIELDS)
        warehouse.name, warehouse.city, warehouse.priority = name.strip(), city.strip(), priority
        warehouse.save(update_fields=["name", "city", "priority"])
        changes = diff(before, snapshot(warehouse, _WAREHOUSE_FIELDS))
        if changes:
            record_change(
                actor=actor, action="warehouse.updated", target=warehouse, changes=changes
            )
    return warehouse


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_WAREHOUSE_FIELDS = ["code", "name", "city", "priority"]


def _check_warehouse(*, name: str, city: str, priority: int) -> None:
    if not name.strip() or len(name.strip()) > 120:
        raise InvalidWarehouse(_("Enter a name of up to 120 characters."), field="name")
    if not city.strip() or len(city.strip()) > 80:
        raise InvalidWarehouse(_("Enter a city of up to 80 characters."), field="city")
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 1000:
        raise InvalidWarehouse(_("Enter a priority between 0 and 1000."), field="priority")


def _audit_movements(actor, action: str, applied: list[Applied], *, note: str) -> None:
    """One entry per product: on-hand units before and after, per warehouse code."""
    codes = dict(
        Warehouse.objects.filter(
            pk__in={item.movement.warehouse_id for item in applied}
        ).values_list("pk", "code")
    )
    products = Product.objects.in_bulk({item.movement.product_id for item in applied})
    for product_id, product in sorted(products.items()):
        record_change(
            actor=actor,
            action=action,
            target=product,
            changes={
                codes[item.movement.warehouse_id]: [item.before, item.after]
                for item in applied
                if item.movement.product_id == product_id
            },
            note=note,
        )
