"""The cart pages: add to cart (from any product page or card), the cart page with its
quantity forms, and the mini-cart of the header.

Every response here is the visitor's own: `Cache-Control: private, no-store`. Each form
works without JavaScript (POST, then a redirect to the cart page with a message); with htmx
the same views answer with the part of the page that changed and trigger `cart-changed`,
on which the header's mini-cart reloads."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from orchestre.cart import services
from orchestre.cart.errors import InvalidQuantity, NotEnoughStock, UnknownLine
from orchestre.cart.models import Cart
from orchestre.cart.selectors import get_cart, list_stock_shortages
from orchestre.checkout.totals import price_cart
from orchestre.core.errors import DomainError
from orchestre.storefront.cart_session import attach_cart, current_cart

CART_CHANGED = "cart-changed"
SAFE_FETCH_SITES = {"same-origin", "none"}
MAX_QUANTITY_LENGTH = 6
LEVELS = {"success", "warning", "error"}


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The response is one visitor's: no cache may keep or share it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@dataclass(frozen=True)
class Notice:
    """A message about what a form did, shown in the page's status region; `level` is
    "success", "warning" or "error"."""

    text: str
    level: str = "success"

    @classmethod
    def from_messages(cls, request: HttpRequest) -> list["Notice"]:
        """The messages queued for the visitor (by a form before a redirect)."""
        return [
            cls(str(message), level=message.level_tag if message.level_tag in LEVELS else "success")
            for message in messages.get_messages(request)
        ]


# Add to cart ---------------------------------------------------------------------------


def is_same_origin_request(request: HttpRequest) -> bool:
    """Whether the browser says the form was sent by the shop's own pages.

    `Sec-Fetch-Site` is set by every current browser and cannot be forged by a page; it is
    absent from older browsers and non-browser clients, which no other site can drive. An
    `Origin` header, when sent, must be this site (or a trusted origin, as for Django's
    CSRF check)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in SAFE_FETCH_SITES:
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


# The add-to-cart form sits on catalogue pages, which are cached whole and shared by every
# visitor (page_cache.py), so it cannot carry a visitor's CSRF token. Instead of the token,
# the view refuses requests another site made the browser send (is_same_origin_request).
# Every other cart form is on the per-visitor cart page and uses Django's token.
@csrf_exempt
@require_POST
@private_page
def add_to_cart(request: HttpRequest) -> HttpResponse:
    if not is_same_origin_request(request):
        return HttpResponseForbidden(
            _("This form can only be sent from the shop's own pages."), content_type="text/plain"
        )
    sku = request.POST.get("sku", "")
    quantity = _quantity(request.POST.get("quantity", "1"))
    cart = current_cart(request)
    try:
        if quantity is None:
            raise InvalidQuantity()
        if cart is None:
            cart = services.create_cart(
                user=request.user if request.user.is_authenticated else None,
                language=get_language(),
            )
        line = services.add_line(cart_id=cart.pk, sku=sku, quantity=quantity)
    except DomainError as error:
        if request.htmx:  # shown next to the product's button
            response = render(
                request,
                "storefront/cart/_added.html",
                {"error": error.message},
                status=error.status,
            )
        else:
            messages.error(
                request, _("Not added to your cart: %(reason)s") % {"reason": _reason(error)}
            )
            response = redirect("storefront:cart")
    else:
        name = line.product.name
        if request.htmx:
            response = render(
                request, "storefront/cart/_added.html", {"name": name, "quantity": quantity}
            )
            response["HX-Trigger"] = CART_CHANGED
        else:
            messages.success(
                request,
                _("Added to your cart: %(quantity)d × %(name)s.")
                % {"quantity": quantity, "name": name},
            )
            response = redirect("storefront:cart")
    if cart is not None:
        attach_cart(response, cart)
    return response


# The cart page -------------------------------------------------------------------------


@require_GET
@private_page
def cart_page(request: HttpRequest) -> HttpResponse:
    context = _cart_context(current_cart(request)) | {"notices": Notice.from_messages(request)}
    return render(request, "storefront/cart/cart.html", context)


