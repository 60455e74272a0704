"""Cart reads. A cart is always returned with its lines, each line with its product, the
product's price and VAT rate: what the pricing pipeline (`checkout.totals.price_cart`)
reads, in two queries."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from orchestre.cart.errors import UnknownCart
from orchestre.cart.models import Cart, CartLine
from orchestre.inventory.selectors import available_quantities

ACTIVE_STATUSES = (Cart.Status.OPEN, Cart.Status.CHECKING_OUT)


def parse_cart_id(value) -> uuid.UUID:
    """The cart id in `value` (a UUID or its text); UnknownCart when it cannot be one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise UnknownCart() from None


def _carts_with_lines() -> QuerySet[Cart]:
    lines = CartLine.objects.select_related(
        "product", "product__price", "product__price__vat_rate"
    ).order_by("created_at", "id")
    return Cart.objects.prefetch_related(Prefetch("lines", queryset=lines))


def _unexpired(carts: QuerySet[Cart]) -> QuerySet[Cart]:
    cutoff = timezone.now() - timedelta(days=settings.CART_LIFETIME_DAYS)
    return carts.filter(status__in=ACTIVE_STATUSES, updated_at__gt=cutoff)


def get_cart(cart_id) -> Cart:
    """The cart with its lines loaded (two queries), whatever its status; raises
    UnknownCart (404, code "unknown_cart")."""
    cart = _carts_with_lines().filter(pk=parse_cart_id(cart_id)).first()
    if cart is None:
        raise UnknownCart()
    return cart


def get_guest_cart(cart_id) -> Cart | None:
    """The guest cart (no account) with this id if it can still be used: not ordered yet
    and not expired; lines loaded. None otherwise, also for a malformed id."""
    try:
        cart_id = parse_cart_id(cart_id)
    except UnknownCart:
        return None
    return _unexpired(_carts_with_lines()).filter(pk=cart_id, user__isnull=True).first()


def get_open_cart_for_user(user) -> Cart | None:
    """The account's current cart (open, or being ordered), lines loaded; None when it has
    none or it expired (the next change starts it afresh, see
    `services.get_or_create_user_cart`)."""
    return _unexpired(_carts_with_lines()).filter(user=user).first()


def list_stock_shortages(cart: Cart) -> dict[int, int]:
    """Lines of a loaded cart asking for more than can be ordered now: line id → units
    available (stock may have sold out since the line was added). One query."""
    lines = list(cart.lines.all())
    if not lines:
        return {}
    available = available_quantities([line.product_id for line in lines])
    return {
        line.pk: available.get(line.product_id, 0)
        for line in lines
        if line.quantity > available.get(line.product_id, 0)
    }
