"""Row locks of the cart: the only place its rows are locked, in primary-key order so two
transactions locking the same carts cannot deadlock.

Every change to a cart's lines first locks the cart row, so changes to one cart run one at
a time: the stock check of a line and its write see the same quantities. On SQLite
`select_for_update` is a no-op: write transactions are IMMEDIATE there (see settings), so
writers already run one at a time."""

import uuid

from orchestre.cart.errors import UnknownCart
from orchestre.cart.models import Cart


def lock_cart(cart_id: uuid.UUID) -> Cart:
    """The cart, locked until the transaction ends; UnknownCart when there is none. Call
    inside `transaction.atomic()`."""
    cart = Cart.objects.select_for_update().filter(pk=cart_id).first()
    if cart is None:
        raise UnknownCart()
    return cart


def lock_carts(cart_ids: list[uuid.UUID]) -> dict[uuid.UUID, Cart]:
    """The carts that exist among `cart_ids`, locked in primary-key order until the
    transaction ends. Call inside `transaction.atomic()`."""
    carts = Cart.objects.select_for_update().filter(pk__in=cart_ids).order_by("pk")
    return {cart.pk: cart for cart in carts}
