"""The shop's side of webhooks: signature check, de-duplication, forward-only updates."""

import json
import time

import pytest

from orchestre.core.errors import InvalidInput
from orchestre.payments.errors import InvalidSignature, UnknownProvider
from orchestre.payments.models import Payment, SandboxWebhook, WebhookEvent
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.services import handle_webhook
from orchestre.payments.tests.factories import PaymentFactory
from orchestre.payments.tests.support import deliver, pay

pytestmark = pytest.mark.django_db


def signed(event: dict, *, timestamp: int | None = None) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    return body, {"Orchestre-Sandbox-Signature": processor.signature_header(body, stamp)}


def event(event_type: str, data: dict, event_id: str = "evt_sbx_1") -> dict:
    return {"id": event_id, "type": event_type, "created": 1700000000, "data": data}


def charge_data(payment: Payment, status: str, **fields) -> dict:
    return {
        "id": payment.provider_payment_id,
        "object": "charge",
        "status": status,
        "idempotency_key": payment.idempotency_key,
        "failure_code": None,
        "failure_message": None,
        "next_action": None,
    } | fields


def test_a_timeout_is_settled_by_the_signed_webhook(settings, shop_endpoint):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 5
    payment = pay("tok_timeout")

    assert deliver(shop_endpoint, after_seconds=6) == 1

    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert payment.provider_payment_id.startswith("ch_sbx_")
    assert [changed.pk for changed in shop_endpoint.changed] == [payment.pk]
    assert shop_endpoint.changed[0].status == "succeeded"
    assert WebhookEvent.objects.get().event_type == "payment.succeeded"


def test_3d_secure_approval_reaches_the_shop_by_webhook(shop_endpoint):
    payment = pay("tok_3ds")
    processor.complete_challenge(charge_id=payment.provider_payment_id, approve=True)

    assert deliver(shop_endpoint) == 1

    payment.refresh_from_db()
    assert (payment.status, payment.next_action_url) == ("succeeded", "")
    assert [changed.pk for changed in shop_endpoint.changed] == [payment.pk]


def test_3d_secure_refusal_fails_the_payment(shop_endpoint):
    payment = pay("tok_3ds")
    processor.complete_challenge(charge_id=payment.provider_payment_id, approve=False)

    deliver(shop_endpoint)

    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("failed", "authentication_failed")


def test_news_the_shop_already_has_changes_nothing_and_returns_none(shop_endpoint):
    payment = pay("tok_success")

    assert deliver(shop_endpoint) == 1

    assert shop_endpoint.changed == []
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert WebhookEvent.objects.count() == 1


def test_a_redelivered_event_returns_none_and_changes_nothing():
    payment = PaymentFactory(status="processing")
    body, headers = signed(event("payment.succeeded", charge_data(payment, "succeeded")))

    first = handle_webhook(provider="sandbox", body=body, headers=headers)
    again = handle_webhook(provider="sandbox", body=body, headers=headers)

    assert (first.pk, first.status) == (payment.pk, "succeeded")
    assert again is None
    assert WebhookEvent.objects.count() == 1


def test_a_duplicate_event_id_is_ignored_even_with_other_news():
    payment = PaymentFactory(status="processing")
    handle_webhook(provider="sandbox", **_pair(event("x.other", {})))
    body, headers = signed(event("payment.succeeded", charge_data(payment, "succeeded")))

    assert handle_webhook(provider="sandbox", body=body, headers=headers) is None

    payment.refresh_from_db()
    assert payment.status == "processing"


def test_an_out_of_order_event_never_moves_a_succeeded_payment_back():
    payment = PaymentFactory(status="succeeded")
    body, headers = signed(
        event("payment.failed", charge_data(payment, "failed", failure_code="card_declined"))
    )

    assert handle_webhook(provider="sandbox", body=body, headers=headers) is None

    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("succeeded", "")
    assert WebhookEvent.objects.count() == 1


def test_a_payment_whose_charge_id_never_arrived_is_found_by_its_key():
    payment = PaymentFactory(status="processing", provider_payment_id="")
    data = charge_data(payment, "succeeded", id="ch_sbx_late")

    changed = handle_webhook(provider="sandbox", **_pair(event("payment.succeeded", data)))

    assert (changed.pk, changed.status, changed.provider_payment_id) == (
        payment.pk,
        "succeeded",
        "ch_sbx_late",
    )


def test_an_event_about_an_unknown_payment_is_recorded_and_ignored():
    data = {"id": "ch_sbx_other", "status": "succeeded", "idempotency_key": "someone-else"}

    assert handle_webhook(provider="sandbox", **_pair(event("payment.succeeded", data))) is None
    assert WebhookEvent.objects.count() == 1


def test_an_event_of_another_type_is_recorded_and_ignored():
    assert handle_webhook(provider="sandbox", **_pair(event("charge.dispute.created", {}))) is None
    assert WebhookEvent.objects.get().event_type == "charge.dispute.created"


