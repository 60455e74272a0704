"""Console, stock: levels across warehouses, one product's stock and ledger, and the forms
that move stock (adjustment, transfer, reorder levels). Reading needs view_stock, every
change manage_stock."""

import django_filters
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orchestre.catalog.models import Category
from orchestre.console.access import staff_view
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.console.stock_forms import AdjustmentForm, ReorderForm, TransferForm, apply_error
from orchestre.core.errors import DomainError
from orchestre.inventory import selectors
from orchestre.inventory.services import adjust_stock, set_reorder_levels, transfer_stock
from orchestre.team.permissions import Action, can


class LevelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("SKU or name"))
    warehouse = django_filters.ModelChoiceFilter(
        queryset=selectors.list_warehouses(), label=gettext_lazy("Warehouse")
    )
    category = django_filters.ModelChoiceFilter(
        field_name="product__category",
        queryset=Category.objects.order_by("slug"),
        label=gettext_lazy("Category"),
    )
    below = django_filters.BooleanFilter(
        field_name="is_below", label=gettext_lazy("Below reorder point")
    )

    def search(self, queryset, name, value):
        return selectors.search_levels(queryset, value)


SORTS = {
    "sku": "product__sku",
    "name": "product__name",
    "warehouse": "warehouse__code",
    "quantity": "quantity",
    "available": "available",
    "reorder": "reorder_point",
}


@staff_view(Action.VIEW_STOCK)
def stock(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        selectors.list_stock_levels(),
        sorts=SORTS,
        default_sort="sku",
        filterset_class=LevelFilter,
    )
    if wants_csv(request):
        return csv_response(
            "stock.csv",
            ["sku", "name", "warehouse", "on hand", "reserved", "available", "reorder point"],
            (
                (
                    level.product.sku,
                    level.product.name,
                    level.warehouse.code,
                    level.quantity,
                    level.reserved,
                    level.available,
                    level.reorder_point,
                )
                for level in listing.rows.iterator()
            ),
        )
    return render(request, "console/stock/levels.html", {"listing": listing})


@staff_view(Action.VIEW_STOCK)
def product_stock(request: HttpRequest, product_id: int) -> HttpResponse:
    return _product_page(request, product_id)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def adjust(request: HttpRequest, product_id: int) -> HttpResponse:
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            adjust_stock(
                warehouse_id=form.cleaned_data["warehouse"].pk,
                product_id=product_id,
                quantity=form.cleaned_data["quantity"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The adjustment was recorded."))
            return redirect("console:stock_product", product_id)
    return _product_page(request, product_id, adjustment_form=form, status=400)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def transfer(request: HttpRequest, product_id: int) -> HttpResponse:
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            out, _into = transfer_stock(
                product_id=product_id,
                from_warehouse_id=form.cleaned_data["from_warehouse"].pk,
                to_warehouse_id=form.cleaned_data["to_warehouse"].pk,
                quantity=form.cleaned_data["quantity"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(
                request, _("Transfer %(reference)s recorded.") % {"reference": out.reference}
            )
            return redirect("console:stock_product", product_id)
    return _product_page(request, product_id, transfer_form=form, status=400)


@staff_view(Action.MANAGE_STOCK)
@require_POST
def reorder_levels(request: HttpRequest, product_id: int) -> HttpResponse:
    form = ReorderForm(request.POST)
    if form.is_valid():
        try:
            set_reorder_levels(
                warehouse_id=form.cleaned_data["warehouse"].pk,
                product_id=product_id,
                reorder_point=form.cleaned_data["reorder_point"],
                reorder_quantity=form.cleaned_data["reorder_quantity"],
                actor=request.user,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The reorder levels were saved."))
            return redirect("console:stock_product", product_id)
    return _product_page(request, product_id, reorder_form=form, status=400)


def _product_page(request, product_id, *, status=200, **forms) -> HttpResponse:
    product = selectors.get_product(product_id)
    if product is None:
        raise Http404(_("This product does not exist."))
    movements = Paginator(selectors.list_movements(product_id=product_id), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "product": product,
        "levels": selectors.levels_of_product(product_id),
        "movements": movements,
        "can_manage": can(request.user, Action.MANAGE_STOCK),
        "adjustment_form": forms.get("adjustment_form") or AdjustmentForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(),
        "reorder_form": forms.get("reorder_form") or ReorderForm(),
    }
    return render(request, "console/stock/product.html", context, status=status)


def home_panel(request: HttpRequest) -> dict:
    """The inventory manager's work now: products below their reorder point and the
    purchase orders awaiting receipt."""
    below = selectors.list_levels_below_reorder_point()
    awaiting = selectors.list_purchase_orders_awaiting_receipt()
    return {
        "below_count": below.count(),
        "below": list(below[:5]),
        "awaiting_count": awaiting.count(),
        "awaiting": list(awaiting[:5]),
    }
