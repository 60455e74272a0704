"""The cart endpoints. Fixture `shop` (conftest): lantern 22171 at 12.50 € with 7 units
available, candle 72741 out of stock, heart 85123A priced but without stock, cake stands
CS001…CS030 (odd numbers: 5 in stock, price 5 € + number)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orchestre.api.tests.hostile import HOSTILE_VALUES
from orchestre.cart.models import Cart, CartLine
from orchestre.cart.tests.factories import CartFactory, CartLineFactory
from orchestre.catalog.models import Product

EMPTY_TOTALS = {
    "currency": "EUR",
    "item_count": 0,
    "subtotal": "0.00",
    "adjustments": [],
    "discount_total": "0.00",
    "delivery": None,
    "delivery_total": "0.00",
    "vat_breakdown": [],
    "vat_total": "0.00",
    "total": "0.00",
}


def post_json(client, url: str, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def patch_json(client, url: str, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def lines_of(cart_id) -> list[tuple[str, int]]:
    return list(
        CartLine.objects.filter(cart_id=cart_id)
        .order_by("pk")
        .values_list("product__sku", "quantity")
    )


@pytest.fixture
def english(client):
    """Messages are asserted in English, the source language: ask for it, as a client would."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def cart(shop):
    return CartFactory()


def test_create_cart(client, shop):
    response = client.post("/api/v1/carts")

    body = response.json()
    cart = Cart.objects.get()
    assert response.status_code == 201
    assert response["Cache-Control"] == "private, no-store"
    assert body == {
        "id": str(cart.pk),
        "status": "open",
        "language": "fr",
        "currency": "EUR",
        "expires_at": body["expires_at"],
        "email": "",
        "shipping_address": None,
        "billing_address": None,
        "delivery_method": "",
        "order_number": "",
        "lines": [],
        "unavailable_skus": [],
        "totals": EMPTY_TOTALS,
    }
    assert uuid.UUID(body["id"]).version == 4
    assert body["expires_at"].startswith(str((cart.updated_at + timedelta(days=30)).date()))


def test_create_cart_in_the_requested_language(client, shop):
    response = client.post("/api/v1/carts", headers={"Accept-Language": "en-GB,en;q=0.8"})

    assert response.json()["language"] == "en"


def test_create_cart_ignores_a_body(client, shop):
    response = post_json(client, "/api/v1/carts", {"status": "completed", "id": "x"})

    assert response.status_code == 201
    assert response.json()["status"] == "open"
    assert Cart.objects.get().status == "open"


def test_add_line_answers_the_cart_priced_by_the_shop(client, cart):
    response = post_json(client, f"/api/v1/carts/{cart.pk}/lines", {"sku": "22171", "quantity": 2})

    line = CartLine.objects.get()
    assert response.status_code == 201
    body = response.json()
    assert body["lines"] == [
        {
            "id": line.pk,
            "sku": "22171",
            "name": "Moroccan metal lantern",
            "quantity": 2,
            "unit_price": "12.50",
            "vat_rate": "0.20",
            "amount": "25.00",
            "url": "/p/moroccan-metal-lantern/",
            "image_url": "/images/p/22171.svg",
        }
    ]
    # 25.00 VAT included at 20 %: base round(25.00 / 1.2) = 20.83, VAT 4.17
    assert body["totals"] == {
        **EMPTY_TOTALS,
        "item_count": 2,
        "subtotal": "25.00",
        "vat_breakdown": [{"rate": "0.20", "base": "20.83", "vat": "4.17"}],
        "vat_total": "4.17",
        "total": "25.00",
    }


