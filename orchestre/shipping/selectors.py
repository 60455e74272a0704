"""Reads of the delivery offer (which methods an address and a parcel can have, at what
price, and when they would arrive) and of the shipments fulfilling orders."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.errors import InvalidInput
from orchestre.core.money import quantize
from orchestre.inventory.models import StockMovement, Warehouse
from orchestre.orders.models import Order, OrderLine
from orchestre.shipping.addresses import COUNTRIES
from orchestre.shipping.dates import (
    ORDER_CUTOFF,
    WAREHOUSE_TIMEZONE,
    add_business_days,
    delivery_window,
    dispatch_date,
    is_business_day,
)
from orchestre.shipping.errors import UnknownShipment
from orchestre.shipping.models import (
    DeliveryRate,
    DeliveryZone,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DeliveryOption:
    code: str
    kind: str
    name: str  # in the active language
    carrier: str
    price: Decimal  # VAT included
    is_free: bool
    earliest: date
    latest: date


def resolve_zone(
    zones: list[DeliveryZone], *, country: str, postcode: str = ""
) -> DeliveryZone | None:
    """The zone of an address among `zones` (in position order): the first that claims it,
    else the rest-of-world zone, else None."""
    for zone in zones:
        if zone.claims(country, postcode):
            return zone
    return next((zone for zone in zones if zone.is_rest_of_world), None)


def _applicable_rate(
    rates: list[DeliveryRate], *, weight_grams: int, order_value: Decimal
) -> DeliveryRate | None:
    """The highest order-value tier reached, and within it the smallest weight band that
    holds the parcel."""
    candidates = [
        rate for rate in rates if rate.holds(weight_grams) and rate.min_order_value <= order_value
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda rate: (
            -rate.min_order_value,
            rate.max_weight_grams is None,
            rate.max_weight_grams or 0,
        ),
    )


def _dispatch_day(today: date | None, now: datetime | None) -> date:
    if today is not None and now is not None:
        raise TypeError("Pass either `today` or `now`, not both.")
    if today is None:
        return dispatch_date(now or timezone.now())
    return today if is_business_day(today) else add_business_days(today, 1)


def list_delivery_options(
    *,
    country: str,
    weight_grams: int,
    order_value: Decimal,
    postcode: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> list[DeliveryOption]:
    """The delivery options for a parcel of `weight_grams` and an order worth `order_value`
    (goods after discounts, VAT included) sent to `country` (ISO code) and `postcode`,
    ordered by the methods' position, then price.

    Dates count from the moment of the order, `now` (default: the current time), with the
    14:00 cut-off; `today` instead means "ordered that day before the cut-off". A method
    without a rate for the address's zone and the parcel's weight is left out; so is every
    method for a country the shop does not know (empty list). Two queries, no writes."""
    if weight_grams < 0:
        raise ValueError("weight_grams cannot be negative.")
    country = country.strip().upper()
    if country not in COUNTRIES:
        return []
    postcode = postcode.strip().upper()
    zone = resolve_zone(list(DeliveryZone.objects.all()), country=country, postcode=postcode)
    if zone is None:
        return []
    rates_by_method: dict[int, list[DeliveryRate]] = {}
    for rate in DeliveryRate.objects.filter(zone=zone, method__is_active=True).select_related(
        "method"
    ):
        rates_by_method.setdefault(rate.method_id, []).append(rate)

    dispatched = _dispatch_day(today, now)
    options: list[DeliveryOption] = []
    positions: dict[str, int] = {}
    for method_rates in rates_by_method.values():
        method = method_rates[0].method
        rate = _applicable_rate(method_rates, weight_grams=weight_grams, order_value=order_value)
        if rate is None or not method.serves(country):
            continue
        free = rate.free_above is not None and order_value >= rate.free_above
        price = ZERO if free else quantize(rate.price)
        earliest, latest = delivery_window(
            dispatched, min_days=method.min_days, max_days=method.max_days
        )
        positions[method.code] = method.position
        options.append(
            DeliveryOption(
                code=method.code,
                kind=method.kind,
                name=method.name,
                carrier=method.carrier,
                price=price,
                is_free=price == ZERO,
                earliest=earliest,
                latest=latest,
            )
        )
    return sorted(options, key=lambda option: (positions[option.code], option.price, option.code))


def get_delivery_option(
    *,
    code: str,
    country: str,
    weight_grams: int,
    order_value: Decimal,
    postcode: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> DeliveryOption:
    """The option `code` among `list_delivery_options(...)` for the same address, parcel and
    moment. Raises InvalidInput(code="invalid_delivery_method") when no method is chosen or
    the chosen one is not offered for this address and parcel."""
    if not code:
        message = _("Choose a delivery method.")
        raise InvalidInput(
            message, code="invalid_delivery_method", fields={"delivery_method": [message]}
        )
    for option in list_delivery_options(
        country=country,
        weight_grams=weight_grams,
        order_value=order_value,
        postcode=postcode,
        today=today,
        now=now,
    ):
        if option.code == code:
            return option
    message = _("This delivery method is not available for this address and parcel.")
    raise InvalidInput(
        message, code="invalid_delivery_method", fields={"delivery_method": [message]}
    )


# Shipments and the orders they fulfil (docs/fulfilment.md).

PREPARABLE_STATUSES = ("paid", "in_preparation")


def list_shipments_for_orders(order_ids: list[int]) -> list[Shipment]:
    """The parcels of the orders `order_ids`, newest first, each with its lines and its
    tracking events (three queries; none when the list is empty). Each has `carrier`,
    `tracking_number` and `tracking_url` (empty until it ships)."""
    if not order_ids:
        return []
    return list(
        Shipment.objects.filter(order_id__in=list(order_ids))
        .select_related("warehouse")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("pk")),
            Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "pk")),
        )
        .order_by("-created_at", "-pk")
    )


def get_shipment(shipment_id: int) -> Shipment:
    """A parcel with its order, warehouse, lines (with their order lines) and events (three
    queries). Raises UnknownShipment."""
    shipment = (
        Shipment.objects.select_related("order", "warehouse")
        .prefetch_related(
            Prefetch(
                "lines", queryset=ShipmentLine.objects.select_related("order_line").order_by("pk")
            ),
            Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "pk")),
        )
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None:
        raise UnknownShipment()
    return shipment


def list_shipments() -> QuerySet[Shipment]:
    """Every parcel with its order and warehouse (one query per page), newest first."""
    return Shipment.objects.select_related("order", "warehouse").order_by("-created_at", "-pk")


def _product_units() -> Subquery:
    return Subquery(
        OrderLine.objects.filter(order=OuterRef("pk"), kind=OrderLine.Kind.PRODUCT)
        .values("order")
        .annotate(units=Sum("quantity"))
        .values("units")
    )


def _units_in_parcels(*statuses: str) -> Subquery:
    rows = ShipmentLine.objects.filter(
        shipment__order=OuterRef("pk"), shipment__is_replacement=False
    ).exclude(shipment__status=ShipmentStatus.CANCELLED)
    if statuses:
        rows = rows.filter(shipment__status__in=statuses)
    return Subquery(rows.values("shipment__order").annotate(units=Sum("quantity")).values("units"))


def _fulfilling_warehouse() -> Subquery:
    return Subquery(
        StockMovement.objects.filter(kind=StockMovement.Kind.SALE, reference=OuterRef("number"))
        .order_by("warehouse__priority", "warehouse_id")
        .values("warehouse_id")[:1]
    )


def list_orders_for_staff() -> QuerySet[Order]:
    """Web orders with what fulfilment needs to know (one query): `units_ordered`,
    `units_in_parcels` (parcels not cancelled), `units_shipped`, `units_left` (in no
    parcel yet), `open_parcels` and `fulfilling_warehouse_id` (where the stock was sold
    from)."""
    zero = Value(0)
    return (
        Order.objects.filter(source=Order.Source.WEB)
        .annotate(
            units_ordered=Coalesce(_product_units(), zero),
            units_in_parcels=Coalesce(_units_in_parcels(), zero),
            units_shipped=Coalesce(
                _units_in_parcels(ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED), zero
            ),
            open_parcels=Count("shipments", filter=Q(shipments__status__in=Shipment.OPEN_STATUSES)),
            fulfilling_warehouse_id=_fulfilling_warehouse(),
        )
        .annotate(units_left=F("units_ordered") - F("units_in_parcels"))
    )


def list_orders_to_prepare() -> QuerySet[Order]:
    """Paid web orders not fully shipped (paid or in preparation), as
    `list_orders_for_staff`, oldest first."""
    return (
        list_orders_for_staff()
        .filter(status__in=PREPARABLE_STATUSES, paid_at__isnull=False)
        .order_by("placed_at", "pk")
    )


def due_cutoff(day: date) -> datetime:
    """Orders placed before this moment leave the warehouse on `day` at the latest: the
    14:00 cut-off of `day` if it is a business day, else of the business day before."""
    while not is_business_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, ORDER_CUTOFF, tzinfo=WAREHOUSE_TIMEZONE)


def today_in_warehouse() -> date:
    return timezone.localtime(timezone.now(), WAREHOUSE_TIMEZONE).date()


@dataclass(frozen=True)
class BackOrder:
    order_id: int
    order_number: str
    placed_at: datetime
    line_id: int
    sku: str
    description: str
    ordered: int
    missing: int  # units pickers reported missing
    left: int  # units in no parcel yet


def list_back_orders() -> list[BackOrder]:
    """Lines of orders being prepared that a picker reported missing and that no parcel
    holds yet, oldest order first (one query)."""
    in_parcels = Subquery(
        ShipmentLine.objects.filter(order_line=OuterRef("pk"), shipment__is_replacement=False)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .values("order_line")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    missing = Subquery(
        ShipmentLine.objects.filter(order_line=OuterRef("pk"), missing__gt=0)
        .values("order_line")
        .annotate(units=Sum("missing"))
        .values("units")
    )
    rows = (
        OrderLine.objects.filter(order__status__in=PREPARABLE_STATUSES, kind=OrderLine.Kind.PRODUCT)
        .annotate(
            reported_missing=Coalesce(missing, Value(0)),
            in_parcels=Coalesce(in_parcels, Value(0)),
        )
        .filter(reported_missing__gt=0, quantity__gt=F("in_parcels"))
        .select_related("order")
        .order_by("order__placed_at", "order_id", "pk")
    )
    return [
        BackOrder(
            order_id=line.order_id,
            order_number=line.order.number,
            placed_at=line.order.placed_at,
            line_id=line.pk,
            sku=line.code,
            description=line.description,
            ordered=line.quantity,
            missing=line.reported_missing,
            left=line.quantity - line.in_parcels,
        )
        for line in rows
    ]


@dataclass(frozen=True)
class PickRow:
    sku: str
    description: str
    units: int
    orders: tuple[tuple[str, int], ...]  # (order number, units)


@dataclass(frozen=True)
class PickList:
    warehouse_name: str
    order_numbers: tuple[str, ...]
    rows: tuple[PickRow, ...]

    @property
    def units(self) -> int:
        return sum(row.units for row in self.rows)


def get_pick_list(*, order_ids: list[int], warehouse_id: int | None = None) -> PickList:
    """What to take from the shelves for the orders `order_ids` still being prepared (in
    `warehouse_id` when given): for each order, the units of its parcels still to pick and
    the units in no parcel yet, added up per SKU (SKUs in order). Four queries."""
    orders = list(list_orders_to_prepare().filter(pk__in=list(order_ids)).only("pk", "number"))
    if warehouse_id is not None:
        orders = [order for order in orders if order.fulfilling_warehouse_id == warehouse_id]
    order_ids = [order.pk for order in orders]
    numbers = {order.pk: order.number for order in orders}
    to_pick: Counter[tuple[int, int]] = Counter()
    for row in (
        ShipmentLine.objects.filter(
            shipment__order_id__in=order_ids,
            shipment__is_replacement=False,
        )
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .values("order_line_id", "quantity", "shipment__status")
    ):
        to_pick[row["order_line_id"], row["shipment__status"] == ShipmentStatus.TO_PICK] += row[
            "quantity"
        ]
    by_sku: dict[str, dict] = {}
    for line in OrderLine.objects.filter(
        order_id__in=order_ids, kind=OrderLine.Kind.PRODUCT
    ).order_by("code", "order_id", "pk"):
        in_parcels = to_pick[line.pk, True] + to_pick[line.pk, False]
        units = to_pick[line.pk, True] + max(line.quantity - in_parcels, 0)
        if not units:
            continue
        entry = by_sku.setdefault(line.code, {"description": line.description, "orders": []})
        entry["orders"].append((numbers[line.order_id], units))
    warehouse = (
        Warehouse.objects.filter(pk=warehouse_id).values_list("name", flat=True).first()
        if warehouse_id
        else ""
    )
    return PickList(
        warehouse_name=warehouse or "",
        order_numbers=tuple(sorted(numbers.values())),
        rows=tuple(
            PickRow(
                sku=sku,
                description=entry["description"],
                units=sum(units for _number, units in entry["orders"]),
                orders=tuple(entry["orders"]),
            )
            for sku, entry in sorted(by_sku.items())
        ),
    )


def late_cutoff(day: date) -> datetime:
    """Orders placed before this moment should have left before `day`: they are late."""
    return due_cutoff(day - timedelta(days=1))
