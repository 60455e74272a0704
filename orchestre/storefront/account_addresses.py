"""The account's address book: list, add, edit, delete, and the default delivery and
billing addresses. An address of another account answers 404, exactly like a missing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from orchestre.core.errors import DomainError, NotFound
from orchestre.customers.selectors import get_address, get_customer_for_user, list_addresses
from orchestre.customers.services import (
    create_address,
    customer_for_account,
    delete_address,
    set_default_address,
    update_address,
)
from orchestre.shipping.addresses import country_name
from orchestre.storefront.account_forms import AddressForm, NewAddressForm, attach_domain_error
from orchestre.storefront.cart_views import Notice, private_page

SIGN_IN_URL = "storefront:sign_in"
ADDRESS_BOOK = "storefront:account_addresses"


def _customer_id(request: HttpRequest) -> int | None:
    customer = get_customer_for_user(request.user)
    return customer.pk if customer else None


def _own_address(request: HttpRequest, address_id: int):
    try:
        return get_address(customer_id=_customer_id(request), address_id=address_id)
    except NotFound:
        raise Http404("unknown address") from None


@login_required(login_url=SIGN_IN_URL)
@private_page
def addresses(request: HttpRequest) -> HttpResponse:
    book = list(list_addresses(_customer_id(request)))
    for address in book:
        address.country_label = country_name(address.country)
    return render(
        request,
        "storefront/account/addresses.html",
        {"addresses": book, "notices": Notice.from_messages(request)},
    )


@login_required(login_url=SIGN_IN_URL)
@private_page
def address_add(request: HttpRequest) -> HttpResponse:
    form = NewAddressForm(request.POST or None, initial={"country": "FR"})
    if request.method == "POST" and form.is_valid():
        customer = customer_for_account(user=request.user, country=form.address["country"])
        try:
            create_address(
                customer_id=customer.pk,
                address=form.address,
                default_shipping=form.cleaned_data["default_shipping"],
                default_billing=form.cleaned_data["default_billing"],
            )
        except DomainError as error:
            attach_domain_error(form, error)
        else:
            messages.success(request, _("The address is added to your address book."))
            return redirect(ADDRESS_BOOK)
    return render(request, "storefront/account/address_form.html", {"form": form, "address": None})


@login_required(login_url=SIGN_IN_URL)
@private_page
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    initial = {field: getattr(address, field) for field in AddressForm.base_fields}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_address(
                customer_id=address.customer_id, address_id=address.pk, address=form.address
            )
        except NotFound:
            raise Http404("unknown address") from None
        messages.success(request, _("The address is saved."))
        return redirect(ADDRESS_BOOK)
    return render(
        request, "storefront/account/address_form.html", {"form": form, "address": address}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required(login_url=SIGN_IN_URL)
@private_page
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    address = _own_address(request, address_id)
    if request.method == "POST":
        try:
            delete_address(customer_id=address.customer_id, address_id=address.pk)
        except NotFound:
            raise Http404("unknown address") from None
        messages.success(request, _("The address is deleted."))
        return redirect(ADDRESS_BOOK)
    address.country_label = country_name(address.country)
    return render(request, "storefront/account/address_delete.html", {"address": address})


@require_POST
@login_required(login_url=SIGN_IN_URL)
@private_page
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    kind = request.POST.get("kind", "")
    try:
        set_default_address(customer_id=address.customer_id, address_id=address.pk, kind=kind)
    except NotFound:
        raise Http404("unknown address") from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("This is now your default delivery address.")
            if kind == "shipping"
            else _("This is now your default billing address."),
        )
    return redirect(ADDRESS_BOOK)
