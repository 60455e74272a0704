"""Writes of the shipment workflow: pick, pack, ship, delivery, replacements
(docs/fulfilment.md).

An order's units in parcels that are not cancelled never exceed what was ordered: every
service that adds units to parcels locks the order's row first, then counts. Status steps
are conditional UPDATEs (`... WHERE status = <expected>`), so two people acting on one
parcel cannot both apply. The carrier is called outside any transaction. Every change made
by a staff member is in the audit log; the carrier's reports are recorded as the system's."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.audit import record_change
from orchestre.core.outbox import enqueue_email
from orchestre.core.sequences import next_number
from orchestre.inventory import services as inventory_services
from orchestre.inventory.models import StockMovement, Warehouse
from orchestre.orders import services as order_services
from orchestre.orders.models import Order, OrderLine
from orchestre.shipping import carriers
from orchestre.shipping.emails import build_shipment_email
from orchestre.shipping.errors import (
    InvalidQuantities,
    OrderNotShippable,
    ShipmentNotInStatus,
    UnknownShipment,
    WrongItem,
)
from orchestre.shipping.models import DeliveryMethod, Shipment, ShipmentLine, TrackingEvent

Status = Shipment.Status
OrderStatus = Order.Status
PREPARABLE = (OrderStatus.PAID, OrderStatus.IN_PREPARATION)
SANDBOX_CARRIER = "Sandbox"


def create_shipment(
    *, order_id: int, quantities: dict[int, int], actor, warehouse_id: int | None = None
) -> Shipment:
    """A parcel "to pick" holding `quantities` (units per product OrderLine id) of a paid web
    order, from `warehouse_id` (default: the warehouse the order's stock was sold from). The
    order moves from paid to in preparation.

    Raises OrderNotShippable (order not paid or already shipped/cancelled), InvalidQuantities
    (a line not of this order, a unit count not a whole number, nothing chosen, or more
    than ordered minus what other parcels already hold), UnknownShipment-style NotFound for
    the warehouse. Locks the order's row; nothing is written when it raises."""
    with transaction.atomic():
        order = _lock_preparable_order(order_id)
        shipment = _new_shipment(
            order, quantities=quantities, warehouse_id=warehouse_id, is_replacement=False
        )
        record_change(
            actor=actor,
            action="shipment.created",
            target=shipment,
            changes={"lines": _line_summary(shipment)},
        )
    return shipment


def start_picking(*, order_ids: Iterable[int], actor) -> list[Shipment]:
    """One parcel per order holding every unit not yet in a parcel, all or nothing (the
    pick list's "start picking"). Orders with nothing left are skipped. Raises as
    `create_shipment`, and InvalidQuantities when no order is chosen."""
    order_ids = sorted(set(order_ids))
    if not order_ids:
        raise InvalidQuantities(_("Choose at least one order."))
    shipments = []
    with transaction.atomic():
        for order_id in order_ids:
            order = _lock_preparable_order(order_id)
            remaining = remaining_units(order)
            if not any(remaining.values()):
                continue
            shipment = _new_shipment(
                order, quantities=remaining, warehouse_id=None, is_replacement=False
            )
            record_change(
                actor=actor,
                action="shipment.created",
                target=shipment,
                changes={"lines": _line_summary(shipment)},
            )
            shipments.append(shipment)
    return shipments


def confirm_pick(*, shipment_id: int, missing: dict[int, int] | None = None, actor) -> Shipment:
    """The picker has the parcel's units, except `missing` (units per OrderLine id not
    found on the shelf): those leave the parcel and stay back-ordered for a later one. A
    parcel left with nothing is cancelled. Raises UnknownShipment, ShipmentNotInStatus
    (not "to pick"), InvalidQuantities (more missing than the parcel holds)."""
    missing = {key: value for key, value in (missing or {}).items() if value}
    with transaction.atomic():
        shipment = _get_shipment(shipment_id)
        lines = {line.order_line_id: line for line in shipment.lines.all()}
        errors = {}
        for line_id, units in missing.items():
            line = lines.get(line_id)
            if line is None:
                errors[str(line_id)] = [_("This line is not in the parcel.")]
            elif not _is_count(units) or units > line.quantity:
                errors[str(line_id)] = [
                    _("Between 0 and %(count)d units of %(sku)s can be missing.")
                    % {"count": line.quantity, "sku": line.sku}
                ]
        if errors:
            raise InvalidQuantities(_("Check the missing units."), fields=errors)
        now = timezone.now()
        _step(shipment, Status.TO_PICK, Status.PICKED, _("picked"), picked_at=now)
        for line_id, units in missing.items():
            ShipmentLine.objects.filter(pk=lines[line_id].pk).update(
                quantity=F("quantity") - units, missing=F("missing") + units
            )
        if missing and not shipment.lines.filter(quantity__gt=0).exists():
            _step(shipment, Status.PICKED, Status.CANCELLED, _("cancelled"), cancelled_at=now)
        record_change(
            actor=actor,
            action="shipment.picked",
            target=shipment,
            changes={"missing": {str(key): value for key, value in missing.items()}},
        )
    return _get_shipment(shipment_id)


def check_item(*, shipment_id: int, sku: str, actor, quantity: int = 1) -> Shipment:
    """The packer checks `quantity` units of `sku` into the parcel; once every unit is
    checked the parcel is packed. A parcel still "to pick" counts as picked from the first
    check. Raises UnknownShipment, ShipmentNotInStatus, WrongItem (a SKU the parcel does
    not hold, or more units than it holds), InvalidQuantities (a count below 1)."""
    return check_items(shipment_id=shipment_id, scans=[(sku, quantity)], actor=actor)


def check_items(*, shipment_id: int, scans: list[tuple[str, int]], actor) -> Shipment:
    """`check_item` for several scans at once, all or nothing."""
    with transaction.atomic():
        shipment = _get_shipment(shipment_id)
        now = timezone.now()
        if shipment.status == Status.TO_PICK:
            _step(shipment, Status.TO_PICK, Status.PICKED, _("picked"), picked_at=now)
            shipment.status = Status.PICKED
        if shipment.status != Status.PICKED:
            raise _not_in_status(shipment, _("packed"))
        for sku, quantity in scans:
            _check_one(shipment, sku, quantity)
        record_change(
            actor=actor,
            action="shipment.items_checked",
            target=shipment,
            changes={"scans": [[sku, quantity] for sku, quantity in scans]},
        )
        unchecked = shipment.lines.filter(packed__lt=F("quantity")).exists()
        if not unchecked:
            _step(shipment, Status.PICKED, Status.PACKED, _("packed"), packed_at=now)
            record_change(actor=actor, action="shipment.packed", target=shipment)
    return _get_shipment(shipment_id)


def ship_shipment(*, shipment_id: int, actor) -> Shipment:
    """Hand a packed parcel to the order's carrier: a label and tracking number from the
    carrier (called before the transaction, idempotently), status shipped, the tracking
    e-mail to the customer in the order's language, and the order shipped once every
    ordered unit is. Raises UnknownShipment, ShipmentNotInStatus (not packed)."""
    shipment = _get_shipment(shipment_id)
    if shipment.status != Status.PACKED:
        raise _not_in_status(shipment, _("shipped"))
    label = carriers.create_label(reference=shipment.number, at=shipment.packed_at)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        _step(
            shipment,
            Status.PACKED,
            Status.SHIPPED,
            _("shipped"),
            carrier=_carrier_name(order),
            tracking_number=label.tracking_number,
            tracking_url=label.tracking_url,
            shipped_at=timezone.now(),
        )
        shipment = _get_shipment(shipment_id)
        before = order.status
        if (
            not shipment.is_replacement
            and order.status == OrderStatus.IN_PREPARATION
            and not any(remaining_units(order, shipped_only=True).values())
        ):
            order = order_services.transition_order(
                order_id=order.pk, to=OrderStatus.SHIPPED, note=f"shipment {shipment.number}"
            )
        subject, text_body, html_body = build_shipment_email(shipment, order)
        enqueue_email(
            key=f"shipment-shipped:{shipment.number}",
            to=order.email,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
        )
        record_change(
            actor=actor,
            action="shipment.shipped",
            target=shipment,
            changes={
                "tracking_number": [None, shipment.tracking_number],
                "order_status": [before, order.status],
            },
        )
    return shipment


def cancel_shipment(*, shipment_id: int, actor, reason: str) -> Shipment:
    """Cancel a parcel that has not left: its units go back to "to prepare" (a replacement's
    units go back on the shelf). Raises UnknownShipment, ShipmentNotInStatus,
    InvalidQuantities-style InvalidInput when no reason is given."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidQuantities(
            _("Say why the parcel is cancelled."), fields={"reason": [_("This field is required.")]}
        )
    with transaction.atomic():
        shipment = _get_shipment(shipment_id)
        if not shipment.is_open:
            raise _not_in_status(shipment, _("cancelled"))
        _step(
            shipment, shipment.status, Status.CANCELLED, _("cancelled"), cancelled_at=timezone.now()
        )
        if shipment.is_replacement:
            for line in shipment.lines.all():
                if line.quantity:
                    inventory_services.record_movement(
                        warehouse_id=shipment.warehouse_id,
                        product_id=line.order_line.product_id,
                        kind=StockMovement.Kind.ADJUSTMENT,
                        quantity=line.quantity,
                        reference=shipment.number,
                        actor=actor,
                        note=reason,
                    )
        record_change(actor=actor, action="shipment.cancelled", target=shipment, note=reason)
    return _get_shipment(shipment_id)


def resend_items(*, order_id: int, quantities: dict[int, int], actor, reason: str) -> Shipment:
    """A replacement parcel at no charge (customer service's goodwill): `quantities` per
    product OrderLine id, up to what was ordered on each line, "to pick" in the order's
    warehouse. The units leave stock now, as "adjustment" movements under the parcel's
    number. The order's status does not change. Raises OrderNotShippable (order never
    paid or cancelled), InvalidQuantities, the inventory's InsufficientStock; nothing is
    written when it raises."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidQuantities(
            _("Say why the items are sent again."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        order = _lock_order(order_id)
        if order.paid_at is None or order.status == OrderStatus.CANCELLED:
            raise OrderNotShippable(
                _("Order %(number)s was not paid or is cancelled: nothing can be resent.")
                % {"number": order.number}
            )
        shipment = _new_shipment(
            order,
            quantities=quantities,
            warehouse_id=None,
            is_replacement=True,
            reason=reason,
        )
        for line in shipment.lines.select_related("order_line"):
            inventory_services.record_movement(
                warehouse_id=shipment.warehouse_id,
                product_id=line.order_line.product_id,
                kind=StockMovement.Kind.ADJUSTMENT,
                quantity=-line.quantity,
                reference=shipment.number,
                actor=actor,
                note=reason,
            )
        record_change(
            actor=actor,
            action="shipment.resent",
            target=shipment,
            changes={"lines": _line_summary(shipment)},
            note=reason,
        )
    return shipment


def record_tracking_events(*, tracking_number: str, events: list[carriers.CarrierEvent]) -> int:
    """Record the carrier's events for a parcel and return how many were new. A "delivered"
    event marks the parcel delivered, and the order too once all its parcels are.
    Idempotent per event id. Raises UnknownShipment for a number no parcel has."""
    with transaction.atomic():
        shipment = Shipment.objects.filter(tracking_number=tracking_number).first()
        if shipment is None or not tracking_number:
            raise UnknownShipment()
        known = set(
            TrackingEvent.objects.filter(
                external_id__in=[event.external_id for event in events]
            ).values_list("external_id", flat=True)
        )
        fresh = [event for event in events if event.external_id not in known]
        TrackingEvent.objects.bulk_create(
            TrackingEvent(
                shipment=shipment,
                external_id=event.external_id,
                code=event.code,
                occurred_at=event.occurred_at,
                description=event.description[:200],
            )
            for event in fresh
        )
        delivered = next((event for event in fresh if event.code == "delivered"), None)
        if delivered is not None and shipment.status == Status.SHIPPED:
            _step(
                shipment,
                Status.SHIPPED,
                Status.DELIVERED,
                _("delivered"),
                delivered_at=delivered.occurred_at,
            )
            record_change(actor=None, action="shipment.delivered", target=shipment)
            _deliver_order_when_complete(shipment.order_id, shipment.number)
    return len(fresh)


def poll_carrier_tracking(*, limit: int = 200) -> int:
    """Ask the carrier about parcels on their way and record what is new; returns the
    number of new events. Each parcel in its own short transaction, after its call."""
    count = 0
    numbers = list(
        Shipment.objects.filter(status=Status.SHIPPED)
        .order_by("shipped_at", "pk")
        .values_list("tracking_number", flat=True)[:limit]
    )
    for number in numbers:
        events = carriers.track(number)
        if events:
            count += record_tracking_events(tracking_number=number, events=events)
    return count


# Reads shared with the selectors (they take an order already loaded or locked).


def remaining_units(order: Order, *, shipped_only: bool = False) -> dict[int, int]:
    """Units per product line id not yet in a parcel (not cancelled, not a replacement);
    with `shipped_only`, not yet shipped."""
    statuses = (Status.SHIPPED, Status.DELIVERED) if shipped_only else None
    taken = _units_in_parcels([order.pk], statuses=statuses)
    lines = OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT).order_by("pk")
    return {line.pk: max(line.quantity - taken[line.pk], 0) for line in lines}


def _units_in_parcels(order_ids: list[int], *, statuses=None) -> Counter[int]:
    rows = ShipmentLine.objects.filter(
        shipment__order_id__in=order_ids, shipment__is_replacement=False
    ).exclude(shipment__status=Status.CANCELLED)
    if statuses is not None:
        rows = rows.filter(shipment__status__in=statuses)
    return Counter(
        {
            row["order_line_id"]: row["units"]
            for row in rows.values("order_line_id").annotate(units=Sum("quantity"))
        }
    )


def fulfilling_warehouse_id(order: Order) -> int | None:
    """The warehouse the order's stock was sold from (the first by priority when it was
    several), else the first warehouse by priority."""
    sold_from = (
        StockMovement.objects.filter(kind=StockMovement.Kind.SALE, reference=order.number)
        .order_by("warehouse__priority", "warehouse_id")
        .values_list("warehouse_id", flat=True)
        .first()
    )
    if sold_from is not None:
        return sold_from
    return Warehouse.objects.order_by("priority", "pk").values_list("pk", flat=True).first()


def _lock_order(order_id: int) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotShippable(_("No such order."), code="unknown_order")
    return order


def _lock_preparable_order(order_id: int) -> Order:
    order = _lock_order(order_id)
    if order.source != Order.Source.WEB or order.paid_at is None or order.status not in PREPARABLE:
        raise OrderNotShippable(
            _("Order %(number)s is “%(status)s”: it cannot be prepared.")
            % {"number": order.number, "status": OrderStatus(order.status).label}
        )
    return order


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _new_shipment(
    order: Order,
    *,
    quantities: dict[int, int],
    warehouse_id: int | None,
    is_replacement: bool,
    reason: str = "",
) -> Shipment:
    """Check `quantities` against the order (under its lock) and write the parcel."""
    lines = {
        line.pk: line for line in OrderLine.objects.filter(order=order, kind=OrderLine.Kind.PRODUCT)
    }
    left = (
        {pk: line.quantity for pk, line in lines.items()}
        if is_replacement
        else remaining_units(order)
    )
    errors: dict[str, list[str]] = {}
    chosen: dict[int, int] = {}
    for line_id, units in quantities.items():
        line = lines.get(line_id)
        if line is None:
            errors[str(line_id)] = [
                _("This line is not a product of order %(number)s.") % {"number": order.number}
            ]
        elif not _is_count(units):
            errors[str(line_id)] = [_("Enter a whole number of units, 0 or more.")]
        elif units > left[line_id]:
            errors[str(line_id)] = [_too_many(line, left[line_id], is_replacement)]
        elif units:
            chosen[line_id] = units
    if errors:
        raise InvalidQuantities(_("Check the quantities to ship."), fields=errors)
    if not chosen:
        raise InvalidQuantities(_("Choose at least one unit to ship."))
    warehouse_id = warehouse_id or fulfilling_warehouse_id(order)
    if warehouse_id is None or not Warehouse.objects.filter(pk=warehouse_id).exists():
        message = _("Choose an existing warehouse.")
        raise InvalidQuantities(message, fields={"warehouse": [message]})
    now = timezone.now()
    year = timezone.localdate(now).year
    shipment = Shipment.objects.create(
        number=f"EX-{year}-{next_number(f'shipment-{year}'):05d}",
        order=order,
        warehouse_id=warehouse_id,
        is_replacement=is_replacement,
        reason=reason[:300],
        created_at=now,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment,
            order_line_id=line_id,
            sku=lines[line_id].code,
            description=lines[line_id].description,
            quantity=units,
        )
        for line_id, units in sorted(chosen.items())
    )
    if not is_replacement and order.status == OrderStatus.PAID:
        order_services.transition_order(
            order_id=order.pk, to=OrderStatus.IN_PREPARATION, note=f"shipment {shipment.number}"
        )
    return shipment


