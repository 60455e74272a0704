import json

import pytest

from orchestre.api.tests.hostile import HOSTILE_VALUES
from orchestre.catalog.models import Product

PRODUCTS = "/api/v1/products"
STANDS_BY_SALES = [f"cake-stand-{number:02d}" for number in range(30, 0, -1)]


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


def english(client, url, data=None):
    return client.get(url, data, HTTP_ACCEPT_LANGUAGE="en")


def test_list_gives_bestsellers_first_with_every_field(client, shop):
    response = client.get(PRODUCTS)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (33, 1, 24)
    assert slugs(response) == [
        "moroccan-metal-lantern",
        "vanilla-scented-candle",
        "white-hanging-heart",
        *STANDS_BY_SALES[:21],
    ]
    assert body["items"][0] == {
        "sku": "22171",
        "slug": "moroccan-metal-lantern",
        "name": "Moroccan metal lantern",
        "category": {"slug": "lanterns", "name": "Lanternes"},
        "price": {"amount": "12.50", "currency": "EUR", "vat_included": True, "vat_rate": "0.20"},
        "available": 7,
        "in_stock": True,
        "url": "/p/moroccan-metal-lantern/",
        "image_url": "/images/p/22171.svg",
        "attributes": [
            {"code": "colour", "name": "Couleur", "value": "Rouge", "value_code": "red"},
            {"code": "material", "name": "Matière", "value": "Métal", "value_code": "metal"},
        ],
    }


def test_list_speaks_the_accept_language(client, shop):
    response = english(client, PRODUCTS, {"page_size": 1})

    item = response.json()["items"][0]
    assert item["category"] == {"slug": "lanterns", "name": "Lanterns"}
    assert item["url"] == "/en/p/moroccan-metal-lantern/"
    assert item["attributes"][0] == {
        "code": "colour",
        "name": "Colour",
        "value": "Red",
        "value_code": "red",
    }
    assert response["Content-Language"] == "en"


def test_catalogue_answers_may_be_cached_for_a_minute_per_language(client, shop):
    response = client.get(PRODUCTS)

    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "fr"


def test_errors_are_not_cached(client, shop):
    response = client.get(PRODUCTS, {"page": "0"})

    assert response.status_code == 400
    assert "Cache-Control" not in response


def test_a_product_without_price_or_stock(client, shop):
    Product.objects.filter(pk=shop["heart"].pk).update(units_sold=1_000)
    shop["heart"].price.delete()

    item = client.get(PRODUCTS, {"page_size": 1}).json()["items"][0]

    assert (item["slug"], item["price"], item["available"], item["in_stock"]) == (
        "white-hanging-heart",
        None,
        0,
        False,
    )


def test_search_ranks_by_relevance(client, shop):
    response = client.get(PRODUCTS, {"q": "lanterns"})

    assert response.json()["count"] == 2
    # Both are in the Lanterns category; only the first has the word in its name.
    assert slugs(response) == ["moroccan-metal-lantern", "white-hanging-heart"]


def test_search_tolerates_typos_and_can_be_sorted(client, shop):
    response = client.get(PRODUCTS, {"q": "cake stnd", "sort": "price", "page_size": 3})

    assert response.json()["count"] == 30
    assert slugs(response) == ["cake-stand-01", "cake-stand-02", "cake-stand-03"]


def test_search_without_results(client, shop):
    response = client.get(PRODUCTS, {"q": "zzzzzz"})

    assert response.json() == {"count": 0, "page": 1, "page_size": 24, "items": []}


def test_relevance_without_search_words_sorts_by_bestsellers(client, shop):
    response = client.get(PRODUCTS, {"sort": "relevance", "page_size": 3})

    assert slugs(response) == [
        "moroccan-metal-lantern",
        "vanilla-scented-candle",
        "white-hanging-heart",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "bestsellers",
            ["moroccan-metal-lantern", "vanilla-scented-candle", "white-hanging-heart"],
        ),
        ("price", ["vanilla-scented-candle", "white-hanging-heart", "cake-stand-01"]),
        ("-price", ["cake-stand-30", "cake-stand-29", "cake-stand-28"]),
        ("newest", ["white-hanging-heart", "vanilla-scented-candle", "moroccan-metal-lantern"]),
        ("name", ["cake-stand-01", "cake-stand-02", "cake-stand-03"]),
    ],
)
def test_sorts(client, shop, sort, expected):
    assert slugs(client.get(PRODUCTS, {"sort": sort, "page_size": 3})) == expected


