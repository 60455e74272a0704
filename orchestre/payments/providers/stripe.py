"""The Stripe adapter, on the official `stripe` library (StripeClient, PaymentIntents API).

A payment is one PaymentIntent created and confirmed in a single call with the PaymentMethod
token the shopper's browser got from Stripe.js (card data never reaches the shop), under the
shop's idempotency key, which Stripe de-duplicates for 24 hours. The key and our reference
travel in the intent's metadata, so a webhook or a search can find the payment even when
the create call's answer was lost.
"""

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from orchestre.core.errors import InvalidInput
from orchestre.payments.errors import (
    IdempotencyKeyReused,
    InvalidPaymentToken,
    InvalidSignature,
    ProviderError,
    ProviderNotConfigured,
)
from orchestre.payments.models import Payment, Refund
from orchestre.payments.providers.base import (
    ChargeResult,
    PaymentProvider,
    ProviderEvent,
    ProviderTimeout,
    RefundResult,
    header,
    to_minor_units,
)

# The library retries connection errors, 409 and 5xx itself, safely since every request
# that creates something carries an idempotency key.
MAX_NETWORK_RETRIES = 2
PAYMENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.processing",
    "payment_intent.canceled",
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed"}
PAYMENT_METHOD_ID = re.compile(r"pm_[A-Za-z0-9_]{1,200}")
# Stripe codes that the shop names like the sandbox does.
FAILURE_CODES = {"payment_intent_authentication_failure": "authentication_failed"}