def test_a_tampered_price_or_total_is_ignored(client, cart):
    response = post_json(
        client,
        f"/api/v1/carts/{cart.pk}/lines",
        {
            "sku": "22171",
            "quantity": 1,
            "price": "0.01",
            "unit_price": "0.01",
            "amount": "0.01",
            "total": "0.01",
            "totals": {"total": "0.01"},
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["lines"][0]["unit_price"], body["totals"]["total"]) == ("12.50", "12.50")
    assert Product.objects.get(sku="22171").price.amount == 12.5


def test_adding_the_same_sku_grows_its_line(client, cart):
    url = f"/api/v1/carts/{cart.pk}/lines"
    post_json(client, url, {"sku": "22171", "quantity": 2})

    response = post_json(client, url, {"sku": "22171", "quantity": 3})

    assert [line["quantity"] for line in response.json()["lines"]] == [5]
    assert lines_of(cart.pk) == [("22171", 5)]


def test_add_line_beyond_the_stock(client, cart, english):
    url = f"/api/v1/carts/{cart.pk}/lines"
    post_json(client, url, {"sku": "22171", "quantity": 5})

    response = post_json(client, url, {"sku": "22171", "quantity": 3})

    assert response.status_code == 409
    assert response.json() == {
        "code": "insufficient_stock",
        "message": "Only 7 left, and your cart already holds 5.",
        "fields": {"quantity": ["Only 7 left, and your cart already holds 5."]},
    }
    assert lines_of(cart.pk) == [("22171", 5)]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"sku": "72741", "quantity": 1}, 409, "insufficient_stock"),
        ({"sku": "85123A", "quantity": 1}, 409, "insufficient_stock"),
        ({"sku": "NOPE", "quantity": 1}, 404, "unknown_sku"),
        ({"sku": "22171", "quantity": 0}, 400, "invalid_quantity"),
        ({"sku": "22171", "quantity": 100}, 400, "invalid_quantity"),
        ({"sku": "22171", "quantity": -1}, 400, "invalid_quantity"),
        ({"sku": "22171", "quantity": "2"}, 400, "invalid_request"),
        ({"sku": "22171", "quantity": 1.5}, 400, "invalid_request"),
        ({"sku": "22171", "quantity": True}, 400, "invalid_request"),
        ({"sku": 22171, "quantity": 1}, 400, "invalid_request"),
        ({"sku": "22171"}, 400, "invalid_request"),
        ({"quantity": 1}, 400, "invalid_request"),
        ({"sku": "X" * 65, "quantity": 1}, 400, "invalid_request"),
    ],
)
def test_add_line_errors_change_nothing(client, cart, payload, status, code):
    response = post_json(client, f"/api/v1/carts/{cart.pk}/lines", payload)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert CartLine.objects.count() == 0


def test_add_line_error_messages(client, cart, english):
    url = f"/api/v1/carts/{cart.pk}/lines"

    assert post_json(client, url, {"sku": "72741", "quantity": 1}).json()["message"] == (
        "Vanilla scented candle is out of stock."
    )
    assert post_json(client, url, {"sku": "22171", "quantity": 0}).json() == {
        "code": "invalid_quantity",
        "message": "Enter a quantity from 1 to 99.",
        "fields": {"quantity": ["Enter a quantity from 1 to 99."]},
    }


def test_add_line_of_a_product_no_longer_for_sale(client, cart):
    Product.objects.filter(sku="22171").update(is_active=False)

    response = post_json(client, f"/api/v1/carts/{cart.pk}/lines", {"sku": "22171", "quantity": 1})

    assert (response.status_code, response.json()["code"]) == (400, "not_for_sale")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": "checking_out"}, "cart_closed"),
        ({"status": "completed", "order_number": "OR-2026-00001"}, "cart_closed"),
        ({"updated_at": timezone.now() - timedelta(days=31)}, "cart_expired"),
    ],
)
def test_add_line_to_a_closed_or_expired_cart(client, shop, fields, code):
    cart = CartFactory(**fields)

    response = post_json(client, f"/api/v1/carts/{cart.pk}/lines", {"sku": "22171", "quantity": 1})

    assert (response.status_code, response.json()["code"]) == (409, code)
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize("cart_id", [uuid.uuid4(), "not-a-uuid", "1" * 300])
def test_unknown_cart(client, shop, cart_id, english):
    detail = client.get(f"/api/v1/carts/{cart_id}")
    add = post_json(client, f"/api/v1/carts/{cart_id}/lines", {"sku": "22171", "quantity": 1})

    expected = {"code": "unknown_cart", "message": "No cart with this id.", "fields": {}}
    assert (detail.status_code, detail.json()) == (404, expected)
    assert (add.status_code, add.json()) == (404, expected)


def test_get_cart(client, cart, django_assert_num_queries):
    line = CartLineFactory(cart=cart, product=Product.objects.get(sku="CS001"), quantity=3)

    # the cart, its lines with product, price and VAT rate
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/carts/{cart.pk}")

    body = response.json()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert body["lines"][0]["id"] == line.pk
    assert (body["lines"][0]["unit_price"], body["totals"]["total"]) == ("6.00", "18.00")


def test_get_cart_queries_do_not_grow_with_the_lines(client, cart, django_assert_num_queries):
    for product in Product.objects.filter(sku__startswith="CS")[:12]:
        CartLineFactory(cart=cart, product=product)

    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/carts/{cart.pk}")

    assert len(response.json()["lines"]) == 12


def test_add_line_queries(client, cart, django_assert_num_queries):
    CartLineFactory(cart=cart, product=Product.objects.get(sku="CS001"))
    url = f"/api/v1/carts/{cart.pk}/lines"

    # savepoint + lock the cart, the product, its line, the stock, insert, touch the cart,
    # release; then the cart and its lines for the answer
    with django_assert_num_queries(10):
        response = post_json(client, url, {"sku": "CS003", "quantity": 1})

    assert response.status_code == 201


def test_products_out_of_sale_are_listed_apart(client, cart):
    CartLineFactory(cart=cart, product=Product.objects.get(sku="22171"), quantity=2)
    CartLineFactory(cart=cart, product=Product.objects.get(sku="CS001"))
    Product.objects.filter(sku="22171").update(is_active=False)

    body = client.get(f"/api/v1/carts/{cart.pk}").json()

    assert [line["sku"] for line in body["lines"]] == ["CS001"]
    assert body["unavailable_skus"] == ["22171"]
    assert body["totals"]["total"] == "6.00"


