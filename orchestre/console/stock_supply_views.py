"""Console, stock: purchase orders and goods receipts, reorder suggestions, warehouses."""

from decimal import Decimal, InvalidOperation

import django_filters
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.console.access import staff_view
from orchestre.console.listing import list_page
from orchestre.console.stock_forms import PurchaseOrderForm, WarehouseForm, apply_error
from orchestre.core.errors import DomainError
from orchestre.inventory import selectors
from orchestre.inventory.models import PurchaseOrder
from orchestre.inventory.purchasing import (
    LineInput,
    cancel_purchase_order,
    create_purchase_order,
    receive_purchase_order,
    send_purchase_order,
)
from orchestre.inventory.services import create_warehouse, update_warehouse
from orchestre.team.permissions import Action, can


class PurchaseOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=PurchaseOrder.Status.choices, label=gettext_lazy("Status")
    )


@staff_view(Action.VIEW_STOCK)
def purchase_orders(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        selectors.list_purchase_orders(),
        sorts={"number": "number", "created": "created_at", "expected": "expected_on"},
        default_sort="-created",
        filterset_class=PurchaseOrderFilter,
    )
    return render(request, "console/stock/purchase_orders.html", {"listing": listing})


@staff_view(Action.MANAGE_STOCK)
def new_purchase_order(request: HttpRequest) -> HttpResponse:
    form = PurchaseOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lines = _parse_lines(form)
        if lines is not None:
            try:
                order = create_purchase_order(
                    supplier_id=form.cleaned_data["supplier"].pk,
                    warehouse_id=form.cleaned_data["warehouse"].pk,
                    lines=lines,
                    expected_on=form.cleaned_data["expected_on"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error("lines", error.message)
                for messages_of_field in error.fields.values():
                    for message in messages_of_field:
                        form.add_error("lines", message)
            else:
                return redirect("console:stock_purchase_order", order.pk)
    status = 400 if form.errors else 200
    return render(request, "console/stock/purchase_order_new.html", {"form": form}, status=status)


def _parse_lines(form) -> list[LineInput] | None:
    """`SKU units cost` per line; adds errors to the form and returns None when wrong."""
    rows = [row.split() for row in form.cleaned_data["lines"].splitlines() if row.strip()]
    skus = selectors.product_ids_by_sku(row[0] for row in rows if row)
    lines = []
    for number, row in enumerate(rows, start=1):
        try:
            sku, units, cost = row
            lines.append(LineInput(skus[sku], int(units), Decimal(cost)))
        except (ValueError, KeyError, InvalidOperation):
            form.add_error(
                "lines",
                _("Line %(number)d: write a known SKU, whole units and a unit cost.")
                % {"number": number},
            )
    return None if form.errors else lines


@staff_view(Action.VIEW_STOCK)
def purchase_order(request: HttpRequest, purchase_order_id: int) -> HttpResponse:
    return _purchase_order_page(request, purchase_order_id)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def receive(request: HttpRequest, purchase_order_id: int) -> HttpResponse:
    order = selectors.get_purchase_order(purchase_order_id)
    if order is None:
        raise Http404(_("This purchase order does not exist."))
    quantities, errors = {}, {}
    for line in order.lines.all():
        raw = request.POST.get(f"line-{line.pk}", "").strip() or "0"
        try:
            quantities[line.pk] = int(raw)
        except ValueError:
            errors[line.pk] = [_("Enter a whole number of units, 0 or more.")]
    if not errors:
        try:
            receipt = receive_purchase_order(
                purchase_order_id=order.pk,
                quantities=quantities,
                note=request.POST.get("note", "")[:255],
                actor=request.user,
            )
        except DomainError as error:
            errors = {"message": error.message, **error.fields}
        else:
            messages.success(
                request, _("Receipt %(reference)s recorded.") % {"reference": receipt.reference}
            )
            return redirect("console:stock_purchase_order", order.pk)
    return _purchase_order_page(request, purchase_order_id, errors=errors, status=400)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def purchase_order_status(request: HttpRequest, purchase_order_id: int) -> HttpResponse:
    change = {"send": send_purchase_order, "cancel": cancel_purchase_order}.get(
        request.POST.get("action")
    )
    if change is None:
        return _purchase_order_page(
            request, purchase_order_id, errors={"message": _("Unknown action.")}, status=400
        )
    try:
        change(purchase_order_id=purchase_order_id, actor=request.user)
    except DomainError as error:
        return _purchase_order_page(
            request, purchase_order_id, errors={"message": error.message}, status=error.status
        )
    return redirect("console:stock_purchase_order", purchase_order_id)


def _purchase_order_page(request, purchase_order_id, *, errors=None, status=200):
    order = selectors.get_purchase_order(purchase_order_id)
    if order is None:
        raise Http404(_("This purchase order does not exist."))
    errors = errors or {}
    lines = [
        {"line": line, "errors": errors.get(str(line.pk)) or errors.get(line.pk) or []}
        for line in order.lines.all()
    ]
    context = {
        "order": order,
        "lines": lines,
        "error_message": errors.get("message", ""),
        "can_manage": can(request.user, Action.MANAGE_STOCK),
        "receivable": order.status in selectors.OPEN_PURCHASE_STATUSES,
    }
    return render(request, "console/stock/purchase_order.html", context, status=status)


@staff_view(Action.VIEW_STOCK)
def reorder_suggestions(request: HttpRequest) -> HttpResponse:
    context = {
        "suggestions": selectors.list_reorder_suggestions()[:200],
        "below": selectors.list_levels_below_reorder_point()[:200],
    }
    return render(request, "console/stock/reorder.html", context)


@staff_view(Action.VIEW_STOCK)
def warehouses(request: HttpRequest) -> HttpResponse:
    context = {
        "summaries": selectors.list_warehouse_summaries(),
        "can_manage": can(request.user, Action.MANAGE_STOCK),
    }
    return render(request, "console/stock/warehouses.html", context)


@staff_view(Action.MANAGE_STOCK)
def warehouse_form(request: HttpRequest, warehouse_id: int | None = None) -> HttpResponse:
    warehouse = None
    if warehouse_id is not None:
        warehouse = selectors.list_warehouses().filter(pk=warehouse_id).first()
        if warehouse is None:
            raise Http404(_("This warehouse does not exist."))
    initial = (
        {
            "code": warehouse.code,
            "name": warehouse.name,
            "city": warehouse.city,
            "priority": warehouse.priority,
        }
        if warehouse
        else {"priority": 0}
    )
    form = WarehouseForm(request.POST or None, initial=initial)
    if warehouse:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if warehouse:
                update_warehouse(
                    warehouse_id=warehouse.pk,
                    name=data["name"],
                    city=data["city"],
                    priority=data["priority"],
                    actor=request.user,
                )
            else:
                create_warehouse(
                    code=data["code"],
                    name=data["name"],
                    city=data["city"],
                    priority=data["priority"],
                    actor=request.user,
                )
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The warehouse was saved."))
            return redirect("console:stock_warehouses")
    status = 400 if form.errors else 200
    context = {"form": form, "warehouse": warehouse}
    return render(request, "console/stock/warehouse_form.html", context, status=status)
