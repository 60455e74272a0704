"""The gapless counter: numbers follow each other, a rolled-back transaction gives its
number back, and concurrent transactions (real threads, each with its own connection) never
get the same number nor leave a gap, also when they race to create the sequence."""

import threading

import pytest
from django.db import connection, transaction

from orchestre.core.models import Sequence
from orchestre.core.sequences import next_number

THREADS = 40


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_numbers_start_at_one_and_follow_each_other():
    with transaction.atomic():
        numbers = [next_number("invoice-2026") for _ in range(3)]
        other = next_number("order-2026")

    assert numbers == [1, 2, 3]
    assert other == 1
    assert dict(Sequence.objects.values_list("name", "last_value")) == {
        "invoice-2026": 3,
        "order-2026": 1,
    }


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    with transaction.atomic():
        next_number("invoice-2026")
    with pytest.raises(Rollback), transaction.atomic():
        assert next_number("invoice-2026") == 2
        raise Rollback

    with transaction.atomic():
        assert next_number("invoice-2026") == 2


@pytest.mark.django_db
def test_a_rolled_back_creation_leaves_no_sequence():
    with pytest.raises(Rollback), transaction.atomic():
        assert next_number("invoice-2027") == 1
        raise Rollback

    assert not Sequence.objects.filter(name="invoice-2027").exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_no_number_is_taken():
    with pytest.raises(transaction.TransactionManagementError):
        next_number("invoice-2026")

    assert Sequence.objects.count() == 0


def _run_concurrently(work, count: int) -> list:
    """Run `work(index)` in `count` threads released together; each thread closes its own
    database connection. Returns the results in thread order; re-raises the first error."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_create_and_share_one_gapless_sequence():
    def take(_index: int) -> int:
        with transaction.atomic():
            return next_number("invoice-2026")

    numbers = _run_concurrently(take, THREADS)

    assert sorted(numbers) == list(range(1, THREADS + 1))
    assert Sequence.objects.get(name="invoice-2026").last_value == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_rollbacks_leave_no_gap():
    def take_then_maybe_roll_back(index: int) -> int | None:
        try:
            with transaction.atomic():
                number = next_number("invoice-2026")
                if index % 3 == 0:
                    raise Rollback
                return number
        except Rollback:
            return None

    numbers = [number for number in _run_concurrently(take_then_maybe_roll_back, THREADS) if number]

    kept = THREADS - len(range(0, THREADS, 3))
    assert sorted(numbers) == list(range(1, kept + 1))
    assert Sequence.objects.get(name="invoice-2026").last_value == kept
