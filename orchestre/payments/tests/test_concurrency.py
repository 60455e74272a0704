"""Real threads, each with its own database connection, on SQLite (a file database) and
PostgreSQL: no double charge, no over-refund, no event applied twice."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orchestre.payments.errors import RefundExceedsPayment
from orchestre.payments.models import Payment, Refund, SandboxCharge, SandboxRefund, WebhookEvent
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.providers.sandbox import SandboxProvider
from orchestre.payments.services import handle_webhook, refund_payment
from orchestre.payments.tests.support import pay

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work) -> tuple[list, list]:
    """Run `work(number)` in `count` threads released at once; return results and errors."""
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


def test_twenty_concurrent_payments_with_one_key_charge_once():
    payments, errors = run_together(20, lambda number: pay("tok_success"))

    assert errors == []
    assert len(payments) == 20
    assert {payment.pk for payment in payments} == {Payment.objects.get().pk}
    # The first caller's answer, or the payment still in flight for a later one: never
    # a second charge.
    assert {payment.status for payment in payments} <= {"pending", "succeeded"}
    assert SandboxCharge.objects.count() == 1
    payment = Payment.objects.get()
    assert payment.status == "succeeded"
    assert payment.provider_payment_id == SandboxCharge.objects.get().charge_id


def test_callers_arriving_while_the_provider_is_busy_get_the_pending_payment(monkeypatch):
    real_charge = SandboxProvider.charge
    waiting = []
    others_answered = threading.Event()

    def busy_charge(self, **arguments):
        # The provider answers only once every other caller has had its answer.
        others_answered.wait(timeout=20)
        return real_charge(self, **arguments)

    def call(number):
        payment = pay("tok_success")
        if payment.status == "pending":
            waiting.append(payment)
            if len(waiting) == 19:
                others_answered.set()
        return payment

    monkeypatch.setattr(SandboxProvider, "charge", busy_charge)

    payments, errors = run_together(20, call)

    assert errors == []
    assert sorted(payment.status for payment in payments) == ["pending"] * 19 + ["succeeded"]
    assert SandboxCharge.objects.count() == 1
    assert Payment.objects.get().status == "succeeded"


def test_the_processor_alone_creates_one_charge_for_concurrent_requests_with_one_key():
    def charge(number):
        return processor.create_charge(
            token="tok_success",
            amount=1000,
            currency="EUR",
            description="OR-2026-00001",
            idempotency_key="same",
            return_url="/back/",
        )["id"]

    charge_ids, errors = run_together(20, charge)

    assert errors == []
    assert set(charge_ids) == {SandboxCharge.objects.get().charge_id}


def test_concurrent_refunds_with_different_keys_never_refund_more_than_was_paid():
    payment = pay("tok_success", amount=Decimal("100.00"))

    def refund(number):
        return refund_payment(
            payment_id=payment.pk, amount=Decimal("20.00"), idempotency_key=f"refund-{number}"
        )

    refunds, errors = run_together(10, refund)

    assert len(refunds) == 5
    assert {refund.status for refund in refunds} == {"succeeded"}
    assert len(errors) == 5
    assert all(isinstance(error, RefundExceedsPayment) for error in errors)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("100.00")
    assert Refund.objects.count() == 5
    assert SandboxRefund.objects.count() == 5
    assert SandboxCharge.objects.get().amount_refunded == 10000


def test_concurrent_refunds_with_one_key_refund_once():
    payment = pay("tok_success", amount=Decimal("100.00"))

    def refund(number):
        return refund_payment(
            payment_id=payment.pk, amount=Decimal("60.00"), idempotency_key="one-refund"
        ).pk

    refund_ids, errors = run_together(10, refund)

    assert errors == []
    assert set(refund_ids) == {Refund.objects.get().pk}
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("60.00")
    assert SandboxRefund.objects.count() == 1


def test_a_webhook_delivered_many_times_at_once_is_applied_once():
    payment = pay("tok_3ds")
    processor.complete_challenge(charge_id=payment.provider_payment_id, approve=True)
    sent = []
    processor.deliver_due_sandbox_webhooks(
        transport=lambda url, body, headers: sent.append((body, headers)) or 500
    )
    [(body, headers)] = sent

    changed, errors = run_together(
        10, lambda number: handle_webhook(provider="sandbox", body=body, headers=headers)
    )

    assert errors == []
    assert [result.pk for result in changed if result is not None] == [payment.pk]
    assert changed.count(None) == 9
    assert WebhookEvent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == "succeeded"
