"""Invoice numbers stay unique and gapless when many buyers pay at the same moment: real
threads, each with its own database connection, placing and paying orders at once."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.orders.models import Invoice, Order
from orchestre.orders.services import mark_order_paid, place_order
from orchestre.orders.tests.factories import order_arguments

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 200


class Rollback(Exception):
    pass


def _numbers(model, prefix: str) -> list[int]:
    return sorted(
        int(number.rsplit("-", 1)[1])
        for number in model.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
    )


def _buy_concurrently(buy) -> list:
    """Run `buy(index)` for every buyer in its own thread, all released together. On
    PostgreSQL at most 30 hold a connection at once (the server accepts 100 clients, shared
    with other test runs); SQLite connections cost nothing, so all 200 race."""
    sessions = threading.BoundedSemaphore(30 if connection.vendor == "postgresql" else BUYERS)
    barrier = threading.Barrier(BUYERS)
    products = [ProductFactory(search_index=False) for _ in range(3)]
    results: list = [None] * BUYERS
    errors: list = []

    def run(index: int) -> None:
        barrier.wait()
        with sessions:
            try:
                results[index] = buy(index, products)
            except Exception as error:  # noqa: BLE001 - re-raised below
                errors.append(error)
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def test_200_concurrent_orders_get_unique_gapless_invoice_numbers():
    def buy(index: int, products) -> str:
        with transaction.atomic():
            order = place_order(**order_arguments(products=products))
        paid = mark_order_paid(order_id=order.pk, payment_reference=f"pi_{index}")
        return paid.invoice.number

    numbers = _buy_concurrently(buy)

    year = timezone.localdate().year
    assert len(set(numbers)) == BUYERS
    assert _numbers(Invoice, f"FA-{year}-") == list(range(1, BUYERS + 1))
    assert _numbers(Order, f"OR-{year}-") == list(range(1, BUYERS + 1))
    assert Order.objects.filter(status="paid").count() == BUYERS


def test_payments_rolled_back_after_taking_a_number_leave_no_gap():
    def buy(index: int, products) -> str | None:
        with transaction.atomic():
            order = place_order(**order_arguments(products=products))
        try:
            with transaction.atomic():
                paid = mark_order_paid(order_id=order.pk, payment_reference=f"pi_{index}")
                if index % 4 == 0:
                    raise Rollback  # e.g. a later step of the settlement failed
                return paid.invoice.number
        except Rollback:
            return None

    numbers = [number for number in _buy_concurrently(buy) if number]

    kept = BUYERS - BUYERS // 4
    year = timezone.localdate().year
    assert len(numbers) == kept
    assert _numbers(Invoice, f"FA-{year}-") == list(range(1, kept + 1))
    assert Order.objects.filter(status="paid").count() == kept
    assert Order.objects.filter(status="awaiting_payment", invoice__isnull=True).count() == (
        BUYERS // 4
    )