def _too_many(line: OrderLine, left: int, is_replacement: bool) -> str:
    if is_replacement:
        return _("At most %(count)d units of %(sku)s can be resent (the quantity ordered).") % {
            "count": left,
            "sku": line.code,
        }
    return _(
        "Only %(left)d of the %(ordered)d units of %(sku)s ordered are left to ship; the "
        "others are already in parcels."
    ) % {"left": left, "ordered": line.quantity, "sku": line.code}


def _check_one(shipment: Shipment, sku: str, quantity: int) -> None:
    sku = (sku or "").strip()
    if not _is_count(quantity) or quantity < 1:
        raise InvalidQuantities(
            _("Enter a whole number of units, 1 or more."), fields={"quantity": [_("1 or more.")]}
        )
    line = shipment.lines.filter(sku__iexact=sku, quantity__gt=0).first() if sku else None
    if line is None:
        raise WrongItem(
            _("%(sku)s is not in parcel %(number)s: check the item.")
            % {"sku": sku or "—", "number": shipment.number}
        )
    checked = ShipmentLine.objects.filter(pk=line.pk, packed__lte=F("quantity") - quantity).update(
        packed=F("packed") + quantity
    )
    if not checked:
        raise WrongItem(
            _(
                "Too many units of %(sku)s: the parcel holds %(count)d and %(packed)d are "
                "already checked."
            )
            % {"sku": line.sku, "count": line.quantity, "packed": line.packed}
        )


