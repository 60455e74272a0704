"""Catalogue section: one product's edit page (content, SEO, variants), its price with the
price history, its images, and variant families."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orchestre.catalog.editing import create_variant_family, update_product
from orchestre.catalog.media import (
    add_product_image,
    delete_product_image,
    move_image_first,
    update_image_alt_text,
)
from orchestre.catalog.models import ProductImage
from orchestre.catalog.selectors import get_product_for_editing, list_variant_families
from orchestre.console.access import staff_view
from orchestre.console.catalog_forms import (
    AltTextForm,
    ImageForm,
    PriceForm,
    ProductForm,
    VariantFamilyForm,
    show_domain_error,
)
from orchestre.core.errors import DomainError, NotFound
from orchestre.pricing.selectors import get_prior_lowest_price, list_price_history
from orchestre.pricing.services import set_price
from orchestre.team.permissions import Action, can


def _render_product(request, product, *, form=None, image_form=None, status=200):
    price = getattr(product, "price", None)
    context = {
        "product": product,
        "form": form or ProductForm(initial=ProductForm.initial_for(product)),
        "image_form": image_form or ImageForm(),
        "price": price,
        "can_edit_prices": can(request.user, Action.EDIT_PRICES),
    }
    return render(request, "console/catalog/product.html", context, status=status)


@staff_view(Action.EDIT_CATALOG)
@require_http_methods(["GET", "POST"])
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    found = get_product_for_editing(product_id)
    if request.method == "GET":
        return _render_product(request, found)
    form = ProductForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update_product(
                product_id=found.pk,
                actor=request.user,
                name=data["name"],
                description=data["description"],
                category_id=data["category"],
                attribute_value_ids=form.attribute_value_ids(),
                weight_grams=data["weight_grams"],
                pack_size=data["pack_size"],
                is_active=data["is_active"],
                meta_title=data["meta_title"],
                meta_description=data["meta_description"],
                slug=data["slug"],
                variant_family_id=data["variant_family"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Product saved."))
            return redirect("console:catalog_product", found.pk)
    return _render_product(request, found, form=form, status=400)


@staff_view(Action.EDIT_PRICES)
@require_http_methods(["GET", "POST"])
def price(request: HttpRequest, product_id: int) -> HttpResponse:
    found = get_product_for_editing(product_id)
    current = getattr(found, "price", None)
    initial = {"amount": current.amount, "vat_rate": current.vat_rate_id} if current else {}
    form = PriceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_price(
                product_id=found.pk,
                amount=form.cleaned_data["amount"],
                vat_rate_id=form.cleaned_data["vat_rate"].pk,
                actor=request.user,
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Price saved."))
            return redirect("console:catalog_price", found.pk)
    context = {
        "product": found,
        "form": form,
        "price": current,
        "history": list_price_history(found.pk),
        "prior_lowest": get_prior_lowest_price(found.pk),
    }
    status = 400 if form.errors else 200
    return render(request, "console/catalog/price.html", context, status=status)


@staff_view(Action.EDIT_CATALOG)
@require_POST
def image_add(request: HttpRequest, product_id: int) -> HttpResponse:
    found = get_product_for_editing(product_id)
    image_form = ImageForm(request.POST, request.FILES)
    if image_form.is_valid():
        try:
            add_product_image(
                actor=request.user,
                product_id=found.pk,
                upload=image_form.cleaned_data["image"],
                alt_text=image_form.cleaned_data["alt_text"],
            )
        except DomainError as error:
            show_domain_error(image_form, error)
        else:
            messages.success(request, _("Image added."))
            return redirect("console:catalog_product", found.pk)
    return _render_product(request, found, image_form=image_form, status=400)


def _image_product_id(image_id: int) -> int:
    product_id = (
        ProductImage.objects.filter(pk=image_id).values_list("product_id", flat=True).first()
    )
    if product_id is None:
        raise NotFound(_("No such image."), code="image_not_found")
    return product_id


@staff_view(Action.EDIT_CATALOG)
@require_POST
def image_update(request: HttpRequest, image_id: int) -> HttpResponse:
    product_id = _image_product_id(image_id)
    form = AltTextForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Give the picture an alternative text."), fields=dict(form.errors))
        update_image_alt_text(
            actor=request.user, image_id=image_id, alt_text=form.cleaned_data["alt_text"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Image saved."))
    return redirect("console:catalog_product", product_id)


@staff_view(Action.EDIT_CATALOG)
@require_POST
def image_first(request: HttpRequest, image_id: int) -> HttpResponse:
    product_id = _image_product_id(image_id)
    move_image_first(actor=request.user, image_id=image_id)
    messages.success(request, _("This image now comes first."))
    return redirect("console:catalog_product", product_id)


@staff_view(Action.EDIT_CATALOG)
@require_POST
def image_delete(request: HttpRequest, image_id: int) -> HttpResponse:
    product_id = _image_product_id(image_id)
    delete_product_image(actor=request.user, image_id=image_id)
    messages.success(request, _("Image deleted."))
    return redirect("console:catalog_product", product_id)


@staff_view(Action.EDIT_CATALOG)
@require_http_methods(["GET", "POST"])
def variant_families(request: HttpRequest) -> HttpResponse:
    form = VariantFamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_variant_family(
                actor=request.user,
                name=form.cleaned_data["name"],
                axis_ids=[axis.pk for axis in form.cleaned_data["axes"]],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Variant family created."))
            return redirect("console:catalog_variant_families")
    context = {"form": form, "families": list_variant_families()}
    status = 400 if form.errors else 200
    return render(request, "console/catalog/variant_families.html", context, status=status)
