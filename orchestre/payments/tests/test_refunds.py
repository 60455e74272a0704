from decimal import Decimal

import pytest

from orchestre.core.errors import InvalidInput, NotFound
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    ProviderError,
    RefundExceedsPayment,
    RefundNotAllowed,
)
from orchestre.payments.models import Payment, Refund, SandboxCharge, SandboxRefund, WebhookEvent
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.providers.base import ProviderTimeout
from orchestre.payments.providers.sandbox import SandboxProvider
from orchestre.payments.services import refund_payment
from orchestre.payments.tests.support import deliver, pay

pytestmark = pytest.mark.django_db


def paid(amount: str = "42.50") -> Payment:
    return pay("tok_success", amount=Decimal(amount))


def test_a_partial_refund():
    payment = paid()

    refund = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert (refund.payment_id, refund.amount, refund.status, refund.failure_code) == (
        payment.pk,
        Decimal("10.00"),
        "succeeded",
        "",
    )
    assert refund.provider_refund_id == SandboxRefund.objects.get().refund_id
    assert refund.claimed_until is None
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded, payment.refundable_amount) == (
        "succeeded",
        Decimal("10.00"),
        Decimal("32.50"),
    )
    assert SandboxCharge.objects.get().amount_refunded == 1000


def test_refunds_up_to_the_whole_amount_then_no_more():
    payment = paid()
    refund_payment(payment_id=payment.pk, amount=Decimal("40.00"), idempotency_key="r1")
    refund_payment(payment_id=payment.pk, amount=Decimal("2.50"), idempotency_key="r2")

    with pytest.raises(RefundExceedsPayment) as raised:
        refund_payment(payment_id=payment.pk, amount=Decimal("0.01"), idempotency_key="r3")

    assert (raised.value.code, raised.value.status) == ("refund_exceeds_payment", 409)
    assert raised.value.message == "At most 0.00 EUR can still be refunded."
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("42.50")
    assert Refund.objects.count() == 2
    assert SandboxRefund.objects.count() == 2


def test_a_refund_larger_than_what_remains_changes_nothing():
    payment = paid()
    refund_payment(payment_id=payment.pk, amount=Decimal("30.00"), idempotency_key="r1")

    with pytest.raises(RefundExceedsPayment) as raised:
        refund_payment(payment_id=payment.pk, amount=Decimal("12.51"), idempotency_key="r2")

    assert raised.value.fields == {"amount": ["At most 12.50 EUR can still be refunded."]}
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("30.00")
    assert list(Refund.objects.values_list("idempotency_key", flat=True)) == ["r1"]
    assert SandboxCharge.objects.get().amount_refunded == 3000


def test_cents_add_up_exactly_on_every_database():
    payment = paid("0.30")

    for key in ("r1", "r2", "r3"):
        refund_payment(payment_id=payment.pk, amount=Decimal("0.10"), idempotency_key=key)

    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.30")
    with pytest.raises(RefundExceedsPayment):
        refund_payment(payment_id=payment.pk, amount=Decimal("0.01"), idempotency_key="r4")


def test_the_same_key_returns_the_same_refund_and_refunds_once():
    payment = paid()
    first = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    again = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert (again.pk, again.status) == (first.pk, "succeeded")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert SandboxRefund.objects.count() == 1


def test_the_same_key_for_another_amount_or_payment_is_refused():
    payment = paid()
    other = pay("tok_success", idempotency_key="other-charge", reference="OR-2026-00002")
    refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    with pytest.raises(IdempotencyKeyReused):
        refund_payment(payment_id=payment.pk, amount=Decimal("11.00"), idempotency_key="r1")
    with pytest.raises(IdempotencyKeyReused):
        refund_payment(payment_id=other.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert Refund.objects.count() == 1
    other.refresh_from_db()
    assert other.amount_refunded == Decimal("0.00")


@pytest.mark.parametrize("token", ["tok_decline", "tok_3ds", "tok_timeout"])
def test_only_a_succeeded_payment_can_be_refunded(token):
    payment = pay(token)

    with pytest.raises(RefundNotAllowed) as raised:
        refund_payment(payment_id=payment.pk, amount=Decimal("1.00"), idempotency_key="r1")

    assert (raised.value.code, raised.value.status) == ("payment_not_refundable", 409)
    assert Refund.objects.count() == 0
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("1.001"), 1.5])
def test_an_invalid_refund_amount_is_refused(amount):
    payment = paid()

    with pytest.raises(InvalidInput) as raised:
        refund_payment(payment_id=payment.pk, amount=amount, idempotency_key="r1")

    assert raised.value.code == "invalid_amount"
    assert Refund.objects.count() == 0


def test_a_refund_of_an_unknown_payment_is_refused():
    with pytest.raises(NotFound) as raised:
        refund_payment(payment_id=404, amount=Decimal("1.00"), idempotency_key="r1")

    assert raised.value.code == "unknown_payment"


def test_a_refund_the_processor_refuses_fails_and_gives_the_amount_back(monkeypatch):
    payment = paid()
    # The processor already refunded part of it elsewhere (e.g. from its dashboard).
    processor.create_refund(
        charge_id=payment.provider_payment_id, amount=4000, idempotency_key="dashboard"
    )

    refund = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert (refund.status, refund.failure_code) == ("failed", "amount_too_large")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert (
        refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1").status
        == "failed"
    )


def test_a_refund_without_an_answer_stays_pending_until_the_webhook(monkeypatch, shop_endpoint):
    payment = paid()
    real_refund = SandboxProvider.refund

    def lost_answer(self, **arguments):
        real_refund(self, **arguments)
        raise ProviderTimeout("no answer")

    monkeypatch.setattr(SandboxProvider, "refund", lost_answer)

    refund = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert (refund.status, refund.provider_refund_id, refund.claimed_until) == ("pending", "", None)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")

    deliver(shop_endpoint)

    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == (
        "succeeded",
        SandboxRefund.objects.get().refund_id,
    )
    assert shop_endpoint.changed == []  # a refund changes no payment status
    assert WebhookEvent.objects.filter(event_type="refund.succeeded").count() == 1


def test_a_provider_error_keeps_the_refund_pending_for_a_retry_with_the_same_key(monkeypatch):
    payment = paid()

    def refused(self, **arguments):
        raise ProviderError("down")

    monkeypatch.setattr(SandboxProvider, "refund", refused)
    with pytest.raises(ProviderError):
        refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")
    refund = Refund.objects.get()
    assert (refund.status, refund.claimed_until) == ("pending", None)

    monkeypatch.undo()
    retried = refund_payment(payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="r1")

    assert (retried.pk, retried.status) == (refund.pk, "succeeded")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert SandboxRefund.objects.count() == 1
