from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.cache_versions import CATALOG, current_version
from orchestre.core.errors import Conflict, InvalidInput
from orchestre.inventory.errors import InsufficientStock
from orchestre.inventory.models import Reservation
from orchestre.inventory.services import release_reservations, reserve_stock
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import everything, levels, reservations


def in_15_minutes():
    return timezone.now() + timedelta(minutes=15)


def test_a_line_is_taken_from_the_warehouse_that_ships_first(paris, lyon):
    lantern = stocked_product((paris, 8), (lyon, 12), sku="LANTERN")
    expires_at = in_15_minutes()

    held = reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=expires_at)

    assert [(r.warehouse.code, r.quantity, r.status, r.expires_at) for r in held] == [
        ("lyon", 5, "active", expires_at)
    ]
    assert levels(lantern) == {"lyon": (12, 5), "paris": (8, 0)}
    assert reservations("OR-1") == [("LANTERN", "lyon", 5, "active")]


def test_a_line_one_warehouse_cannot_cover_is_split_over_the_next(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    candle = stocked_product((lyon, 0), (paris, 4), sku="CANDLE")

    held = reserve_stock(
        reference="OR-1", quantities={candle.pk: 3, lantern.pk: 15}, expires_at=in_15_minutes()
    )

    assert [(r.product_id, r.warehouse.code, r.quantity) for r in held] == [
        (lantern.pk, "lyon", 12),
        (lantern.pk, "paris", 3),
        (candle.pk, "paris", 3),
    ]
    assert levels(lantern) == {"lyon": (12, 12), "paris": (8, 3)}
    assert levels(candle) == {"lyon": (0, 0), "paris": (4, 3)}


def test_reserved_units_are_no_longer_available_to_others(lyon):
    lantern = stocked_product((lyon, 5), sku="LANTERN")
    reserve_stock(reference="OR-1", quantities={lantern.pk: 4}, expires_at=in_15_minutes())

    with pytest.raises(InsufficientStock) as raised:
        reserve_stock(reference="OR-2", quantities={lantern.pk: 2}, expires_at=in_15_minutes())

    assert raised.value.shortages == {"LANTERN": 1}
    assert levels(lantern) == {"lyon": (5, 4)}


def test_a_shortage_names_every_short_sku_and_reserves_nothing(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    candle = stocked_product((lyon, 2), (paris, 1), sku="CANDLE")
    mug = stocked_product((lyon, 0), sku="MUG")
    never_stocked = ProductFactory(sku="VASE", search_index=False)
    before = everything()

    with pytest.raises(InsufficientStock) as raised:
        reserve_stock(
            reference="OR-1",
            quantities={lantern.pk: 20, candle.pk: 4, mug.pk: 1, never_stocked.pk: 2},
            expires_at=in_15_minutes(),
        )

    error = raised.value
    assert isinstance(error, Conflict)
    assert error.status == 409
    assert error.code == "insufficient_stock"
    assert error.shortages == {"CANDLE": 3, "MUG": 0, "VASE": 0}
    assert error.message == "Not enough stock for CANDLE, MUG, VASE."
    assert error.fields == {
        "CANDLE": ["Only 3 left."],
        "MUG": ["Out of stock."],
        "VASE": ["Out of stock."],
    }
    assert everything() == before


def test_a_quantity_beyond_all_warehouses_together_reserves_nothing(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")

    with pytest.raises(InsufficientStock) as raised:
        reserve_stock(reference="OR-1", quantities={lantern.pk: 21}, expires_at=in_15_minutes())

    assert raised.value.shortages == {"LANTERN": 20}
    assert levels(lantern) == {"lyon": (12, 0), "paris": (8, 0)}
    assert Reservation.objects.count() == 0


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5, "2"])
def test_a_quantity_that_is_not_a_whole_number_of_at_least_one_is_refused(lyon, quantity):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    before = everything()

    with pytest.raises(InvalidInput) as raised:
        reserve_stock(
            reference="OR-1", quantities={lantern.pk: quantity}, expires_at=in_15_minutes()
        )

    assert raised.value.code == "invalid_quantity"
    assert raised.value.fields == {
        str(lantern.pk): ["A reserved quantity must be a whole number of at least 1."]
    }
    assert everything() == before


def test_reserving_again_under_the_same_reference_holds_nothing_more(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    first = reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())

    again = reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())

    assert [r.pk for r in again] == [r.pk for r in first]
    assert levels(lantern) == {"lyon": (12, 5)}
    assert reservations("OR-1") == [("LANTERN", "lyon", 5, "active")]


def test_a_reference_whose_reservations_were_released_can_reserve_again(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
    release_reservations(reference="OR-1")

    held = reserve_stock(reference="OR-1", quantities={lantern.pk: 2}, expires_at=in_15_minutes())

    assert [(r.warehouse.code, r.quantity, r.status) for r in held] == [("lyon", 2, "active")]
    assert levels(lantern) == {"lyon": (12, 2)}
    assert reservations("OR-1") == [
        ("LANTERN", "lyon", 5, "released"),
        ("LANTERN", "lyon", 2, "active"),
    ]


def test_a_hold_inside_the_callers_transaction_rolls_back_with_it(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    before = everything()

    with pytest.raises(RuntimeError), transaction.atomic():
        reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
        raise RuntimeError("the order could not be recorded")

    assert everything() == before


def test_a_shortage_inside_the_callers_transaction_leaves_it_usable(lyon):
    lantern = stocked_product((lyon, 12), sku="LANTERN")
    candle = stocked_product((lyon, 1), sku="CANDLE")

    with transaction.atomic():
        reserve_stock(reference="OR-1", quantities={lantern.pk: 5}, expires_at=in_15_minutes())
        with pytest.raises(InsufficientStock):
            reserve_stock(
                reference="OR-2",
                quantities={lantern.pk: 1, candle.pk: 2},
                expires_at=in_15_minutes(),
            )

    assert levels(lantern) == {"lyon": (12, 5)}
    assert levels(candle) == {"lyon": (1, 0)}
    assert reservations("OR-1") == [("LANTERN", "lyon", 5, "active")]
    assert reservations("OR-2") == []


def test_reserving_the_last_units_invalidates_the_catalogue_pages(
    lyon, paris, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 2), (paris, 1), sku="LANTERN")
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True):
        reserve_stock(reference="OR-1", quantities={lantern.pk: 3}, expires_at=in_15_minutes())

    assert current_version(CATALOG) == before + 1


def test_reserving_while_units_are_left_keeps_the_catalogue_pages(
    lyon, django_capture_on_commit_callbacks
):
    lantern = stocked_product((lyon, 4), sku="LANTERN")
    before = current_version(CATALOG)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reserve_stock(reference="OR-1", quantities={lantern.pk: 3}, expires_at=in_15_minutes())

    assert callbacks == []
    assert current_version(CATALOG) == before
