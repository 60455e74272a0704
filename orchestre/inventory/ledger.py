"""The mechanics every stock-changing service shares: apply movements to the stock levels,
write them to the ledger, and announce a product falling below its reorder point.

On-hand units change only by UPDATEs (`quantity = quantity + n`, conditional on what stays
`>= reserved` for units leaving), which lock the row until the transaction ends. Several
levels are always changed in one order (product id, warehouse priority, warehouse id), the
order the reservations use too, so two transactions never wait for each other in a cycle.
Units held for checkouts (`reserved`) never leave by these movements."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orchestre.catalog.models import Product
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.core.outbox import enqueue_email
from orchestre.inventory.errors import InsufficientStock, InvalidMovement, UnknownStockItem
from orchestre.inventory.models import StockLevel, StockMovement, Warehouse
from orchestre.inventory.selectors import available_quantities

INVENTORY_MANAGER_ROLE = "inventory-manager"
MAX_QUANTITY = 1_000_000

Kind = StockMovement.Kind
# The sign each kind of movement must have: +1 in, -1 out, 0 either way.
KIND_SIGNS = {
    Kind.RECEIPT: 1,
    Kind.SALE: -1,
    Kind.RETURN: 1,
    Kind.ADJUSTMENT: 0,
    Kind.TRANSFER: 0,
    Kind.COUNT: 0,
}


@dataclass(frozen=True)
class Change:
    warehouse_id: int
    product_id: int
    quantity: int


@dataclass(frozen=True)
class Applied:
    movement: StockMovement
    before: int
    after: int


def check_quantity(quantity, *, kind: str = Kind.ADJUSTMENT, field: str = "quantity") -> int:
    """The quantity as an int, or InvalidMovement saying why it cannot be moved."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidMovement(_("A quantity must be a whole number."), field=field)
    if quantity == 0:
        raise InvalidMovement(_("A movement of zero units changes nothing."), field=field)
    if abs(quantity) > MAX_QUANTITY:
        raise InvalidMovement(
            _("A movement is at most %(max)d units.") % {"max": MAX_QUANTITY}, field=field
        )
    sign = KIND_SIGNS.get(kind)
    if sign is None:
        raise InvalidMovement(_("Unknown kind of movement."), field="kind")
    if sign * quantity < 0:
        message = _("Units come in by a %(kind)s: the quantity must be positive.")
        if sign < 0:
            message = _("Units leave by a %(kind)s: the quantity must be negative.")
        raise InvalidMovement(message % {"kind": Kind(kind).label.lower()}, field=field)
    return quantity


def apply_movements(
    changes: list[Change], *, kind: str, reference: str, actor=None, note: str = ""
) -> list[Applied]:
    """Apply `changes` (in the stock order) and write one movement each; call inside a
    transaction. Raises UnknownStockItem for a missing product or warehouse and
    InsufficientStock when units would leave that are not on hand (or are reserved); the
    caller's transaction then rolls back whatever was applied."""
    if len(reference) > 64:
        raise InvalidMovement(_("A reference has at most 64 characters."), field="reference")
    if len(note) > 255:
        raise InvalidMovement(_("A note has at most 255 characters."), field="note")
    warehouses = Warehouse.objects.in_bulk({change.warehouse_id for change in changes})
    for change in changes:
        if change.warehouse_id not in warehouses:
            raise UnknownStockItem(_("This warehouse does not exist."), field="warehouse")
    skus = dict(
        Product.objects.filter(pk__in={change.product_id for change in changes}).values_list(
            "pk", "sku"
        )
    )
    for change in changes:
        if change.product_id not in skus:
            raise UnknownStockItem(_("This product does not exist."), field="product")

    def stock_order(change: Change) -> tuple[int, int, int]:
        return (change.product_id, warehouses[change.warehouse_id].priority, change.warehouse_id)

    now = timezone.now()
    applied: dict[Change, tuple[int, int]] = {}
    for change in sorted(changes, key=stock_order):
        after = _change_on_hand(
            change, sku=skus[change.product_id], warehouse=warehouses[change.warehouse_id]
        )
        applied[change] = (after - change.quantity, after)
    movements = StockMovement.objects.bulk_create(
        StockMovement(
            warehouse_id=change.warehouse_id,
            product_id=change.product_id,
            kind=kind,
            quantity=change.quantity,
            reference=reference,
            note=note,
            actor=actor,
            created_at=now,
        )
        for change in changes
    )
    _bump_catalogue_if_availability_flipped(changes)
    return [
        Applied(movement, *applied[change])
        for movement, change in zip(movements, changes, strict=True)
    ]


