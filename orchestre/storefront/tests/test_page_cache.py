import gzip
import re
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from orchestre.catalog.tests.factories import CategoryFactory
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.pricing.models import Price
from orchestre.storefront.page_cache import cache_public_page

NBSP = "\u00a0"
PRODUCT = "/p/white-hanging-heart-t-light-holder/"


def price_shown(response) -> str:
    return re.search(r'<p class="product-price">([^<]+) <span', response.content.decode())[1]


def test_bumping_the_catalogue_version_shows_the_new_price(
    client, shop, django_capture_on_commit_callbacks
):
    assert price_shown(client.get(PRODUCT)) == f"2,95{NBSP}€"

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        Price.objects.filter(product=shop.heart).update(amount=Decimal("3.40"))
        bump_version(CATALOG)

    assert len(callbacks) == 1
    assert price_shown(client.get(PRODUCT)) == f"3,40{NBSP}€"
    assert price_shown(client.get("/en" + PRODUCT)) == "€3.40"


def test_without_a_bump_the_cached_page_is_served(client, shop):
    client.get(PRODUCT)

    Price.objects.filter(product=shop.heart).update(amount=Decimal("3.40"))

    assert price_shown(client.get(PRODUCT)) == f"2,95{NBSP}€"


def test_a_bump_inside_a_rolled_back_transaction_changes_nothing(
    client, shop, django_capture_on_commit_callbacks
):
    client.get(PRODUCT)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                bump_version(CATALOG)
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert price_shown(client.get(PRODUCT)) == f"2,95{NBSP}€"


def test_signed_in_visitors_never_get_a_cached_page(client, shop, django_user_model):
    client.get(PRODUCT)
    Price.objects.filter(product=shop.heart).update(amount=Decimal("3.40"))
    client.force_login(
        django_user_model.objects.create_user(username="ana", email="ana@example.com")
    )

    assert price_shown(client.get(PRODUCT)) == f"3,40{NBSP}€"


def test_pages_of_signed_in_visitors_are_not_stored(client, shop, django_user_model):
    client.force_login(
        django_user_model.objects.create_user(username="ana", email="ana@example.com")
    )
    client.get(PRODUCT)
    Price.objects.filter(product=shop.heart).update(amount=Decimal("3.40"))

    assert price_shown(Client().get(PRODUCT)) == f"3,40{NBSP}€"


def test_a_not_found_page_is_not_cached(client, shop):
    assert client.get("/c/lanternes/").status_code == 404

    CategoryFactory(slug="lanternes", parent=shop.decoration)

    assert client.get("/c/lanternes/").status_code == 200


def test_page_and_htmx_fragment_are_cached_apart(client, shop):
    page = client.get("/c/bougies/")
    fragment = client.get("/c/bougies/", headers={"HX-Request": "true"})
    page_again = client.get("/c/bougies/")

    assert page.content.startswith(b"<!doctype html>")
    assert fragment.content.startswith(b'<section id="results"')
    assert page_again.content.startswith(b"<!doctype html>")


def test_anonymous_catalogue_pages_set_no_cookie(shop):
    visitor = Client()

    first = visitor.get("/c/bougies/")
    second = visitor.get("/c/bougies/")  # served from the cache

    assert first.status_code == second.status_code == 200
    assert not first.cookies
    assert not second.cookies
    assert b"csrfmiddlewaretoken" not in first.content


def test_a_cached_response_keeps_its_headers(client, shop):
    first = client.get("/images/p/85123A.svg")
    second = client.get("/images/p/85123A.svg")

    for name in ("Content-Type", "Cache-Control", "ETag", "Content-Security-Policy"):
        assert second[name] == first[name]
    assert second["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_product_image_revalidates_with_its_etag(client, shop):
    first = client.get("/images/p/85123A.svg")

    assert first["Cache-Control"] == "public, max-age=604800"
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{20}"', etag)

    again = client.get("/images/p/85123A.svg", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""


def anonymous_get(path="/page/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def counting_view(make_response):
    calls = []

    @cache_public_page
    def view(request):
        calls.append(request)
        return make_response()

    return view, calls


def test_responses_that_set_a_cookie_are_not_cached():
    def with_cookie():
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    view, calls = counting_view(with_cookie)
    view(anonymous_get())
    view(anonymous_get())

    assert len(calls) == 2


def test_private_responses_are_not_cached():
    view, calls = counting_view(lambda: HttpResponse("mine", headers={"Cache-Control": "private"}))
    view(anonymous_get())
    view(anonymous_get())

    assert len(calls) == 2


def test_error_responses_are_not_cached():
    view, calls = counting_view(lambda: HttpResponse("gone", status=410))
    view(anonymous_get())
    view(anonymous_get())

    assert len(calls) == 2


def test_ok_responses_are_cached_per_query_string():
    view, calls = counting_view(lambda: HttpResponse("ok"))
    view(anonymous_get("/page/?a=1"))
    view(anonymous_get("/page/?a=1"))
    view(anonymous_get("/page/?a=2"))

    assert len(calls) == 2


def test_post_requests_bypass_the_cache():
    view, calls = counting_view(lambda: HttpResponse("ok"))
    for _ in range(2):
        request = RequestFactory().post("/page/")
        request.user = AnonymousUser()
        view(request)

    assert len(calls) == 2


def test_a_cached_page_is_served_compressed_to_clients_that_accept_gzip(shop):
    plain = Client().get("/c/bougies/")
    gzipped = Client(HTTP_ACCEPT_ENCODING="gzip, deflate").get("/c/bougies/")  # a cache hit
    plain_again = Client().get("/c/bougies/")

    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.content) == plain.content
    assert not plain_again.has_header("Content-Encoding")
    assert plain_again.content == plain.content
    assert "Accept-Encoding" in gzipped["Vary"]
    assert "Accept-Encoding" in plain_again["Vary"]
