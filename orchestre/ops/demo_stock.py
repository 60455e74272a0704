"""Demo stock work for the inventory manager: suppliers, an open purchase order and reorder
points that put a few products below them. Idempotent: a second run changes nothing."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orchestre.inventory.models import PurchaseOrder, StockLevel, Supplier
from orchestre.inventory.purchasing import (
    LineInput,
    create_purchase_order,
    create_supplier,
    send_purchase_order,
)
from orchestre.inventory.services import set_reorder_levels

SUPPLIERS = (
    ("Atelier Lumière", "commandes@atelier-lumiere.example", 10),
    ("Papeterie du Nord", "achats@papeterie-nord.example", 5),
)
DEMO_NOTE = "demo"


def seed_stock_demo() -> str:
    """Create the demo suppliers, reorder levels on the best-stocked levels (three of them
    set above their stock) and one sent purchase order; returns a one-line summary."""
    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if PurchaseOrder.objects.filter(note=DEMO_NOTE).exists():
        return _summary()
    with transaction.atomic():
        suppliers = []
        for name, email, lead_time in SUPPLIERS:
            supplier = Supplier.objects.filter(name=name).first() or create_supplier(
                name=name, email=email, lead_time_days=lead_time, actor=actor
            )
            suppliers.append(supplier)
        levels = list(
            StockLevel.objects.filter(quantity__gt=0, reorder_point=0)
            .select_related("warehouse")
            .order_by("-quantity", "pk")[:8]
        )
        for index, level in enumerate(levels):
            # The first three end up below their point; the others are comfortably above.
            point = level.quantity + 5 if index < 3 else max(level.quantity // 4, 1)
            set_reorder_levels(
                warehouse_id=level.warehouse_id,
                product_id=level.product_id,
                reorder_point=point,
                reorder_quantity=max(level.quantity, 12),
                actor=actor,
            )
        if levels:
            first = levels[0]
            order = create_purchase_order(
                supplier_id=suppliers[0].pk,
                warehouse_id=first.warehouse_id,
                lines=[
                    LineInput(level.product_id, max(level.quantity, 12), Decimal("2.40"))
                    for level in levels[:3]
                    if level.warehouse_id == first.warehouse_id
                ],
                note=DEMO_NOTE,
                actor=actor,
            )
            send_purchase_order(purchase_order_id=order.pk, actor=actor)
    return _summary()


def _summary() -> str:
    points = StockLevel.objects.filter(reorder_point__gt=0).count()
    below = StockLevel.objects.filter(low_stock_alerted=True).count()
    return (
        f"stock demo: {Supplier.objects.count()} suppliers, {points} reorder points ({below} below)"
    )
