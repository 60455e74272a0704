"""Real concurrent buyers: each call runs in its own thread with its own database
connection, all released at once (on SQLite the test database is a file, so the
connections are truly parallel and writers queue on the busy timeout)."""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from orchestre.inventory.errors import InsufficientStock
from orchestre.inventory.models import Reservation, StockLevel, StockMovement
from orchestre.inventory.services import (
    allocate_reservations,
    expire_reservations,
    release_reservations,
    reserve_stock,
)
from orchestre.inventory.tests.factories import stocked_product
from orchestre.inventory.tests.stock import (
    ledger_disagreements,
    levels,
    reservations,
    reserved_disagreements,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Each call's result, or the exception it raised, in the order of `calls`."""
    outcomes: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - returned for the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def reserve(reference: str, quantities: dict[int, int], expires_at=None):
    expires_at = expires_at or timezone.now() + timedelta(minutes=15)
    return lambda: reserve_stock(reference=reference, quantities=quantities, expires_at=expires_at)


def assert_stock_is_consistent():
    assert StockLevel.objects.filter(quantity__lt=0).count() == 0
    assert ledger_disagreements() == []
    assert reserved_disagreements() == []


def test_fifty_buyers_of_twenty_units_in_two_warehouses(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")

    outcomes = run_at_once([reserve(f"cart-{n}", {lantern.pk: 1}) for n in range(50)])

    held = [outcome for outcome in outcomes if isinstance(outcome, list)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, InsufficientStock)]
    assert (len(held), len(refused)) == (20, 30)
    assert {tuple(error.shortages.items()) for error in refused} == {(("LANTERN", 0),)}
    assert levels(lantern) == {"lyon": (12, 12), "paris": (8, 8)}
    assert Reservation.objects.filter(status="active").count() == 20
    assert_stock_is_consistent()


def test_lines_split_across_warehouses_under_contention(lyon, paris):
    lantern = stocked_product((lyon, 7), (paris, 5), sku="LANTERN")

    outcomes = run_at_once([reserve(f"cart-{n}", {lantern.pk: 3}) for n in range(10)])

    held = sorted(
        [(r.warehouse.code, r.quantity) for r in outcome]
        for outcome in outcomes
        if isinstance(outcome, list)
    )
    assert held == [
        [("lyon", 1), ("paris", 2)],
        [("lyon", 3)],
        [("lyon", 3)],
        [("paris", 3)],
    ]
    refused = [outcome for outcome in outcomes if isinstance(outcome, InsufficientStock)]
    assert [error.shortages for error in refused] == [{"LANTERN": 0}] * 6
    assert levels(lantern) == {"lyon": (7, 7), "paris": (5, 5)}
    assert_stock_is_consistent()


def test_orders_beyond_all_the_stock_fail_whole_while_small_ones_succeed(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    calls = [reserve(f"small-{n}", {lantern.pk: 1}) for n in range(10)]
    calls += [reserve(f"big-{n}", {lantern.pk: 21}) for n in range(5)]

    outcomes = run_at_once(calls)

    assert all(isinstance(outcome, list) for outcome in outcomes[:10]), outcomes[:10]
    assert all(isinstance(outcome, InsufficientStock) for outcome in outcomes[10:])
    assert sum(level[1] for level in levels(lantern).values()) == 10
    assert Reservation.objects.filter(reference__startswith="big-").count() == 0
    assert_stock_is_consistent()


def test_the_same_reference_reserved_at_once_is_held_once(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")

    outcomes = run_at_once([reserve("cart-1", {lantern.pk: 15}) for _ in range(10)])

    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert len({tuple(r.pk for r in outcome) for outcome in outcomes}) == 1
    assert reservations("cart-1") == [
        ("LANTERN", "lyon", 12, "active"),
        ("LANTERN", "paris", 3, "active"),
    ]
    assert levels(lantern) == {"lyon": (12, 12), "paris": (8, 3)}
    assert_stock_is_consistent()


def test_sales_and_releases_of_different_references_at_once(lyon, paris):
    lantern = stocked_product((lyon, 12), (paris, 8), sku="LANTERN")
    candle = stocked_product((lyon, 5), sku="CANDLE")
    for n in range(10):
        # Odd carts also hold a candle.
        reserve(f"cart-{n}", {lantern.pk: 2} | ({candle.pk: 1} if n % 2 else {}))()
    calls = []
    for n in range(10):
        if n < 5:
            # Sent twice, like the shopper's return and the webhook of one payment.
            calls += [
                lambda n=n: allocate_reservations(reference=f"cart-{n}", order_number=f"OR-{n}")
            ] * 2
        else:
            calls += [lambda n=n: release_reservations(reference=f"cart-{n}")] * 2

    outcomes = run_at_once(calls)

    assert [sorted(outcomes[2 * n : 2 * n + 2]) for n in range(10)] == [[0, 2], [0, 3]] * 5
    assert sum(level[0] for level in levels(lantern).values()) == 10
    assert sum(level[1] for level in levels(lantern).values()) == 0
    assert levels(candle) == {"lyon": (3, 0)}
    assert StockMovement.objects.filter(kind="sale").values("reference").distinct().count() == 5
    assert_stock_is_consistent()


def test_expiry_racing_late_sales_sells_each_once(lyon, paris):
    lantern = stocked_product((lyon, 6), (paris, 4), sku="LANTERN")
    for n in range(10):
        reserve(f"cart-{n}", {lantern.pk: 1}, expires_at=timezone.now())()
    calls = [expire_reservations] * 3
    calls += [
        lambda n=n: allocate_reservations(reference=f"cart-{n}", order_number=f"OR-{n}")
        for n in range(10)
    ]

    outcomes = run_at_once(calls)

    assert outcomes[3:] == [1] * 10
    assert sum(outcomes[:3]) <= 10
    assert levels(lantern) == {"lyon": (0, 0), "paris": (0, 0)}
    assert StockMovement.objects.filter(kind="sale").count() == 10
    assert Reservation.objects.filter(status="active").count() == 0
    assert_stock_is_consistent()
