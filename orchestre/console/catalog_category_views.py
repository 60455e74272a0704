"""Catalogue section: the category tree (create, rename, move, reorder)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orchestre.catalog.category_editing import (
    create_category,
    move_category,
    rename_category,
    reorder_category,
)
from orchestre.catalog.models import Category
from orchestre.catalog.selectors import list_category_tree
from orchestre.console.access import staff_view
from orchestre.console.catalog_forms import (
    CategoryForm,
    MoveCategoryForm,
    NewCategoryForm,
    show_domain_error,
)
from orchestre.core.errors import DomainError
from orchestre.team.permissions import Action


@staff_view(Action.EDIT_CATALOG)
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "console/catalog/categories.html", {"tree": list_category_tree()})


@staff_view(Action.EDIT_CATALOG)
@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    form = NewCategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            category = create_category(actor=request.user, parent_id=data.pop("parent"), **data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Category created."))
            return redirect("console:catalog_category", category.pk)
    status = 400 if form.errors else 200
    return render(request, "console/catalog/category_new.html", {"form": form}, status=status)


def _render_category(request, category, *, form=None, move_form=None, status=200):
    context = {
        "category": category,
        "form": form
        or CategoryForm(
            initial={
                field: getattr(category, field)
                for field in ("name_fr", "name_en", "description_fr", "description_en")
            }
        ),
        "move_form": move_form or MoveCategoryForm(initial={"parent": category.parent_id}),
        "product_count": category.products.count(),
    }
    return render(request, "console/catalog/category.html", context, status=status)


@staff_view(Action.EDIT_CATALOG)
@require_http_methods(["GET", "POST"])
def category(request: HttpRequest, category_id: int) -> HttpResponse:
    found = get_object_or_404(Category.objects.select_related("parent"), pk=category_id)
    if request.method == "GET":
        return _render_category(request, found)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            rename_category(actor=request.user, category_id=found.pk, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("console:catalog_category", found.pk)
    return _render_category(request, found, form=form, status=400)


@staff_view(Action.EDIT_CATALOG)
@require_POST
def category_move(request: HttpRequest, category_id: int) -> HttpResponse:
    found = get_object_or_404(Category.objects.select_related("parent"), pk=category_id)
    move_form = MoveCategoryForm(request.POST)
    if move_form.is_valid():
        try:
            move_category(
                actor=request.user, category_id=found.pk, parent_id=move_form.cleaned_data["parent"]
            )
        except DomainError as error:
            show_domain_error(move_form, error)
        else:
            messages.success(request, _("Category moved."))
            return redirect("console:catalog_category", found.pk)
    return _render_category(request, found, move_form=move_form, status=400)


@staff_view(Action.EDIT_CATALOG)
@require_POST
def category_reorder(request: HttpRequest, category_id: int) -> HttpResponse:
    found = get_object_or_404(Category, pk=category_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    reorder_category(actor=request.user, category_id=found.pk, offset=offset)
    return redirect("console:catalog_categories")
