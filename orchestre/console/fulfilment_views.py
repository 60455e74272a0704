"""Console, fulfilment: the orders to prepare, their pick list, the back-orders and the
logistics manager's home panel. Parcels themselves: `fulfilment_shipment_views`."""

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.core.errors import DomainError
from orchestre.inventory.models import Warehouse
from orchestre.orders.models import Order
from orchestre.shipping.documents import render_pick_list_pdf
from orchestre.shipping.models import DeliveryMethod
from orchestre.shipping.selectors import (
    due_cutoff,
    get_pick_list,
    late_cutoff,
    list_back_orders,
    list_orders_to_prepare,
    today_in_warehouse,
)
from orchestre.shipping.services import start_picking
from orchestre.team.permissions import Action

SORTS = {
    "placed": "placed_at",
    "number": "number",
    "total": "total",
    "units": "units_left",
    "status": "status",
}


class ToPrepareFilter(django_filters.FilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        queryset=Warehouse.objects.all(), method="in_warehouse", label=gettext_lazy("Warehouse")
    )
    delivery_method = django_filters.ChoiceFilter(
        field_name="delivery_method_code", choices=[], label=gettext_lazy("Delivery method")
    )
    due = django_filters.ChoiceFilter(
        method="due_by",
        choices=[("today", gettext_lazy("Due today")), ("late", gettext_lazy("Late"))],
        label=gettext_lazy("Due"),
        empty_label=gettext_lazy("Any day"),
    )
    placed_on = django_filters.DateFilter(
        field_name="placed_at",
        lookup_expr="date",
        label=gettext_lazy("Placed on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Order
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["delivery_method"].extra["choices"] = [
            (method.code, method.name) for method in DeliveryMethod.objects.all()
        ]

    def in_warehouse(self, queryset, name, value):
        return queryset.filter(fulfilling_warehouse_id=value.pk)

    def due_by(self, queryset, name, value):
        today = today_in_warehouse()
        if value == "late":
            return queryset.filter(placed_at__lt=late_cutoff(today))
        return queryset.filter(placed_at__lt=due_cutoff(today))


@staff_view(Action.VIEW_ORDERS)
def index(request: HttpRequest) -> HttpResponse:
    """The orders to prepare (paid, not fully shipped), oldest first."""
    listing = list_page(
        request,
        list_orders_to_prepare(),
        sorts=SORTS,
        default_sort="placed",
        filterset_class=ToPrepareFilter,
    )
    if wants_csv(request):
        return csv_response(
            "orders-to-prepare.csv",
            [
                "number",
                "placed at",
                "status",
                "delivery method",
                "units ordered",
                "units left",
                "open parcels",
                "total",
            ],
            (
                (
                    order.number,
                    order.placed_at.isoformat(),
                    order.status,
                    order.delivery_method_code,
                    order.units_ordered,
                    order.units_left,
                    order.open_parcels,
                    order.total,
                )
                for order in listing.rows.iterator()
            ),
        )
    return render(
        request,
        "console/fulfilment/index.html",
        {
            "listing": listing,
            "late_before": late_cutoff(today_in_warehouse()),
            "warehouses": Warehouse.objects.all(),
        },
    )


def _chosen_order_ids(data) -> list[int]:
    return sorted({int(value) for value in data.getlist("order") if value.isdigit()})


@staff_view(Action.VIEW_ORDERS)
def pick_list_pdf(request: HttpRequest) -> HttpResponse:
    """The pick list of the chosen orders (`?order=<id>&order=...`, optional `warehouse`)."""
    order_ids = _chosen_order_ids(request.GET)
    if not order_ids:
        messages.error(request, _("Choose at least one order for the pick list."))
        return redirect("console:fulfilment")
    warehouse = request.GET.get("warehouse", "")
    pick_list = get_pick_list(
        order_ids=order_ids, warehouse_id=int(warehouse) if warehouse.isdigit() else None
    )
    response = HttpResponse(render_pick_list_pdf(pick_list), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pick-list.pdf"'
    return response


@require_POST
@staff_view(Action.FULFIL_ORDERS)
def start(request: HttpRequest) -> HttpResponse:
    """Open a parcel for every chosen order with all its units not yet in one."""
    try:
        shipments = start_picking(order_ids=_chosen_order_ids(request.POST), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("console:fulfilment")
    messages.success(
        request,
        _("%(count)d parcels to pick: %(numbers)s.")
        % {"count": len(shipments), "numbers": ", ".join(s.number for s in shipments) or "—"},
    )
    return redirect(reverse("console:fulfilment_shipments") + "?status=to_pick")


@staff_view(Action.VIEW_ORDERS)
def back_orders(request: HttpRequest) -> HttpResponse:
    return render(
        request, "console/fulfilment/back_orders.html", {"back_orders": list_back_orders()}
    )


def home_panel(request: HttpRequest) -> dict:
    """The logistics manager's "act now": orders due today (late ones first) and
    back-orders, and how many wait in all. Five queries."""
    today = today_in_warehouse()
    waiting = list_orders_to_prepare()
    due = waiting.filter(placed_at__lt=due_cutoff(today))
    late_before = late_cutoff(today)
    return {
        "waiting_count": waiting.count(),
        "due_count": due.count(),
        "late_count": due.filter(placed_at__lt=late_before).count(),
        "due_orders": list(due.order_by("placed_at", "pk")[:10]),
        "late_before": late_before,
        "back_order_count": len(list_back_orders()),
    }
