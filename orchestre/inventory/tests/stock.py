"""What tests read back from the stock tables."""

from django.db.models import Sum

from orchestre.inventory.models import Reservation, StockLevel, StockMovement


def levels(product) -> dict[str, tuple[int, int]]:
    """(on hand, reserved) per warehouse code."""
    return {
        code: (quantity, reserved)
        for code, quantity, reserved in StockLevel.objects.filter(product=product)
        .order_by("warehouse__priority")
        .values_list("warehouse__code", "quantity", "reserved")
    }


def reservations(reference: str) -> list[tuple[str, str, int, str]]:
    """(SKU, warehouse code, quantity, status) of a reference, oldest first."""
    return list(
        Reservation.objects.filter(reference=reference)
        .order_by("pk")
        .values_list("product__sku", "warehouse__code", "quantity", "status")
    )


def everything() -> tuple[list, list, list]:
    """Every stock level, reservation and movement, to show that nothing changed."""
    return (
        list(StockLevel.objects.order_by("pk").values_list()),
        list(Reservation.objects.order_by("pk").values_list()),
        list(StockMovement.objects.order_by("pk").values_list()),
    )


def ledger_disagreements() -> list[tuple[int, int, int, int]]:
    """(product, warehouse, on hand, sum of movements) wherever the two differ."""
    moved = {
        (row["product_id"], row["warehouse_id"]): row["total"]
        for row in StockMovement.objects.values("product_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    return [
        (product_id, warehouse_id, quantity, moved.get((product_id, warehouse_id), 0))
        for product_id, warehouse_id, quantity in StockLevel.objects.values_list(
            "product_id", "warehouse_id", "quantity"
        )
        if moved.get((product_id, warehouse_id), 0) != quantity
    ]


def reserved_disagreements() -> list[tuple[int, int, int, int]]:
    """(product, warehouse, reserved, units of active reservations) wherever they differ."""
    held = {
        (row["product_id"], row["warehouse_id"]): row["total"]
        for row in Reservation.objects.filter(status=Reservation.Status.ACTIVE)
        .values("product_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    return [
        (product_id, warehouse_id, reserved, held.get((product_id, warehouse_id), 0))
        for product_id, warehouse_id, reserved in StockLevel.objects.values_list(
            "product_id", "warehouse_id", "reserved"
        )
        if held.get((product_id, warehouse_id), 0) != reserved
    ]
