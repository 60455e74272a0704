"""Payment errors with stable codes, and the shopper's wording of a decline reason."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orchestre.core.errors import Conflict, DomainError, InvalidInput


class InvalidSignature(InvalidInput):
    """A webhook whose signature is missing, wrong or too old (a replay)."""

    code = "invalid_signature"


class InvalidPaymentToken(InvalidInput):
    code = "invalid_payment_token"


class UnknownProvider(InvalidInput):
    code = "unknown_payment_provider"


class ProviderNotConfigured(DomainError):
    """The provider is listed in PAYMENT_PROVIDERS but its keys are missing."""

    code = "payment_provider_not_configured"
    status = 503


class ProviderError(DomainError):
    """The provider refused the request for a reason that is not the shopper's (bad API
    key, rate limit, unexpected answer). Nothing was charged; trying again is safe."""

    code = "payment_provider_error"
    status = 502


class IdempotencyKeyReused(Conflict):
    """The same idempotency key came with different parameters (amount, currency...)."""

    code = "idempotency_key_reused"


class RefundNotAllowed(Conflict):
    code = "payment_not_refundable"


class RefundExceedsPayment(Conflict):
    code = "refund_exceeds_payment"


class PaymentDeclined(DomainError):
    """For interfaces that answer a failed payment with an error (HTTP 402)."""

    code = "payment_declined"
    status = 402

    def __init__(self, failure_code: str):
        super().__init__(
            decline_message(failure_code), fields={"payment": [decline_message(failure_code)]}
        )
        self.failure_code = failure_code


DECLINE_MESSAGES = {
    "card_declined": gettext_lazy("Your card was declined. Please use another card."),
    "insufficient_funds": gettext_lazy(
        "Your card has insufficient funds. Please use another card."
    ),
    "expired_card": gettext_lazy("Your card has expired. Please use another card."),
    "incorrect_cvc": gettext_lazy("The card's security code is incorrect."),
    "authentication_failed": gettext_lazy(
        "The payment was not authorised by your bank. Please try again or use another card."
    ),
    "invalid_payment_token": gettext_lazy("The card details are invalid. Please enter them again."),
}


def decline_message(failure_code: str) -> str:
    """What to tell the shopper about a failed payment, in the active language; processors'
    own messages are English and meant for developers."""
    message = DECLINE_MESSAGES.get(failure_code)
    if message is None:
        return _("The payment did not go through. Please try again or use another card.")
    return str(message)