def test_a_department_lists_its_categories_products(client, shop):
    response = client.get(PRODUCTS, {"category": "decoration"})

    assert response.json()["count"] == 3
    assert slugs(response) == [
        "moroccan-metal-lantern",
        "vanilla-scented-candle",
        "white-hanging-heart",
    ]


def test_a_category_lists_its_products(client, shop):
    assert slugs(client.get(PRODUCTS, {"category": "lanterns"})) == [
        "moroccan-metal-lantern",
        "white-hanging-heart",
    ]


def test_an_unknown_category_lists_nothing(client, shop):
    assert client.get(PRODUCTS, {"category": "nope"}).json()["count"] == 0


def test_price_range(client, shop):
    response = client.get(PRODUCTS, {"price_min": "3", "price_max": "7", "sort": "price"})

    assert slugs(response) == ["white-hanging-heart", "cake-stand-01", "cake-stand-02"]


def test_in_stock_only(client, shop):
    response = client.get(PRODUCTS, {"in_stock": "1", "page_size": 100})

    assert response.json()["count"] == 16
    assert slugs(response) == [
        "moroccan-metal-lantern",
        *[slug for slug in STANDS_BY_SALES if int(slug[-2:]) % 2],
    ]


def test_attribute_filters(client, shop):
    red = client.get(PRODUCTS, {"colour": "red", "page_size": 3})
    red_or_blue = client.get(PRODUCTS, {"colour": ["red", "blue"], "material": "metal"})
    blue_metal = client.get(PRODUCTS, {"colour": "blue", "material": "metal", "sort": "name"})

    assert red.json()["count"] == 17
    assert slugs(red) == ["moroccan-metal-lantern", "white-hanging-heart", "cake-stand-29"]
    assert red_or_blue.json()["count"] == 31
    assert blue_metal.json()["count"] == 15
    assert slugs(blue_metal)[:2] == ["cake-stand-02", "cake-stand-04"]


def test_filters_combine(client, shop):
    response = client.get(
        PRODUCTS,
        {"q": "stand", "colour": "red", "in_stock": "yes", "price_max": "10", "sort": "-price"},
    )

    assert slugs(response) == ["cake-stand-05", "cake-stand-03", "cake-stand-01"]


def test_pagination(client, shop):
    second = client.get(PRODUCTS, {"page": "2", "page_size": "10"})
    last = client.get(PRODUCTS, {"page": "4", "page_size": "10"})
    beyond = client.get(PRODUCTS, {"page": "5", "page_size": "10"})

    assert second.json()["count"] == 33
    assert slugs(second) == STANDS_BY_SALES[7:17]
    assert slugs(last) == STANDS_BY_SALES[27:]
    assert beyond.json() == {"count": 33, "page": 5, "page_size": 10, "items": []}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"price_min": "abc"}, {"price_min": ["Enter a number."]}),
        ({"page": "-1"}, {"page": ["Ensure this value is greater than or equal to 1."]}),
        ({"page_size": "1000"}, {"page_size": ["Ensure this value is less than or equal to 100."]}),
        (
            {"sort": "name;drop"},
            {"sort": ["Select a valid choice. name;drop is not one of the available choices."]},
        ),
        (
            {"price_min": "20", "price_max": "10"},
            {"price_max": ["The maximum price must not be below the minimum."]},
        ),
        (
            {"in_stock": "maybe"},
            {"in_stock": ["Select a valid choice. maybe is not one of the available choices."]},
        ),
        (
            {"category": "a b"},
            {
                "category": [
                    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                ]
            },
        ),
        ({"colour": "red;blue"}, {"colour": ["Unknown value."]}),
        ({"q": "x" * 101}, {"q": ["Ensure this value has at most 100 characters (it has 101)."]}),
    ],
)
def test_malformed_parameters_get_a_400_with_field_messages(client, shop, params, fields):
    response = english(client, PRODUCTS, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "invalid_query",
        "message": "Some search parameters are invalid.",
        "fields": fields,
    }


def test_every_malformed_parameter_is_reported_at_once(client, shop):
    response = english(
        client, PRODUCTS, {"price_min": "abc", "page": "-1", "page_size": "1000", "sort": "x"}
    )

    assert sorted(response.json()["fields"]) == ["page", "page_size", "price_min", "sort"]


