"""Console, stock: cycle counts. Start a count of a warehouse's shelves, enter what was
counted, confirm it so the variances become count movements, or cancel it. Reading needs
view_stock, every change manage_stock."""

import django_filters
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.console.stock_count_forms import StartCountForm, parse_counted
from orchestre.console.stock_forms import apply_error
from orchestre.core.errors import DomainError
from orchestre.inventory import selectors
from orchestre.inventory.counting import (
    cancel_cycle_count,
    confirm_cycle_count,
    record_counted_quantities,
    start_cycle_count,
)
from orchestre.inventory.models import CycleCount
from orchestre.team.permissions import Action, can


class CountFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=CycleCount.Status.choices, label=gettext_lazy("Status")
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=selectors.list_warehouses(), label=gettext_lazy("Warehouse")
    )


SORTS = {"number": "pk", "started": "created_at", "warehouse": "warehouse__code"}


@staff_view(Action.VIEW_STOCK)
def counts(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        selectors.list_cycle_counts(),
        sorts=SORTS,
        default_sort="-started",
        filterset_class=CountFilter,
    )
    if wants_csv(request):
        return csv_response(
            "cycle-counts.csv",
            ["reference", "warehouse", "status", "started at", "confirmed at", "counted", "lines"],
            (
                (
                    count.reference,
                    count.warehouse.code,
                    count.status,
                    count.created_at.isoformat(),
                    count.confirmed_at.isoformat() if count.confirmed_at else "",
                    count.counted_lines,
                    count.line_count,
                )
                for count in listing.rows.iterator()
            ),
        )
    context = {"listing": listing, "can_manage": can(request.user, Action.MANAGE_STOCK)}
    return render(request, "console/stock/counts/list.html", context)


@staff_view(Action.MANAGE_STOCK)
def new_count(request: HttpRequest) -> HttpResponse:
    form = StartCountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = start_cycle_count(
                warehouse_id=form.cleaned_data["warehouse"].pk,
                product_ids=form.product_ids(),
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            _show_start_error(form, error)
        else:
            messages.success(
                request, _("Count %(reference)s started.") % {"reference": count.reference}
            )
            return redirect("console:stock_count", count.pk)
    status = 400 if form.errors else 200
    return render(request, "console/stock/counts/new.html", {"form": form}, status=status)


def _show_start_error(form: StartCountForm, error: DomainError) -> None:
    # The service names the products it was given; the form chose them by SKU.
    if "products" in error.fields:
        for message in error.fields["products"]:
            form.add_error("skus", message)
    else:
        apply_error(form, error)


@staff_view(Action.VIEW_STOCK)
def count_detail(request: HttpRequest, count_id: int) -> HttpResponse:
    return _count_page(request, count_id)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def save_counts(request: HttpRequest, count_id: int) -> HttpResponse:
    count = _get(count_id)
    if count.status != CycleCount.Status.OPEN:
        return _count_page(
            request,
            count_id,
            message=_("This count is closed: it can no longer change."),
            status=409,
        )
    changed, errors, raw_values = parse_counted(count, request.POST)
    if not errors and changed:
        try:
            record_counted_quantities(count_id=count.pk, counted=changed, actor=request.user)
        except DomainError as error:
            errors = {int(key): value for key, value in error.fields.items() if key.isdigit()}
            if not errors:
                return _count_page(request, count_id, message=error.message, status=error.status)
    if errors:
        return _count_page(
            request,
            count_id,
            message=_("Some counted quantities need correcting."),
            line_errors=errors,
            raw_values=raw_values,
        )
    if changed:
        messages.success(request, _("The counted quantities were saved."))
    else:
        messages.info(request, _("No counted quantity changed."))
    return redirect("console:stock_count", count.pk)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def confirm_count(request: HttpRequest, count_id: int) -> HttpResponse:
    try:
        movements = confirm_cycle_count(count_id=count_id, actor=request.user)
    except DomainError as error:
        return _count_page(request, count_id, message=error.message, status=error.status)
    messages.success(
        request,
        _("The count was confirmed: %(count)d count movement(s) recorded.")
        % {"count": len(movements)},
    )
    return redirect("console:stock_count", count_id)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def cancel_count(request: HttpRequest, count_id: int) -> HttpResponse:
    try:
        cancel_cycle_count(count_id=count_id, actor=request.user)
    except DomainError as error:
        return _count_page(request, count_id, message=error.message, status=error.status)
    messages.success(request, _("The count was cancelled; the stock did not change."))
    return redirect("console:stock_count", count_id)


def _get(count_id: int) -> CycleCount:
    count = selectors.get_cycle_count(count_id)
    if count is None:
        raise Http404(_("This count does not exist."))
    return count


def _count_page(
    request, count_id, *, message="", line_errors=None, raw_values=None, status=None
) -> HttpResponse:
    count = _get(count_id)
    line_errors, raw_values = line_errors or {}, raw_values or {}
    lines = []
    for line in count.lines.all():
        value = raw_values.get(line.pk)
        if value is None:
            value = "" if line.counted_quantity is None else str(line.counted_quantity)
        lines.append(
            {
                "line": line,
                "value": value,
                "errors": line_errors.get(line.pk, []),
                "units": abs(line.variance or 0),
            }
        )
    counted = sum(line.counted_quantity is not None for line in count.lines.all())
    context = {
        "count": count,
        "lines": lines,
        "counted": counted,
        "error_message": message,
        "can_manage": can(request.user, Action.MANAGE_STOCK),
        "is_open": count.status == CycleCount.Status.OPEN,
    }
    if status is None:
        status = 400 if message else 200
    return render(request, "console/stock/counts/detail.html", context, status=status)