def test_update_line(client, cart):
    line = CartLineFactory(cart=cart, product=Product.objects.get(sku="22171"), quantity=1)

    response = patch_json(client, f"/api/v1/carts/{cart.pk}/lines/{line.pk}", {"quantity": 4})

    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 4
    assert response.json()["totals"]["total"] == "50.00"
    assert lines_of(cart.pk) == [("22171", 4)]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"quantity": 8}, 409, "insufficient_stock"),
        ({"quantity": 0}, 400, "invalid_quantity"),
        ({"quantity": "3"}, 400, "invalid_request"),
        ({}, 400, "invalid_request"),
        ({"quantity": 2, "price": "0.01"}, 200, None),
    ],
)
def test_update_line_errors(client, cart, payload, status, code):
    line = CartLineFactory(cart=cart, product=Product.objects.get(sku="22171"), quantity=1)

    response = patch_json(client, f"/api/v1/carts/{cart.pk}/lines/{line.pk}", payload)

    assert response.status_code == status
    if code:
        assert response.json()["code"] == code
        assert lines_of(cart.pk) == [("22171", 1)]
    else:
        assert response.json()["lines"][0]["unit_price"] == "12.50"


@pytest.mark.parametrize("line_id", ["0", "-1", str(2**63), "9" * 30])
def test_update_line_of_an_impossible_id(client, cart, line_id):
    response = patch_json(client, f"/api/v1/carts/{cart.pk}/lines/{line_id}", {"quantity": 1})

    assert response.status_code in (400, 404)
    assert response.json()["code"] in ("unknown_line", "invalid_request")


def test_a_line_of_another_cart_is_unknown(client, cart, english):
    other = CartLineFactory(product=Product.objects.get(sku="22171"), quantity=2)

    update = patch_json(client, f"/api/v1/carts/{cart.pk}/lines/{other.pk}", {"quantity": 1})
    delete = client.delete(f"/api/v1/carts/{cart.pk}/lines/{other.pk}")

    expected = {"code": "unknown_line", "message": "This line is not in the cart.", "fields": {}}
    assert (update.status_code, update.json()) == (404, expected)
    assert (delete.status_code, delete.json()) == (404, expected)
    assert lines_of(other.cart_id) == [("22171", 2)]


def test_remove_line(client, cart):
    line = CartLineFactory(cart=cart, product=Product.objects.get(sku="22171"))
    CartLineFactory(cart=cart, product=Product.objects.get(sku="CS001"))

    response = client.delete(f"/api/v1/carts/{cart.pk}/lines/{line.pk}")

    assert response.status_code == 200
    assert [line["sku"] for line in response.json()["lines"]] == ["CS001"]
    assert lines_of(cart.pk) == [("CS001", 1)]


def test_lines_of_a_cart_being_ordered_cannot_change(client, shop):
    cart = CartFactory(status="checking_out")
    line = CartLineFactory(cart=cart, product=Product.objects.get(sku="22171"))

    update = patch_json(client, f"/api/v1/carts/{cart.pk}/lines/{line.pk}", {"quantity": 2})
    delete = client.delete(f"/api/v1/carts/{cart.pk}/lines/{line.pk}")

    assert (update.status_code, update.json()["code"]) == (409, "cart_closed")
    assert (delete.status_code, delete.json()["code"]) == (409, "cart_closed")
    assert lines_of(cart.pk) == [("22171", 1)]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_values_never_cause_a_server_error(client, cart, value):
    url = f"/api/v1/carts/{cart.pk}/lines"
    responses = [
        post_json(client, url, {"sku": value, "quantity": 1}),
        post_json(client, url, {"sku": "22171", "quantity": value}),
        client.get(f"/api/v1/carts/{value}"),
    ]

    assert [response.status_code < 500 for response in responses] == [True, True, True]


def test_openapi_documents_the_cart_endpoints_and_schemas(client, db):
    document = client.get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert set(paths["/api/v1/carts"]) == {"post"}
    assert "get" in paths["/api/v1/carts/{cart_id}"]
    assert set(paths["/api/v1/carts/{cart_id}/lines"]) == {"post"}
    assert set(paths["/api/v1/carts/{cart_id}/lines/{line_id}"]) == {"patch", "delete"}
    schemas = document["components"]["schemas"]
    assert set(schemas["CartOut"]["properties"]) == {
        "id",
        "status",
        "language",
        "currency",
        "expires_at",
        "email",
        "shipping_address",
        "billing_address",
        "delivery_method",
        "order_number",
        "lines",
        "unavailable_skus",
        "totals",
    }
    assert set(schemas["CartLineIn"]["properties"]) == {"sku", "quantity"}
    assert schemas["TotalsOut"]["properties"]["total"]["description"].startswith("What the")
