"""Cart writes. Every change to a cart's lines locks the cart row first (`locks.lock_cart`),
so two requests changing the same cart run one after the other: a product never gets two
lines (also a unique constraint) and the stock check of a line sees the quantity the line
really has.

The stock check here is advice to the shopper, not a reservation: stock is reserved when
the order is placed (`inventory.services.reserve_stock`), so a cart never holds stock
another buyer could be refused."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.cart import locks
from orchestre.cart.errors import (
    MAX_QUANTITY,
    MIN_QUANTITY,
    CartClosed,
    CartCompleted,
    CartExpired,
    CheckoutInProgress,
    EmptyCart,
    InvalidQuantity,
    NotEnoughStock,
    NotForSale,
    UnknownCart,
    UnknownLine,
    UnknownSku,
)
from orchestre.cart.models import Cart, CartLine
from orchestre.cart.selectors import ACTIVE_STATUSES, get_cart, parse_cart_id
from orchestre.catalog.models import Product
from orchestre.catalog.selectors import PRODUCT_IDENTIFIER
from orchestre.core.errors import InvalidInput
from orchestre.inventory.selectors import available_quantities

MAX_ROW_ID = 2**63 - 1  # a larger id would overflow the database's integer, not miss


@dataclass(frozen=True)
class CappedLine:
    """A line of a merge that could not keep the quantity of both carts."""

    sku: str
    name: str
    wanted: int
    kept: int


def create_cart(*, user=None, language: str = "fr") -> Cart:
    """A new, empty guest cart in `language`. For an account, its current cart (an account
    has one cart at a time), created when it has none."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(
            _("Unknown language."), code="invalid_language", fields={"language": [language]}
        )
    if user is not None:
        return get_or_create_user_cart(user=user, language=language)
    with transaction.atomic():
        cart = Cart.objects.create(language=language)
    return get_cart(cart.pk)


def get_or_create_user_cart(*, user, language: str = "fr") -> Cart:
    """The account's current cart, lines loaded. Created when it has none; emptied and
    started afresh when it expired while open. Safe against concurrent calls for the same
    account (the one-active-cart constraint decides, the loser reads the winner's cart)."""
    with transaction.atomic():
        cart = Cart.objects.filter(user=user, status__in=ACTIVE_STATUSES).first()
        if cart is None:
            try:
                with transaction.atomic():
                    cart = Cart.objects.create(user=user, language=language)
            except IntegrityError:
                cart = Cart.objects.get(user=user, status__in=ACTIVE_STATUSES)
        elif cart.is_expired and cart.status == Cart.Status.OPEN:
            cart = locks.lock_cart(cart.pk)
            if cart.is_expired and cart.status == Cart.Status.OPEN:
                _renew(cart)
    return get_cart(cart.pk)


def _renew(cart: Cart) -> None:
    cart.lines.all().delete()
    Cart.objects.filter(pk=cart.pk).update(
        email="",
        shipping_address=None,
        billing_address=None,
        delivery_method_code="",
        updated_at=timezone.now(),
    )


def add_line(*, cart_id, sku: str, quantity: int) -> CartLine:
    """Put `quantity` units of the product `sku` in the cart; a product already there gets
    a larger quantity on its one line. The product's total in the cart may not exceed what
    can be ordered now (`inventory.selectors.available_quantities`) nor MAX_QUANTITY.

    Locks the cart row. Raises UnknownCart, CartClosed / CartExpired (409), UnknownSku (404),
    InvalidQuantity, NotForSale (400), NotEnoughStock (409, "insufficient_stock"); nothing
    changes then."""
    cart_id = parse_cart_id(cart_id)
    _check_quantity(quantity)
    sku = str(sku).strip().upper()
    with transaction.atomic():
        cart = locks.lock_cart(cart_id)
        _check_open(cart)
        product = (
            Product.objects.select_related("price").filter(sku=sku).first()
            if PRODUCT_IDENTIFIER.fullmatch(sku)
            else None
        )
        if product is None:
            raise UnknownSku(sku)
        if not product.is_active or getattr(product, "price", None) is None:
            raise NotForSale(product.name)
        line = CartLine.objects.filter(cart=cart, product=product).first()
        in_cart = line.quantity if line else 0
        if in_cart + quantity > MAX_QUANTITY:
            raise InvalidQuantity()
        available = available_quantities([product.pk])[product.pk]
        if in_cart + quantity > available:
            raise NotEnoughStock(
                sku=product.sku, name=product.name, available=available, in_cart=in_cart
            )
        if line is None:
            line = CartLine.objects.create(cart=cart, product=product, quantity=quantity)
        else:
            # Conditional: even a writer that skipped the cart lock cannot take the line
            # past the stock seen here.
            grown = CartLine.objects.filter(pk=line.pk, quantity__lte=available - quantity).update(
                quantity=F("quantity") + quantity
            )
            if not grown:
                raise NotEnoughStock(
                    sku=product.sku, name=product.name, available=available, in_cart=in_cart
                )
            line.quantity = in_cart + quantity
        _touch(cart)
    line.product = product
    return line


