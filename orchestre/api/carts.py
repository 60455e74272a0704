"""Cart endpoints: create a cart, read it, add, change and remove lines.

A cart is addressed by its random UUID, which is all a client needs to use it, so it is
shared only with the shopper. Prices and totals always come from the shop's own pricing
pipeline (`checkout.totals.price_cart`): fields a client adds to a request body (a price,
a total) are ignored."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import wraps
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Strict

from orchestre.api.errors import ErrorOut
from orchestre.cart import services
from orchestre.cart.errors import MAX_QUANTITY, MIN_QUANTITY
from orchestre.cart.models import Cart
from orchestre.cart.selectors import get_cart
from orchestre.checkout.selectors import chosen_delivery
from orchestre.checkout.totals import Totals, price_cart

router = Router(tags=["carts"])

ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
AMOUNT = 'VAT included, a decimal string: "12.50".'


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A cart is one shopper's: no shared cache may keep it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


# Schemas -------------------------------------------------------------------------------


class CartLineIn(Schema):
    sku: Annotated[str, Strict()] = Field(max_length=64, description="The product's SKU.")
    quantity: Annotated[int, Strict()] = Field(
        description=f"{MIN_QUANTITY} to {MAX_QUANTITY}; added to the product's line when the "
        "cart already holds it. The product's total may not exceed the stock available."
    )


class CartLineQuantityIn(Schema):
    quantity: Annotated[int, Strict()] = Field(
        description=f"The line's new quantity, {MIN_QUANTITY} to {MAX_QUANTITY}, at most the "
        "stock available."
    )


class CartLineOut(Schema):
    id: int = Field(description="The line's id, for PATCH and DELETE.")
    sku: str
    name: str
    quantity: int
    unit_price: str = Field(description=AMOUNT)
    vat_rate: str = Field(description='A fraction, a decimal string: "0.20" for 20 %.')
    amount: str = Field(description=f"Unit price × quantity, {AMOUNT}")
    url: str = Field(description="The product's page in the shop.")
    image_url: str


class AdjustmentOut(Schema):
    code: str
    label: str
    amount: str = Field(description=f"Negative for a discount, {AMOUNT}")


class VatLineOut(Schema):
    rate: str = Field(description='A fraction: "0.20".')
    base: str = Field(description="Amount excluding VAT taxed at this rate.")
    vat: str


class DeliveryChosenOut(Schema):
    code: str
    name: str
    price: str = Field(description=AMOUNT)


class TotalsOut(Schema):
    currency: str
    item_count: int = Field(description="Units in the cart, every line's quantity added up.")
    subtotal: str = Field(description=f"The lines' amounts added up, {AMOUNT}")
    adjustments: list[AdjustmentOut] = Field(description="Discounts, applied before VAT.")
    discount_total: str
    delivery: DeliveryChosenOut | None = Field(description="Once a delivery method is chosen.")
    delivery_total: str
    vat_breakdown: list[VatLineOut] = Field(description="One entry per VAT rate.")
    vat_total: str
    total: str = Field(description=f"What the shopper pays, {AMOUNT}")


class CartOut(Schema):
    id: str = Field(description="The cart's random id: whoever knows it can use the cart.")
    status: str = Field(description="open, checking_out (being ordered) or completed.")
    language: str
    currency: str
    expires_at: datetime = Field(description="The cart expires when untouched until then.")
    email: str
    shipping_address: dict | None
    billing_address: dict | None
    delivery_method: str = Field(description="The chosen delivery method's code, or empty.")
    order_number: str = Field(description="The order's number once the cart is completed.")
    lines: list[CartLineOut] = Field(description="The products that can be ordered.")
    unavailable_skus: list[str] = Field(
        description="Products in the cart that are no longer for sale: left out of the "
        "totals, to remove before ordering."
    )
    totals: TotalsOut


# Serialisation -------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    """At least two decimals, more only when significant: 0.2000 → "0.20", 0.055 → "0.055"."""
    value = value.normalize()
    if value.as_tuple().exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def cart_out(cart: Cart, *, totals: Totals | None = None) -> dict:
    """The API's view of a cart loaded by `cart.selectors.get_cart`. `totals` defaults to
    the cart priced with its chosen delivery method, if any (then 2 more queries)."""
    if totals is None:
        totals = price_cart(cart, delivery=chosen_delivery(cart))
    return {
        "id": str(cart.pk),
        "status": cart.status,
        "language": cart.language,
        "currency": totals.currency,
        "expires_at": cart.expires_at,
        "email": cart.email,
        "shipping_address": cart.shipping_address,
        "billing_address": cart.billing_address,
        "delivery_method": cart.delivery_method_code,
        "order_number": cart.order_number,
        "lines": [
            {
                "id": line.line_id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": _amount(line.unit_price),
                "vat_rate": _rate(line.vat_rate),
                "amount": _amount(line.amount),
                "url": reverse("storefront:product", kwargs={"slug": line.slug}),
                "image_url": reverse("product_image", kwargs={"sku": line.sku}),
            }
            for line in totals.lines
        ],
        "unavailable_skus": totals.unavailable_skus,
        "totals": {
            "currency": totals.currency,
            "item_count": totals.item_count,
            "subtotal": _amount(totals.subtotal),
            "adjustments": [
                {
                    "code": adjustment.code,
                    "label": adjustment.label,
                    "amount": _amount(adjustment.amount),
                }
                for adjustment in totals.adjustments
            ],
            "discount_total": _amount(totals.discount_total),
            "delivery": (
                {
                    "code": totals.delivery.code,
                    "name": totals.delivery.name,
                    "price": _amount(totals.delivery.price),
                }
                if totals.delivery
                else None
            ),
            "delivery_total": _amount(totals.delivery_total),
            "vat_breakdown": [
                {"rate": _rate(vat.rate), "base": _amount(vat.base), "vat": _amount(vat.vat)}
                for vat in totals.vat_breakdown
            ],
            "vat_total": _amount(totals.vat_total),
            "total": _amount(totals.total),
        },
    }


# Endpoints -----------------------------------------------------------------------------


@router.post(
    "/carts",
    response={201: CartOut},
    summary="Create a cart",
    description="An empty guest cart, in the language of the request's Accept-Language.",
)
@decorate_view(private)
def create_cart(request: HttpRequest):
    cart = services.create_cart(language=get_language())
    return Status(201, cart_out(cart))


@router.get(
    "/carts/{cart_id}",
    response={200: CartOut, 404: ErrorOut},
    summary="A cart with its lines and totals",
)
@decorate_view(private)
def cart_detail(request: HttpRequest, cart_id: str):
    return cart_out(get_cart(cart_id))


@router.post(
    "/carts/{cart_id}/lines",
    response={201: CartOut, **ERRORS},
    summary="Add a product",
    description=(
        "404 `unknown_cart` / `unknown_sku`; 400 `invalid_quantity` / `not_for_sale`; "
        "409 `insufficient_stock` (the message says how many are left), `cart_closed` "
        "(being ordered or ordered) or `cart_expired`."
    ),
)
@decorate_view(private)
def add_line(request: HttpRequest, cart_id: str, payload: CartLineIn):
    services.add_line(cart_id=cart_id, sku=payload.sku, quantity=payload.quantity)
    return Status(201, cart_out(get_cart(cart_id)))


@router.patch(
    "/carts/{cart_id}/lines/{line_id}",
    response={200: CartOut, **ERRORS},
    summary="Change a line's quantity",
    description="404 `unknown_line` for a line of another cart; other errors as when adding.",
)
@decorate_view(private)
def update_line(request: HttpRequest, cart_id: str, line_id: int, payload: CartLineQuantityIn):
    services.update_line(cart_id=cart_id, line_id=line_id, quantity=payload.quantity)
    return cart_out(get_cart(cart_id))


@router.delete(
    "/carts/{cart_id}/lines/{line_id}",
    response={200: CartOut, **ERRORS},
    summary="Remove a line",
)
@decorate_view(private)
def remove_line(request: HttpRequest, cart_id: str, line_id: int):
    return cart_out(services.remove_line(cart_id=cart_id, line_id=line_id))
