from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.core.errors import NotFound
from orchestre.payments.models import Payment, SandboxCharge
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.providers.base import ProviderTimeout
from orchestre.payments.providers.sandbox import SandboxProvider
from orchestre.payments.selectors import get_payment, get_payment_for_reference
from orchestre.payments.services import refresh_payment
from orchestre.payments.tests.factories import PaymentFactory
from orchestre.payments.tests.support import KEY, pay

pytestmark = pytest.mark.django_db


def test_refresh_learns_the_answer_to_the_3d_secure_challenge():
    payment = pay("tok_3ds")
    processor.complete_challenge(charge_id=payment.provider_payment_id, approve=True)

    refreshed = refresh_payment(payment_id=payment.pk)

    assert (refreshed.pk, refreshed.status, refreshed.next_action_url) == (
        payment.pk,
        "succeeded",
        "",
    )


def test_refresh_of_a_challenge_not_answered_yet_changes_nothing():
    payment = pay("tok_3ds")

    refreshed = refresh_payment(payment_id=payment.pk)

    assert (refreshed.status, refreshed.next_action_url) == (
        "requires_action",
        payment.next_action_url,
    )


def test_refresh_finds_a_timed_out_charge_by_its_key(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 0
    payment = pay("tok_timeout")
    assert (payment.status, payment.provider_payment_id) == ("processing", "")

    refreshed = refresh_payment(payment_id=payment.pk)

    assert refreshed.status == "succeeded"
    assert refreshed.provider_payment_id == SandboxCharge.objects.get().charge_id


def test_refresh_before_the_processor_decides_keeps_processing_but_learns_the_charge_id(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 60
    payment = pay("tok_timeout")

    refreshed = refresh_payment(payment_id=payment.pk)

    assert refreshed.status == "processing"
    assert refreshed.provider_payment_id == SandboxCharge.objects.get().charge_id


def test_refresh_of_a_request_the_processor_never_received_changes_nothing():
    payment = Payment.objects.create(
        provider="sandbox",
        reference="OR-2026-00001",
        amount=Decimal("42.50"),
        currency="EUR",
        idempotency_key=KEY,
        claimed_until=timezone.now() - timedelta(minutes=5),
    )

    refreshed = refresh_payment(payment_id=payment.pk)

    assert (refreshed.status, refreshed.provider_payment_id) == ("pending", "")


def test_refresh_without_an_answer_changes_nothing(monkeypatch):
    payment = pay("tok_3ds")

    def no_answer(self, **arguments):
        raise ProviderTimeout("no answer")

    monkeypatch.setattr(SandboxProvider, "retrieve", no_answer)

    assert refresh_payment(payment_id=payment.pk).status == "requires_action"


def test_refresh_of_a_final_payment_does_not_ask_the_provider(monkeypatch):
    payment = PaymentFactory(status="failed", provider_payment_id="ch_sbx_gone")

    assert refresh_payment(payment_id=payment.pk).status == "failed"


def test_refresh_of_an_unknown_payment():
    with pytest.raises(NotFound) as raised:
        refresh_payment(payment_id=12345)

    assert (raised.value.code, raised.value.status) == ("unknown_payment", 404)


def test_get_payment():
    payment = PaymentFactory()

    assert get_payment(payment.pk) == payment
    with pytest.raises(NotFound):
        get_payment(payment.pk + 1)


def test_the_payment_of_a_reference_is_its_succeeded_one_else_its_latest(
    django_assert_num_queries,
):
    declined = PaymentFactory(reference="OR-2026-00007", status="failed")
    succeeded = PaymentFactory(reference="OR-2026-00007", status="succeeded")
    PaymentFactory(reference="OR-2026-00007", status="failed")
    retried = PaymentFactory(reference="OR-2026-00008", status="failed")
    latest = PaymentFactory(reference="OR-2026-00008", status="requires_action")

    with django_assert_num_queries(1):
        assert get_payment_for_reference("OR-2026-00007") == succeeded
    assert get_payment_for_reference("OR-2026-00008") == latest
    assert get_payment_for_reference("OR-2026-00009") is None
    assert declined.pk < succeeded.pk < latest.pk and retried.pk < latest.pk