def _change_on_hand(change: Change, *, sku: str, warehouse: Warehouse) -> int:
    """Units on hand after the change; the level's row stays locked until commit."""
    rows = StockLevel.objects.filter(warehouse_id=change.warehouse_id, product_id=change.product_id)
    if change.quantity < 0:
        updated = rows.filter(quantity__gte=F("reserved") - change.quantity).update(
            quantity=F("quantity") + change.quantity
        )
        if not updated:
            free = rows.values_list(F("quantity") - F("reserved"), flat=True).first() or 0
            raise InsufficientStock(
                _(
                    "Only %(count)d unit(s) of %(sku)s can leave %(warehouse)s "
                    "(on hand and not held for a checkout)."
                )
                % {"count": max(free, 0), "sku": sku, "warehouse": warehouse.name},
                shortages={sku: max(free, 0)},
            )
    elif not rows.update(quantity=F("quantity") + change.quantity):
        try:
            # A savepoint: a level created at the same moment by another transaction
            # leaves this one usable, and the increment goes to that level.
            with transaction.atomic():
                StockLevel.objects.create(
                    warehouse_id=change.warehouse_id,
                    product_id=change.product_id,
                    quantity=change.quantity,
                )
        except IntegrityError:
            rows.update(quantity=F("quantity") + change.quantity)
    level = rows.get()
    follow_reorder_point(level)
    return level.quantity


def follow_reorder_point(level: StockLevel) -> None:
    """Keep the level's low-stock state in step with its on-hand units; announce each new
    stay below the reorder point once (call with the row locked, after changing it)."""
    below = level.quantity < level.reorder_point
    if below and not level.low_stock_alerted:
        flipped = StockLevel.objects.filter(pk=level.pk, low_stock_alerted=False).update(
            low_stock_alerted=True, low_stock_crossings=F("low_stock_crossings") + 1
        )
        if flipped:
            level.low_stock_alerted = True
            level.low_stock_crossings += 1
            _announce_low_stock(level)
    elif not below and level.low_stock_alerted:
        StockLevel.objects.filter(pk=level.pk).update(low_stock_alerted=False)
        level.low_stock_alerted = False


def after_stock_left(pairs: list[tuple[int, int]]) -> None:
    """Announce the levels (product id, warehouse id) that units just left (by a sale)
    and that are now below their reorder point for the first time. One query when none
    crossed."""
    if not pairs:
        return
    matching = Q()
    for product_id, warehouse_id in pairs:
        matching |= Q(product_id=product_id, warehouse_id=warehouse_id)
    for level in StockLevel.objects.filter(
        matching, quantity__lt=F("reorder_point"), low_stock_alerted=False
    ).order_by("product_id", "warehouse__priority", "warehouse_id"):
        follow_reorder_point(level)


def _announce_low_stock(level: StockLevel) -> None:
    """One e-mail per inventory manager, keyed by the level and its stay below the point,
    so a retried transaction or a repeated check never sends it twice."""
    level = StockLevel.objects.select_related("product", "warehouse").get(pk=level.pk)
    managers = (
        get_user_model()
        .objects.filter(groups__name=INVENTORY_MANAGER_ROLE, is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    for manager in managers:
        with translation.override(manager.preferred_language or settings.LANGUAGE_CODE):
            facts = {
                "sku": level.product.sku,
                "name": level.product.name,
                "warehouse": level.warehouse.name,
                "quantity": level.quantity,
                "point": level.reorder_point,
                "reorder": level.reorder_quantity,
            }
            enqueue_email(
                key=f"low-stock:{level.pk}:{level.low_stock_crossings}:{manager.pk}",
                to=manager.email,
                subject=_("Low stock: %(sku)s in %(warehouse)s") % facts,
                text_body=_(
                    "%(sku)s %(name)s is down to %(quantity)d unit(s) in %(warehouse)s, "
                    "below its reorder point of %(point)d. Usual reorder quantity: "
                    "%(reorder)d.\n\nThe reorder suggestions in the console's stock "
                    "section say how much to order."
                )
                % facts,
            )


def _bump_catalogue_if_availability_flipped(changes: list[Change]) -> None:
    change_per_product: dict[int, int] = {}
    for change in changes:
        change_per_product[change.product_id] = (
            change_per_product.get(change.product_id, 0) + change.quantity
        )
    change_per_product = {key: units for key, units in change_per_product.items() if units}
    if not change_per_product:
        return
    available = available_quantities(change_per_product)
    if any(
        (available[product_id] == 0) != (available[product_id] - units == 0)
        for product_id, units in change_per_product.items()
    ):
        bump_version(CATALOG)
