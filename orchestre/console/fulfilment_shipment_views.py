"""Console, fulfilment: parcels — list, detail, picking, packing (SKU check, htmx with a
plain-form fallback), shipping, cancelling, and the label."""

import django_filters
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.core.errors import DomainError
from orchestre.inventory.models import Warehouse
from orchestre.shipping.documents import render_label_pdf
from orchestre.shipping.errors import UnknownShipment
from orchestre.shipping.models import Shipment, ShipmentStatus
from orchestre.shipping.selectors import get_shipment, list_shipments
from orchestre.shipping.services import (
    cancel_shipment,
    check_item,
    confirm_pick,
    ship_shipment,
)
from orchestre.team.permissions import Action

SORTS = {"created": "created_at", "number": "number", "status": "status", "shipped": "shipped_at"}


class ShipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("Parcel, order or tracking"))
    status = django_filters.ChoiceFilter(
        choices=ShipmentStatus.choices, label=gettext_lazy("Status")
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=Warehouse.objects.all(), label=gettext_lazy("Warehouse")
    )

    class Meta:
        model = Shipment
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return (
            queryset.filter(number__iexact=value)
            | queryset.filter(order__number__iexact=value)
            | queryset.filter(tracking_number__iexact=value)
        )


class ScanForm(forms.Form):
    # The scanner types into the focused field: it keeps the focus after each check.
    sku = forms.CharField(
        label=gettext_lazy("SKU scanned or typed"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    quantity = forms.IntegerField(label=gettext_lazy("Units"), min_value=1, initial=1)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


@staff_view(Action.VIEW_ORDERS)
def shipments(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        list_shipments(),
        sorts=SORTS,
        default_sort="-created",
        filterset_class=ShipmentFilter,
    )
    if wants_csv(request):
        return csv_response(
            "shipments.csv",
            [
                "number",
                "order",
                "warehouse",
                "status",
                "carrier",
                "tracking number",
                "created at",
                "shipped at",
                "delivered at",
                "replacement",
            ],
            (
                (
                    s.number,
                    s.order.number,
                    s.warehouse.code,
                    s.status,
                    s.carrier,
                    s.tracking_number,
                    s.created_at.isoformat(),
                    s.shipped_at.isoformat() if s.shipped_at else "",
                    s.delivered_at.isoformat() if s.delivered_at else "",
                    "yes" if s.is_replacement else "no",
                )
                for s in listing.rows.iterator()
            ),
        )
    return render(request, "console/fulfilment/shipments.html", {"listing": listing})


def _shipment_or_404(shipment_id: int) -> Shipment:
    try:
        return get_shipment(shipment_id)
    except UnknownShipment:
        raise Http404 from None


def _render_detail(request, shipment: Shipment, *, scan_form=None, cancel_form=None, status=200):
    context = {
        "shipment": shipment,
        "scan_form": scan_form or ScanForm(),
        "cancel_form": cancel_form or CancelForm(),
        "checked": sum(line.packed for line in shipment.lines.all()),
        "units": sum(line.quantity for line in shipment.lines.all()),
    }
    if request.htmx and request.htmx.target == "packing":
        return render(request, "console/fulfilment/_packing.html", context, status=status)
    return render(request, "console/fulfilment/shipment.html", context, status=status)


@staff_view(Action.VIEW_ORDERS)
def shipment(request: HttpRequest, shipment_id: int) -> HttpResponse:
    return _render_detail(request, _shipment_or_404(shipment_id))


@require_POST
@staff_view(Action.FULFIL_ORDERS)
def pick(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """The picker confirms the parcel, with the units not found (`missing-<line id>`)."""
    found = _shipment_or_404(shipment_id)
    missing = {}
    for line in found.lines.all():
        raw = request.POST.get(f"missing-{line.order_line_id}", "0").strip() or "0"
        if not raw.isdigit():
            messages.error(request, _("Missing units must be whole numbers, 0 or more."))
            return redirect("console:fulfilment_shipment", shipment_id)
        missing[line.order_line_id] = int(raw)
    try:
        confirm_pick(shipment_id=shipment_id, missing=missing, actor=request.user)
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Parcel %(number)s picked.") % {"number": found.number})
    return redirect("console:fulfilment_shipment", shipment_id)


@require_POST
@staff_view(Action.FULFIL_ORDERS)
def scan(request: HttpRequest, shipment_id: int) -> HttpResponse:
    """One packing check; answers the packing panel to htmx, the whole page otherwise."""
    _shipment_or_404(shipment_id)
    form = ScanForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            check_item(
                shipment_id=shipment_id,
                sku=form.cleaned_data["sku"],
                quantity=form.cleaned_data["quantity"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error("sku", _error_text(error))
            status = 422
        else:
            form = None
    else:
        status = 422
    shipment = get_shipment(shipment_id)
    response = _render_detail(request, shipment, scan_form=form, status=status)
    if request.htmx and shipment.status == shipment.Status.PACKED:
        # The ship form is outside the packing panel: show the whole page again.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_view(Action.FULFIL_ORDERS)
def ship(request: HttpRequest, shipment_id: int) -> HttpResponse:
    found = _shipment_or_404(shipment_id)
    try:
        shipped = ship_shipment(shipment_id=shipment_id, actor=request.user)
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Parcel %(number)s shipped with %(carrier)s, tracking %(tracking)s.")
            % {
                "number": found.number,
                "carrier": shipped.carrier,
                "tracking": shipped.tracking_number,
            },
        )
    return redirect("console:fulfilment_shipment", shipment_id)


@require_POST
@staff_view(Action.FULFIL_ORDERS)
def cancel(request: HttpRequest, shipment_id: int) -> HttpResponse:
    found = _shipment_or_404(shipment_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, found, cancel_form=form, status=422)
    try:
        cancel_shipment(
            shipment_id=shipment_id, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Parcel %(number)s cancelled.") % {"number": found.number})
    return redirect("console:fulfilment_shipment", shipment_id)


@staff_view(Action.VIEW_ORDERS)
def label_pdf(request: HttpRequest, shipment_id: int) -> HttpResponse:
    found = _shipment_or_404(shipment_id)
    response = HttpResponse(render_label_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number}.pdf"'
    return response


def _error_text(error: DomainError) -> str:
    details = [message for messages_ in error.fields.values() for message in messages_]
    return " ".join([error.message, *[d for d in details if d != error.message]])
