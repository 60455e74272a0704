import json

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from ninja.errors import HttpError, ValidationError

from orchestre.api.v1 import api
from orchestre.core.errors import Conflict, InvalidInput, NotFound


def answer(error: Exception) -> tuple[int, dict]:
    with translation.override("en"):
        response = api.on_exception(RequestFactory().get("/api/v1/products"), error)
    return response.status_code, json.loads(response.content)


def test_domain_errors_keep_their_status_code_and_fields():
    assert answer(InvalidInput("Bad.", code="invalid_query", fields={"q": ["Too long."]})) == (
        400,
        {"code": "invalid_query", "message": "Bad.", "fields": {"q": ["Too long."]}},
    )
    assert answer(NotFound("No product 'x'.", code="product_not_found")) == (
        404,
        {"code": "product_not_found", "message": "No product 'x'.", "fields": {}},
    )
    assert answer(Conflict("Already paid.")) == (
        409,
        {"code": "conflict", "message": "Already paid.", "fields": {}},
    )


def test_ninja_validation_errors_are_400_with_field_messages():
    error = ValidationError(
        [
            {"loc": ("query", "page"), "msg": "Input should be a valid integer", "type": "int"},
            {"loc": ("query", "page"), "msg": "Too small", "type": "min"},
            {"loc": ("body",), "msg": "Field required", "type": "missing"},
        ]
    )

    assert answer(error) == (
        400,
        {
            "code": "invalid_request",
            "message": "The request is invalid.",
            "fields": {
                "page": ["Input should be a valid integer", "Too small"],
                "request": ["Field required"],
            },
        },
    )


def test_http_errors_keep_their_status():
    assert answer(Http404("gone")) == (
        404,
        {"code": "not_found", "message": "Nothing here.", "fields": {}},
    )
    assert answer(HttpError(429, "Too many requests.")) == (
        429,
        {"code": "throttled", "message": "Too many requests.", "fields": {}},
    )
    assert answer(SuspiciousOperation("bad header")) == (
        400,
        {"code": "bad_request", "message": "The request is malformed.", "fields": {}},
    )


def test_anything_else_is_a_500_in_the_same_shape(caplog):
    assert answer(ZeroDivisionError("division by zero")) == (
        500,
        {"code": "server_error", "message": "Something went wrong on our side.", "fields": {}},
    )
    assert "ZeroDivisionError: division by zero" in caplog.text
