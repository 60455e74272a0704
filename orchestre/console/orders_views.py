"""Orders: the list every order-facing role starts from, and one order's full picture."""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orchestre.checkout.cancellation import cancel_unpaid_order_by_staff
from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.core.errors import DomainError
from orchestre.orders.models import Order, OrderLine, OrderStatus
from orchestre.payments.models import Payment
from orchestre.team.permissions import Action, can


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or e-mail"))
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=Order.Source.choices, label=_("Source"))
    kind = django_filters.ChoiceFilter(choices=Order.Kind.choices, label=_("Kind"))
    country = django_filters.CharFilter(
        field_name="country", lookup_expr="icontains", label=_("Country")
    )
    since = django_filters.DateFilter(
        field_name="placed_at",
        lookup_expr="date__gte",
        label=_("Placed from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="placed_at",
        lookup_expr="date__lte",
        label=_("Placed until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Order
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if "@" in value:
            return queryset.filter(email__iexact=value)
        return queryset.filter(number__icontains=value)


SORTS = {"placed": "placed_at", "number": "number", "total": "total", "status": "status"}


@staff_view(Action.VIEW_ORDERS)
def orders(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        Order.objects.select_related("customer"),
        sorts=SORTS,
        default_sort="-placed",
        filterset_class=OrderFilter,
    )
    if wants_csv(request):
        return csv_response(
            "orders.csv",
            [
                "number",
                "placed at",
                "status",
                "source",
                "customer",
                "e-mail",
                "country",
                "currency",
                "total",
            ],
            (
                (
                    o.number,
                    o.placed_at.isoformat(),
                    o.status,
                    o.source,
                    str(o.customer or ""),
                    o.email,
                    o.country,
                    o.currency,
                    o.total,
                )
                for o in listing.rows.iterator()
            ),
        )
    return render(request, "console/orders/list.html", {"listing": listing})


@staff_view(Action.VIEW_ORDERS)
def order(request: HttpRequest, number: str) -> HttpResponse:
    found = get_object_or_404(
        Order.objects.select_related("customer", "invoice").prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")), "status_changes"
        ),
        number=number,
    )
    payments = list(Payment.objects.filter(reference=found.number).prefetch_related("refunds"))
    may_cancel = found.status == OrderStatus.AWAITING_PAYMENT and can(
        request.user, Action.MANAGE_ORDERS
    )
    return render(
        request,
        "console/orders/detail.html",
        {"order": found, "payments": payments, "may_cancel": may_cancel},
    )


@require_POST
@staff_view(Action.MANAGE_ORDERS)
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    try:
        cancel_unpaid_order_by_staff(
            order_number=number, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request, gettext("The order %(number)s is cancelled.") % {"number": number}
        )
    return redirect("console:order", number=number)