def update_line(*, cart_id, line_id: int, quantity: int) -> CartLine:
    """Set the quantity of one line (1 to MAX_QUANTITY, at most what can be ordered now).

    Locks the cart row. Raises UnknownCart, UnknownLine (404), CartClosed / CartExpired,
    InvalidQuantity, NotEnoughStock; nothing changes then."""
    cart_id = parse_cart_id(cart_id)
    _check_quantity(quantity)
    with transaction.atomic():
        cart = locks.lock_cart(cart_id)
        _check_open(cart)
        line = _line_of(cart, line_id)
        product = line.product
        available = available_quantities([product.pk])[product.pk]
        if quantity > available:
            raise NotEnoughStock(sku=product.sku, name=product.name, available=available, in_cart=0)
        CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
        line.quantity = quantity
        _touch(cart)
    return line


def remove_line(*, cart_id, line_id: int) -> Cart:
    """Take one line out of the cart; returns the cart, lines loaded.

    Locks the cart row. Raises UnknownCart, UnknownLine, CartClosed / CartExpired."""
    cart_id = parse_cart_id(cart_id)
    with transaction.atomic():
        cart = locks.lock_cart(cart_id)
        _check_open(cart)
        _line_of(cart, line_id).delete()
        _touch(cart)
    return get_cart(cart_id)


def merge_carts(*, guest_cart_id, user) -> Cart:
    """Move the lines of a guest cart into the account's cart, at sign-in. Quantities of a
    product in both carts add up, capped at what can be ordered now and at MAX_QUANTITY; a
    product out of stock is left out. The account's cart also takes the guest cart's
    checkout details it does not have yet. The guest cart is left empty.

    Returns the account's cart, lines loaded, with `capped_lines`: list[CappedLine] naming
    each product that could not keep its full quantity. Nothing is merged (and
    `capped_lines` is empty) when the guest cart is unknown, expired, ordered or being
    ordered, belongs to an account, or the account's cart is being ordered.

    Locks both carts, in primary-key order."""
    capped: list[CappedLine] = []
    with transaction.atomic():
        user_cart_id = get_or_create_user_cart(user=user).pk
        try:
            guest_cart_id = parse_cart_id(guest_cart_id)
        except UnknownCart:
            guest_cart_id = user_cart_id
        if guest_cart_id != user_cart_id:
            carts = locks.lock_carts([guest_cart_id, user_cart_id])
            guest, user_cart = carts.get(guest_cart_id), carts[user_cart_id]
            if (
                guest is not None
                and guest.user_id is None
                and guest.status == Cart.Status.OPEN
                and not guest.is_expired
                and user_cart.status == Cart.Status.OPEN
            ):
                capped = _move_lines(guest, user_cart)
                _take_details(guest, user_cart)
                _touch(user_cart)
    cart = get_cart(user_cart_id)
    cart.capped_lines = capped
    return cart


def _move_lines(guest: Cart, user_cart: Cart) -> list[CappedLine]:
    guest_lines = list(guest.lines.select_related("product"))
    user_lines = {line.product_id: line for line in user_cart.lines.all()}
    available = available_quantities([line.product_id for line in guest_lines])
    capped = []
    for guest_line in guest_lines:
        product = guest_line.product
        existing = user_lines.get(product.pk)
        wanted = guest_line.quantity + (existing.quantity if existing else 0)
        kept = max(0, min(wanted, available[product.pk], MAX_QUANTITY))
        if kept < wanted:
            capped.append(CappedLine(sku=product.sku, name=product.name, wanted=wanted, kept=kept))
        if existing is not None and kept:
            CartLine.objects.filter(pk=existing.pk).update(quantity=kept)
        elif existing is not None:
            existing.delete()
        elif kept:
            CartLine.objects.create(
                cart=user_cart, product=product, quantity=kept, created_at=guest_line.created_at
            )
    guest.lines.all().delete()
    return capped


def _take_details(guest: Cart, user_cart: Cart) -> None:
    details = {}
    for field in ("email", "shipping_address", "billing_address", "delivery_method_code"):
        if not getattr(user_cart, field) and getattr(guest, field):
            details[field] = getattr(guest, field)
    if details:
        Cart.objects.filter(pk=user_cart.pk).update(**details)


