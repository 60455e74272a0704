import pytest

from orchestre.api.tests.hostile import HOSTILE_VALUES
from orchestre.catalog.models import Product

SUGGEST = "/api/v1/search/suggest"


def test_category_tree_with_product_counts(client, shop):
    response = client.get("/api/v1/categories")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json() == [
        {
            "slug": "decoration",
            "name": "Décoration",
            "product_count": 3,
            "children": [
                {"slug": "lanterns", "name": "Lanternes", "product_count": 2},
                {"slug": "candles", "name": "Bougies", "product_count": 1},
            ],
        },
        {
            "slug": "kitchen",
            "name": "Cuisine",
            "product_count": 30,
            "children": [
                {"slug": "cake-stands", "name": "Présentoirs à gâteaux", "product_count": 30},
                {"slug": "empty", "name": "Vide", "product_count": 0},
            ],
        },
    ]


def test_category_tree_counts_active_products_only(client, shop):
    Product.objects.filter(pk=shop["candle"].pk).update(is_active=False)

    decoration = client.get("/api/v1/categories").json()[0]

    assert decoration["product_count"] == 2
    assert decoration["children"][1] == {"slug": "candles", "name": "Bougies", "product_count": 0}


def test_category_tree_in_english(client, shop):
    response = client.get("/api/v1/categories", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert [department["name"] for department in response.json()] == ["Decoration", "Kitchen"]
    assert response.json()[1]["children"][0]["name"] == "Cake stands"


def test_category_tree_costs_two_queries(client, shop, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get("/api/v1/categories")


def test_suggestions_for_a_cut_off_word(client, shop):
    response = client.get(SUGGEST, {"q": "lant"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.json() == {
        "items": [
            {"label": "Lanternes", "kind": "category", "slug": "lanterns", "url": "/c/lanterns/"},
            {
                "label": "Moroccan metal lantern",
                "kind": "product",
                "slug": "moroccan-metal-lantern",
                "url": "/p/moroccan-metal-lantern/",
            },
        ]
    }


def test_suggestions_in_english(client, shop):
    response = client.get(SUGGEST, {"q": "cake st"}, HTTP_ACCEPT_LANGUAGE="en")

    items = response.json()["items"]
    assert len(items) == 8
    assert items[0] == {
        "label": "Cake stands",
        "kind": "category",
        "slug": "cake-stands",
        "url": "/en/c/cake-stands/",
    }
    assert [item["slug"] for item in items[1:]] == [
        f"cake-stand-{number:02d}" for number in range(30, 23, -1)
    ]


@pytest.mark.parametrize("text", ["", " ", "l", "%%", "\x00", "zzzz", "'; DROP TABLE x; --"])
def test_suggestions_for_nothing_useful_are_empty(client, shop, text):
    response = client.get(SUGGEST, {"q": text})

    assert response.status_code == 200
    assert response.json() == {"items": []}


def test_suggestions_without_q_are_empty(client, shop):
    assert client.get(SUGGEST).json() == {"items": []}


def test_suggestions_for_a_too_long_text_are_a_400(client, shop):
    response = client.get(SUGGEST, {"q": "x" * 101}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_query",
        "message": "The search is too long.",
        "fields": {"q": ["Ensure this value has at most 100 characters."]},
    }


def test_suggestions_cost_at_most_three_queries(client, shop, django_assert_num_queries):
    with django_assert_num_queries(3):  # vocabulary and categories, once per catalogue version
        client.get(SUGGEST, {"q": "lant"})
    with django_assert_num_queries(1):
        client.get(SUGGEST, {"q": "cake"})


def test_hostile_suggestion_texts_get_a_200_or_a_400_never_a_500(client, shop):
    statuses = {client.get(SUGGEST, {"q": value}).status_code for value in HOSTILE_VALUES}

    assert statuses == {200, 400}  # 400 for the texts over 100 characters


CATALOGUE_READS = [
    "/api/v1/products",
    "/api/v1/products/moroccan-metal-lantern",
    "/api/v1/categories",
    "/api/v1/search/suggest?q=lant",
]


@pytest.mark.parametrize("url", CATALOGUE_READS)
def test_catalogue_reads_are_public_and_the_same_for_everyone(client, shop, url, django_user_model):
    anonymous = client.get(url)
    customer = django_user_model.objects.create_user(
        username="claire", email="claire@example.org", password="x" * 12
    )
    staff = django_user_model.objects.create_user(
        username="sam", email="sam@example.org", password="x" * 12, is_staff=True
    )
    client.force_login(customer)
    as_customer = client.get(url)
    client.force_login(staff)
    as_staff = client.get(url)

    assert anonymous.status_code == as_customer.status_code == as_staff.status_code == 200
    assert anonymous.content == as_customer.content == as_staff.content