def test_the_signature_header_name_is_case_insensitive():
    payment = PaymentFactory(status="processing")
    body, headers = signed(event("payment.succeeded", charge_data(payment, "succeeded")))

    changed = handle_webhook(
        provider="sandbox",
        body=body,
        headers={"orchestre-sandbox-signature": headers["Orchestre-Sandbox-Signature"]},
    )

    assert changed.status == "succeeded"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "The webhook signature is missing or malformed."),
        ("", "The webhook signature is missing or malformed."),
        ("v1=abc", "The webhook signature is missing or malformed."),
        ("t=abc,v1=abc", "The webhook signature is missing or malformed."),
        ("t=1700000000", "The webhook signature is missing or malformed."),
        ("t=\u00b2,v1=abc", "The webhook signature is missing or malformed."),
        ("t=1,t=2,v1=abc", "The webhook signature is missing or malformed."),
        ("t={now},v1=" + "0" * 64, "The webhook signature does not match."),
        ("t={now},v1=\u00e9t\u00e9", "The webhook signature does not match."),
    ],
)
def test_a_missing_or_wrong_signature_is_refused(header, message):
    payment = PaymentFactory(status="processing")
    body = json.dumps(event("payment.succeeded", charge_data(payment, "succeeded"))).encode()
    headers = (
        {}
        if header is None
        else {"Orchestre-Sandbox-Signature": header.format(now=int(time.time()))}
    )

    with pytest.raises(InvalidSignature) as raised:
        handle_webhook(provider="sandbox", body=body, headers=headers)

    assert (raised.value.code, raised.value.status, raised.value.message) == (
        "invalid_signature",
        400,
        message,
    )
    payment.refresh_from_db()
    assert payment.status == "processing"
    assert WebhookEvent.objects.count() == 0


def test_a_tampered_body_is_refused():
    payment = PaymentFactory(status="processing")
    body, headers = signed(event("payment.failed", charge_data(payment, "failed")))

    with pytest.raises(InvalidSignature):
        handle_webhook(
            provider="sandbox", body=body.replace(b"failed", b"succeeded"), headers=headers
        )

    payment.refresh_from_db()
    assert payment.status == "processing"


def test_a_signature_made_with_another_secret_is_refused(settings):
    payment = PaymentFactory(status="processing")
    body, headers = signed(event("payment.succeeded", charge_data(payment, "succeeded")))
    settings.SANDBOX_WEBHOOK_SECRET = "another secret"

    with pytest.raises(InvalidSignature):
        handle_webhook(provider="sandbox", body=body, headers=headers)


def test_a_replayed_webhook_older_than_five_minutes_is_refused():
    payment = PaymentFactory(status="processing")
    body, headers = signed(
        event("payment.succeeded", charge_data(payment, "succeeded")),
        timestamp=int(time.time()) - 301,
    )

    with pytest.raises(InvalidSignature) as raised:
        handle_webhook(provider="sandbox", body=body, headers=headers)

    assert raised.value.message == "The webhook signature is too old."
    payment.refresh_from_db()
    assert payment.status == "processing"
    assert WebhookEvent.objects.count() == 0


def test_a_signature_within_five_minutes_is_accepted():
    payment = PaymentFactory(status="processing")
    body, headers = signed(
        event("payment.succeeded", charge_data(payment, "succeeded")),
        timestamp=int(time.time()) - 290,
    )

    assert handle_webhook(provider="sandbox", body=body, headers=headers).status == "succeeded"


def test_one_of_several_signatures_may_match_during_a_secret_rotation():
    payment = PaymentFactory(status="processing")
    body, headers = signed(event("payment.succeeded", charge_data(payment, "succeeded")))
    header = headers["Orchestre-Sandbox-Signature"].replace(",v1=", ",v1=" + "0" * 64 + ",v1=")

    changed = handle_webhook(
        provider="sandbox", body=body, headers={"Orchestre-Sandbox-Signature": header}
    )

    assert changed.status == "succeeded"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"id": "evt_1"}',
        b"[]",
        b'{"id": "evt_1", "type": "payment.succeeded", "data": []}',
        b'{"id": "evt_1", "type": "payment.succeeded", "data": {"id": "ch_1"}}',
        b'{"id": "evt_1", "type": "payment.succeeded", "data": {"id": "ch_1", "status": "won"}}',
        b'{"id": "", "type": "payment.succeeded", "data": {}}',
        b'{"id": 12, "type": "payment.succeeded", "data": {}}',
        b'{"id": "' + b"e" * 256 + b'", "type": "x", "data": {}}',
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(body):
    headers = {"Orchestre-Sandbox-Signature": processor.signature_header(body, int(time.time()))}

    with pytest.raises(InvalidInput) as raised:
        handle_webhook(provider="sandbox", body=body, headers=headers)

    assert raised.value.code == "invalid_webhook"
    assert WebhookEvent.objects.count() == 0


def test_an_unknown_provider_is_refused():
    with pytest.raises(UnknownProvider):
        handle_webhook(provider="paypal", body=b"{}", headers={})


def test_a_webhook_the_shop_refuses_is_sent_again_until_accepted(shop_endpoint):
    payment = pay("tok_3ds")
    processor.complete_challenge(charge_id=payment.provider_payment_id, approve=True)
    calls = []

    def garbled_once(url, body, headers):
        calls.append(url)
        if len(calls) == 1:
            headers = headers | {"Orchestre-Sandbox-Signature": "t=1,v1=00"}
        return shop_endpoint(url, body, headers)

    assert deliver(garbled_once) == 0
    assert SandboxWebhook.objects.get().last_status == 400
    payment.refresh_from_db()
    assert payment.status == "requires_action"

    assert deliver(garbled_once, after_seconds=11) == 1
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def _pair(payload: dict) -> dict:
    body, headers = signed(payload)
    return {"body": body, "headers": headers}
