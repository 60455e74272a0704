"""The sandbox processor's 3-D Secure page: it plays the shopper's bank, asking to approve
or refuse the charge, then sends the shopper back to the shop like a real bank page does.

Per-visitor (a form with a CSRF token): never cached."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orchestre.core.money import MINOR_UNITS
from orchestre.payments.providers import sandbox_processor

DECISIONS = {"approve": True, "refuse": False}


@require_http_methods(["GET", "POST"])
def sandbox_challenge(request: HttpRequest, charge_id: str) -> HttpResponse:
    if "sandbox" not in settings.PAYMENT_PROVIDERS:
        raise Http404(_("No such payment."))
    try:
        charge = sandbox_processor.retrieve_charge(charge_id)
    except sandbox_processor.UnknownCharge as error:
        raise Http404(_("No such payment.")) from error
    error = ""
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision in DECISIONS:
            charge = sandbox_processor.complete_challenge(
                charge_id=charge_id, approve=DECISIONS[decision]
            )
            return _no_store(HttpResponseRedirect(_return_address(request, charge)))
        error = _("Choose “Approve” or “Refuse”.")
        status = 400
    context = {
        "charge": charge,
        "amount": _decimal_amount(charge),
        "pending": charge["status"] == "requires_action",
        "return_url": _return_address(request, charge),
        "error": error,
        "shop_name": settings.SHOP_NAME,
    }
    return _no_store(
        render(request, "storefront/payments/sandbox_challenge.html", context, status=status)
    )


def _return_address(request: HttpRequest, charge: dict) -> str:
    """Where the shop asked the shopper to come back; the home page if that address is
    not on the shop (never an open redirect)."""
    url = charge["return_url"]
    hosts = {request.get_host(), urlsplit(settings.SHOP_URL).netloc}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=hosts):
        return url
    return reverse("storefront:home")


def _decimal_amount(charge: dict) -> Decimal:
    return Decimal(charge["amount"]).scaleb(-MINOR_UNITS[charge["currency"]])


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response