def test_error_messages_speak_the_accept_language(client, shop):
    response = client.get(PRODUCTS, {"price_min": "abc"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["fields"] == {"price_min": ["Saisissez un nombre."]}


PARAMETERS = [
    "q",
    "category",
    "price_min",
    "price_max",
    "in_stock",
    "sort",
    "page",
    "page_size",
    "colour",
    "material",
    "utm_source",
]


def test_hostile_values_get_a_400_or_a_200_never_a_500(client, shop):
    surprises = []
    for parameter in PARAMETERS:
        for value in HOSTILE_VALUES:
            response = client.get(PRODUCTS, {parameter: value})
            body = response.json()
            if response.status_code == 200:
                ok = body["count"] >= 0
            else:
                ok = (
                    response.status_code == 400
                    and body["code"] == "invalid_query"
                    and list(body["fields"]) == [parameter]
                )
            if not ok:
                surprises.append((parameter, value[:20], response.status_code, body))
    assert surprises == []


@pytest.mark.parametrize(
    "query_string",
    [
        "page=%ff",
        "q=%ff%fe",
        "colour=%00",
        "q=%",
        "price_min=%2",
        "page=1&page=abc",
        "sort=&sort=%00",
        "colour=" + "&colour=".join(f"value-{number}" for number in range(21)),
    ],
)
def test_raw_malformed_query_strings_get_a_400_or_a_200(client, shop, query_string):
    response = client.get(f"{PRODUCTS}?{query_string}")

    assert response.status_code in (200, 400)
    assert response["Content-Type"].startswith("application/json")


def test_too_many_parameters_get_a_400(client, shop):
    query_string = "&".join(f"p{number}=1" for number in range(1_100))

    response = english(client, f"{PRODUCTS}?{query_string}")

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request is malformed.",
        "fields": {},
    }


def test_list_costs_four_queries_whatever_the_page_size(client, shop, django_assert_num_queries):
    # attribute codes, the count, the page, the attribute values
    for page_size in ("10", "100"):
        with django_assert_num_queries(4):
            client.get(PRODUCTS, {"page_size": page_size, "colour": "red", "category": "kitchen"})


def test_a_search_costs_five_queries_and_four_once_the_vocabulary_is_loaded(
    client, shop, django_assert_num_queries
):
    # attribute codes, [the search vocabulary,] the search, the page with its total, the
    # attribute values
    with django_assert_num_queries(5):
        client.get(PRODUCTS, {"q": "stand", "page_size": "100", "colour": "red"})
    for page_size in ("10", "100"):
        with django_assert_num_queries(4):
            client.get(PRODUCTS, {"q": "stand", "page_size": page_size, "sort": "price"})


def test_a_page_past_the_end_costs_no_more(client, shop, django_assert_num_queries):
    with django_assert_num_queries(3):  # attribute codes, the count, the empty page
        response = client.get(PRODUCTS, {"page": "9"})
    assert response.json()["count"] == 33
    with django_assert_num_queries(5):  # ..., the search, the empty page, the count
        response = client.get(PRODUCTS, {"q": "stand", "page": "9"})
    assert response.json()["count"] == 30


def test_a_search_for_unknown_words_costs_at_most_two_queries(
    client, shop, django_assert_num_queries
):
    with django_assert_num_queries(2):  # attribute codes, the vocabulary
        response = client.get(PRODUCTS, {"q": "zzzzzz"})
    with django_assert_num_queries(1):  # nothing matches: no search, no page
        client.get(PRODUCTS, {"q": "zzzzzz"})
    assert response.json()["count"] == 0


def test_detail_by_slug(client, shop):
    response = client.get(f"{PRODUCTS}/moroccan-metal-lantern")

    assert response.status_code == 200
    assert response.json() == {
        "sku": "22171",
        "slug": "moroccan-metal-lantern",
        "name": "Moroccan metal lantern",
        "category": {"slug": "lanterns", "name": "Lanternes"},
        "price": {"amount": "12.50", "currency": "EUR", "vat_included": True, "vat_rate": "0.20"},
        "available": 7,
        "in_stock": True,
        "url": "/p/moroccan-metal-lantern/",
        "image_url": "/images/p/22171.svg",
        "attributes": [
            {"code": "colour", "name": "Couleur", "value": "Rouge", "value_code": "red"},
            {"code": "material", "name": "Matière", "value": "Métal", "value_code": "metal"},
        ],
        "description": "A lantern with coloured glass.",
        "source_name": "MOROCCAN METAL LANTERN",
        "pack_size": 1,
        "breadcrumbs": [
            {"slug": "decoration", "name": "Décoration"},
            {"slug": "lanterns", "name": "Lanternes"},
        ],
    }
    assert response["Cache-Control"] == "public, max-age=60"


def test_detail_by_sku_in_any_case(client, shop):
    assert client.get(f"{PRODUCTS}/85123a").json()["slug"] == "white-hanging-heart"
    assert client.get(f"{PRODUCTS}/85123A").json()["slug"] == "white-hanging-heart"


def test_detail_in_english(client, shop):
    body = english(client, f"{PRODUCTS}/moroccan-metal-lantern").json()

    assert body["breadcrumbs"] == [
        {"slug": "decoration", "name": "Decoration"},
        {"slug": "lanterns", "name": "Lanterns"},
    ]


def test_detail_costs_two_queries(client, shop, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(f"{PRODUCTS}/moroccan-metal-lantern")


@pytest.mark.parametrize(
    "identifier", ["nope", "x" * 141, "%00", "a%20b", "%F0%9F%98%80", "..", "%25"]
)
def test_unknown_product_is_a_json_404(client, shop, identifier):
    response = english(client, f"{PRODUCTS}/{identifier}")

    assert response.status_code == 404
    assert response.json()["code"] == "product_not_found"
    assert response.json()["fields"] == {}


def test_unknown_product_message(client, shop):
    assert english(client, f"{PRODUCTS}/nope").json() == {
        "code": "product_not_found",
        "message": "No product 'nope'.",
        "fields": {},
    }


def test_inactive_product_is_not_found(client, shop):
    Product.objects.filter(pk=shop["lantern"].pk).update(is_active=False)

    assert client.get(f"{PRODUCTS}/moroccan-metal-lantern").status_code == 404
    assert client.get(PRODUCTS).json()["count"] == 32


def test_an_unexpected_error_is_a_logged_json_500(client, shop, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("orchestre.api.catalog.get_product", broken)

    response = english(client, f"{PRODUCTS}/moroccan-metal-lantern")

    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side.",
        "fields": {},
    }
    assert "disk on fire" in caplog.text


def test_openapi_document_lists_the_catalogue_and_purchase_paths(client, db):
    response = client.get("/api/v1/openapi.json")

    document = json.loads(response.content)
    assert response.status_code == 200
    assert document["info"]["title"] == "Orchestre API"
    public = sorted(path for path in document["paths"] if not path.startswith("/api/v1/staff/"))
    assert public == [
        "/api/v1/carriers/sandbox/webhook",
        "/api/v1/carts",
        "/api/v1/carts/{cart_id}",
        "/api/v1/carts/{cart_id}/complete",
        "/api/v1/carts/{cart_id}/delivery-methods",
        "/api/v1/carts/{cart_id}/lines",
        "/api/v1/carts/{cart_id}/lines/{line_id}",
        "/api/v1/categories",
        "/api/v1/orders/{number}",
        "/api/v1/payments/webhooks/{provider}",
        "/api/v1/products",
        "/api/v1/products/{slug_or_sku}",
        "/api/v1/search/suggest",
    ]
    staff_domains = {
        path.split("/")[4] for path in document["paths"] if path.startswith("/api/v1/staff/")
    }
    assert staff_domains == {
        "me",
        "orders",
        "purchase-orders",
        "returns",
        "shipments",
        "stock",
        "tickets",
    }
    parameters = document["paths"]["/api/v1/products"]["get"]["parameters"]
    assert [parameter["name"] for parameter in parameters] == [
        "q",
        "category",
        "price_min",
        "price_max",
        "in_stock",
        "sort",
        "page",
        "page_size",
    ]
    assert set(document["paths"]["/api/v1/products"]["get"]["responses"]) == {"200", "400"}


def test_docs_page_loads_its_assets_from_the_site_not_a_cdn(client, db):
    response = client.get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert "https://" not in html


def test_docs_assets_are_served(client, db):
    response = client.get("/static/ninja/swagger-ui-init.js")

    assert response.status_code == 200


def test_wrong_method_is_a_json_405(client, shop):
    response = client.post(PRODUCTS, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This address does not accept POST requests.",
        "fields": {},
    }


def test_unknown_endpoint_is_a_json_404(client, db):
    response = client.get("/api/v1/nothing/here", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_endpoint",
        "message": "No API endpoint at this address.",
        "fields": {},
    }
