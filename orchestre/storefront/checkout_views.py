"""The one-page checkout: details, delivery, summary, terms and payment on one form."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orchestre.cart.models import Cart
from orchestre.cart.selectors import get_cart
from orchestre.checkout import services
from orchestre.checkout.errors import PaymentDeclined
from orchestre.checkout.selectors import list_cart_delivery_options
from orchestre.checkout.totals import price_cart
from orchestre.core.errors import DomainError, NotFound
from orchestre.orders.selectors import get_order_by_token
from orchestre.payments.providers.sandbox_processor import TEST_TOKENS
from orchestre.storefront.cart_session import current_cart
from orchestre.storefront.checkout_form import CheckoutForm


def _private(response: HttpResponse) -> HttpResponse:
    """Per-visitor pages: never stored by browsers or proxies."""
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = current_cart(request)
    if cart is None or not cart.lines.all():
        messages.info(request, _("Your cart is empty."))
        return redirect("storefront:cart")
    if request.method == "GET":
        return _render(request, cart, CheckoutForm.from_cart(cart, request.user))
    form = CheckoutForm.from_post(request.POST)
    if request.POST.get("action") == "refresh-delivery":
        return _render(request, cart, form)
    try:
        services.update_details(cart_id=cart.pk, **form.details())
        outcome = services.complete_checkout(
            cart_id=cart.pk,
            idempotency_key=form.idempotency_key,
            payment_provider="sandbox",
            payment_token=form.payment_token,
            accept_terms=form.accept_terms,
            account_password=form.account_password,
            user=request.user if request.user.is_authenticated else None,
            language=get_language() or settings.LANGUAGE_CODE,
            shop_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except PaymentDeclined as error:
        form.renew_idempotency_key()
        form.add_error("payment_token", error.message)
        return _render(request, get_cart(cart.pk), form, status=402)
    except DomainError as error:
        form.renew_idempotency_key()
        form.add_domain_error(error)
        return _render(request, get_cart(cart.pk), form, status=error.status)
    payment = outcome.payment
    if payment is not None and payment.next_action_url:
        return redirect(payment.next_action_url)
    return redirect("storefront:order", token=outcome.order.access_token)


@require_POST
def delivery_options(request: HttpRequest) -> HttpResponse:
    """The delivery choices and the summary for the address being typed (htmx)."""
    cart = current_cart(request)
    if cart is None:
        return HttpResponse(status=204)
    form = CheckoutForm.from_post(request.POST)
    context = _delivery_context(cart, form)
    return _private(render(request, "storefront/checkout/_delivery_and_summary.html", context))


def checkout_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where the payment provider sends the shopper back (after 3-D Secure)."""
    try:
        order = get_order_by_token(token)
    except NotFound:
        return _private(render(request, "storefront/checkout/unknown_order.html", status=404))
    order = services.sync_order_payment(order=order)
    if order.status == order.Status.CANCELLED:
        messages.error(request, _("The payment was not completed. Your cart is waiting for you."))
        return redirect("storefront:checkout")
    return redirect("storefront:order", token=order.access_token)


def terms(request: HttpRequest) -> HttpResponse:
    context = {"version": settings.TERMS_OF_SALE_VERSION, "seller": settings.SELLER}
    return render(request, "storefront/terms.html", context)


def _delivery_context(cart: Cart, form: CheckoutForm) -> dict:
    country = form.shipping.get("country") or "FR"
    options = list_cart_delivery_options(
        cart, country=country, postcode=form.shipping.get("postcode", "")
    )
    chosen = next((option for option in options if option.code == form.delivery_method), None)
    if chosen is None and options and not form.delivery_method:
        chosen = options[0]
        form.delivery_method = chosen.code
    return {"form": form, "delivery_options": options, "totals": price_cart(cart, delivery=chosen)}


def _render(
    request: HttpRequest, cart: Cart, form: CheckoutForm, *, status: int = 200
) -> HttpResponse:
    if form.has_errors and status == 200:
        status = 400
    context = {
        **_delivery_context(cart, form),
        "test_tokens": TEST_TOKENS,
        "terms_version": settings.TERMS_OF_SALE_VERSION,
        "signed_in": request.user.is_authenticated,
    }
    page = render(request, "storefront/checkout/checkout.html", context, status=status)
    return _private(page)
