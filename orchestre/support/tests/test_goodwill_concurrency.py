"""Real threads, each with its own database connection (SQLite file and PostgreSQL):
concurrent goodwill refunds of one line never add up to more than the line."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orchestre.core.errors import Conflict
from orchestre.payments.models import Refund
from orchestre.payments.tests.support import pay
from orchestre.shipping.tests.factories import paid_order
from orchestre.support.goodwill import refund_order_line
from orchestre.support.models import GoodwillGesture
from orchestre.team.tests.factories import staff_member

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work) -> tuple[list, list]:
    start = threading.Barrier(count)
    results, errors = [], []

    def run(number):
        try:
            start.wait()
            results.append(work(number))
        except Exception as error:  # collected for the assertions
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_refunds_of_one_line_stay_within_it():
    agent = staff_member("customer-service")
    order = paid_order()
    pay(amount=order.total, reference=order.number, idempotency_key=order.number)
    mug = next(line for line in order.product_lines if line.code == "37370")  # 4.25

    results, errors = run_together(
        6,
        lambda number: refund_order_line(
            actor=agent,
            order_line_id=mug.pk,
            amount=Decimal("2.00"),
            reason="Chipped",
            idempotency_key=f"concurrent-{number:04d}",
        ),
    )

    assert len(results) == 2
    assert len(errors) == 4
    assert {error.code for error in errors if isinstance(error, Conflict)} == {"exceeds_line"}
    assert GoodwillGesture.objects.count() == 2
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("4.00")
