from datetime import timedelta

from django.utils import timezone

from orchestre.core.cache_versions import CATALOG, current_version
from orchestre.inventory.services import (
    allocate_reservations,
    expire_reservations,
    release_reservations,
    reserve_stock,
)
from orchestre.inventory.tasks import expire_reservations_task
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, levels, reservations


def in_15_minutes():
    return timezone.now() + timedelta(minutes=15)


def test_releasing_gives_the_units_back(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 15}, expires_at=in_15_minutes())
    reserve_stock(reference="cart-2", quantities={lantern.pk: 2}, expires_at=in_15_minutes())

    assert release_reservations(reference="cart-1") == 15

    assert levels(lantern) == {"lyon": (12, 0), "paris": (8, 2)}
    assert reservations("cart-1") == [
        ("LANTERN", "lyon", 12, "released"),
        ("LANTERN", "paris", 3, "released"),
    ]
    assert reservations("cart-2") == [("LANTERN", "paris", 2, "active")]


def test_releasing_twice_gives_back_once(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
    release_reservations(reference="cart-1")
    before = everything()

    assert release_reservations(reference="cart-1") == 0
    assert release_reservations(reference="cart-404") == 0
    assert everything() == before


def test_reservations_expire_once_their_time_is_up(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    now = timezone.now()
    reserve_stock(reference="cart-1", quantities={lantern.pk: 1}, expires_at=now)
    reserve_stock(
        reference="cart-2", quantities={lantern.pk: 2}, expires_at=now - timedelta(minutes=1)
    )
    reserve_stock(
        reference="cart-3", quantities={lantern.pk: 4}, expires_at=now + timedelta(seconds=1)
    )

    assert expire_reservations(now=now) == 3

    assert levels(lantern) == {"lyon": (12, 4)}
    assert reservations("cart-1") == [("LANTERN", "lyon", 1, "expired")]
    assert reservations("cart-2") == [("LANTERN", "lyon", 2, "expired")]
    assert reservations("cart-3") == [("LANTERN", "lyon", 4, "active")]


def test_expiring_twice_gives_back_once(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=timezone.now())
    expire_reservations()
    before = everything()

    assert expire_reservations() == 0
    assert everything() == before


def test_released_and_allocated_reservations_never_expire(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    now = timezone.now()
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=now)
    release_reservations(reference="cart-1")
    reserve_stock(reference="cart-2", quantities={lantern.pk: 3}, expires_at=now)
    allocate_reservations(reference="cart-2", order_number="OR-2026-00001")
    before = everything()

    assert expire_reservations(now=now + timedelta(hours=1)) == 0
    assert everything() == before


def test_the_worker_task_expires_due_reservations(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 5}, expires_at=timezone.now())

    result = expire_reservations_task.enqueue()

    assert result.return_value == 5
    assert levels(lantern) == {"lyon": (12, 0)}


def test_units_back_on_a_sold_out_product_invalidate_the_catalogue_pages(
    lyon, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 3), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 3}, expires_at=in_15_minutes())
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True):
        release_reservations(reference="cart-1")

    assert current_version(CATALOG) == before + 1


def test_units_back_on_a_product_still_in_stock_keep_the_catalogue_pages(
    lyon, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 4), sku="LANTERN")
    reserve_stock(reference="cart-1", quantities={lantern.pk: 3}, expires_at=timezone.now())
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        expire_reservations()

    assert callbacks == []
    assert current_version(CATALOG) == before
