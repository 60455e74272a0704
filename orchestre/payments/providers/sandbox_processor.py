"""The sandbox card processor: a stand-in for a remote processor, built into the shop.

It behaves like the processor behind an HTTP API would, with its own tables (SandboxCharge,
SandboxRefund, SandboxWebhook) playing its database:
- it de-duplicates by idempotency key on its side: the same key with the same parameters
  replays the first answer, with other parameters it is refused; concurrent duplicates
  create one charge (unique key);
- the test token decides the outcome (TOKENS, documented in docs/payments.md): success,
  declines with a reason, a 3-D Secure challenge (the shopper answers on the challenge page
  it serves in the storefront), a timeout whose result (success) comes later by webhook;
- it refunds, in part or in full, never more than was captured (conditional UPDATE);
- it reports every decision with a webhook signed with HMAC-SHA256, delivered to the shop
  by `deliver_due_sandbox_webhooks` and retried with backoff until the shop answers 2xx.

Only the sandbox adapter (`sandbox.py`), the challenge page and the delivery task call it.
Each function runs its own short transaction, as the remote processor's database would.
"""

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from orchestre.payments.models import SandboxCharge, SandboxRefund, SandboxWebhook

Status = SandboxCharge.Status

WEBHOOK_PATH = "/api/v1/payments/webhooks/sandbox"
SIGNATURE_HEADER = "Orchestre-Sandbox-Signature"
MAX_AMOUNT = 99_999_999  # minor units, as card processors cap a charge
# Seconds to wait before the 2nd, 3rd... delivery attempt; the 8th failure gives up.
RETRY_DELAYS = (10, 30, 120, 600, 1800, 3600, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DELIVERY_TIMEOUT_SECONDS = 5
DELIVERY_CLAIM_SECONDS = 60  # longer than one delivery, so two senders never send one row
DELIVERY_BATCH = 100

Transport = Callable[[str, bytes, dict], int]


@dataclass(frozen=True)
class Outcome:
    status: str
    failure_code: str = ""
    failure_message: str = ""  # the processor's own words, for developers, in English
    label: str = ""  # what the token does, for the checkout's test-mode card choice


TOKENS = {
    "tok_success": Outcome(Status.SUCCEEDED, label=gettext_lazy("Card accepted")),
    "tok_decline": Outcome(
        Status.FAILED,
        "card_declined",
        "The card was declined.",
        label=gettext_lazy("Card declined"),
    ),
    "tok_insufficient_funds": Outcome(
        Status.FAILED,
        "insufficient_funds",
        "The card has insufficient funds.",
        label=gettext_lazy("Insufficient funds"),
    ),
    "tok_expired_card": Outcome(
        Status.FAILED,
        "expired_card",
        "The card has expired.",
        label=gettext_lazy("Expired card"),
    ),
    "tok_3ds": Outcome(
        Status.REQUIRES_ACTION, label=gettext_lazy("3-D Secure check on the bank's page")
    ),
    "tok_timeout": Outcome(
        Status.PROCESSING, label=gettext_lazy("The bank answers late (result by webhook)")
    ),
}
# (token, label) pairs in a stable order, for the checkout page in test mode.
TEST_TOKENS = tuple((token, outcome.label) for token, outcome in TOKENS.items())
CHALLENGE_REFUSED = Outcome(
    Status.FAILED, "authentication_failed", "The cardholder did not authenticate the payment."
)


class ProcessorError(Exception):
    """An error answer of the processor's API; `code` says which."""

    code = "processor_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code


class InvalidRequest(ProcessorError):
    code = "invalid_request"


class UnknownToken(ProcessorError):
    code = "invalid_token"


class UnknownCharge(ProcessorError):
    code = "resource_missing"


class IdempotencyConflict(ProcessorError):
    code = "idempotency_key_reused"


class ProcessorTimeout(ProcessorError):
    """The request was recorded but its answer never reached the caller."""

    code = "timeout"


class RefundRefused(ProcessorError):
    code = "refund_refused"


def create_charge(
    *,
    token: str,
    amount: int,
    currency: str,
    description: str,
    idempotency_key: str,
    return_url: str,
) -> dict:
    """Charge `amount` minor units with the card behind `token`; return the charge.

    The same idempotency key with the same parameters returns the charge created first
    (never a second one); with other parameters raises IdempotencyConflict. An unknown
    token raises UnknownToken and records nothing. tok_timeout records the charge as
    processing, decided SANDBOX_TIMEOUT_RESULT_SECONDS later, and raises ProcessorTimeout
    (only the first time: a retry with the key gets the stored charge)."""
    _check_amount(amount)
    existing = SandboxCharge.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay_charge(existing, token=token, amount=amount, currency=currency)
    outcome = TOKENS.get(token)
    if outcome is None:
        raise UnknownToken(f"No such token: {token!r}.")
    now = timezone.now()
    settles_at = None
    if outcome.status == Status.PROCESSING:
        settles_at = now + timedelta(seconds=settings.SANDBOX_TIMEOUT_RESULT_SECONDS)
    try:
        with transaction.atomic():
            charge = SandboxCharge.objects.create(
                charge_id=_new_id("ch_sbx"),
                idempotency_key=idempotency_key,
                token=token,
                amount=amount,
                currency=currency.upper(),
                description=description,
                return_url=return_url,
                status=outcome.status,
                failure_code=outcome.failure_code,
                failure_message=outcome.failure_message,
                settles_at=settles_at,
            )
            if charge.status in (Status.SUCCEEDED, Status.FAILED):
                _queue_charge_event(charge, now)
    except IntegrityError:
        # A concurrent request with the same key won the insert: answer with its charge.
        existing = SandboxCharge.objects.get(idempotency_key=idempotency_key)
        return _replay_charge(existing, token=token, amount=amount, currency=currency)
    if outcome.status == Status.PROCESSING:
        raise ProcessorTimeout("The processor did not answer within the timeout.")
    return charge_object(charge)


def retrieve_charge(charge_id: str) -> dict:
    """The charge as it stands now; raises UnknownCharge."""
    charge = SandboxCharge.objects.filter(charge_id=charge_id).first()
    if charge is None:
        raise UnknownCharge(f"No such charge: {charge_id!r}.")
    return charge_object(_settled(charge))


def find_charge(idempotency_key: str) -> dict | None:
    """The charge created under this idempotency key, or None."""
    charge = SandboxCharge.objects.filter(idempotency_key=idempotency_key).first()
    return None if charge is None else charge_object(_settled(charge))


def complete_challenge(*, charge_id: str, approve: bool) -> dict:
    """The cardholder's answer on the 3-D Secure page: approve → succeeded, refuse →
    failed (authentication_failed), with its webhook. Only the first answer counts; a later
    one returns the charge unchanged. Raises UnknownCharge."""
    outcome = Outcome(Status.SUCCEEDED) if approve else CHALLENGE_REFUSED
    with transaction.atomic():
        decided = SandboxCharge.objects.filter(
            charge_id=charge_id, status=Status.REQUIRES_ACTION
        ).update(
            status=outcome.status,
            failure_code=outcome.failure_code,
            failure_message=outcome.failure_message,
        )
        charge = SandboxCharge.objects.filter(charge_id=charge_id).first()
        if charge is None:
            raise UnknownCharge(f"No such charge: {charge_id!r}.")
        if decided:
            _queue_charge_event(charge, timezone.now())
    return charge_object(charge)


def settle_due_charges(*, now: datetime | None = None) -> int:
    """Decide the charges whose timeout result is due (they succeed); return how many."""
    now = now or timezone.now()
    due = SandboxCharge.objects.filter(status=Status.PROCESSING, settles_at__lte=now)
    return sum(_settle(charge_id, now) for charge_id in due.values_list("charge_id", flat=True))


def create_refund(*, charge_id: str, amount: int, idempotency_key: str) -> dict:
    """Refund `amount` minor units of a succeeded charge; return the refund.

    Idempotent by key like create_charge. Raises UnknownCharge, or RefundRefused with code
    charge_not_refundable (not succeeded) or amount_too_large (more than what remains)."""
    _check_amount(amount)
    refunds = SandboxRefund.objects.select_related("charge")
    existing = refunds.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay_refund(existing, charge_id=charge_id, amount=amount)
    charge = SandboxCharge.objects.filter(charge_id=charge_id).first()
    if charge is None:
        raise UnknownCharge(f"No such charge: {charge_id!r}.")
    _settled(charge)
    now = timezone.now()
    try:
        with transaction.atomic():
            # The refund row first: a concurrent request with the same key waits on the
            # unique key and replays, instead of being refused by the amount check.
            refund = SandboxRefund.objects.create(
                refund_id=_new_id("re_sbx"),
                charge=charge,
                idempotency_key=idempotency_key,
                amount=amount,
            )
            taken = SandboxCharge.objects.filter(
                pk=charge.pk,
                status=Status.SUCCEEDED,
                amount_refunded__lte=F("amount") - amount,
            ).update(amount_refunded=F("amount_refunded") + amount)
            if not taken:
                status = SandboxCharge.objects.values_list("status", flat=True).get(pk=charge.pk)
                if status != Status.SUCCEEDED:
                    raise RefundRefused(
                        "Only a succeeded charge can be refunded.", code="charge_not_refundable"
                    )
                raise RefundRefused(
                    "The refund is larger than what remains of the charge.",
                    code="amount_too_large",
                )
            _queue_event("refund.succeeded", refund_object(refund), now)
    except IntegrityError:
        existing = refunds.get(idempotency_key=idempotency_key)
        return _replay_refund(existing, charge_id=charge_id, amount=amount)
    return refund_object(refund)


def charge_object(charge: SandboxCharge) -> dict:
    """The charge as the processor's API shows it (and its webhooks carry it)."""
    next_action = None
    if charge.status == Status.REQUIRES_ACTION:
        next_action = {
            "type": "redirect_to_url",
            "url": reverse("storefront:sandbox_challenge", args=[charge.charge_id]),
        }
    return {
        "id": charge.charge_id,
        "object": "charge",
        "amount": charge.amount,
        "amount_refunded": charge.amount_refunded,
        "currency": charge.currency,
        "description": charge.description,
        "idempotency_key": charge.idempotency_key,
        "status": charge.status,
        "failure_code": charge.failure_code or None,
        "failure_message": charge.failure_message or None,
        "next_action": next_action,
        "return_url": charge.return_url,
        "created": int(charge.created_at.timestamp()),
    }


def refund_object(refund: SandboxRefund) -> dict:
    return {
        "id": refund.refund_id,
        "object": "refund",
        "charge": refund.charge.charge_id,
        "amount": refund.amount,
        "currency": refund.charge.currency,
        "idempotency_key": refund.idempotency_key,
        "status": "succeeded",
        "created": int(refund.created_at.timestamp()),
    }


def compute_signature(body: bytes, timestamp: int) -> str:
    """HMAC-SHA256 of f"{timestamp}.{body}" with SANDBOX_WEBHOOK_SECRET, in hex."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(settings.SANDBOX_WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={compute_signature(body, timestamp)}"


def deliver_due_sandbox_webhooks(
    *, now: datetime | None = None, transport: Transport | None = None
) -> int:
    """Decide the charges whose timeout result is due, then send every due webhook once to
    SHOP_URL + WEBHOOK_PATH; return how many the shop accepted (2xx).

    `transport(url, body, headers) -> status` sends one request (default: urllib, 5 s
    timeout). A non-2xx answer or an error schedules the next attempt after RETRY_DELAYS;
    after MAX_ATTEMPTS the webhook is marked failed. Each row is claimed with a conditional
    UPDATE first, so concurrent senders never send the same row twice at once. The
    signature is made at sending time, so a retry is never rejected as a replay."""
    now = now or timezone.now()
    transport = transport or post_json
    settle_due_charges(now=now)
    url = settings.SHOP_URL.rstrip("/") + WEBHOOK_PATH
    due = SandboxWebhook.objects.filter(status=SandboxWebhook.Status.PENDING, due_at__lte=now)
    delivered = 0
    for webhook_id in due.order_by("due_at", "pk").values_list("pk", flat=True)[:DELIVERY_BATCH]:
        webhook = _claim_webhook(webhook_id, now)
        if webhook is not None:
            delivered += _deliver(webhook, url=url, now=now, transport=transport)
    return delivered


def post_json(url: str, body: bytes, headers: dict) -> int:
    """POST a body and return the answer's status; raises on network errors."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise InvalidRequest(
            f"The amount must be a whole number of minor units from 1 to {MAX_AMOUNT}.",
            code="invalid_amount",
        )


