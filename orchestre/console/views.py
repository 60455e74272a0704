"""Console home and global search."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orchestre.catalog.models import Product
from orchestre.console.access import staff_view
from orchestre.console.home import panels_for
from orchestre.customers.models import Customer
from orchestre.orders.models import Order
from orchestre.team.permissions import Action, can
from orchestre.team.roles import ROLES

SEARCH_LIMIT = 10
SEARCH_MAX_LENGTH = 100


@staff_view(None)
def home(request: HttpRequest) -> HttpResponse:
    role_codes = set(request.user.groups.values_list("name", flat=True))
    roles = [role for role in ROLES if role.code in role_codes]
    return render(request, "console/home.html", {"roles": roles, "panels": panels_for(request)})


@staff_view(None)
def search(request: HttpRequest) -> HttpResponse:
    """Orders by number or e-mail, customers by name or e-mail, products by SKU or name;
    each kind only for staff allowed to see it."""
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    results = {"orders": None, "customers": None, "products": None}
    if text:
        if can(request.user, Action.VIEW_ORDERS):
            results["orders"] = list(
                Order.objects.filter(Q(number__iexact=text) | Q(email__iexact=text))
                .select_related("customer")
                .order_by("-placed_at")[:SEARCH_LIMIT]
            ) or list(
                Order.objects.filter(number__icontains=text).order_by("-placed_at")[:SEARCH_LIMIT]
            )
        if can(request.user, Action.VIEW_CUSTOMERS):
            customers = Customer.objects.all()
            for word in text.split()[:4]:
                customers = customers.filter(
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(email__icontains=word)
                )
            results["customers"] = list(customers.order_by("last_name", "pk")[:SEARCH_LIMIT])
        if can(request.user, Action.EDIT_CATALOG) or can(request.user, Action.VIEW_STOCK):
            results["products"] = list(
                Product.objects.filter(Q(sku__iexact=text) | Q(name__icontains=text))
                .select_related("category")
                .order_by("name")[:SEARCH_LIMIT]
            )
    return render(request, "console/search.html", {"search_text": text, "results": results})
