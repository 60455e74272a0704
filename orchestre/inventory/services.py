"""Stock reservations: units are held while a payment runs, become a sale when it succeeds
and go back to the shelf when it fails, is abandoned or the hold expires
(docs/adr/0005-stock-reservations.md).

Stock rows change only by conditional UPDATEs (`... WHERE quantity >= reserved + n`), which
the database applies one at a time per row, so no stock is ever promised twice and none
goes negative (the stock level's check constraints are the backstop). Rows are touched in
one order everywhere (product id, warehouse priority, warehouse id), so two transactions
never wait for each other in a cycle on PostgreSQL. The reservations of one reference change
one transaction at a time (`locks.lock_reference`)."""

from collections import Counter, defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone

from orchestre.catalog.models import Product
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.inventory.errors import (
    InsufficientStock,
    InvalidReservationQuantity,
    UnknownReservation,
)
from orchestre.inventory.locks import lock_reference
from orchestre.inventory.models import Reservation, StockLevel, StockMovement
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