def _replay_charge(charge: SandboxCharge, *, token: str, amount: int, currency: str) -> dict:
    if (charge.token, charge.amount, charge.currency) != (token, amount, currency.upper()):
        raise IdempotencyConflict("This idempotency key was already used with other parameters.")
    return charge_object(_settled(charge))


def _replay_refund(refund: SandboxRefund, *, charge_id: str, amount: int) -> dict:
    if (refund.charge.charge_id, refund.amount) != (charge_id, amount):
        raise IdempotencyConflict("This idempotency key was already used with other parameters.")
    return refund_object(refund)


def _settled(charge: SandboxCharge) -> SandboxCharge:
    """The charge, decided first if its timeout result is due."""
    if charge.status == Status.PROCESSING and charge.settles_at <= timezone.now():
        _settle(charge.charge_id, timezone.now())
        charge.refresh_from_db()
    return charge


def _settle(charge_id: str, now: datetime) -> int:
    with transaction.atomic():
        decided = SandboxCharge.objects.filter(
            charge_id=charge_id, status=Status.PROCESSING, settles_at__lte=now
        ).update(status=Status.SUCCEEDED)
        if decided:
            _queue_charge_event(SandboxCharge.objects.get(charge_id=charge_id), now)
    return decided


def _queue_charge_event(charge: SandboxCharge, now: datetime) -> None:
    event_type = "payment.succeeded" if charge.status == Status.SUCCEEDED else "payment.failed"
    _queue_event(event_type, charge_object(charge), now)


