"""Inventory reads."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from orchestre.catalog.models import Product
from orchestre.core.money import quantize
from orchestre.inventory.models import (
    CycleCount,
    CycleCountLine,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLevel,
    StockMovement,
    Supplier,
    Warehouse,
)


def available_quantities(product_ids: Iterable[int]) -> dict[int, int]:
    """Units that can still be reserved per product: the sum over its warehouses of on hand
    minus reserved. Every id asked for is in the answer (0 without stock rows). One query,
    whatever the number of products; none for no products."""
    ids = set(product_ids)
    if not ids:
        return {}
    available = dict.fromkeys(ids, 0)
    available.update(
        StockLevel.objects.filter(product_id__in=ids)
        .values("product_id")
        .annotate(available=Sum(F("quantity") - F("reserved")))
        .order_by()
        .values_list("product_id", "available")
    )
    return available


MONEY = DecimalField(max_digits=18, decimal_places=2)


def list_stock_levels() -> QuerySet[StockLevel]:
    """Every stock level with its product, category and warehouse, annotated `available`
    (on hand minus reserved) and `is_below` (on hand below a non-zero reorder point)."""
    return StockLevel.objects.select_related("product", "product__category", "warehouse").annotate(
        available=F("quantity") - F("reserved"),
        is_below=Case(
            When(quantity__lt=F("reorder_point"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def list_levels_below_reorder_point() -> QuerySet[StockLevel]:
    """The low-stock worklist: levels with fewer units on hand than their reorder point,
    furthest below first."""
    return (
        list_stock_levels()
        .filter(quantity__lt=F("reorder_point"))
        .annotate(gap=F("reorder_point") - F("quantity"))
        .order_by("-gap", "product__sku", "warehouse__priority")
    )


def list_movements(
    *, product_id: int | None = None, warehouse_id: int | None = None
) -> QuerySet[StockMovement]:
    """Ledger rows, newest first, with their product, warehouse and actor."""
    movements = StockMovement.objects.select_related("product", "warehouse", "actor")
    if product_id is not None:
        movements = movements.filter(product_id=product_id)
    if warehouse_id is not None:
        movements = movements.filter(warehouse_id=warehouse_id)
    return movements.order_by("-created_at", "-pk")


def get_product(product_id: int) -> Product | None:
    return Product.objects.select_related("category").filter(pk=product_id).first()


def levels_of_product(product_id: int) -> list[StockLevel]:
    return list(list_stock_levels().filter(product_id=product_id).order_by("warehouse__priority"))


def last_unit_costs() -> Subquery:
    """The unit cost of the product's latest purchase order line that was not cancelled
    (for `OuterRef("product_id")`); the stock's value is its units at that cost."""
    return Subquery(
        PurchaseOrderLine.objects.filter(product_id=OuterRef("product_id"))
        .exclude(purchase_order__status=PurchaseOrder.Status.CANCELLED)
        .order_by("-purchase_order__created_at", "-pk")
        .values("unit_cost")[:1]
    )


@dataclass(frozen=True)
class WarehouseSummary:
    warehouse: Warehouse
    products: int
    units: int
    value: Decimal
    unvalued_units: int


def list_warehouse_summaries() -> list[WarehouseSummary]:
    """Each warehouse with the products it holds, its units on hand and their value at
    the last purchase cost (`unvalued_units`: units of products never purchased). Two
    queries."""
    rows = {
        row["warehouse_id"]: row
        for row in StockLevel.objects.filter(quantity__gt=0)
        .annotate(cost=last_unit_costs())
        .values("warehouse_id")
        .annotate(
            products=Count("pk"),
            units=Sum("quantity"),
            value=Sum(F("quantity") * F("cost"), output_field=MONEY),
            unvalued=Sum("quantity", filter=Q(cost__isnull=True)),
        )
        .order_by()
    }
    summaries = []
    for warehouse in Warehouse.objects.order_by("priority", "code"):
        row = rows.get(warehouse.pk, {})
        summaries.append(
            WarehouseSummary(
                warehouse=warehouse,
                products=row.get("products") or 0,
                units=row.get("units") or 0,
                value=quantize(row.get("value") or Decimal(0)),
                unvalued_units=row.get("unvalued") or 0,
            )
        )
    return summaries


def list_warehouses() -> QuerySet[Warehouse]:
    return Warehouse.objects.order_by("priority", "code")


def list_suppliers(*, active_only: bool = False) -> QuerySet[Supplier]:
    suppliers = Supplier.objects.order_by("name")
    return suppliers.filter(is_active=True) if active_only else suppliers


OPEN_PURCHASE_STATUSES = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED)


def list_purchase_orders() -> QuerySet[PurchaseOrder]:
    """Purchase orders with supplier and warehouse, annotated `units_ordered`,
    `units_received` and `total_cost` (ordered units at their unit cost)."""
    return PurchaseOrder.objects.select_related("supplier", "warehouse").annotate(
        units_ordered=Coalesce(Sum("lines__quantity_ordered"), 0),
        units_received=Coalesce(Sum("lines__quantity_received"), 0),
        total_cost=Coalesce(
            Sum(
                F("lines__quantity_ordered") * F("lines__unit_cost"),
                output_field=MONEY,
            ),
            Value(Decimal(0)),
            output_field=MONEY,
        ),
    )


def list_purchase_orders_awaiting_receipt() -> QuerySet[PurchaseOrder]:
    """Sent or partially received orders, the soonest expected first."""
    return (
        list_purchase_orders()
        .filter(status__in=OPEN_PURCHASE_STATUSES)
        .order_by(F("expected_on").asc(nulls_last=True), "pk")
    )


