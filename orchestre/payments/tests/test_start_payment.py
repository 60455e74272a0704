from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.core.errors import InvalidInput
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentToken,
    ProviderNotConfigured,
    UnknownProvider,
)
from orchestre.payments.models import Payment, SandboxCharge
from orchestre.payments.providers import sandbox_processor
from orchestre.payments.services import check_payment_method
from orchestre.payments.tests.support import KEY, pay

pytestmark = pytest.mark.django_db


def test_a_card_that_pays_gives_a_succeeded_payment():
    payment = pay("tok_success")

    assert payment.status == "succeeded"
    assert (payment.provider, payment.reference, payment.amount, payment.currency) == (
        "sandbox",
        "OR-2026-00001",
        Decimal("42.50"),
        "EUR",
    )
    assert payment.idempotency_key == KEY
    assert (payment.failure_code, payment.failure_message, payment.next_action_url) == ("", "", "")
    assert payment.amount_refunded == Decimal("0.00")
    assert payment.claimed_until is None
    charge = SandboxCharge.objects.get()
    assert payment.provider_payment_id == charge.charge_id
    assert payment.provider_payment_id.startswith("ch_sbx_")
    assert (charge.amount, charge.currency, charge.description, charge.idempotency_key) == (
        4250,
        "EUR",
        "OR-2026-00001",
        KEY,
    )


@pytest.mark.parametrize(
    ("token", "code", "message"),
    [
        ("tok_decline", "card_declined", "The card was declined."),
        ("tok_insufficient_funds", "insufficient_funds", "The card has insufficient funds."),
        ("tok_expired_card", "expired_card", "The card has expired."),
    ],
)
def test_a_declined_card_gives_a_failed_payment_with_its_reason(token, code, message):
    payment = pay(token)

    assert (payment.status, payment.failure_code, payment.failure_message) == (
        "failed",
        code,
        message,
    )
    assert payment.provider_payment_id == SandboxCharge.objects.get().charge_id


def test_3d_secure_asks_for_the_challenge_page():
    from django.utils import translation

    with translation.override("fr"):
        payment = pay("tok_3ds")

    charge = SandboxCharge.objects.get()
    assert payment.status == "requires_action"
    assert payment.next_action_url == f"/payment/sandbox/challenge/{charge.charge_id}/"
    assert charge.return_url == "/checkout/return/abc/"


def test_the_challenge_page_address_follows_the_shoppers_language():
    from django.utils import translation

    with translation.override("en"):
        payment = pay("tok_3ds")

    assert payment.next_action_url.startswith("/en/payment/sandbox/challenge/ch_sbx_")


def test_a_timeout_leaves_the_payment_processing_until_the_processor_decides():
    payment = pay("tok_timeout")

    charge = SandboxCharge.objects.get()
    assert (payment.status, payment.provider_payment_id, payment.claimed_until) == (
        "processing",
        "",
        None,
    )
    assert charge.status == "processing"
    assert charge.idempotency_key == KEY


def test_the_same_key_returns_the_same_payment_and_charges_once():
    first = pay("tok_success")
    second = pay("tok_success")

    assert second.pk == first.pk
    assert second.status == "succeeded"
    assert Payment.objects.count() == 1
    assert SandboxCharge.objects.count() == 1


def test_the_same_key_after_a_decline_replays_the_decline():
    first = pay("tok_decline")
    second = pay("tok_decline")

    assert (second.pk, second.status, second.failure_code) == (first.pk, "failed", "card_declined")
    assert SandboxCharge.objects.count() == 1


def test_a_call_made_while_another_is_with_the_provider_gets_the_pending_payment():
    in_flight = Payment.objects.create(
        provider="sandbox",
        reference="OR-2026-00001",
        amount=Decimal("42.50"),
        currency="EUR",
        idempotency_key=KEY,
        claimed_until=timezone.now() + timedelta(seconds=60),
    )

    payment = pay("tok_success")

    assert (payment.pk, payment.status) == (in_flight.pk, "pending")
    assert SandboxCharge.objects.count() == 0


def test_a_retry_after_a_crash_gets_the_charge_the_processor_made_without_a_second_one():
    """The first caller reached the processor, then died before recording the answer."""
    sandbox_processor.create_charge(
        token="tok_success",
        amount=4250,
        currency="EUR",
        description="OR-2026-00001",
        idempotency_key=KEY,
        return_url="/checkout/return/abc/",
    )
    Payment.objects.create(
        provider="sandbox",
        reference="OR-2026-00001",
        amount=Decimal("42.50"),
        currency="EUR",
        idempotency_key=KEY,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )

    payment = pay("tok_success")

    assert payment.status == "succeeded"
    assert payment.provider_payment_id == SandboxCharge.objects.get().charge_id
    assert SandboxCharge.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": Decimal("42.51")},
        {"currency": "GBP"},
        {"reference": "OR-2026-00002"},
    ],
)
def test_the_same_key_with_other_parameters_is_refused(overrides):
    first = pay("tok_success")

    with pytest.raises(IdempotencyKeyReused) as raised:
        pay("tok_success", **overrides)

    assert (raised.value.code, raised.value.status) == ("idempotency_key_reused", 409)
    assert list(Payment.objects.values_list("pk", "status")) == [(first.pk, "succeeded")]
    assert SandboxCharge.objects.count() == 1


