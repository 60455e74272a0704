"""The Stripe adapter through the official library, never the network: a fake HTTP client
plugged into `stripe.StripeClient` answers with the JSON files of `stripe_responses/`
(Stripe API answers in the shape and with the status codes the API gives)."""

import hashlib
import hmac
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from orchestre.core.errors import InvalidInput
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentToken,
    InvalidSignature,
    ProviderError,
    ProviderNotConfigured,
)
from orchestre.payments.models import Payment, Refund, WebhookEvent
from orchestre.payments.providers.stripe import StripeProvider
from orchestre.payments.services import (
    check_payment_method,
    handle_webhook,
    refresh_payment,
    refund_payment,
)
from orchestre.payments.tests.factories import PaymentFactory, RefundFactory
from orchestre.payments.tests.support import KEY, pay

pytestmark = pytest.mark.django_db

RESPONSES = Path(__file__).parent / "stripe_responses"
WEBHOOK_SECRET = "whsec_test_recorded"
CONNECTION_LOST = "connection lost"


@dataclass
class SentRequest:
    method: str
    path: str
    headers: dict
    form: dict[str, list[str]]


class RecordedStripe(stripe.HTTPClient):
    """Answers each request with the next (method, path, response file, status) given,
    after checking the request is the one expected; keeps what was sent."""

    name = "recorded"

    def __init__(self, *answers: tuple[str, str, str, int]):
        super().__init__()
        self.answers = list(answers)
        self.sent: list[SentRequest] = []

    def request(self, method, url, headers, post_data=None):
        parts = urlsplit(url)
        form = parse_qs(post_data or parts.query)
        self.sent.append(SentRequest(method, parts.path, dict(headers), form))
        expected_method, expected_path, file_name, status = self.answers.pop(0)
        assert (method, parts.path) == (expected_method, expected_path)
        if file_name == CONNECTION_LOST:
            raise stripe.APIConnectionError("Request timed out.", should_retry=False)
        body = (RESPONSES / file_name).read_text()
        return body, status, {"Request-Id": "req_recorded", "Content-Type": "application/json"}

    def close(self):
        pass


@pytest.fixture
def stripe_shop(settings):
    settings.PAYMENT_PROVIDERS = ["sandbox", "stripe"]
    settings.STRIPE_SECRET_KEY = "sk_test_recorded"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.SHOP_URL = "https://shop.example"


@pytest.fixture
def answers(stripe_shop, monkeypatch):
    """Plug a RecordedStripe with these answers into the adapter; return it."""

    def plug(*expected) -> RecordedStripe:
        client = RecordedStripe(*expected)
        monkeypatch.setattr(StripeProvider, "http_client", client)
        return client

    return plug


def pay_by_card(token: str = "pm_card_visa") -> Payment:
    return pay(token, provider="stripe")


def create(file_name: str, status: int = 200) -> tuple[str, str, str, int]:
    return ("post", "/v1/payment_intents", file_name, status)


def test_a_payment_is_one_payment_intent_created_and_confirmed_under_our_key(answers):
    client = answers(create("payment_intent_succeeded.json"))

    payment = pay_by_card()

    assert (payment.status, payment.provider, payment.provider_payment_id) == (
        "succeeded",
        "stripe",
        "pi_3SkVbE2eZvKYlo2C1a2b3c4d",
    )
    [sent] = client.sent
    assert sent.headers["Idempotency-Key"] == KEY
    assert sent.headers["Authorization"] == "Bearer sk_test_recorded"
    assert sent.form == {
        "amount": ["4250"],
        "currency": ["eur"],
        "payment_method": ["pm_card_visa"],
        "payment_method_types[0]": ["card"],
        "confirm": ["true"],
        "return_url": ["https://shop.example/checkout/return/abc/"],
        "description": ["OR-2026-00001"],
        "metadata[reference]": ["OR-2026-00001"],
        "metadata[idempotency_key]": [KEY],
    }


def test_the_same_key_again_does_not_call_stripe(answers):
    client = answers(create("payment_intent_succeeded.json"))
    first = pay_by_card()

    again = pay_by_card()

    assert again.pk == first.pk
    assert len(client.sent) == 1


def test_3d_secure_sends_the_shopper_to_stripes_page(answers):
    answers(create("payment_intent_requires_action.json"))

    payment = pay_by_card()

    assert payment.status == "requires_action"
    assert payment.next_action_url.startswith("https://hooks.stripe.com/3d_secure_2/hosted?")
    assert payment.provider_payment_id == "pi_3SkVbF2eZvKYlo2C0f3d5ecr"


def test_a_payment_still_processing(answers):
    answers(create("payment_intent_processing.json"))

    payment = pay_by_card()

    assert (payment.status, payment.provider_payment_id) == (
        "processing",
        "pi_3SkVbH2eZvKYlo2C9pr0c3ss",
    )


