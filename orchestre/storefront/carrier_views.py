"""The sandbox carrier's tracking page: what a delivery company's own page shows for a
tracking number, so the links in shipping e-mails lead somewhere in the embedded setup."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from orchestre.shipping import carriers


@never_cache
def sandbox_tracking(request: HttpRequest, number: str) -> HttpResponse:
    if carriers.label_time(number) is None:
        raise Http404("Unknown tracking number.")
    return render(
        request,
        "storefront/carrier/tracking.html",
        {"number": number, "events": carriers.track(number)},
    )
