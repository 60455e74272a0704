"""The shop's adapter to the sandbox processor (`sandbox_processor.py`): the same job the
Stripe adapter does for Stripe, so the sandbox exercises every path a real processor does."""

import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from orchestre.core.errors import InvalidInput
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentToken,
    InvalidSignature,
    ProviderError,
)
from orchestre.payments.models import Payment, Refund
from orchestre.payments.providers import sandbox_processor as processor
from orchestre.payments.providers.base import (
    ChargeResult,
    PaymentProvider,
    ProviderEvent,
    ProviderTimeout,
    RefundResult,
    header,
    to_minor_units,
)

SIGNATURE_TOLERANCE_SECONDS = 300  # older signatures are refused as replays


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def check_token(self, token: str) -> None:
        if token not in processor.TOKENS:
            raise _invalid_token()

    def charge(
        self,
        *,
        token: str,
        amount: Decimal,
        currency: str,
        reference: str,
        idempotency_key: str,
        return_url: str,
    ) -> ChargeResult:
        try:
            charge = processor.create_charge(
                token=token,
                amount=to_minor_units(amount, currency),
                currency=currency,
                description=reference,
                idempotency_key=idempotency_key,
                return_url=return_url,
            )
        except processor.UnknownToken as error:
            raise _invalid_token() from error
        except processor.ProcessorTimeout as error:
            raise ProviderTimeout(str(error)) from error
        except processor.IdempotencyConflict as error:
            raise _key_reused() from error
        except processor.ProcessorError as error:
            raise ProviderError(_provider_refused()) from error
        return _charge_result(charge)

    def retrieve(self, *, provider_payment_id: str) -> ChargeResult:
        try:
            charge = processor.retrieve_charge(provider_payment_id)
        except processor.ProcessorError as error:
            raise ProviderError(_provider_refused()) from error
        return _charge_result(charge)

    def find(self, *, idempotency_key: str) -> ChargeResult | None:
        charge = processor.find_charge(idempotency_key)
        return None if charge is None else _charge_result(charge)

    def refund(
        self, *, provider_payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        try:
            refund = processor.create_refund(
                charge_id=provider_payment_id,
                amount=to_minor_units(amount, currency),
                idempotency_key=idempotency_key,
            )
        except processor.IdempotencyConflict as error:
            raise _key_reused() from error
        except processor.ProcessorError as error:
            return RefundResult(status=Refund.Status.FAILED, failure_code=error.code)
        return RefundResult(status=Refund.Status.SUCCEEDED, provider_refund_id=refund["id"])

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        verify_signature(body, header(headers, processor.SIGNATURE_HEADER))
        try:
            return _event(json.loads(body))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput(
                _("The webhook body is not a valid event."), code="invalid_webhook"
            ) from error


def verify_signature(body: bytes, signature: str) -> None:
    """Check `t=<unix time>,v1=<hex HMAC>` (several v1 accepted, for secret rotation);
    raise InvalidSignature when it is missing, malformed, wrong, or older than
    SIGNATURE_TOLERANCE_SECONDS (a replayed request)."""
    parts = [part.split("=", 1) for part in signature.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, value in parts if key.strip() == "v1"]
    stamp = timestamps[0].strip() if len(timestamps) == 1 else ""
    if not (stamp.isascii() and stamp.isdigit()) or not signatures:
        raise InvalidSignature(_("The webhook signature is missing or malformed."))
    timestamp = int(stamp)
    expected = processor.compute_signature(body, timestamp).encode()
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures):
        raise InvalidSignature(_("The webhook signature does not match."))
    if timestamp < time.time() - SIGNATURE_TOLERANCE_SECONDS:
        raise InvalidSignature(_("The webhook signature is too old."))


def _event(event: dict) -> ProviderEvent:
    """A signed event body read into a ProviderEvent; raises ValueError, KeyError or
    TypeError when it is not one."""
    event_id, event_type, data = event["id"], event["type"], event["data"]
    if not (isinstance(event_id, str) and 0 < len(event_id) <= 255):
        raise ValueError("invalid event id")
    if not (isinstance(event_type, str) and len(event_type) <= 64 and isinstance(data, dict)):
        raise ValueError("invalid event")
    key = data.get("idempotency_key") or ""
    if event_type in ("payment.succeeded", "payment.failed"):
        return ProviderEvent(
            event_id=event_id, event_type=event_type, charge=_charge_result(data), payment_key=key
        )
    if event_type == "refund.succeeded":
        return ProviderEvent(
            event_id=event_id,
            event_type=event_type,
            refund=RefundResult(status=Refund.Status.SUCCEEDED, provider_refund_id=data["id"]),
            refund_key=key,
        )
    return ProviderEvent(event_id=event_id, event_type=event_type)


def _charge_result(charge: dict) -> ChargeResult:
    next_action = charge.get("next_action") or {}
    status = charge["status"]
    if status not in Payment.Status.values or status == Payment.Status.PENDING:
        raise ValueError(f"unknown charge status {status!r}")
    return ChargeResult(
        status=status,
        provider_payment_id=charge["id"],
        failure_code=charge.get("failure_code") or "",
        failure_message=charge.get("failure_message") or "",
        next_action_url=next_action.get("url", ""),
    )


def _invalid_token() -> InvalidPaymentToken:
    message = _("This payment token is not valid.")
    return InvalidPaymentToken(message, fields={"token": [message]})


def _key_reused() -> IdempotencyKeyReused:
    return IdempotencyKeyReused(_("This idempotency key was already used for a different request."))


def _provider_refused() -> str:
    return _("The payment provider could not handle the request. Please try again.")
