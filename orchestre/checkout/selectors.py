"""Reads for the checkout pages and API."""

from orchestre.cart.models import Cart
from orchestre.checkout.totals import price_cart
from orchestre.shipping.selectors import DeliveryOption, list_delivery_options


def list_cart_delivery_options(
    cart: Cart, *, country: str | None = None, postcode: str | None = None
) -> list[DeliveryOption]:
    """The delivery methods open to the cart (by weight and value) for an address: the one
    given, else the cart's shipping address."""
    address = cart.shipping_address or {}
    if country is None:
        country, postcode = address.get("country"), address.get("postcode", "")
    if not country:
        return []
    totals = price_cart(cart)
    return list_delivery_options(
        country=country,
        postcode=postcode or "",
        weight_grams=totals.weight_grams,
        order_value=totals.subtotal,
    )


def chosen_delivery(cart: Cart) -> DeliveryOption | None:
    """The delivery method the cart has chosen, priced for it (None until one is chosen)."""
    if not (cart.delivery_method_code and cart.shipping_address):
        return None
    return next(
        (
            option
            for option in list_cart_delivery_options(cart)
            if option.code == cart.delivery_method_code
        ),
        None,
    )