def get_purchase_order(purchase_order_id: int) -> PurchaseOrder | None:
    """The order with its lines (and products) and its receipts (and their lines)."""
    return (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .prefetch_related(
            Prefetch("lines", PurchaseOrderLine.objects.select_related("product")),
            Prefetch(
                "receipts",
                GoodsReceipt.objects.select_related("received_by").prefetch_related(
                    Prefetch("lines", GoodsReceiptLine.objects.select_related("line__product"))
                ),
            ),
        )
        .filter(pk=purchase_order_id)
        .first()
    )


def units_on_order(product_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """Units ordered and not yet received per (product id, warehouse id), over sent and
    partially received purchase orders."""
    lines = PurchaseOrderLine.objects.filter(purchase_order__status__in=OPEN_PURCHASE_STATUSES)
    if product_ids is not None:
        lines = lines.filter(product_id__in=list(product_ids))
    return {
        (row["product_id"], row["purchase_order__warehouse_id"]): row["units"]
        for row in lines.values("product_id", "purchase_order__warehouse_id")
        .annotate(units=Sum(F("quantity_ordered") - F("quantity_received")))
        .order_by()
        if row["units"]
    }


def list_cycle_counts() -> QuerySet[CycleCount]:
    return CycleCount.objects.select_related("warehouse", "created_by").annotate(
        line_count=Count("lines"),
        counted_lines=Count("lines", filter=Q(lines__counted_quantity__isnull=False)),
    )


def get_cycle_count(count_id: int) -> CycleCount | None:
    return (
        CycleCount.objects.select_related("warehouse", "created_by")
        .prefetch_related(Prefetch("lines", CycleCountLine.objects.select_related("product")))
        .filter(pk=count_id)
        .first()
    )


DEFAULT_LEAD_TIME_DAYS = 7


@dataclass(frozen=True)
class ReorderSuggestion:
    level: StockLevel
    sold: int
    daily_sales: Decimal
    lead_time_days: int
    on_order: int
    suggested: int


def list_reorder_suggestions(
    *,
    warehouse_id: int | None = None,
    days: int = 30,
    cover_days: int = 14,
    now: datetime | None = None,
) -> list[ReorderSuggestion]:
    """What to order now, per product and warehouse, largest first.

    Recent sales are the sale movements of the last `days` days: the ledger records one
    when a paid order's stock is allocated, under the order's number, so they are the
    paid (then shipped, delivered) order lines, read from this layer's own records.

        daily sales   = units sold in the last `days` days / `days`
        lead time     = the supplier's of the product's latest purchase order (7 days
                        when it was never ordered)
        need          = ceil(daily sales × (lead time + `cover_days`))
        position      = available (on hand − reserved) + on order (open purchase orders)
        suggested     = need − position, and, when the position is below the reorder
                        point, at least the reorder quantity and at least what brings it
                        back to the point

    Levels with a suggestion of 0 are left out. Three queries."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    sold = Subquery(
        StockMovement.objects.filter(
            product_id=OuterRef("product_id"),
            warehouse_id=OuterRef("warehouse_id"),
            kind=StockMovement.Kind.SALE,
            created_at__gt=since,
            created_at__lte=now,
        )
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    lead_time = Subquery(
        PurchaseOrderLine.objects.filter(product_id=OuterRef("product_id"))
        .exclude(purchase_order__status=PurchaseOrder.Status.CANCELLED)
        .order_by("-purchase_order__created_at", "-pk")
        .values("purchase_order__supplier__lead_time_days")[:1]
    )
    levels = list_stock_levels().annotate(
        sold=Coalesce(-sold, 0), lead_time=Coalesce(lead_time, DEFAULT_LEAD_TIME_DAYS)
    )
    if warehouse_id is not None:
        levels = levels.filter(warehouse_id=warehouse_id)
    candidates = list(levels.filter(Q(reorder_point__gt=0) | Q(sold__gt=0)))
    on_order = units_on_order({level.product_id for level in candidates})
    suggestions = []
    for level in candidates:
        daily = Decimal(level.sold) / days
        need = math.ceil(daily * (level.lead_time + cover_days))
        pending = on_order.get((level.product_id, level.warehouse_id), 0)
        position = level.available + pending
        suggested = need - position
        if position < level.reorder_point:
            suggested = max(suggested, level.reorder_quantity, level.reorder_point - position)
        if suggested > 0:
            suggestions.append(
                ReorderSuggestion(
                    level=level,
                    sold=level.sold,
                    daily_sales=daily.quantize(Decimal("0.01")),
                    lead_time_days=level.lead_time,
                    on_order=pending,
                    suggested=suggested,
                )
            )
    suggestions.sort(key=lambda item: (-item.suggested, item.level.product.sku))
    return suggestions


def search_levels(levels: QuerySet[StockLevel], text: str) -> QuerySet[StockLevel]:
    """Levels whose product's SKU or name contains `text` (case-insensitive)."""
    text = text.strip()
    if not text:
        return levels
    return levels.filter(Q(product__sku__icontains=text) | Q(product__name__icontains=text))


def product_ids_by_sku(skus: Iterable[str]) -> dict[str, int]:
    return dict(Product.objects.filter(sku__in=list(skus)).values_list("sku", "pk"))


def warehouse_ids_by_code() -> dict[str, int]:
    return dict(Warehouse.objects.values_list("code", "pk"))