def _queue_event(event_type: str, data: dict, now: datetime) -> SandboxWebhook:
    event_id = _new_id("evt_sbx")
    body = json.dumps(
        {"id": event_id, "type": event_type, "created": int(now.timestamp()), "data": data},
        separators=(",", ":"),
    )
    return SandboxWebhook.objects.create(
        event_id=event_id, event_type=event_type, body=body, due_at=now
    )


def _claim_webhook(webhook_id: int, now: datetime) -> SandboxWebhook | None:
    claimed = (
        SandboxWebhook.objects.filter(
            pk=webhook_id, status=SandboxWebhook.Status.PENDING, due_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=DELIVERY_CLAIM_SECONDS))
    )
    return SandboxWebhook.objects.get(pk=webhook_id) if claimed else None


def _deliver(webhook: SandboxWebhook, *, url: str, now: datetime, transport: Transport) -> int:
    body = webhook.body.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(body, int(time.time())),
    }
    status_code = None
    try:
        status_code = transport(url, body, headers)
        error = "" if 200 <= status_code < 300 else f"HTTP {status_code}"
    except Exception as exception:  # the shop may be down: any failure is retried later
        error = f"{type(exception).__name__}: {exception}"[:255]
    fields = {
        "attempts": F("attempts") + 1,
        "claimed_until": None,
        "last_status": status_code,
        "last_error": error,
    }
    rows = SandboxWebhook.objects.filter(pk=webhook.pk)
    if not error:
        rows.update(status=SandboxWebhook.Status.DELIVERED, delivered_at=now, **fields)
        return 1
    attempts = webhook.attempts + 1  # the row is ours while claimed
    if attempts >= MAX_ATTEMPTS:
        rows.update(status=SandboxWebhook.Status.FAILED, **fields)
    else:
        rows.update(due_at=now + timedelta(seconds=RETRY_DELAYS[attempts - 1]), **fields)
    return 0


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"
