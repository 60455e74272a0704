"""Staff API of fulfilment: orders (the read model), parcels, packing and shipping, and the
sandbox carrier's tracking webhook. Reading needs view_orders, every write fulfil_orders."""

import json
from datetime import date, datetime

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orchestre.api.staff_auth import staff_token, staff_token_for
from orchestre.core.errors import InvalidInput
from orchestre.orders.errors import UnknownOrder
from orchestre.shipping import carriers
from orchestre.shipping.errors import InvalidTrackingWebhook
from orchestre.shipping.models import Shipment
from orchestre.shipping.selectors import (
    get_shipment,
    list_orders_for_staff,
    list_shipments,
    list_shipments_for_orders,
)
from orchestre.shipping.services import (
    check_items,
    create_shipment,
    record_tracking_events,
    ship_shipment,
)
from orchestre.team.permissions import Action

router = Router(auth=staff_token, tags=["staff: fulfilment"])


class Page(Schema):
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)


class OrderFilters(Page):
    status: str | None = None
    delivery_method: str | None = None
    placed_from: date | None = None
    placed_until: date | None = None
    to_prepare: bool = False


class OrderSummaryOut(Schema):
    number: str
    status: str
    placed_at: datetime
    email: str
    delivery_method: str
    currency: str
    total: str
    units_ordered: int
    units_in_parcels: int
    units_shipped: int
    open_parcels: int


class OrdersOut(Schema):
    count: int
    results: list[OrderSummaryOut]


class ShipmentLineOut(Schema):
    order_line_id: int
    sku: str
    description: str
    quantity: int
    missing: int
    packed: int


class ShipmentOut(Schema):
    id: int
    number: str
    order: str
    warehouse: str
    status: str
    carrier: str
    tracking_number: str
    tracking_url: str
    is_replacement: bool
    created_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: list[ShipmentLineOut]


class ShipmentsOut(Schema):
    count: int
    results: list[ShipmentOut]


class OrderLineOut(Schema):
    id: int
    sku: str
    description: str
    quantity: int


class OrderOut(OrderSummaryOut):
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]


class ShipmentFilters(Page):
    status: str | None = None
    order: str | None = None


class QuantityIn(Schema):
    order_line_id: int
    quantity: int


class NewShipmentIn(Schema):
    order: str = Field(..., max_length=20)
    lines: list[QuantityIn] = Field(..., max_length=200)
    warehouse_id: int | None = None


class ScanIn(Schema):
    sku: str = Field(..., max_length=32)
    quantity: int = 1


class PackIn(Schema):
    items: list[ScanIn] = Field(..., min_length=1, max_length=500)


def _order_summary(order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "placed_at": order.placed_at,
        "email": order.email,
        "delivery_method": order.delivery_method_code,
        "currency": order.currency,
        "total": str(order.total),
        "units_ordered": order.units_ordered,
        "units_in_parcels": order.units_in_parcels,
        "units_shipped": order.units_shipped,
        "open_parcels": order.open_parcels,
    }


def _shipment(shipment: Shipment, order_number: str | None = None) -> dict:
    return {
        "id": shipment.pk,
        "number": shipment.number,
        "order": order_number or shipment.order.number,
        "warehouse": shipment.warehouse.code,
        "status": shipment.status,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "is_replacement": shipment.is_replacement,
        "created_at": shipment.created_at,
        "shipped_at": shipment.shipped_at,
        "delivered_at": shipment.delivered_at,
        "lines": [
            {
                "order_line_id": line.order_line_id,
                "sku": line.sku,
                "description": line.description,
                "quantity": line.quantity,
                "missing": line.missing,
                "packed": line.packed,
            }
            for line in shipment.lines.all()
        ],
    }


def _order_by_number(number: str):
    order = list_orders_for_staff().filter(number=number).first()
    if order is None:
        raise UnknownOrder()
    return order


