"""The interface every payment provider implements, and the plain values it answers with.

A provider adapter turns the shop's requests into calls to one processor (the built-in
sandbox, Stripe) and the processor's answers and webhooks into these values; the services
never see a processor's own objects. Every call that creates something carries the shop's
idempotency key, which the processor uses to de-duplicate retries on its side.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from orchestre.core.money import MINOR_UNITS, quantize


class ProviderTimeout(Exception):
    """The processor did not answer in time: it may or may not have acted on the request,
    so the outcome must be learnt later (webhook, or asking again with the same key)."""


@dataclass(frozen=True)
class ChargeResult:
    """Where a charge stands at the processor. `status` is a `Payment.Status` value other
    than pending."""

    status: str
    provider_payment_id: str
    failure_code: str = ""
    failure_message: str = ""
    next_action_url: str = ""


@dataclass(frozen=True)
class RefundResult:
    """Where a refund stands at the processor. `status` is a `Refund.Status` value."""

    status: str
    provider_refund_id: str = ""
    failure_code: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook. `charge` is set for payment events and `payment_key` holds the
    payment's idempotency key when the processor echoes it (needed when the charge's id
    never reached the shop, after a timeout); `refund` and `refund_key` likewise for
    refund events. Other event types carry neither and are only recorded."""

    event_id: str
    event_type: str
    charge: ChargeResult | None = None
    payment_key: str = ""
    refund: RefundResult | None = None
    refund_key: str = ""


class PaymentProvider(ABC):
    name: ClassVar[str]

    @abstractmethod
    def check_token(self, token: str) -> None:
        """Refuse, without calling the processor, a token that cannot be one of its
        payment tokens: raise `errors.InvalidPaymentToken`. The processor may still refuse
        a well-formed one when charging."""

    @abstractmethod
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
        """Charge the card behind `token` (obtained by the shopper's browser from the
        processor: card data never reaches the shop). Raises ProviderTimeout when the
        outcome is unknown, `errors.InvalidPaymentToken` when the processor rejects the
        token without charging, `errors.IdempotencyKeyReused`, `errors.ProviderError`."""

    @abstractmethod
    def retrieve(self, *, provider_payment_id: str) -> ChargeResult:
        """The charge's current state."""

    @abstractmethod
    def find(self, *, idempotency_key: str) -> ChargeResult | None:
        """The charge created under this idempotency key, None when there is none (the
        processor never received the request)."""

    @abstractmethod
    def refund(
        self, *, provider_payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        """Refund part or all of a charge. A refusal by the processor (already refunded,
        amount too large) is a failed RefundResult; raises ProviderTimeout when the outcome
        is unknown."""

    @abstractmethod
    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify a webhook's signature and read it. Raises `errors.InvalidSignature`."""


def to_minor_units(amount: Decimal, currency: str) -> int:
    """An amount in the currency's smallest unit, as processors count money: 12.50 → 1250."""
    return int(quantize(amount, currency).scaleb(MINOR_UNITS[currency]))


def header(headers: Mapping[str, str], name: str) -> str:
    """A request header by case-insensitive name ('' when absent), whether `headers` is
    Django's `request.headers` or a plain dict."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""
