from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.core.cache_versions import CATALOG, current_version
from orchestre.inventory.errors import InsufficientStock, UnknownReservation
from orchestre.inventory.models import StockLevel, StockMovement
from orchestre.inventory.services import (
    allocate_reservations,
    expire_reservations,
    release_reservations,
    reserve_stock,
)
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, levels, reservations


def in_15_minutes():
    return timezone.now() + timedelta(minutes=15)


def sales(order_number: str) -> list[tuple[str, str, int]]:
    return list(
        StockMovement.objects.filter(reference=order_number, kind=StockMovement.Kind.SALE)
        .order_by("product_id", "warehouse__priority")
        .values_list("product__sku", "warehouse__code", "quantity")
    )


def test_allocating_turns_the_reservations_into_sales(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    candle = stocked_product((lyon, 5), sku="CANDLE")
    reserve_stock(
        reference="cart-1", quantities={lantern.pk: 15, candle.pk: 2}, expires_at=in_15_minutes()
    )
    before = timezone.now()

    sold = allocate_reservations(reference="cart-1", order_number="OR-2026-00001")
    after = timezone.now()

    assert sold == 17
    assert levels(lantern) == {"lyon": (0, 0), "paris": (5, 0)}
    assert levels(candle) == {"lyon": (3, 0)}
    assert reservations("cart-1") == [
        ("LANTERN", "lyon", 12, "allocated"),
        ("LANTERN", "paris", 3, "allocated"),
        ("CANDLE", "lyon", 2, "allocated"),
    ]
    assert sales("OR-2026-00001") == [
        ("LANTERN", "lyon", -12),
        ("LANTERN", "paris", -3),
        ("CANDLE", "lyon", -2),
    ]
    assert all(
        before <= moved_at <= after
        for moved_at in StockMovement.objects.filter(kind="sale").values_list(
            "created_at", flat=True
        )
    )


def test_allocating_twice_sells_once(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
    allocate_reservations(reference="cart-1", order_number="OR-2026-00001")
    before = everything()

    assert allocate_reservations(reference="cart-1", order_number="OR-2026-00001") == 0
    assert everything() == before


def test_an_allocated_reference_cannot_be_released_nor_reserved_again(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
    allocate_reservations(reference="cart-1", order_number="OR-2026-00001")
    before = everything()

    assert release_reservations(reference="cart-1") == 0
    held = reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())

    assert [(r.quantity, r.status) for r in held] == [(5, "allocated")]
    assert everything() == before


def test_an_expired_reservation_is_held_again_then_sold(lyon, paris):
    lantern = stocked_product((lyon, 4), (paris, 8), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 3}, expires_at=timezone.now())
    expire_reservations()
    # Meanwhile another shopper took most of Lyon: the line is now split.
    reserve_stock(reference="cart-2", quantities={lantern.pk: 2}, expires_at=in_15_minutes())

    sold = allocate_reservations(reference="cart-1", order_number="OR-2026-00001")

    assert sold == 3
    assert levels(lantern) == {"lyon": (2, 2), "paris": (7, 0)}
    assert reservations("cart-1") == [
        ("LANTERN", "lyon", 3, "expired"),
        ("LANTERN", "lyon", 2, "allocated"),
        ("LANTERN", "paris", 1, "allocated"),
    ]
    assert sales("OR-2026-00001") == [("LANTERN", "lyon", -2), ("LANTERN", "paris", -1)]
    assert allocate_reservations(reference="cart-1", order_number="OR-2026-00001") == 0


def test_a_released_reservation_whose_stock_is_gone_cannot_be_sold(lyon):
    lantern = stocked_product((lyon, 4), sku="LANTERN")
    candle = stocked_product((lyon, 4), sku="CANDLE")
    reserve_stock(
        reference="cart-1", quantities={lantern.pk: 3, candle.pk: 1}, expires_at=in_15_minutes()
    )
    release_reservations(reference="cart-1")
    reserve_stock(reference="cart-2", quantities={lantern.pk: 2}, expires_at=in_15_minutes())
    before = everything()

    with pytest.raises(InsufficientStock) as raised:
        allocate_reservations(reference="cart-1", order_number="OR-2026-00001")

    assert raised.value.shortages == {"LANTERN": 2}
    assert everything() == before


def test_only_the_latest_reservations_of_a_reference_are_sold(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
    release_reservations(reference="cart-1")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 2}, expires_at=timezone.now())
    expire_reservations()

    assert allocate_reservations(reference="cart-1", order_number="OR-2026-00001") == 2
    assert levels(lantern) == {"lyon": (10, 0)}
    assert sales("OR-2026-00001") == [("LANTERN", "lyon", -2)]


def test_allocating_a_reference_that_never_reserved_is_refused(db):
    with pytest.raises(UnknownReservation) as raised:
        allocate_reservations(reference="cart-404", order_number="OR-2026-00001")

    assert raised.value.status == 404
    assert raised.value.code == "unknown_reservation"
    assert raised.value.message == "No stock is reserved under cart-404."
    assert StockMovement.objects.count() == 0


def test_a_sale_whose_units_were_reserved_keeps_the_catalogue_pages(
    lyon, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 3), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 3}, expires_at=in_15_minutes())
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        allocate_reservations(reference="cart-1", order_number="OR-2026-00001")

    assert callbacks == []
    assert current_version(CATALOG) == before


def test_a_late_sale_taking_the_last_units_invalidates_the_catalogue_pages(
    lyon, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 3), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 3}, expires_at=timezone.now())
    expire_reservations()
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True):
        allocate_reservations(reference="cart-1", order_number="OR-2026-00001")

    assert current_version(CATALOG) == before + 1
    assert StockLevel.objects.get(product=lantern).quantity == 0