@require_POST
@private_page
def update_line(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = current_cart(request)
    if cart is None:
        return _cart_gone(request)
    line = _find_line(cart, line_id)
    if line is None:
        error = UnknownLine()
        return _answer(request, cart, Notice(error.message, level="error"), status=error.status)
    name = line.product.name
    quantity = _quantity(request.POST.get("quantity", ""))
    try:
        if quantity is None:
            raise InvalidQuantity()
        services.update_line(cart_id=cart.pk, line_id=line_id, quantity=quantity)
    except DomainError as error:
        return _answer(
            request,
            cart,
            Notice(_("%(name)s: %(reason)s") % {"name": name, "reason": error.message}, "error"),
            status=error.status,
            line_errors={line_id: error.message},
            focus=f"quantity-{line_id}",
        )
    notice = Notice(
        _("%(name)s: quantity changed to %(quantity)d.") % {"name": name, "quantity": quantity}
    )
    return _answer(request, cart, notice, focus=f"quantity-{line_id}", changed=True)


@require_POST
@private_page
def remove_line(request: HttpRequest, line_id: int) -> HttpResponse:
    cart = current_cart(request)
    if cart is None:
        return _cart_gone(request)
    line = _find_line(cart, line_id)
    try:
        if line is None:
            raise UnknownLine()
        services.remove_line(cart_id=cart.pk, line_id=line_id)
    except DomainError as error:
        return _answer(request, cart, Notice(error.message, level="error"), status=error.status)
    notice = Notice(_("%(name)s was removed from your cart.") % {"name": line.product.name})
    return _answer(request, cart, notice, changed=True)


def _answer(
    request: HttpRequest,
    cart: Cart,
    notice: Notice,
    *,
    status: int = 200,
    line_errors: dict[int, str] | None = None,
    focus: str = "cart-heading",
    changed: bool = False,
) -> HttpResponse:
    """After a cart form: with htmx, the new cart table and totals (the line's error next to
    its field) and the notice; without, a redirect to the cart page showing the notice."""
    if not request.htmx:
        messages.add_message(request, getattr(messages, notice.level.upper()), notice.text)
        return redirect("storefront:cart")
    context = _cart_context(get_cart(cart.pk), line_errors=line_errors or {}) | {
        "notices": [notice],
        "focus": focus,
    }
    response = render(request, "storefront/cart/_update.html", context, status=status)
    if changed:
        response["HX-Trigger"] = CART_CHANGED
    return response


def _cart_gone(request: HttpRequest) -> HttpResponse:
    notice = Notice(_("Your cart has expired or was ordered; it is empty now."), level="error")
    if not request.htmx:
        messages.error(request, notice.text)
        return redirect("storefront:cart")
    context = _cart_context(None) | {"notices": [notice], "focus": "cart-heading"}
    response = render(request, "storefront/cart/_update.html", context, status=409)
    response["HX-Trigger"] = CART_CHANGED
    return response


def _cart_context(cart: Cart | None, *, line_errors: dict[int, str] | None = None) -> dict:
    if cart is None:
        return {"cart": None, "rows": [], "unavailable_lines": [], "totals": None}
    totals = price_cart(cart)
    is_open = cart.status == Cart.Status.OPEN
    shortages = list_stock_shortages(cart) if is_open else {}
    line_errors = line_errors or {}
    rows = [
        {
            "line": line,
            "error": line_errors.get(line.line_id, ""),
            "available": shortages.get(line.line_id),
        }
        for line in totals.lines
    ]
    unavailable = set(totals.unavailable_skus)
    return {
        "cart": cart,
        "is_open": is_open,
        "rows": rows,
        "unavailable_lines": [line for line in cart.lines.all() if line.product.sku in unavailable],
        "totals": totals,
        "has_shortages": bool(shortages),
    }


def _find_line(cart: Cart, line_id: int):
    return next((line for line in cart.lines.all() if line.pk == line_id), None)


def _quantity(value: str) -> int | None:
    value = value.strip()
    if not value.isdigit() or len(value) > MAX_QUANTITY_LENGTH:
        return None
    return int(value)


def _reason(error: DomainError) -> str:
    """The error's message, naming the product when the message itself does not."""
    if isinstance(error, NotEnoughStock) and error.available > 0:
        return _("%(name)s: %(reason)s") % {"name": error.name, "reason": error.message}
    return error.message


# The header's mini-cart ----------------------------------------------------------------


@require_GET
@private_page
def mini_cart(request: HttpRequest) -> HttpResponse:
    """The header's cart link with the number of items. Loaded by htmx on every page, since
    the pages themselves are cached for all visitors."""
    cart = current_cart(request)
    count = sum(line.quantity for line in cart.lines.all()) if cart else 0
    return render(request, "storefront/cart/_mini.html", {"count": count})
