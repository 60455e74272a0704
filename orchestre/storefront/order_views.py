"""The order page and its invoice (HTML and PDF), reachable by the order's access token.

The token in the address is the only key (an unknown one gets a 404), so these pages are
private to whoever holds the link: never cached, never indexed, and the shop's
`same-origin` referrer policy keeps the address out of other sites' logs."""

from decimal import Decimal
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from orchestre.orders.errors import UnknownOrder
from orchestre.orders.invoice_pdf import render_invoice_pdf
from orchestre.orders.invoices import (
    billing_lines,
    delivery_lines,
    invoice_facts,
    legal_mentions,
    seller_lines,
)
from orchestre.orders.models import Order
from orchestre.orders.selectors import (
    get_invoice_by_token,
    get_order_by_token,
    get_order_status_by_token,
)
from orchestre.orders.states import EXPLANATIONS
from orchestre.storefront.page_cache import wants_fragment


def private_page(view):
    """GET/HEAD only, `Cache-Control: private, no-store`, `X-Robots-Tag: noindex`, and a
    404 for an unknown token."""

    @require_safe
    @cache_control(private=True, no_store=True)
    @wraps(view)
    def private_view(request: HttpRequest, token: str) -> HttpResponse:
        try:
            response = view(request, token)
        except UnknownOrder:
            raise Http404("unknown order") from None
        response["X-Robots-Tag"] = "noindex"
        return response

    return private_view


@private_page
@vary_on_headers("HX-Request")
def order(request: HttpRequest, token: str) -> HttpResponse:
    """The order page. While the payment is awaited it asks for its status fragment every
    3 seconds (htmx): 204 while nothing changed, else the new status, which stops the
    polling."""
    if wants_fragment(request):
        order = get_order_status_by_token(token)
        if order.status == Order.Status.AWAITING_PAYMENT:
            return HttpResponse(status=204)
        return render(request, "storefront/order/_status.html", _status_context(order))
    order = get_order_by_token(token)
    return render(request, "storefront/order/detail.html", _status_context(order))


@private_page
def invoice(request: HttpRequest, token: str) -> HttpResponse:
    invoice = get_invoice_by_token(token)
    language = invoice.order.language
    # The invoice reads in the language it was issued in, whatever the page's language.
    with translation.override(language):
        document = {
            "language": language,
            "seller": seller_lines(invoice),
            "facts": invoice_facts(invoice),
            "billing": billing_lines(invoice),
            "delivery": delivery_lines(invoice),
            "mentions": legal_mentions(invoice),
            "has_discount": Decimal(invoice.totals["discount_total"]) != 0,
        }
    return render(
        request, "storefront/order/invoice.html", {"invoice": invoice, "document": document}
    )


@private_page
def invoice_pdf(request: HttpRequest, token: str) -> HttpResponse:
    invoice = get_invoice_by_token(token)
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


def _status_context(order: Order) -> dict:
    return {
        "order": order,
        "explanation": EXPLANATIONS[order.status],
        "polling": order.status == Order.Status.AWAITING_PAYMENT,
    }
