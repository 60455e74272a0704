"""Catalogue section: the product list, the content team's worklist of incomplete product
pages (also its home panel) and new products."""

import django_filters
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from orchestre.catalog.completeness import COMPLETE, CRITERIA, missing_criteria
from orchestre.catalog.editing import create_product
from orchestre.catalog.models import Product
from orchestre.catalog.selectors import list_incomplete_products, list_products_for_editing
from orchestre.console.access import staff_view
from orchestre.console.catalog_forms import NewProductForm, category_choices, show_domain_error
from orchestre.console.listing import csv_response, list_page, wants_csv
from orchestre.core.errors import DomainError
from orchestre.team.permissions import Action

HOME_PANEL_SIZE = 8


class CategoryFilter(django_filters.FilterSet):
    category = django_filters.TypedChoiceFilter(
        method="in_category", coerce=int, label=gettext_lazy("Category")
    )

    class Meta:
        model = Product
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = category_choices()

    def in_category(self, queryset, name, value):
        """A department matches its categories' products too."""
        return queryset.filter(Q(category_id=value) | Q(category__parent_id=value))


class ProductFilter(CategoryFilter):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("SKU or name"))
    is_active = django_filters.BooleanFilter(label=gettext_lazy("On sale"))
    below = django_filters.NumberFilter(
        field_name="completeness", lookup_expr="lt", label=gettext_lazy("Completeness below")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(sku__iexact=value) | Q(name__icontains=value))


SORTS = {
    "sku": "sku",
    "name": "name",
    "completeness": "completeness",
    "updated": "updated_at",
    "sold": "units_sold",
}
CSV_HEADER = ["sku", "name", "category", "active", "price", "completeness", "missing", "slug"]


def _csv_rows(products):
    for product in products.iterator():
        price = getattr(product, "price", None)
        missing = [criterion.code for criterion in missing_criteria(product)]
        yield (
            product.sku,
            product.name,
            product.category.name,
            "yes" if product.is_active else "no",
            price.amount if price else "",
            product.completeness,
            " ".join(missing),
            product.slug,
        )


@staff_view(Action.EDIT_CATALOG)
def catalog(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        list_products_for_editing(),
        sorts=SORTS,
        default_sort="name",
        filterset_class=ProductFilter,
    )
    if wants_csv(request):
        return csv_response("products.csv", CSV_HEADER, _csv_rows(listing.rows))
    return render(request, "console/catalog/list.html", {"listing": listing})


@staff_view(Action.EDIT_CATALOG)
def worklist(request: HttpRequest) -> HttpResponse:
    listing = list_page(
        request,
        list_incomplete_products(),
        sorts={"completeness": "completeness", "name": "name", "sold": "units_sold"},
        default_sort="completeness",
        filterset_class=CategoryFilter,
    )
    if wants_csv(request):
        return csv_response("incomplete-products.csv", CSV_HEADER, _csv_rows(listing.rows))
    listing.page.object_list = list(listing.page.object_list)
    for product in listing.page.object_list:
        product.missing_criteria = missing_criteria(product)
    return render(
        request, "console/catalog/worklist.html", {"listing": listing, "criteria": CRITERIA}
    )


def home_panel(request: HttpRequest) -> dict:
    """The content team's panel: the least complete product pages, most sold first among
    equals, and how many pages are incomplete."""
    incomplete = list_incomplete_products().order_by("completeness", "-units_sold", "pk")
    return {
        "incomplete_count": incomplete.count(),
        "incomplete_products": list(incomplete[:HOME_PANEL_SIZE]),
        "complete_score": COMPLETE,
    }


@staff_view(Action.EDIT_CATALOG)
@require_http_methods(["GET", "POST"])
def product_new(request: HttpRequest) -> HttpResponse:
    form = NewProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = create_product(
                actor=request.user,
                sku=form.cleaned_data["sku"],
                name=form.cleaned_data["name"],
                category_id=form.cleaned_data["category"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Product created. Add its content, then put it on sale."))
            return redirect("console:catalog_product", product.pk)
    status = 400 if form.errors else 200
    return render(request, "console/catalog/product_new.html", {"form": form}, status=status)