class StripeProvider(PaymentProvider):
    name = "stripe"
    # The HTTP client the StripeClient uses; None is the library's default (the network).
    # Tests set one that answers with recorded responses.
    http_client: ClassVar[stripe.HTTPClient | None] = None

    def __init__(self):
        if not settings.STRIPE_SECRET_KEY:
            raise ProviderNotConfigured(
                _("Stripe is not configured: set ORCHESTRE_STRIPE_SECRET_KEY.")
            )
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            http_client=self.http_client,
            max_network_retries=MAX_NETWORK_RETRIES,
        )

    def check_token(self, token: str) -> None:
        # A PaymentMethod id made by Stripe.js (pm_card_visa and the like in test mode).
        if not PAYMENT_METHOD_ID.fullmatch(token or ""):
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
        params = {
            "amount": to_minor_units(amount, currency),
            "currency": currency.lower(),
            "payment_method": token,
            "payment_method_types": ["card"],
            "confirm": True,
            "return_url": _absolute(return_url),
            "description": reference,
            "metadata": {"reference": reference, "idempotency_key": idempotency_key},
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.CardError as error:
            return _declined(error)
        except stripe.InvalidRequestError as error:
            if error.code == "resource_missing" and error.param == "payment_method":
                raise _invalid_token() from error
            raise _provider_error() from error
        except stripe.StripeError as error:
            raise _translated(error) from error
        return charge_result(intent.to_dict())

    def retrieve(self, *, provider_payment_id: str) -> ChargeResult:
        try:
            intent = self.client.v1.payment_intents.retrieve(provider_payment_id)
        except stripe.StripeError as error:
            raise _translated(error) from error
        return charge_result(intent.to_dict())

    def find(self, *, idempotency_key: str) -> ChargeResult | None:
        quoted = idempotency_key.replace("\\", "\\\\").replace("'", "\\'")
        try:
            found = self.client.v1.payment_intents.search(
                params={"query": f"metadata['idempotency_key']:'{quoted}'", "limit": 1}
            )
        except stripe.StripeError as error:
            raise _translated(error) from error
        intents = found.to_dict()["data"]
        return charge_result(intents[0]) if intents else None

    def refund(
        self, *, provider_payment_id: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> RefundResult:
        params = {
            "payment_intent": provider_payment_id,
            "amount": to_minor_units(amount, currency),
            "metadata": {"idempotency_key": idempotency_key},
        }
        try:
            refund = self.client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.InvalidRequestError as error:
            # Already refunded, amount larger than what remains...: Stripe refused it.
            return RefundResult(status=Refund.Status.FAILED, failure_code=error.code or "")
        except stripe.StripeError as error:
            raise _translated(error) from error
        return refund_result(refund.to_dict())

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise ProviderNotConfigured(
                _("Stripe webhooks are not configured: set ORCHESTRE_STRIPE_WEBHOOK_SECRET.")
            )
        try:
            event = stripe.Webhook.construct_event(
                body,
                header(headers, "Stripe-Signature"),
                settings.STRIPE_WEBHOOK_SECRET,
                api_key=settings.STRIPE_SECRET_KEY,
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidSignature(_("The webhook signature does not match.")) from error
        except ValueError as error:
            raise _invalid_webhook() from error
        try:
            return _event(event.to_dict())
        except (KeyError, TypeError, AttributeError) as error:
            raise _invalid_webhook() from error


def _event(data: dict) -> ProviderEvent:
    event_id, event_type = data["id"], data["type"]
    found = data["data"]["object"]
    key = (found.get("metadata") or {}).get("idempotency_key", "")
    if event_type in PAYMENT_EVENTS:
        return ProviderEvent(
            event_id=event_id, event_type=event_type, charge=charge_result(found), payment_key=key
        )
    if event_type in REFUND_EVENTS:
        return ProviderEvent(
            event_id=event_id, event_type=event_type, refund=refund_result(found), refund_key=key
        )
    return ProviderEvent(event_id=event_id, event_type=event_type)


def charge_result(intent: dict) -> ChargeResult:
    """A PaymentIntent (as a dict) in the shop's terms."""
    status = intent["status"]
    identifier = intent["id"]
    if status == "succeeded":
        return ChargeResult(status=Payment.Status.SUCCEEDED, provider_payment_id=identifier)
    if status == "requires_action":
        next_action = intent.get("next_action") or {}
        redirect = next_action.get("redirect_to_url") or {}
        return ChargeResult(
            status=Payment.Status.REQUIRES_ACTION,
            provider_payment_id=identifier,
            next_action_url=redirect.get("url") or "",
        )
    if status == "requires_payment_method":
        # Confirmed with our card and back to needing one: the attempt failed.
        error = intent.get("last_payment_error") or {}
        return ChargeResult(
            status=Payment.Status.FAILED,
            provider_payment_id=identifier,
            failure_code=_failure_code(error.get("code"), error.get("decline_code")),
            failure_message=(error.get("message") or "")[:255],
        )
    if status == "canceled":
        return ChargeResult(
            status=Payment.Status.CANCELED,
            provider_payment_id=identifier,
            failure_code=intent.get("cancellation_reason") or "",
        )
    # processing, requires_confirmation, requires_capture: not decided yet.
    return ChargeResult(status=Payment.Status.PROCESSING, provider_payment_id=identifier)


def refund_result(refund: dict) -> RefundResult:
    """A Stripe Refund (as a dict) in the shop's terms."""
    status = refund.get("status")
    if status == "succeeded":
        return RefundResult(status=Refund.Status.SUCCEEDED, provider_refund_id=refund["id"])
    if status in ("failed", "canceled"):
        return RefundResult(
            status=Refund.Status.FAILED,
            provider_refund_id=refund["id"],
            failure_code=refund.get("failure_reason") or status,
        )
    return RefundResult(status=Refund.Status.PENDING, provider_refund_id=refund["id"])


def _declined(error: stripe.CardError) -> ChargeResult:
    details = error.error
    intent = getattr(details, "payment_intent", None) if details else None
    return ChargeResult(
        status=Payment.Status.FAILED,
        provider_payment_id=intent.id if intent else "",
        failure_code=_failure_code(error.code, getattr(details, "decline_code", None)),
        failure_message=(error.user_message or "")[:255],
    )


def _failure_code(code: str | None, decline_code: str | None) -> str:
    # card_declined + insufficient_funds → insufficient_funds, like the sandbox's codes;
    # generic_decline says no more than card_declined.
    if code == "card_declined" and decline_code and decline_code != "generic_decline":
        return decline_code
    return FAILURE_CODES.get(code or "", code or "card_declined")


def _translated(error: stripe.StripeError) -> Exception:
    if isinstance(error, stripe.IdempotencyError):
        return IdempotencyKeyReused(
            _("This idempotency key was already used for a different request.")
        )
    if isinstance(error, stripe.APIConnectionError | stripe.APIError):
        # The request may have reached Stripe: the outcome is unknown, not a failure.
        return ProviderTimeout(str(error))
    return _provider_error()


def _invalid_webhook() -> InvalidInput:
    return InvalidInput(_("The webhook body is not a valid event."), code="invalid_webhook")


def _invalid_token() -> InvalidPaymentToken:
    message = _("This payment token is not valid.")
    return InvalidPaymentToken(message, fields={"token": [message]})


def _provider_error() -> ProviderError:
    return ProviderError(_("The payment provider could not handle the request. Please try again."))


def _absolute(url: str) -> str:
    """Stripe needs an absolute return address; the shop's own paths get SHOP_URL."""
    return settings.SHOP_URL.rstrip("/") + url if url.startswith("/") else url
