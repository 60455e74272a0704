"""Several refunds of one return at once pay once: staff clicks in parallel threads, each
a full request through the console (its own client, session and database connection),
on the test database, SQLite or PostgreSQL. Concurrent withdrawals never return more
than was bought."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client

from orchestre.core.models import AuditEntry
from orchestre.orders.models import Order, OrderStatusChange
from orchestre.payments.models import Payment, Refund, SandboxRefund
from orchestre.returns.errors import InvalidReturnLines
from orchestre.returns.models import CreditNote, ReturnLine, ReturnRequest
from orchestre.returns.services import request_withdrawal
from orchestre.returns.tests.factories import delivered_order, inspected
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.offer import install_default_offer
from orchestre.team.tests.factories import staff_member

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

CLICKS = 8


def test_concurrent_refunds_of_one_return_pay_once():
    if not DeliveryMethod.objects.exists():
        install_default_offer()  # emptied by any earlier test that truncates the tables
    staff = staff_member("customer-service")
    order = delivered_order()
    request = inspected(order, staff)
    clients = []
    for _ in range(CLICKS):
        client = Client()
        client.force_login(staff)
        clients.append(client)
    start = threading.Barrier(CLICKS)
    path = f"/en/console/returns/{request.number}/refund/"

    def click(number: int) -> int:
        try:
            start.wait()
            return clients[number].post(path).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLICKS) as pool:
        statuses = list(pool.map(click, range(CLICKS)))

    assert set(statuses) <= {302, 409}, statuses
    assert 302 in statuses
    payment = Payment.objects.get(reference=order.number)
    assert payment.amount_refunded == Decimal("23.05")
    assert Refund.objects.count() == 1
    assert SandboxRefund.objects.count() == 1
    assert CreditNote.objects.count() == 1
    assert ReturnRequest.objects.get().status == "refunded"
    assert AuditEntry.objects.filter(action="return.refunded").count() == 1
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert OrderStatusChange.objects.filter(order=order, to_status="refunded").count() == 1


def test_concurrent_withdrawals_never_return_more_than_was_bought():
    order = delivered_order()
    heart = order.product_lines[0]  # 2 bought
    start = threading.Barrier(CLICKS)

    def withdraw(_number: int) -> str:
        try:
            start.wait()
            request_withdrawal(order_id=order.pk, quantities={heart.pk: 1})
            return "made"
        except InvalidReturnLines as error:
            return error.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLICKS) as pool:
        outcomes = sorted(pool.map(withdraw, range(CLICKS)))

    assert outcomes == ["invalid_return_lines"] * (CLICKS - 2) + ["made", "made"]
    assert ReturnLine.objects.aggregate(total=Sum("quantity")) == {"total": 2}
