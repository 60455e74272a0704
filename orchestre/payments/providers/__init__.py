"""The provider registry: which providers the shop offers (settings.PAYMENT_PROVIDERS) and
the adapter for each. Adapters are imported on first use, so the Stripe library is only
loaded by shops that use it."""

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from orchestre.payments.errors import UnknownProvider
from orchestre.payments.providers.base import PaymentProvider

ADAPTERS = {
    "sandbox": "orchestre.payments.providers.sandbox.SandboxProvider",
    "stripe": "orchestre.payments.providers.stripe.StripeProvider",
}


def get_provider(name: str) -> PaymentProvider:
    """The adapter of an enabled provider. Raises UnknownProvider when `name` is not in
    PAYMENT_PROVIDERS, ProviderNotConfigured when its keys are missing (Stripe without
    STRIPE_SECRET_KEY)."""
    if name not in settings.PAYMENT_PROVIDERS or name not in ADAPTERS:
        message = _("This payment method is not available.")
        raise UnknownProvider(message, fields={"provider": [message]})
    return import_string(ADAPTERS[name])()
