"""Staff API of the stock: levels, the ledger, adjustments, transfers, purchase orders and
goods receipts. Reading needs view_stock, every write manage_stock."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from orchestre.api.staff_auth import staff_token, staff_token_for
from orchestre.inventory import selectors
from orchestre.inventory.errors import InvalidPurchaseOrder, UnknownStockItem
from orchestre.inventory.purchasing import (
    LineInput,
    create_purchase_order,
    receive_purchase_order,
    send_purchase_order,
)
from orchestre.inventory.services import adjust_stock, transfer_stock
from orchestre.team.permissions import Action

router = Router(auth=staff_token, tags=["staff: stock"])


class Page(Schema):
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)


class LevelFilters(Page):
    warehouse: str | None = None
    category: int | None = None
    below_reorder_point: bool = False
    q: str | None = Field(None, max_length=100)


class LevelOut(Schema):
    sku: str
    product_id: int
    name: str
    warehouse: str
    quantity: int
    reserved: int
    available: int
    reorder_point: int
    reorder_quantity: int
    below_reorder_point: bool


class LevelsOut(Schema):
    count: int
    results: list[LevelOut]


class MovementFilters(Page):
    sku: str | None = None
    warehouse: str | None = None


class MovementOut(Schema):
    id: int
    sku: str
    warehouse: str
    kind: str
    quantity: int
    reference: str
    note: str
    created_at: datetime


class MovementsOut(Schema):
    count: int
    results: list[MovementOut]


class AdjustmentIn(Schema):
    sku: str
    warehouse: str
    quantity: int
    reason: str
    note: str = Field("", max_length=255)


class TransferIn(Schema):
    sku: str
    from_warehouse: str
    to_warehouse: str
    quantity: int
    note: str = Field("", max_length=255)


class TransferOut(Schema):
    reference: str
    movements: list[MovementOut]


class PurchaseLineIn(Schema):
    sku: str
    quantity: int
    unit_cost: Decimal


class PurchaseOrderIn(Schema):
    supplier_id: int
    warehouse: str
    lines: list[PurchaseLineIn] = Field(..., max_length=200)
    expected_on: date | None = None
    note: str = Field("", max_length=255)
    send: bool = False


class PurchaseLineOut(Schema):
    id: int
    sku: str
    quantity_ordered: int
    quantity_received: int
    unit_cost: Decimal


class PurchaseOrderOut(Schema):
    id: int
    number: str
    status: str
    supplier: str
    warehouse: str
    expected_on: date | None
    created_at: datetime
    lines: list[PurchaseLineOut]


class PurchaseOrderSummaryOut(Schema):
    id: int
    number: str
    status: str
    supplier: str
    warehouse: str
    expected_on: date | None
    units_ordered: int
    units_received: int
    total_cost: Decimal


class PurchaseOrdersOut(Schema):
    count: int
    results: list[PurchaseOrderSummaryOut]


class PurchaseOrderFilters(Page):
    status: str | None = None


class ReceiptLineIn(Schema):
    line_id: int
    quantity: int


class ReceiptIn(Schema):
    lines: list[ReceiptLineIn] = Field(..., max_length=200)
    note: str = Field("", max_length=255)


class ReceiptOut(Schema):
    reference: str
    purchase_order: PurchaseOrderOut


@router.get("/staff/stock", response=LevelsOut, auth=staff_token_for(Action.VIEW_STOCK))
def stock_levels(request: HttpRequest, filters: Query[LevelFilters]):
    levels = selectors.list_stock_levels()
    if filters.warehouse:
        levels = levels.filter(warehouse__code=filters.warehouse)
    if filters.category:
        levels = levels.filter(product__category_id=filters.category)
    if filters.below_reorder_point:
        levels = levels.filter(is_below=True)
    if filters.q:
        levels = selectors.search_levels(levels, filters.q)
    levels = levels.order_by("product__sku", "warehouse__priority")
    window = levels[filters.offset : filters.offset + filters.limit]
    return {"count": levels.count(), "results": [_level(level) for level in window]}


@router.get(
    "/staff/stock/movements", response=MovementsOut, auth=staff_token_for(Action.VIEW_STOCK)
)
def stock_movements(request: HttpRequest, filters: Query[MovementFilters]):
    movements = selectors.list_movements()
    if filters.sku:
        movements = movements.filter(product__sku=filters.sku)
    if filters.warehouse:
        movements = movements.filter(warehouse__code=filters.warehouse)
    window = movements[filters.offset : filters.offset + filters.limit]
    return {"count": movements.count(), "results": [_movement(item) for item in window]}


@router.post(
    "/staff/stock/adjustments",
    response={201: MovementOut},
    auth=staff_token_for(Action.MANAGE_STOCK),
)
def adjustment(request: HttpRequest, payload: AdjustmentIn):
    movement = adjust_stock(
        warehouse_id=_warehouse_id(payload.warehouse, "warehouse"),
        product_id=_product_id(payload.sku),
        quantity=payload.quantity,
        reason=payload.reason,
        note=payload.note,
        actor=request.auth,
    )
    return Status(201, _movement(_reload(movement)))


@router.post(
    "/staff/stock/transfers", response={201: TransferOut}, auth=staff_token_for(Action.MANAGE_STOCK)
)
def transfer(request: HttpRequest, payload: TransferIn):
    out, into = transfer_stock(
        product_id=_product_id(payload.sku),
        from_warehouse_id=_warehouse_id(payload.from_warehouse, "from_warehouse"),
        to_warehouse_id=_warehouse_id(payload.to_warehouse, "to_warehouse"),
        quantity=payload.quantity,
        note=payload.note,
        actor=request.auth,
    )
    return Status(
        201,
        {
            "reference": out.reference,
            "movements": [_movement(_reload(out)), _movement(_reload(into))],
        },
    )


@router.get(
    "/staff/purchase-orders", response=PurchaseOrdersOut, auth=staff_token_for(Action.VIEW_STOCK)
)
def purchase_orders(request: HttpRequest, filters: Query[PurchaseOrderFilters]):
    orders = selectors.list_purchase_orders().order_by("-created_at", "-pk")
    if filters.status:
        orders = orders.filter(status=filters.status)
    window = orders[filters.offset : filters.offset + filters.limit]
    return {
        "count": orders.count(),
        "results": [
            {
                "id": order.pk,
                "number": order.number,
                "status": order.status,
                "supplier": order.supplier.name,
                "warehouse": order.warehouse.code,
                "expected_on": order.expected_on,
                "units_ordered": order.units_ordered,
                "units_received": order.units_received,
                "total_cost": order.total_cost,
            }
            for order in window
        ],
    }


@router.post(
    "/staff/purchase-orders",
    response={201: PurchaseOrderOut},
    auth=staff_token_for(Action.MANAGE_STOCK),
)
def new_purchase_order(request: HttpRequest, payload: PurchaseOrderIn):
    skus = selectors.product_ids_by_sku([line.sku for line in payload.lines])
    unknown = {
        f"lines.{index}.sku": [_("This product does not exist.")]
        for index, line in enumerate(payload.lines)
        if line.sku not in skus
    }
    if unknown:
        raise InvalidPurchaseOrder(_("Some lines need correcting."), fields=unknown)
    order = create_purchase_order(
        supplier_id=payload.supplier_id,
        warehouse_id=_warehouse_id(payload.warehouse, "warehouse"),
        lines=[LineInput(skus[line.sku], line.quantity, line.unit_cost) for line in payload.lines],
        expected_on=payload.expected_on,
        note=payload.note,
        actor=request.auth,
    )
    if payload.send:
        send_purchase_order(purchase_order_id=order.pk, actor=request.auth)
    return Status(201, _purchase_order(order.pk))


@router.get(
    "/staff/purchase-orders/{purchase_order_id}",
    response=PurchaseOrderOut,
    auth=staff_token_for(Action.VIEW_STOCK),
)
def purchase_order(request: HttpRequest, purchase_order_id: int):
    return _purchase_order(purchase_order_id)


@router.post(
    "/staff/purchase-orders/{purchase_order_id}/receipts",
    response={201: ReceiptOut},
    auth=staff_token_for(Action.MANAGE_STOCK),
)
def receipt(request: HttpRequest, purchase_order_id: int, payload: ReceiptIn):
    quantities: dict[int, int] = {}
    for line in payload.lines:
        quantities[line.line_id] = quantities.get(line.line_id, 0) + line.quantity
    received = receive_purchase_order(
        purchase_order_id=purchase_order_id,
        quantities=quantities,
        note=payload.note,
        actor=request.auth,
    )
    return Status(
        201,
        {
            "reference": received.reference,
            "purchase_order": _purchase_order(purchase_order_id),
        },
    )


def _warehouse_id(code: str, field: str) -> int:
    warehouse_id = selectors.warehouse_ids_by_code().get(code)
    if warehouse_id is None:
        raise UnknownStockItem(_("This warehouse does not exist."), field=field)
    return warehouse_id


def _product_id(sku: str) -> int:
    product_id = selectors.product_ids_by_sku([sku]).get(sku)
    if product_id is None:
        raise UnknownStockItem(_("This product does not exist."), field="sku")
    return product_id


def _reload(movement):
    return selectors.list_movements().get(pk=movement.pk)


def _level(level) -> dict:
    return {
        "sku": level.product.sku,
        "product_id": level.product_id,
        "name": level.product.name,
        "warehouse": level.warehouse.code,
        "quantity": level.quantity,
        "reserved": level.reserved,
        "available": level.available,
        "reorder_point": level.reorder_point,
        "reorder_quantity": level.reorder_quantity,
        "below_reorder_point": level.is_below,
    }


def _movement(movement) -> dict:
    return {
        "id": movement.pk,
        "sku": movement.product.sku,
        "warehouse": movement.warehouse.code,
        "kind": movement.kind,
        "quantity": movement.quantity,
        "reference": movement.reference,
        "note": movement.note,
        "created_at": movement.created_at,
    }


def _purchase_order(purchase_order_id: int) -> dict:
    order = selectors.get_purchase_order(purchase_order_id)
    if order is None:
        raise UnknownStockItem(_("This purchase order does not exist."), field="purchase_order")
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "supplier": order.supplier.name,
        "warehouse": order.warehouse.code,
        "expected_on": order.expected_on,
        "created_at": order.created_at,
        "lines": [
            {
                "id": line.pk,
                "sku": line.product.sku,
                "quantity_ordered": line.quantity_ordered,
                "quantity_received": line.quantity_received,
                "unit_cost": line.unit_cost,
            }
            for line in order.lines.all()
        ],
    }
