"""The sandbox processor on its own: the remote side the sandbox adapter talks to."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.payments.models import SandboxCharge, SandboxRefund, SandboxWebhook
from orchestre.payments.providers import sandbox_processor as processor

pytestmark = pytest.mark.django_db


def charge(token="tok_success", *, key="key-1", amount=1250, currency="EUR"):
    return processor.create_charge(
        token=token,
        amount=amount,
        currency=currency,
        description="OR-2026-00001",
        idempotency_key=key,
        return_url="/back/",
    )


def events() -> list[dict]:
    return [
        json.loads(body)
        for body in SandboxWebhook.objects.order_by("pk").values_list("body", flat=True)
    ]


def test_a_charge_is_answered_like_a_processor_api_does():
    answer = charge()

    stored = SandboxCharge.objects.get()
    assert answer == {
        "id": stored.charge_id,
        "object": "charge",
        "amount": 1250,
        "amount_refunded": 0,
        "currency": "EUR",
        "description": "OR-2026-00001",
        "idempotency_key": "key-1",
        "status": "succeeded",
        "failure_code": None,
        "failure_message": None,
        "next_action": None,
        "return_url": "/back/",
        "created": int(stored.created_at.timestamp()),
    }
    assert len(stored.charge_id) == len("ch_sbx_") + 24


def test_every_decision_is_reported_by_a_webhook():
    succeeded = charge("tok_success", key="a")
    declined = charge("tok_decline", key="b")

    sent = events()
    assert [(event["type"], event["data"]["id"]) for event in sent] == [
        ("payment.succeeded", succeeded["id"]),
        ("payment.failed", declined["id"]),
    ]
    assert sent[1]["data"]["failure_code"] == "card_declined"
    assert all(event["id"].startswith("evt_sbx_") for event in sent)
    assert all(isinstance(event["created"], int) for event in sent)


def test_the_same_key_replays_the_first_answer():
    first = charge()
    second = charge()

    assert second == first
    assert SandboxCharge.objects.count() == 1
    assert SandboxWebhook.objects.count() == 1


@pytest.mark.parametrize(
    "changes", [{"token": "tok_decline"}, {"amount": 1251}, {"currency": "GBP"}]
)
def test_the_same_key_with_other_parameters_is_refused(changes):
    charge()

    with pytest.raises(processor.IdempotencyConflict):
        charge(**({"token": "tok_success"} | changes))

    assert SandboxCharge.objects.count() == 1


def test_an_unknown_token_records_nothing():
    with pytest.raises(processor.UnknownToken):
        charge("tok_unknown")

    assert SandboxCharge.objects.count() == 0
    assert SandboxWebhook.objects.count() == 0


@pytest.mark.parametrize("amount", [0, -5, 100_000_000, 12.5, True])
def test_amounts_outside_what_a_card_processor_takes_are_refused(amount):
    with pytest.raises(processor.InvalidRequest) as raised:
        charge(amount=amount)

    assert raised.value.code == "invalid_amount"
    assert SandboxCharge.objects.count() == 0


def test_3d_secure_waits_for_the_cardholder():
    from django.utils import translation

    with translation.override("fr"):
        answer = charge("tok_3ds")

    assert answer["status"] == "requires_action"
    assert answer["next_action"] == {
        "type": "redirect_to_url",
        "url": f"/payment/sandbox/challenge/{answer['id']}/",
    }
    assert SandboxWebhook.objects.count() == 0


def test_the_cardholder_approves():
    pending = charge("tok_3ds")

    answer = processor.complete_challenge(charge_id=pending["id"], approve=True)

    assert (answer["status"], answer["next_action"]) == ("succeeded", None)
    assert [event["type"] for event in events()] == ["payment.succeeded"]


def test_the_cardholder_refuses():
    pending = charge("tok_3ds")

    answer = processor.complete_challenge(charge_id=pending["id"], approve=False)

    assert (answer["status"], answer["failure_code"]) == ("failed", "authentication_failed")
    assert [event["type"] for event in events()] == ["payment.failed"]


def test_only_the_first_answer_to_a_challenge_counts():
    pending = charge("tok_3ds")
    processor.complete_challenge(charge_id=pending["id"], approve=False)

    answer = processor.complete_challenge(charge_id=pending["id"], approve=True)

    assert answer["status"] == "failed"
    assert SandboxWebhook.objects.count() == 1


def test_a_challenge_for_an_unknown_charge_is_refused():
    with pytest.raises(processor.UnknownCharge):
        processor.complete_challenge(charge_id="ch_sbx_nope", approve=True)


def test_a_timeout_records_the_charge_and_raises_once(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 5

    with pytest.raises(processor.ProcessorTimeout):
        charge("tok_timeout")

    stored = SandboxCharge.objects.get()
    assert stored.status == "processing"
    assert timedelta(seconds=4) < stored.settles_at - timezone.now() <= timedelta(seconds=5)
    assert charge("tok_timeout")["status"] == "processing"  # a retry reads the stored answer
    assert SandboxCharge.objects.count() == 1
    assert SandboxWebhook.objects.count() == 0


def test_a_timed_out_charge_succeeds_once_its_delay_is_over(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 5
    with pytest.raises(processor.ProcessorTimeout):
        charge("tok_timeout")
    charge_id = SandboxCharge.objects.get().charge_id

    assert processor.settle_due_charges(now=timezone.now()) == 0
    assert processor.settle_due_charges(now=timezone.now() + timedelta(seconds=6)) == 1
    assert processor.settle_due_charges(now=timezone.now() + timedelta(seconds=7)) == 0

    assert processor.retrieve_charge(charge_id)["status"] == "succeeded"
    assert [event["type"] for event in events()] == ["payment.succeeded"]


def test_reading_a_charge_whose_result_is_due_decides_it(settings):
    settings.SANDBOX_TIMEOUT_RESULT_SECONDS = 0
    with pytest.raises(processor.ProcessorTimeout):
        charge("tok_timeout")

    assert processor.find_charge("key-1")["status"] == "succeeded"
    assert SandboxWebhook.objects.count() == 1
    assert processor.find_charge("other-key") is None


def test_refunds_in_parts_never_above_the_charge():
    paid = charge(amount=1000)

    first = processor.create_refund(charge_id=paid["id"], amount=600, idempotency_key="r1")
    second = processor.create_refund(charge_id=paid["id"], amount=400, idempotency_key="r2")
    with pytest.raises(processor.RefundRefused) as raised:
        processor.create_refund(charge_id=paid["id"], amount=1, idempotency_key="r3")

    assert raised.value.code == "amount_too_large"
    assert (first["amount"], second["amount"]) == (600, 400)
    assert first["status"] == "succeeded"
    assert first["id"].startswith("re_sbx_")
    assert SandboxCharge.objects.get().amount_refunded == 1000
    assert SandboxRefund.objects.count() == 2
    assert [event["type"] for event in events()] == [
        "payment.succeeded",
        "refund.succeeded",
        "refund.succeeded",
    ]


def test_a_refund_is_idempotent_by_key():
    paid = charge(amount=1000)

    first = processor.create_refund(charge_id=paid["id"], amount=600, idempotency_key="r1")
    again = processor.create_refund(charge_id=paid["id"], amount=600, idempotency_key="r1")
    with pytest.raises(processor.IdempotencyConflict):
        processor.create_refund(charge_id=paid["id"], amount=500, idempotency_key="r1")

    assert again == first
    assert SandboxCharge.objects.get().amount_refunded == 600


def test_a_failed_charge_cannot_be_refunded():
    declined = charge("tok_decline")

    with pytest.raises(processor.RefundRefused) as raised:
        processor.create_refund(charge_id=declined["id"], amount=100, idempotency_key="r1")

    assert raised.value.code == "charge_not_refundable"
    assert SandboxRefund.objects.count() == 0
    assert SandboxCharge.objects.get().amount_refunded == 0


def test_a_refund_of_an_unknown_charge_is_refused():
    with pytest.raises(processor.UnknownCharge):
        processor.create_refund(charge_id="ch_sbx_nope", amount=100, idempotency_key="r1")


def test_signatures_are_hmac_sha256_of_the_timestamp_and_body(settings):
    settings.SANDBOX_WEBHOOK_SECRET = "whsec_test"
    body = b'{"id":"evt_1"}'

    expected = hmac.new(b"whsec_test", b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()
    assert processor.signature_header(body, 1700000000) == f"t=1700000000,v1={expected}"
