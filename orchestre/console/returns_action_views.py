"""Console, returns: the writes. Each action is one POST calling one service with the
signed-in staff member as `actor`; a refusal shows the return again with the reason next
to the field it concerns, and changes nothing."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orchestre.console.access import staff_view
from orchestre.console.returns_views import detail_context
from orchestre.core.errors import DomainError
from orchestre.orders.errors import UnknownOrder
from orchestre.orders.selectors import get_order_by_number
from orchestre.returns import services
from orchestre.returns.selectors import get_return_by_number, returnable_lines
from orchestre.team.permissions import Action


def _count(value: str | None) -> int | None:
    """A whole number of units from a form field: blank is 0, anything else invalid is
    None (the service refuses it with the line's message)."""
    value = (value or "").strip()
    if not value:
        return 0
    return int(value) if value.isdigit() else None


def _refused(request: HttpRequest, number: str, error: DomainError) -> HttpResponse:
    context = detail_context(
        request, number, errors=error.fields, values=request.POST, refusal=error.message
    )
    return render(request, "console/returns/detail.html", context, status=error.status)


def _done(request: HttpRequest, number: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("console:return", number=number)


@staff_view(Action.MANAGE_RETURNS)
@require_POST
def authorise(request: HttpRequest, number: str) -> HttpResponse:
    found = get_return_by_number(number)
    try:
        services.authorise_return(return_id=found.pk, actor=request.user)
    except DomainError as error:
        return _refused(request, number, error)
    return _done(request, number, _("Return %(number)s authorised.") % {"number": number})


@staff_view(Action.MANAGE_RETURNS)
@require_POST
def receive(request: HttpRequest, number: str) -> HttpResponse:
    found = get_return_by_number(number)
    received = {
        line.pk: _count(request.POST.get(f"received-{line.pk}")) for line in found.lines.all()
    }
    try:
        services.receive_return(return_id=found.pk, received=received, actor=request.user)
    except DomainError as error:
        return _refused(request, number, error)
    return _done(request, number, _("Parcel of return %(number)s received.") % {"number": number})


@staff_view(Action.MANAGE_RETURNS)
@require_POST
def inspect(request: HttpRequest, number: str) -> HttpResponse:
    found = get_return_by_number(number)
    decisions = {
        line.pk: services.Inspection(
            restock=_count(request.POST.get(f"restock-{line.pk}")),
            write_off=_count(request.POST.get(f"write_off-{line.pk}")),
        )
        for line in found.lines.all()
    }
    warehouse = _count(request.POST.get("warehouse")) or 0
    try:
        services.inspect_return(
            return_id=found.pk, decisions=decisions, warehouse_id=warehouse, actor=request.user
        )
    except DomainError as error:
        return _refused(request, number, error)
    return _done(request, number, _("Return %(number)s inspected.") % {"number": number})


@staff_view(Action.REFUND_PAYMENTS)
@require_POST
def refund(request: HttpRequest, number: str) -> HttpResponse:
    found = get_return_by_number(number)
    try:
        refunded = services.refund_return(return_id=found.pk, actor=request.user)
    except DomainError as error:
        return _refused(request, number, error)
    message = _("Return %(number)s refunded; credit note %(note)s issued.") % {
        "number": number,
        "note": refunded.credit_note.number,
    }
    return _done(request, number, message)


@staff_view(Action.MANAGE_RETURNS)
@require_POST
def reject(request: HttpRequest, number: str) -> HttpResponse:
    found = get_return_by_number(number)
    try:
        services.reject_return(
            return_id=found.pk, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DomainError as error:
        return _refused(request, number, error)
    return _done(request, number, _("Return %(number)s rejected.") % {"number": number})


@staff_view(Action.MANAGE_RETURNS)
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A return recorded by staff: find the order by number, then choose units and reason."""
    number = (request.GET.get("order") or request.POST.get("order") or "").strip()
    context = {"order_number": number, "order": None, "rows": [], "refusal": ""}
    if number:
        try:
            context["order"] = get_order_by_number(number)
        except UnknownOrder:
            context["refusal"] = _("No order has this number.")
            return render(request, "console/returns/new.html", context, status=404)
    if request.method != "POST" or context["order"] is None:
        context["rows"] = _rows(context["order"], {}, {})
        return render(request, "console/returns/new.html", context)
    lines = [item for item in returnable_lines(context["order"]) if item.remaining]
    quantities = {
        item.line.pk: _count(request.POST.get(f"quantity-{item.line.pk}")) for item in lines
    }
    try:
        created = services.create_return(
            order_id=context["order"].pk,
            quantities=quantities,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as error:
        context.update(
            rows=_rows(context["order"], error.fields, request.POST),
            refusal=error.message,
            general_errors=error.fields.get("__all__", []),
            reason=request.POST.get("reason", ""),
        )
        return render(request, "console/returns/new.html", context, status=error.status)
    message = _("Return %(number)s recorded.") % {"number": created.number}
    return _done(request, created.number, message)


def _rows(order, errors: dict, values) -> list[dict]:
    if order is None:
        return []
    return [
        {
            "item": item,
            "errors": errors.get(f"line-{item.line.pk}", []),
            "quantity": values.get(f"quantity-{item.line.pk}", 0),
        }
        for item in returnable_lines(order)
        if item.remaining
    ]
