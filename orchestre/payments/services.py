"""Payment writes: start a payment, ask for its news, refund it, apply provider webhooks.

No transaction is ever held across a provider call. Each operation runs in three steps:
1. a short transaction records the intent under its idempotency key (unique), so concurrent
   duplicates find one row; the caller that may talk to the provider takes a claim on it;
2. outside any transaction, the claimant calls the provider with the same idempotency key
   (the processor de-duplicates on its side too, so even a retry after a crash cannot
   charge twice);
3. a short transaction records the answer with a conditional UPDATE that only moves a
   payment forward (pending → requires_action → processing → succeeded | failed | canceled),
   so a late or out-of-order answer never undoes a newer one.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.errors import InvalidInput
from orchestre.core.money import MINOR_UNITS, quantize
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentToken,
    RefundExceedsPayment,
    RefundNotAllowed,
)
from orchestre.payments.models import MAX_AMOUNT, Payment, Refund, WebhookEvent
from orchestre.payments.providers import get_provider
from orchestre.payments.providers.base import ChargeResult, ProviderTimeout, RefundResult

# The worker and end-to-end tests deliver the sandbox processor's webhooks from here.
from orchestre.payments.providers.sandbox_processor import deliver_due_sandbox_webhooks
from orchestre.payments.selectors import get_payment

__all__ = [
    "check_payment_method",
    "deliver_due_sandbox_webhooks",
    "handle_webhook",
    "refresh_payment",
    "refund_payment",
    "start_payment",
]

Status = Payment.Status

# How long a caller owns the right to call the provider for a pending payment or refund;
# longer than a provider call with its retries. If that caller dies, a retry with the same
# key may call again after this, which the provider's own idempotency makes harmless.
CLAIM_SECONDS = 120

# The statuses a payment may come from to reach each status: forward only.
MAY_BECOME = {
    Status.REQUIRES_ACTION: (Status.PENDING,),
    Status.PROCESSING: (Status.PENDING, Status.REQUIRES_ACTION),
    Status.SUCCEEDED: (Status.PENDING, Status.REQUIRES_ACTION, Status.PROCESSING),
    Status.FAILED: (Status.PENDING, Status.REQUIRES_ACTION, Status.PROCESSING),
    Status.CANCELED: (Status.PENDING, Status.REQUIRES_ACTION, Status.PROCESSING),
}

MONEY = DecimalField(max_digits=12, decimal_places=2)


def check_payment_method(*, provider: str, token: str) -> None:
    """Refuse an unavailable provider or a token that cannot be one of its payment tokens,
    before the caller reserves or records anything. Checks locally, without calling the
    provider, so the charge may still be refused. Raises UnknownProvider,
    ProviderNotConfigured, InvalidPaymentToken."""
    get_provider(provider).check_token(token)


def start_payment(
    *,
    provider: str,
    token: str,
    amount: Decimal,
    currency: str,
    reference: str,
    idempotency_key: str,
    return_url: str,
) -> Payment:
    """Charge `amount` through `provider` with the shopper's card `token`; return the Payment.

    Never call inside a transaction: it calls the provider. The returned status is
    succeeded, failed (failure_code/failure_message say why), requires_action (send the
    shopper to next_action_url, then call `refresh_payment` when they come back to
    `return_url`; the provider's webhook reports it too) or processing (the provider has
    not answered; the result comes by webhook, or `refresh_payment`).

    Idempotent: the same key returns the same Payment and never charges again, even with
    many concurrent calls. A call made while the first is still talking to the provider
    gets the Payment as it stands, pending; its final status comes the same ways.

    Raises InvalidInput (invalid_amount, invalid_currency, invalid_reference,
    invalid_idempotency_key, invalid_return_url), UnknownProvider, ProviderNotConfigured,
    InvalidPaymentToken (nothing is kept, the key may be used again), IdempotencyKeyReused
    (same key, other amount/currency/reference/provider), ProviderError (nothing charged;
    retrying with the same key is safe)."""
    amount = _checked_amount(amount, currency)
    _check_text(reference, code="invalid_reference", field="reference", max_length=64)
    _check_text(idempotency_key, code="invalid_idempotency_key", field="idempotency_key")
    _check_return_url(return_url)
    adapter = get_provider(provider)
    adapter.check_token(token)
    payment, claimed = _record_intent(
        provider=provider,
        amount=amount,
        currency=currency,
        reference=reference,
        idempotency_key=idempotency_key,
    )
    if not claimed:
        return payment
    try:
        result = adapter.charge(
            token=token,
            amount=amount,
            currency=currency,
            reference=reference,
            idempotency_key=idempotency_key,
            return_url=return_url,
        )
    except ProviderTimeout:
        result = ChargeResult(status=Status.PROCESSING, provider_payment_id="")
    except InvalidPaymentToken:
        # The provider refused the request before acting on it: nothing to remember.
        Payment.objects.filter(pk=payment.pk, status=Status.PENDING).delete()
        raise
    except BaseException:
        _release_payment_claim(payment.pk)
        raise
    with transaction.atomic():
        _apply_charge_result(payment.pk, result, timezone.now())
        return Payment.objects.get(pk=payment.pk)


def refresh_payment(*, payment_id: int) -> Payment:
    """Ask the provider where an unfinished payment stands and record it; return the
    Payment. A final payment (succeeded, failed, canceled) is returned without asking.

    Never call inside a transaction. Like a webhook, the answer only moves the payment
    forward. A payment the provider has no trace of (its request never arrived) stays as
    it is; an unanswered call (timeout) leaves it unchanged. Raises NotFound
    (unknown_payment), ProviderError."""
    payment = get_payment(payment_id)
    if payment.is_final:
        return payment
    adapter = get_provider(payment.provider)
    try:
        if payment.provider_payment_id:
            result = adapter.retrieve(provider_payment_id=payment.provider_payment_id)
        else:
            result = adapter.find(idempotency_key=payment.idempotency_key)
    except ProviderTimeout:
        return payment
    if result is None:
        return payment
    with transaction.atomic():
        _apply_charge_result(payment.pk, result, timezone.now())
        return Payment.objects.get(pk=payment.pk)


def refund_payment(*, payment_id: int, amount: Decimal, idempotency_key: str) -> Refund:
    """Refund `amount` (part or all of what remains) of a succeeded payment; return the
    Refund: succeeded, failed (the provider refused it; failure_code says why; the amount
    can be refunded again) or pending (the provider's answer comes by webhook).

    Never call inside a transaction. Idempotent by key. The amount is counted in the
    payment's `amount_refunded` by a conditional UPDATE before the provider is called, so
    concurrent refunds can never add up to more than the payment (the processor checks
    too, and a database constraint backs it). Raises NotFound (unknown_payment),
    InvalidInput (invalid_amount, invalid_idempotency_key), RefundNotAllowed (payment not
    succeeded), RefundExceedsPayment, IdempotencyKeyReused, ProviderError (nothing
    refunded yet; retrying with the same key is safe)."""
    payment = get_payment(payment_id)
    amount = _checked_amount(amount, payment.currency)
    _check_text(idempotency_key, code="invalid_idempotency_key", field="idempotency_key")
    adapter = get_provider(payment.provider)
    refund, claimed = _record_refund(payment, amount=amount, idempotency_key=idempotency_key)
    if not claimed:
        return refund
    try:
        result = adapter.refund(
            provider_payment_id=payment.provider_payment_id,
            amount=amount,
            currency=payment.currency,
            idempotency_key=idempotency_key,
        )
    except ProviderTimeout:
        result = RefundResult(status=Refund.Status.PENDING)
    except BaseException:
        Refund.objects.filter(pk=refund.pk).update(claimed_until=None)
        raise
    with transaction.atomic():
        _apply_refund_result(refund.pk, result, timezone.now())
        return Refund.objects.get(pk=refund.pk)


def handle_webhook(*, provider: str, body: bytes, headers: Mapping[str, str]) -> Payment | None:
    """Verify and apply a provider's webhook; return the Payment whose status it changed,
    None otherwise (a duplicate, an event about a refund or about a payment we do not
    know, news we already had, or an out-of-order event that would move a payment back).

    `headers` is a mapping of the request's headers (Django's `request.headers` or a dict);
    the signature is checked against the exact raw `body`. The event id is recorded in the
    same transaction as the change it makes, so a redelivered event changes nothing.
    Raises UnknownProvider, InvalidSignature (missing, wrong, or older than 5 minutes),
    InvalidInput (invalid_webhook), ProviderNotConfigured."""
    event = get_provider(provider).parse_webhook(body=body, headers=headers)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider=provider, event_id=event.event_id, event_type=event.event_type
                )
        except IntegrityError:
            return None
        if event.refund is not None:
            refund = _refund_for_event(provider, event.refund.provider_refund_id, event.refund_key)
            if refund is not None:
                _apply_refund_result(refund.pk, event.refund, now)
        if event.charge is not None:
            payment = _payment_for_event(
                provider, event.charge.provider_payment_id, event.payment_key
            )
            if payment is not None and _apply_charge_result(payment.pk, event.charge, now):
                return Payment.objects.get(pk=payment.pk)
    return None


def _record_intent(
    *, provider: str, amount: Decimal, currency: str, reference: str, idempotency_key: str
) -> tuple[Payment, bool]:
    """The payment of this key, created pending if new, and whether this caller holds the
    claim to call the provider (it created the row, or found it pending and unclaimed)."""
    now = timezone.now()
    payment = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    provider=provider,
                    reference=reference,
                    amount=amount,
                    currency=currency,
                    idempotency_key=idempotency_key,
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                )
            return payment, True
        except IntegrityError:
            # A concurrent call with the same key created it first.
            payment = Payment.objects.get(idempotency_key=idempotency_key)
    if (payment.provider, payment.amount, payment.currency, payment.reference) != (
        provider,
        amount,
        currency,
        reference,
    ):
        raise IdempotencyKeyReused(
            _("This idempotency key was already used for a different payment.")
        )
    with transaction.atomic():
        claimed = (
            Payment.objects.filter(pk=payment.pk, status=Status.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), updated_at=now)
        )
    if not claimed:
        payment.refresh_from_db()
    return payment, bool(claimed)


def _release_payment_claim(payment_id: int) -> None:
    """Let a retry with the same key call the provider again at once."""
    Payment.objects.filter(pk=payment_id, status=Status.PENDING).update(claimed_until=None)


def _apply_charge_result(payment_id: int, result: ChargeResult, now: datetime) -> bool:
    """Record the provider's news if it moves the payment forward; return whether it did.
    Call inside a transaction."""
    fields = {
        "status": result.status,
        "failure_code": result.failure_code[:64],
        "failure_message": result.failure_message[:255],
        "next_action_url": result.next_action_url[:500],
        "claimed_until": None,
        "updated_at": now,
    }
    if result.provider_payment_id:
        fields["provider_payment_id"] = result.provider_payment_id
    changed = Payment.objects.filter(pk=payment_id, status__in=MAY_BECOME[result.status]).update(
        **fields
    )
    if not changed and result.provider_payment_id:
        # Same news again (e.g. still processing), but now we know the provider's id.
        Payment.objects.filter(pk=payment_id, provider_payment_id="").update(
            provider_payment_id=result.provider_payment_id, updated_at=now
        )
    return bool(changed)


def _record_refund(
    payment: Payment, *, amount: Decimal, idempotency_key: str
) -> tuple[Refund, bool]:
    """The refund of this key, created pending with its amount counted on the payment if
    new, and whether this caller holds the claim to call the provider."""
    now = timezone.now()
    refund = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if refund is None:
        try:
            with transaction.atomic():
                # The refund row first: a concurrent call with the same key waits on the
                # unique key and then replays, instead of being refused for the amount.
                refund = Refund.objects.create(
                    payment=payment,
                    amount=amount,
                    idempotency_key=idempotency_key,
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                )
                _take_refund_amount(payment, amount, now)
            return refund, True
        except IntegrityError:
            refund = Refund.objects.get(idempotency_key=idempotency_key)
    if (refund.payment_id, refund.amount) != (payment.pk, amount):
        raise IdempotencyKeyReused(
            _("This idempotency key was already used for a different refund.")
        )
    with transaction.atomic():
        claimed = (
            Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), updated_at=now)
        )
    if not claimed:
        refund.refresh_from_db()
    return refund, bool(claimed)


def _take_refund_amount(payment: Payment, amount: Decimal, now: datetime) -> None:
    """Count `amount` in the payment's refunded total if it fits; raise otherwise.

    Rounded to cents on both sides: SQLite computes decimals in binary floating point, where
    0.20 + 0.10 is not 0.30."""
    taken = (
        Payment.objects.filter(pk=payment.pk, status=Status.SUCCEEDED)
        .exclude(provider_payment_id="")
        .alias(remaining=Round(F("amount") - F("amount_refunded"), 2, output_field=MONEY))
        .filter(remaining__gte=amount)
        .update(amount_refunded=Round(F("amount_refunded") + amount, 2), updated_at=now)
    )
    if taken:
        return
    payment.refresh_from_db()
    if payment.status != Status.SUCCEEDED or not payment.provider_payment_id:
        raise RefundNotAllowed(_("Only a succeeded payment can be refunded."))
    message = _("At most %(amount)s %(currency)s can still be refunded.") % {
        "amount": payment.refundable_amount,
        "currency": payment.currency,
    }
    raise RefundExceedsPayment(message, fields={"amount": [message]})


def _apply_refund_result(refund_id: int, result: RefundResult, now: datetime) -> bool:
    """Record the provider's news about a refund if it settles it; return whether it did.
    A failed refund gives its amount back to the payment. Call inside a transaction."""
    refunds = Refund.objects.filter(pk=refund_id)
    if result.status == Refund.Status.PENDING:
        fields = {"claimed_until": None, "updated_at": now}
        if result.provider_refund_id:
            fields["provider_refund_id"] = result.provider_refund_id
        refunds.update(**fields)
        return False
    fields = {
        "status": result.status,
        "failure_code": result.failure_code[:64],
        "claimed_until": None,
        "updated_at": now,
    }
    if result.provider_refund_id:
        fields["provider_refund_id"] = result.provider_refund_id
    settled = refunds.filter(status=Refund.Status.PENDING).update(**fields)
    if settled and result.status == Refund.Status.FAILED:
        payment_id, amount = refunds.values_list("payment_id", "amount").get()
        Payment.objects.filter(pk=payment_id).update(
            amount_refunded=Round(F("amount_refunded") - amount, 2), updated_at=now
        )
    return bool(settled)


def _payment_for_event(provider: str, provider_payment_id: str, key: str) -> Payment | None:
    payments = Payment.objects.filter(provider=provider)
    if provider_payment_id:
        payment = payments.filter(provider_payment_id=provider_payment_id).first()
        if payment is not None:
            return payment
    # The charge's id may never have reached us (timeout): the key the provider echoes
    # finds the payment.
    return payments.filter(idempotency_key=key).first() if key else None


def _refund_for_event(provider: str, provider_refund_id: str, key: str) -> Refund | None:
    refunds = Refund.objects.filter(payment__provider=provider)
    if provider_refund_id:
        refund = refunds.filter(provider_refund_id=provider_refund_id).first()
        if refund is not None:
            return refund
    return refunds.filter(idempotency_key=key).first() if key else None


def _checked_amount(amount: Decimal, currency: str) -> Decimal:
    """The amount as a Decimal of the currency's minor unit; refuses floats, zero or less,
    more than MAX_AMOUNT and fractions of a cent (amounts are rounded once, upstream)."""
    if currency not in MINOR_UNITS:
        message = _("This currency is not accepted.")
        raise InvalidInput(message, code="invalid_currency", fields={"currency": [message]})
    message = _("The amount must be more than 0 and at most %(max)s.") % {"max": MAX_AMOUNT}
    invalid = InvalidInput(message, code="invalid_amount", fields={"amount": [message]})
    if isinstance(amount, float | bool):
        raise invalid
    try:
        value = Decimal(amount)
        rounded = quantize(value, currency)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise invalid from error
    if rounded != value or not Decimal("0") < rounded <= MAX_AMOUNT:
        raise invalid
    return rounded


def _check_text(value: str, *, code: str, field: str, max_length: int = 255) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        message = _("This value is required and must be at most %(max)d characters.") % {
            "max": max_length
        }
        raise InvalidInput(message, code=code, fields={field: [message]})


def _check_return_url(url: str) -> None:
    """A path on the shop (not `//host`) or an absolute http(s) address."""
    valid = isinstance(url, str) and 0 < len(url) <= 500
    if valid:
        valid = (url.startswith("/") and not url.startswith("//")) or url.startswith(
            ("https://", "http://")
        )
    if not valid:
        message = _("The return address must be a path on the shop or an http(s) address.")
        raise InvalidInput(message, code="invalid_return_url", fields={"return_url": [message]})
