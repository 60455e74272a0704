"""Every API error is JSON `{"code", "message", "fields"}`: the one place errors are mapped.

Domain errors keep their code and status; malformed requests are 400 with field-level
messages; an unexpected exception is logged and answered with a 500 in the same shape."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from orchestre.core.errors import DomainError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": fields or {}}, status=status)


def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return error_response(error.status, error.code, error.message, error.fields)


def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for detail in error.errors:
        # ninja locates an error as (source, field, ...): ("query", "page") → "page".
        location = [str(part) for part in detail.get("loc", ())][1:] or ["request"]
        fields.setdefault(".".join(location), []).append(str(detail.get("msg", "")))
    return error_response(400, "invalid_request", _("The request is invalid."), fields)


def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("Nothing here."))


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    codes = {401: "unauthorized", 403: "forbidden", 405: "method_not_allowed", 429: "throttled"}
    code = codes.get(error.status_code, "http_error")
    return error_response(error.status_code, code, str(error))


def _suspicious(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    # Too many parameters, a malformed header...: the client's fault, not a server error.
    return error_response(400, "bad_request", _("The request is malformed."))


def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.error("Unexpected API error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, "server_error", _("Something went wrong on our side."))


def register_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (HTML/traceback pages, 422 with pydantic details)."""
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(AuthenticationError, _http_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(SuspiciousOperation, _suspicious)
    api.add_exception_handler(Exception, _unexpected)


def unknown_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any address under /api/v1/ that no endpoint serves."""
    return error_response(404, "unknown_endpoint", _("No API endpoint at this address."))
