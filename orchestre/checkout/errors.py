from orchestre.core.errors import Conflict, DomainError


class PaymentDeclined(DomainError):
    """The provider refused the payment; the order is cancelled and the cart reopened. The
    code is the provider's reason (`card_declined`, `insufficient_funds`...)."""

    code = "payment_declined"
    status = 402


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
