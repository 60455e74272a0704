"""Payment providers' webhooks: signed, verified, de-duplicated by event id."""

from django.http import HttpRequest
from ninja import Router, Schema

from orchestre.api.errors import ErrorOut
from orchestre.checkout.services import handle_payment_webhook

router = Router(tags=["payments"])


class WebhookOut(Schema):
    received: bool


@router.post(
    "/payments/webhooks/{provider}",
    response={200: WebhookOut, 400: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    summary="Receive a payment provider's event",
    description="Signature checked (HMAC for the sandbox, Stripe-Signature for Stripe); an "
    "event already received is acknowledged again and changes nothing.",
)
def payment_webhook(request: HttpRequest, provider: str):
    handle_payment_webhook(provider=provider, body=request.body, headers=request.headers)
    return {"received": True}