def set_checkout_details(
    *,
    cart_id,
    email: str,
    shipping_address: dict | None,
    billing_address: dict | None,
    delivery_method_code: str,
) -> Cart:
    """Store the checkout details as given (checkout validates them before); returns the
    cart, lines loaded. Locks the cart row. Raises UnknownCart, CartClosed / CartExpired."""
    cart_id = parse_cart_id(cart_id)
    with transaction.atomic():
        cart = locks.lock_cart(cart_id)
        _check_open(cart)
        Cart.objects.filter(pk=cart_id).update(
            email=email or "",
            shipping_address=shipping_address,
            billing_address=billing_address,
            delivery_method_code=delivery_method_code or "",
            updated_at=timezone.now(),
        )
    return get_cart(cart_id)


def begin_checkout(*, cart_id) -> Cart:
    """Claim the cart for ordering: open → checking_out with one conditional UPDATE, so of
    two concurrent calls exactly one succeeds; its lines can no longer change. Returns the
    cart, lines loaded. Raises UnknownCart, CheckoutInProgress / CartCompleted /
    CartExpired (409), EmptyCart (400)."""
    cart_id = parse_cart_id(cart_id)
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Cart.objects.filter(
                pk=cart_id,
                status=Cart.Status.OPEN,
                updated_at__gt=now - timedelta(days=settings.CART_LIFETIME_DAYS),
            )
            .filter(Exists(CartLine.objects.filter(cart=OuterRef("pk"))))
            .update(status=Cart.Status.CHECKING_OUT, updated_at=now)
        )
        if not claimed:
            cart = Cart.objects.filter(pk=cart_id).first()
            if cart is None:
                raise UnknownCart()
            if cart.status == Cart.Status.COMPLETED:
                raise CartCompleted()
            if cart.status == Cart.Status.CHECKING_OUT:
                raise CheckoutInProgress()
            if cart.is_expired:
                raise CartExpired()
            raise EmptyCart()
    return get_cart(cart_id)


def reopen_cart(*, cart_id) -> Cart:
    """Give a cart back to its shopper after a failed or abandoned order:
    checking_out → open (already open: unchanged). Returns the cart, lines loaded. Raises
    UnknownCart, CartCompleted."""
    cart_id = parse_cart_id(cart_id)
    with transaction.atomic():
        reopened = Cart.objects.filter(pk=cart_id, status=Cart.Status.CHECKING_OUT).update(
            status=Cart.Status.OPEN, updated_at=timezone.now()
        )
        if not reopened:
            cart = Cart.objects.filter(pk=cart_id).first()
            if cart is None:
                raise UnknownCart()
            if cart.status == Cart.Status.COMPLETED:
                raise CartCompleted()
    return get_cart(cart_id)


def complete_cart(*, cart_id, order_number: str) -> Cart:
    """Mark the cart ordered as `order_number` (from open or checking_out). Idempotent: the
    same order number again changes nothing. Returns the cart, lines loaded. Raises
    UnknownCart, CartCompleted when it was ordered under another number."""
    cart_id = parse_cart_id(cart_id)
    with transaction.atomic():
        completed = Cart.objects.filter(pk=cart_id, status__in=ACTIVE_STATUSES).update(
            status=Cart.Status.COMPLETED, order_number=order_number, updated_at=timezone.now()
        )
        if not completed:
            cart = Cart.objects.filter(pk=cart_id).first()
            if cart is None:
                raise UnknownCart()
            if cart.order_number != order_number:
                raise CartCompleted()
    return get_cart(cart_id)


def _check_quantity(quantity) -> None:
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not MIN_QUANTITY <= quantity <= MAX_QUANTITY
    ):
        raise InvalidQuantity()


def _check_open(cart: Cart) -> None:
    if cart.status != Cart.Status.OPEN:
        raise CartClosed(completed=cart.status == Cart.Status.COMPLETED)
    if cart.is_expired:
        raise CartExpired()


def _line_of(cart: Cart, line_id) -> CartLine:
    if isinstance(line_id, bool) or not isinstance(line_id, int) or not 0 < line_id <= MAX_ROW_ID:
        raise UnknownLine()
    line = CartLine.objects.select_related("product").filter(pk=line_id, cart=cart).first()
    if line is None:
        raise UnknownLine()
    return line


def _touch(cart: Cart) -> None:
    """A change keeps the cart alive for another CART_LIFETIME_DAYS."""
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def delete_stale_carts(*, now=None) -> int:
    """Delete the carts nobody has touched for CART_LIFETIME_DAYS: expired open carts and
    old completed ones (their order keeps everything it needs). A cart being checked out is
    kept until its checkout settles. Returns the carts deleted; run by the worker."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CART_LIFETIME_DAYS)
    stale = Cart.objects.filter(updated_at__lt=cutoff).exclude(status=Cart.Status.CHECKING_OUT)
    deleted, per_model = stale.delete()
    return per_model.get(Cart._meta.label, 0)
