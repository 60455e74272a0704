"""Helpers of the payment tests: starting sandbox payments and delivering the sandbox's
webhooks straight to `handle_webhook`, the way the shop's webhook endpoint does."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orchestre.payments.errors import InvalidSignature
from orchestre.payments.models import Payment
from orchestre.payments.providers.sandbox_processor import deliver_due_sandbox_webhooks
from orchestre.payments.services import handle_webhook, start_payment

KEY = "OR-2026-00001:charge"


def pay(token: str = "tok_success", **overrides) -> Payment:
    arguments = {
        "provider": "sandbox",
        "token": token,
        "amount": Decimal("42.50"),
        "currency": "EUR",
        "reference": "OR-2026-00001",
        "idempotency_key": KEY,
        "return_url": "/checkout/return/abc/",
    }
    return start_payment(**(arguments | overrides))


class ShopEndpoint:
    """A transport that hands each webhook to `handle_webhook` and answers like the shop's
    endpoint: 200, or 400 when the signature is refused."""

    def __init__(self):
        self.received: list[tuple[str, bytes, dict]] = []
        self.changed: list[Payment] = []

    def __call__(self, url: str, body: bytes, headers: dict) -> int:
        self.received.append((url, body, headers))
        try:
            payment = handle_webhook(provider="sandbox", body=body, headers=headers)
        except InvalidSignature:
            return 400
        if payment is not None:
            self.changed.append(payment)
        return 200


def deliver(transport, *, after_seconds: int = 0) -> int:
    """Run the sandbox's sender as the worker would, `after_seconds` from now."""
    return deliver_due_sandbox_webhooks(
        now=timezone.now() + timedelta(seconds=after_seconds), transport=transport
    )