def test_a_declined_card_fails_with_the_banks_reason(answers):
    answers(create("card_declined_insufficient_funds.json", 402))

    payment = pay_by_card()

    assert (payment.status, payment.failure_code, payment.failure_message) == (
        "failed",
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
    assert payment.provider_payment_id == "pi_3SkVbJ2eZvKYlo2C4n5uff1c"


def test_a_payment_method_stripe_does_not_know_is_an_invalid_token_and_leaves_nothing(answers):
    answers(create("payment_method_missing.json", 400))

    with pytest.raises(InvalidPaymentToken) as raised:
        pay_by_card("pm_does_not_exist")

    assert (raised.value.code, raised.value.status) == ("invalid_payment_token", 400)
    assert Payment.objects.count() == 0


def test_a_key_stripe_saw_with_other_parameters_is_refused(answers):
    answers(create("idempotency_error.json", 400))

    with pytest.raises(IdempotencyKeyReused):
        pay_by_card()

    payment = Payment.objects.get()
    assert (payment.status, payment.claimed_until) == ("pending", None)


def test_a_lost_answer_leaves_the_payment_processing(answers):
    answers(create(CONNECTION_LOST))

    payment = pay_by_card()

    assert (payment.status, payment.provider_payment_id) == ("processing", "")


def test_a_bad_api_key_is_a_provider_error_and_a_retry_may_call_again(answers):
    client = answers(
        create("authentication_error.json", 401), create("payment_intent_succeeded.json")
    )

    with pytest.raises(ProviderError) as raised:
        pay_by_card()

    assert (raised.value.code, raised.value.status) == ("payment_provider_error", 502)
    assert Payment.objects.get().status == "pending"
    assert pay_by_card().status == "succeeded"
    assert [sent.headers["Idempotency-Key"] for sent in client.sent] == [KEY, KEY]


def test_refresh_after_a_failed_3d_secure_check(answers):
    answers(
        create("payment_intent_requires_action.json"),
        (
            "get",
            "/v1/payment_intents/pi_3SkVbF2eZvKYlo2C0f3d5ecr",
            "payment_intent_authentication_failed.json",
            200,
        ),
    )
    payment = pay_by_card()

    refreshed = refresh_payment(payment_id=payment.pk)

    assert (refreshed.status, refreshed.failure_code) == ("failed", "authentication_failed")


def test_refresh_after_a_lost_answer_searches_by_our_key(answers):
    client = answers(
        create(CONNECTION_LOST),
        ("get", "/v1/payment_intents/search", "payment_intent_search.json", 200),
    )
    payment = pay_by_card()

    refreshed = refresh_payment(payment_id=payment.pk)

    assert (refreshed.status, refreshed.provider_payment_id) == (
        "succeeded",
        "pi_3SkVbH2eZvKYlo2C9pr0c3ss",
    )
    assert client.sent[1].form == {
        "query": [f"metadata['idempotency_key']:'{KEY}'"],
        "limit": ["1"],
    }


def test_refresh_when_stripe_never_got_the_request(answers):
    answers(
        create(CONNECTION_LOST),
        ("get", "/v1/payment_intents/search", "payment_intent_search_empty.json", 200),
    )
    payment = pay_by_card()

    assert refresh_payment(payment_id=payment.pk).status == "processing"


def stripe_payment(**fields) -> Payment:
    return PaymentFactory(
        provider="stripe",
        provider_payment_id="pi_3SkVbE2eZvKYlo2C1a2b3c4d",
        idempotency_key=KEY,
        **fields,
    )


def refund(file_name: str, status: int = 200) -> tuple[str, str, str, int]:
    return ("post", "/v1/refunds", file_name, status)


def test_a_refund_is_sent_under_its_own_key(answers):
    client = answers(refund("refund_succeeded.json"))
    payment = stripe_payment()

    made = refund_payment(
        payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="OR-2026-00001:refund-1"
    )

    assert (made.status, made.provider_refund_id) == ("succeeded", "re_3SkVbE2eZvKYlo2C1r3fund1")
    [sent] = client.sent
    assert sent.headers["Idempotency-Key"] == "OR-2026-00001:refund-1"
    assert sent.form == {
        "payment_intent": ["pi_3SkVbE2eZvKYlo2C1a2b3c4d"],
        "amount": ["1000"],
        "metadata[idempotency_key]": ["OR-2026-00001:refund-1"],
    }
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")


def test_a_pending_refund_is_settled_by_its_webhook(answers):
    answers(refund("refund_pending.json"))
    payment = stripe_payment()
    made = refund_payment(
        payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="OR-2026-00001:refund-1"
    )
    assert (made.status, made.provider_refund_id) == ("pending", "re_3SkVbE2eZvKYlo2C1r3fund1")

    assert handle_webhook(provider="stripe", **signed("event_refund_updated.json")) is None

    made.refresh_from_db()
    assert made.status == "succeeded"


def test_a_refund_stripe_refuses_fails_and_gives_the_amount_back(answers):
    answers(refund("refund_charge_already_refunded.json", 400))
    payment = stripe_payment()

    made = refund_payment(
        payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="OR-2026-00001:refund-1"
    )

    assert (made.status, made.failure_code) == ("failed", "charge_already_refunded")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")


def signed(file_name: str, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET):
    """The event file as Stripe would POST it, with a real Stripe-Signature header."""
    body = (RESPONSES / file_name).read_bytes()
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return {"body": body, "headers": {"Stripe-Signature": f"t={stamp},v1={signature.hexdigest()}"}}


def processing_payment() -> Payment:
    return PaymentFactory(
        provider="stripe",
        status="processing",
        provider_payment_id="pi_3SkVbH2eZvKYlo2C9pr0c3ss",
        idempotency_key=KEY,
    )


def test_a_succeeded_event_completes_the_payment(stripe_shop):
    payment = processing_payment()

    changed = handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json"))

    assert (changed.pk, changed.status) == (payment.pk, "succeeded")
    assert WebhookEvent.objects.get().event_id == "evt_3SkVbH2eZvKYlo2C0sUcc3ss"


def test_an_event_finds_a_payment_by_the_key_in_its_metadata(stripe_shop):
    payment = processing_payment()
    Payment.objects.filter(pk=payment.pk).update(provider_payment_id="")

    changed = handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json"))

    assert (changed.pk, changed.provider_payment_id) == (
        payment.pk,
        "pi_3SkVbH2eZvKYlo2C9pr0c3ss",
    )


def test_a_stripe_event_received_twice_is_applied_once(stripe_shop):
    processing_payment()
    handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json"))

    assert (
        handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json")) is None
    )
    assert WebhookEvent.objects.count() == 1


def test_a_failed_event_arriving_after_success_changes_nothing(stripe_shop):
    payment = processing_payment()
    handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json"))

    assert (
        handle_webhook(provider="stripe", **signed("event_payment_intent_payment_failed.json"))
        is None
    )
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("succeeded", "")


def test_a_failed_event_fails_a_processing_payment(stripe_shop):
    payment = processing_payment()

    changed = handle_webhook(
        provider="stripe", **signed("event_payment_intent_payment_failed.json")
    )

    assert (changed.pk, changed.status, changed.failure_code) == (
        payment.pk,
        "failed",
        "insufficient_funds",
    )


def test_other_stripe_events_are_recorded_and_ignored(stripe_shop):
    assert handle_webhook(provider="stripe", **signed("event_customer_created.json")) is None
    assert WebhookEvent.objects.get().event_type == "customer.created"


@pytest.mark.parametrize(
    "tampering",
    [
        {"secret": "whsec_someone_else"},
        {"timestamp": int(time.time()) - 301},
    ],
)
def test_a_wrong_or_old_stripe_signature_is_refused(stripe_shop, tampering):
    payment = processing_payment()

    with pytest.raises(InvalidSignature) as raised:
        handle_webhook(
            provider="stripe", **signed("event_payment_intent_succeeded.json", **tampering)
        )

    assert (raised.value.code, raised.value.status) == ("invalid_signature", 400)
    payment.refresh_from_db()
    assert payment.status == "processing"
    assert WebhookEvent.objects.count() == 0


def test_a_signed_event_that_is_not_a_payment_intent_event_is_refused(stripe_shop):
    body = (
        b'{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded",'
        b' "data": {"object": {"id": "pi_1"}}}'
    )
    stamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    headers = {"Stripe-Signature": f"t={stamp},v1={signature.hexdigest()}"}

    with pytest.raises(InvalidInput) as raised:
        handle_webhook(provider="stripe", body=body, headers=headers)

    assert raised.value.code == "invalid_webhook"
    assert WebhookEvent.objects.count() == 0


def test_a_missing_stripe_signature_is_refused(stripe_shop):
    body = (RESPONSES / "event_payment_intent_succeeded.json").read_bytes()

    with pytest.raises(InvalidSignature):
        handle_webhook(provider="stripe", body=body, headers={})


def test_webhooks_without_their_secret_say_so(stripe_shop, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(ProviderNotConfigured):
        handle_webhook(provider="stripe", **signed("event_payment_intent_succeeded.json"))


def test_a_stripe_token_is_a_payment_method_id(stripe_shop):
    check_payment_method(provider="stripe", token="pm_card_visa")

    with pytest.raises(InvalidPaymentToken):
        check_payment_method(provider="stripe", token="tok_success")
    with pytest.raises(InvalidPaymentToken):
        check_payment_method(provider="stripe", token="4242 4242 4242 4242")


def test_a_refund_of_a_stripe_payment_counts_against_the_same_total(answers):
    answers(refund("refund_succeeded.json"))
    payment = stripe_payment()
    RefundFactory(payment=payment, amount=Decimal("32.50"))
    Payment.objects.filter(pk=payment.pk).update(amount_refunded=Decimal("32.50"))

    refund_payment(
        payment_id=payment.pk, amount=Decimal("10.00"), idempotency_key="OR-2026-00001:refund-1"
    )

    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("42.50")
    assert Refund.objects.count() == 2
