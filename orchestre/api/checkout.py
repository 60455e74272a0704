"""Checkout endpoints: the details of a cart, its delivery methods, and completing it."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema, Status

from orchestre.api.carts import CartOut, cart_out
from orchestre.api.carts import router as carts_router
from orchestre.api.errors import ErrorOut
from orchestre.api.orders import OrderOut, order_out
from orchestre.cart.selectors import get_cart
from orchestre.checkout import services
from orchestre.checkout.selectors import list_cart_delivery_options

router = Router(tags=["checkout"])

ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class AddressIn(Schema):
    """Validated by the shop (postcode format per country); every field is a string."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""


class CartDetailsIn(Schema):
    """Only the fields sent change. `billing_address: null` means "same as shipping"."""

    email: str | None = None
    shipping_address: AddressIn | None = None
    billing_address: AddressIn | None = None
    delivery_method: str | None = None


class DeliveryMethodOut(Schema):
    code: str
    kind: str
    name: str
    carrier: str
    price: str
    currency: str
    is_free: bool
    earliest_delivery: date
    latest_delivery: date


class PaymentIn(Schema):
    provider: str
    token: str


class CompleteIn(Schema):
    payment: PaymentIn
    accept_terms: bool = False
    account_password: str = ""


# ninja serves one address from one router: this operation shares /carts/{cart_id} with
# the cart's GET, so it joins the carts router.
@carts_router.patch(
    "/carts/{cart_id}", response={200: CartOut, **ERRORS}, summary="Set checkout details"
)
def update_cart_details(request: HttpRequest, cart_id: str, payload: CartDetailsIn):
    given = payload.model_fields_set
    changes = {}
    if "email" in given:
        changes["email"] = payload.email
    if "shipping_address" in given:
        changes["shipping_address"] = (
            payload.shipping_address.model_dump() if payload.shipping_address else {}
        )
    if "billing_address" in given:
        changes["billing_address"] = (
            payload.billing_address.model_dump() if payload.billing_address else None
        )
    if "delivery_method" in given:
        changes["delivery_method"] = payload.delivery_method or ""
    cart = services.update_details(cart_id=cart_id, **changes)
    return cart_out(cart)


@router.get(
    "/carts/{cart_id}/delivery-methods",
    response={200: list[DeliveryMethodOut], **ERRORS},
    summary="Delivery methods for the cart's shipping address",
)
def delivery_methods(request: HttpRequest, cart_id: str, country: str = ""):
    cart = get_cart(cart_id)
    options = list_cart_delivery_options(cart, country=country.upper() or None)
    return [
        {
            "code": option.code,
            "kind": option.kind,
            "name": option.name,
            "carrier": option.carrier,
            "price": str(option.price),
            "currency": "EUR",
            "is_free": option.is_free,
            "earliest_delivery": option.earliest,
            "latest_delivery": option.latest,
        }
        for option in options
    ]


@router.post(
    "/carts/{cart_id}/complete",
    response={201: OrderOut, 202: OrderOut, 402: ErrorOut, **ERRORS},
    summary="Place the order and pay",
    description=(
        "Requires an `Idempotency-Key` header: the same key again returns the same order and "
        "never charges twice. 201: paid. 202: the payment needs the shopper (3-D Secure: "
        "follow `payment.next_action_url`) or its result comes later by webhook. 402: "
        "declined. 409: stock short (`insufficient_stock`) or the cart is not open."
    ),
)
def complete(request: HttpRequest, cart_id: str, payload: CompleteIn):
    outcome = services.complete_checkout(
        cart_id=cart_id,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        payment_provider=payload.payment.provider,
        payment_token=payload.payment.token,
        accept_terms=payload.accept_terms,
        account_password=payload.account_password,
        language=get_language() or "fr",
    )
    status = 201 if outcome.order.status != outcome.order.Status.AWAITING_PAYMENT else 202
    return Status(status, order_out(outcome.order, outcome.payment))
