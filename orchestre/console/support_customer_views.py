"""Console, customer service: the customer search and the customer 360 view (profile,
orders, parcels with tracking, returns, tickets, goodwill, total spent, consent) on one
screen, and the goodwill gestures on an order (refund part of a line, resend items)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orchestre.console.access import staff_view
from orchestre.console.listing import list_page
from orchestre.console.support_forms import LineRefundForm, ResendForm, show_domain_error
from orchestre.core.errors import DomainError
from orchestre.orders.errors import UnknownOrder
from orchestre.orders.selectors import get_order_by_number
from orchestre.returns.selectors import list_returns_for_orders
from orchestre.shipping.selectors import list_shipments_for_orders
from orchestre.support.goodwill import refund_order_line, refundable_on_lines, resend_order_items
from orchestre.support.models import GoodwillGesture
from orchestre.support.selectors import (
    get_customer,
    get_customer_figures,
    get_ticket_id,
    list_customers,
    list_goodwill_for_order,
)
from orchestre.team.permissions import Action, can

CUSTOMER_SORTS = {"name": "last_name", "created": "created_at", "last_order": "last_order_at"}


@require_safe
@staff_view(Action.VIEW_CUSTOMERS)
def customers(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    listing = list_page(
        request, list_customers(query), sorts=CUSTOMER_SORTS, default_sort="name", per_page=25
    )
    return render(request, "console/support/customers.html", {"listing": listing, "q": query})


@require_safe
@staff_view(Action.VIEW_CUSTOMERS)
def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = get_customer(customer_id)
    if found is None:
        raise Http404("unknown customer")
    figures = get_customer_figures(found)
    numbers = {order.pk: order.number for order in figures.orders}
    shipments = list_shipments_for_orders(list(numbers))
    for shipment in shipments:
        shipment.order_number = numbers[shipment.order_id]
    context = {
        "customer": found,
        "figures": figures,
        "shipments": shipments,
        "returns": list_returns_for_orders(list(numbers)),
        "may_goodwill": can(request.user, Action.GOODWILL),
        "may_answer": can(request.user, Action.MANAGE_TICKETS),
    }
    return render(request, "console/support/customer.html", context)


@require_safe
@staff_view(Action.GOODWILL)
def goodwill(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    return _goodwill_page(request, order)


@require_POST
@staff_view(Action.GOODWILL)
def goodwill_refund(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    lines = order.product_lines
    form = LineRefundForm(request.POST, lines=lines)
    if form.is_valid():
        try:
            gesture = refund_order_line(
                actor=request.user,
                order_line_id=form.cleaned_data["order_line"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                ticket_id=_ticket_id(request),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            text = (
                _("Refund of %(amount)s %(currency)s recorded.")
                if gesture.status == GoodwillGesture.Status.DONE
                else _("Refund of %(amount)s %(currency)s requested; the provider confirms it.")
            )
            messages.success(request, text % {"amount": gesture.amount, "currency": order.currency})
            return redirect(_back(request, order))
    return _goodwill_page(request, order, refund_form=form, status=400)


@require_POST
@staff_view(Action.GOODWILL)
def goodwill_resend(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(number)
    form = ResendForm(request.POST, lines=order.product_lines)
    if form.is_valid():
        try:
            gesture = resend_order_items(
                actor=request.user,
                order_id=order.pk,
                quantities=form.quantities(),
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                ticket_id=_ticket_id(request),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Replacement parcel %(number)s created.")
                % {"number": gesture.shipment_reference},
            )
            return redirect(_back(request, order))
    return _goodwill_page(request, order, resend_form=form, status=400)


def _order(number: str):
    try:
        return get_order_by_number(number)
    except UnknownOrder:
        raise Http404("unknown order") from None


def _ticket_id(request: HttpRequest) -> int | None:
    number = request.POST.get("ticket") or request.GET.get("ticket") or ""
    return get_ticket_id(number[:20]) if number else None


def _back(request: HttpRequest, order) -> str:
    return request.path.removesuffix("refund/").removesuffix("resend/") + (
        f"?ticket={request.POST['ticket']}" if request.POST.get("ticket") else ""
    )


def _goodwill_page(request, order, *, status: int = 200, **forms) -> HttpResponse:
    lines = order.product_lines
    refundable = refundable_on_lines(order)
    context = {
        "order": order,
        "lines": [(line, refundable.get(line.pk)) for line in lines],
        "refund_form": forms.get("refund_form") or LineRefundForm(lines=lines),
        "resend_form": forms.get("resend_form") or ResendForm(lines=lines),
        "gestures": list_goodwill_for_order(order.pk),
        "ticket_number": (request.POST.get("ticket") or request.GET.get("ticket") or "")[:20],
        "form": next(iter(forms.values()), None),
    }
    return render(request, "console/support/goodwill.html", context, status=status)
