"""What every API response shares: the language it speaks and JSON for every error."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from orchestre.api.errors import error_response

MAX_ACCEPT_LANGUAGE_LENGTH = 500


def requested_language(request: HttpRequest) -> str:
    """The first supported language of the Accept-Language header, else the shop's.

    The API ignores the language cookie the pages use, so `Vary: Accept-Language` is all a
    shared cache needs to keep the answers in each language apart."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:MAX_ACCEPT_LANGUAGE_LENGTH]
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run an API view in the requested language, and turn ninja's plain-text 405 into
    the API's JSON error (keeping its Allow header)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = requested_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and not response.get("Content-Type", "").startswith(
                "application/json"
            ):
                allowed = response.get("Allow", "")
                response = error_response(
                    405,
                    "method_not_allowed",
                    _("This address does not accept %(method)s requests.")
                    % {"method": request.method},
                )
                response["Allow"] = allowed
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper
