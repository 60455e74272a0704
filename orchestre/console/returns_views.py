"""Console, returns: the list (filters, sorting, CSV), a return's page with the actions
its status allows, credit notes, and the customer service / warehouse home panel. The
actions themselves: `returns_action_views`."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.inventory.models import Warehouse
from orchestre.returns.credit_note_pdf import render_credit_note_pdf
from orchestre.returns.documents import credit_note_facts, credit_note_mentions
from orchestre.returns.models import ReturnRequest, ReturnStatus
from orchestre.returns.selectors import (
    count_returns_to_act_on,
    get_credit_note_by_number,
    get_return_by_number,
    list_returns,
)
from orchestre.team.permissions import Action, can

SORTS = {
    "number": "number",
    "requested": "requested_at",
    "status": "status",
    "order": "order__number",
}


class ReturnFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ReturnStatus.choices, label=gettext_lazy("Status"), empty_label=gettext_lazy("Any")
    )
    requested_from = django_filters.DateFilter(
        field_name="requested_at",
        lookup_expr="date__gte",
        label=gettext_lazy("Requested from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    requested_to = django_filters.DateFilter(
        field_name="requested_at",
        lookup_expr="date__lte",
        label=gettext_lazy("Requested until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(
        method="search", label=gettext_lazy("Return, order or e-mail"), max_length=100
    )

    class Meta:
        model = ReturnRequest
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value) | Q(order__number__iexact=value) | Q(order__email__iexact=value)
        )


@staff_view(Action.VIEW_ORDERS)
def index(request: HttpRequest) -> HttpResponse:
    """Every return, latest first by default."""
    listing = list_page(
        request,
        list_returns(),
        sorts=SORTS,
        default_sort="-requested",
        filterset_class=ReturnFilter,
    )
    if wants_csv(request):
        return csv_response(
            "returns.csv",
            ["number", "order", "status", "requested at", "withdrawal", "refunded", "credit note"],
            (
                (
                    item.number,
                    item.order.number,
                    item.status,
                    item.requested_at.isoformat(),
                    "yes" if item.is_withdrawal else "no",
                    item.refund_total if item.refund_total is not None else "",
                    item.credit_note.number if hasattr(item, "credit_note") else "",
                )
                for item in listing.rows
            ),
        )
    return render(request, "console/returns/index.html", {"listing": listing})


def detail_context(
    request: HttpRequest, number: str, *, errors=None, values=None, refusal: str = ""
) -> dict:
    """The return page's context; after a refusal, the posted values and each line's
    errors, so the form comes back as it was sent with the reason next to its line."""
    found = get_return_by_number(number)
    errors, values = errors or {}, values or {}
    rows = [
        {
            "line": line,
            "errors": errors.get(f"line-{line.pk}", []),
            "received": values.get(f"received-{line.pk}", line.quantity),
            "restock": values.get(f"restock-{line.pk}", line.quantity_received),
            "write_off": values.get(f"write_off-{line.pk}", 0),
        }
        for line in found.lines.all()
    ]
    return {
        "request_": found,
        "order": found.order,
        "rows": rows,
        "credit_note": getattr(found, "credit_note", None),
        "may_manage": can(request.user, Action.MANAGE_RETURNS),
        "may_refund": can(request.user, Action.REFUND_PAYMENTS),
        "warehouses": list(Warehouse.objects.all()) if found.status == "received" else [],
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "refusal": refusal,
        "values": values,
    }


@staff_view(Action.VIEW_ORDERS)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "console/returns/detail.html", detail_context(request, number))


@staff_view(Action.VIEW_ORDERS)
def credit_note(request: HttpRequest, number: str) -> HttpResponse:
    note = get_credit_note_by_number(number)
    document = {"facts": credit_note_facts(note), "mentions": credit_note_mentions(note)}
    return render(request, "console/returns/credit_note.html", {"note": note, "document": document})


@staff_view(Action.VIEW_ORDERS)
def credit_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    note = get_credit_note_by_number(number)
    response = HttpResponse(render_credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


def home_panel(request: HttpRequest) -> dict:
    """What customer service and the warehouse act on now: returns waiting for
    authorisation, for their parcel, for inspection, and for the refund (one query)."""
    counts = count_returns_to_act_on()
    return {
        "returns_to_authorise": counts[ReturnStatus.REQUESTED],
        "returns_awaiting_receipt": counts[ReturnStatus.AUTHORISED],
        "returns_to_inspect": counts[ReturnStatus.RECEIVED],
        "returns_to_refund": counts[ReturnStatus.INSPECTED],
    }