def test_the_same_key_with_another_token_is_refused_by_the_processor_and_changes_nothing():
    sandbox_processor.create_charge(
        token="tok_success",
        amount=4250,
        currency="EUR",
        description="OR-2026-00001",
        idempotency_key=KEY,
        return_url="/checkout/return/abc/",
    )

    with pytest.raises(IdempotencyKeyReused):
        pay("tok_decline")

    payment = Payment.objects.get()
    assert (payment.status, payment.claimed_until) == ("pending", None)
    assert SandboxCharge.objects.count() == 1


@pytest.mark.parametrize("token", ["tok_unknown", "", "4242424242424242"])
def test_an_unknown_token_is_refused_and_nothing_is_recorded(token):
    with pytest.raises(InvalidPaymentToken) as raised:
        pay(token)

    assert (raised.value.code, raised.value.status) == ("invalid_payment_token", 400)
    assert raised.value.fields == {"token": ["This payment token is not valid."]}
    assert Payment.objects.count() == 0
    assert SandboxCharge.objects.count() == 0


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("0"),
        Decimal("-1.00"),
        Decimal("1000000.00"),
        Decimal("10.005"),
        Decimal("NaN"),
        12.5,
        "abc",
    ],
)
def test_an_amount_out_of_bounds_is_refused(amount):
    with pytest.raises(InvalidInput) as raised:
        pay("tok_success", amount=amount)

    assert raised.value.code == "invalid_amount"
    assert raised.value.fields == {
        "amount": ["The amount must be more than 0 and at most 999999.99."]
    }
    assert Payment.objects.count() == 0
    assert SandboxCharge.objects.count() == 0


def test_the_largest_amount_is_accepted():
    payment = pay("tok_success", amount=Decimal("999999.99"))

    assert payment.status == "succeeded"
    assert SandboxCharge.objects.get().amount == 99_999_999


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"currency": "USD"}, "invalid_currency", "currency"),
        ({"reference": ""}, "invalid_reference", "reference"),
        ({"reference": "x" * 65}, "invalid_reference", "reference"),
        ({"idempotency_key": ""}, "invalid_idempotency_key", "idempotency_key"),
        ({"idempotency_key": "k" * 256}, "invalid_idempotency_key", "idempotency_key"),
        ({"return_url": ""}, "invalid_return_url", "return_url"),
        ({"return_url": "//evil.example/"}, "invalid_return_url", "return_url"),
        ({"return_url": "javascript:alert(1)"}, "invalid_return_url", "return_url"),
    ],
)
def test_invalid_parameters_are_refused_before_anything_is_recorded(overrides, code, field):
    with pytest.raises(InvalidInput) as raised:
        pay("tok_success", **overrides)

    assert raised.value.code == code
    assert list(raised.value.fields) == [field]
    assert Payment.objects.count() == 0
    assert SandboxCharge.objects.count() == 0


def test_a_provider_the_shop_does_not_offer_is_refused(settings):
    settings.PAYMENT_PROVIDERS = ["sandbox"]

    with pytest.raises(UnknownProvider) as raised:
        pay("pm_card_visa", provider="stripe")

    assert (raised.value.code, raised.value.status) == ("unknown_payment_provider", 400)
    assert raised.value.fields == {"provider": ["This payment method is not available."]}
    with pytest.raises(UnknownProvider):
        pay("tok_success", provider="paypal")
    assert Payment.objects.count() == 0


def test_stripe_without_its_secret_key_says_so(settings):
    settings.PAYMENT_PROVIDERS = ["sandbox", "stripe"]
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(ProviderNotConfigured) as raised:
        pay("pm_card_visa", provider="stripe")

    assert (raised.value.code, raised.value.status) == ("payment_provider_not_configured", 503)
    assert raised.value.message == "Stripe is not configured: set ORCHESTRE_STRIPE_SECRET_KEY."
    assert Payment.objects.count() == 0


def test_check_payment_method_refuses_before_anything_is_reserved(settings):
    check_payment_method(provider="sandbox", token="tok_3ds")

    with pytest.raises(InvalidPaymentToken):
        check_payment_method(provider="sandbox", token="tok_nope")
    with pytest.raises(UnknownProvider):
        check_payment_method(provider="cash", token="tok_success")
    assert SandboxCharge.objects.count() == 0