@router.get("/staff/orders", response=OrdersOut, auth=staff_token_for(Action.VIEW_ORDERS))
def orders(request: HttpRequest, filters: Query[OrderFilters]):
    rows = list_orders_for_staff().order_by("-placed_at", "-pk")
    if filters.to_prepare:
        rows = rows.filter(status__in=("paid", "in_preparation"), paid_at__isnull=False)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.delivery_method:
        rows = rows.filter(delivery_method_code=filters.delivery_method)
    if filters.placed_from:
        rows = rows.filter(placed_at__date__gte=filters.placed_from)
    if filters.placed_until:
        rows = rows.filter(placed_at__date__lte=filters.placed_until)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "results": [_order_summary(order) for order in page]}


@router.get("/staff/orders/{number}", response=OrderOut, auth=staff_token_for(Action.VIEW_ORDERS))
def order(request: HttpRequest, number: str):
    found = _order_by_number(number)
    return {
        **_order_summary(found),
        "lines": [
            {
                "id": line.pk,
                "sku": line.code,
                "description": line.description,
                "quantity": line.quantity,
            }
            for line in found.lines.filter(kind="product").order_by("pk")
        ],
        "shipments": [
            _shipment(shipment, found.number) for shipment in list_shipments_for_orders([found.pk])
        ],
    }


@router.get("/staff/shipments", response=ShipmentsOut, auth=staff_token_for(Action.VIEW_ORDERS))
def shipments(request: HttpRequest, filters: Query[ShipmentFilters]):
    rows = list_shipments().prefetch_related("lines")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.order:
        rows = rows.filter(order__number=filters.order)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "results": [_shipment(shipment) for shipment in page]}


@router.get(
    "/staff/shipments/{shipment_id}", response=ShipmentOut, auth=staff_token_for(Action.VIEW_ORDERS)
)
def shipment(request: HttpRequest, shipment_id: int):
    return _shipment(get_shipment(shipment_id))


@router.post(
    "/staff/shipments", response={201: ShipmentOut}, auth=staff_token_for(Action.FULFIL_ORDERS)
)
def new_shipment(request: HttpRequest, body: NewShipmentIn):
    found = _order_by_number(body.order)
    created = create_shipment(
        order_id=found.pk,
        quantities={line.order_line_id: line.quantity for line in body.lines},
        warehouse_id=body.warehouse_id,
        actor=request.auth,
    )
    return Status(201, _shipment(get_shipment(created.pk)))


@router.post(
    "/staff/shipments/{shipment_id}/pack",
    response=ShipmentOut,
    auth=staff_token_for(Action.FULFIL_ORDERS),
)
def pack(request: HttpRequest, shipment_id: int, body: PackIn):
    check_items(
        shipment_id=shipment_id,
        scans=[(item.sku, item.quantity) for item in body.items],
        actor=request.auth,
    )
    return _shipment(get_shipment(shipment_id))


@router.post(
    "/staff/shipments/{shipment_id}/ship",
    response=ShipmentOut,
    auth=staff_token_for(Action.FULFIL_ORDERS),
)
def ship(request: HttpRequest, shipment_id: int):
    ship_shipment(shipment_id=shipment_id, actor=request.auth)
    return _shipment(get_shipment(shipment_id))


class WebhookOut(Schema):
    recorded: int


@router.post("/carriers/sandbox/webhook", auth=None, response=WebhookOut)
def carrier_webhook(request: HttpRequest):
    """Tracking events pushed by the sandbox carrier, signed (header Carrier-Signature)."""
    if not carriers.verify(request.body, request.headers.get("Carrier-Signature", "")):
        raise InvalidTrackingWebhook(_("The signature of this call is missing or wrong."))
    try:
        payload = json.loads(request.body)
        events = [
            carriers.CarrierEvent(
                external_id=str(item["id"])[:80],
                code=item["code"],
                occurred_at=parse_datetime(item["occurred_at"]),
                description=str(item.get("description", "")),
            )
            for item in payload["events"]
        ]
        number = str(payload["tracking_number"])
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput(_("This is not a tracking event."), code="invalid_event") from error
    if any(event.occurred_at is None for event in events):
        raise InvalidInput(_("This is not a tracking event."), code="invalid_event")
    return {"recorded": record_tracking_events(tracking_number=number, events=events)}
