"""Which cart a visitor of the shop is using.

A signed-in visitor uses their account's cart. A guest's cart id is kept in a signed
cookie (not the session: catalogue pages are cached whole and served without looking at the
session, and a guest needs no session for a cart). The id is a random UUID and the
signature stops a forged value from even being looked up."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from orchestre.cart.models import Cart
from orchestre.cart.selectors import get_guest_cart, get_open_cart_for_user

COOKIE_NAME = "orchestre_cart"
COOKIE_SALT = "orchestre.storefront.cart"
COOKIE_MAX_AGE = settings.CART_LIFETIME_DAYS * 24 * 3600


def guest_cart_id(request: HttpRequest) -> str | None:
    """The cart id of the visitor's cookie, when it carries a valid signature."""
    return request.get_signed_cookie(
        COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )


def current_cart(request: HttpRequest) -> Cart | None:
    """The visitor's cart, lines loaded, if they have one that is not ordered yet nor
    expired (it may be being ordered: `cart.status`)."""
    if request.user.is_authenticated:
        return get_open_cart_for_user(request.user)
    cart_id = guest_cart_id(request)
    return get_guest_cart(cart_id) if cart_id else None


def attach_cart(response: HttpResponse, cart: Cart) -> None:
    """Remember a guest's cart in their browser for CART_LIFETIME_DAYS from now (each
    change renews it, as it renews the cart). An account's cart is found by the account,
    so the cookie is dropped instead."""
    if cart.user_id is not None:
        forget_cart(response)
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        str(cart.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_cart(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