def _step(shipment: Shipment, source: str, target: str, step: str, **fields) -> None:
    """Compare-and-set of the parcel's status."""
    if not Shipment.objects.filter(pk=shipment.pk, status=source).update(status=target, **fields):
        shipment.refresh_from_db(fields=["status"])
        raise _not_in_status(shipment, step)
    shipment.status = target


def _not_in_status(shipment: Shipment, step: str) -> ShipmentNotInStatus:
    return ShipmentNotInStatus(
        number=shipment.number, status_label=Status(shipment.status).label, step=step
    )


def _get_shipment(shipment_id: int) -> Shipment:
    shipment = Shipment.objects.filter(pk=shipment_id).first()
    if shipment is None:
        raise UnknownShipment()
    return shipment


def _carrier_name(order: Order) -> str:
    carrier = (
        DeliveryMethod.objects.filter(code=order.delivery_method_code)
        .values_list("carrier", flat=True)
        .first()
    )
    return carrier or SANDBOX_CARRIER


def _deliver_order_when_complete(order_id: int, number: str) -> None:
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.SHIPPED:
        return
    parcels = Shipment.objects.filter(order_id=order_id, is_replacement=False).exclude(
        status=Status.CANCELLED
    )
    if not parcels.exclude(status=Status.DELIVERED).exists():
        order_services.transition_order(
            order_id=order_id, to=OrderStatus.DELIVERED, note=f"shipment {number}"
        )
        record_change(
            actor=None,
            action="order.delivered",
            target=order,
            changes={"status": [OrderStatus.SHIPPED, OrderStatus.DELIVERED]},
        )


def _line_summary(shipment: Shipment) -> dict[str, int]:
    return {line.sku: line.quantity for line in shipment.lines.all()}
