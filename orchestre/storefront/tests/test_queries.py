"""Every page's database queries, counted on a cold page cache (each test has a cache of its
own), with 30 products carrying attributes, so an N+1 would show as dozens of queries."""

import pytest


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # departments with their categories (2), bestsellers
        ("/", 3),
        ("/en/", 3),
        # category, attribute codes, count of products, page of products, their attribute
        # values, the departments menu, facet values and attributes
        ("/c/bougies/", 8),
        ("/c/bougies/?in_stock=1&sort=price&page=2", 8),
        ("/en/c/bougies/?page=2", 8),
        # the same and the department's categories
        ("/c/decoration/", 9),
        # product with price and stock, its attribute values, related products, departments
        ("/p/white-hanging-heart-t-light-holder/", 4),
        ("/en/p/red-scented-candle/", 4),
        # departments only
        ("/search/", 1),
        # product, its category and department
        ("/images/p/85123A.svg", 1),
        # categories and products (section sizes), products again (latest change)
        ("/sitemap.xml", 3),
        # products, paginated in memory
        ("/sitemap-products.xml", 1),
        ("/robots.txt", 0),
    ],
)
def test_page_queries(client, shop, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_listing_fragment_queries(client, shop, django_assert_num_queries):
    # category, attribute codes, count of products, page of products, their attribute values
    with django_assert_num_queries(5):
        response = client.get("/c/bougies/", {"colour": "red"}, headers={"HX-Request": "true"})

    assert response.status_code == 200


def test_search_queries(client, shop, django_assert_num_queries):
    client.get("/search/", {"q": "heart"})  # the search vocabulary is now in memory

    # attribute codes, matches of the words, page of products, their attribute values,
    # matches again and facet values and attributes (facets of the whole search), departments
    with django_assert_num_queries(8):
        response = client.get("/search/", {"q": "glass tea light", "sort": "price"})

    assert response.status_code == 200


def test_search_without_results_queries(client, shop, django_assert_num_queries):
    client.get("/search/", {"q": "heart"})

    # attribute codes, departments: no word is in the index, so nothing else is read
    with django_assert_num_queries(2):
        response = client.get("/search/", {"q": "zzzzqqq"})

    assert response.status_code == 200


def test_suggestion_queries(client, shop, django_assert_num_queries):
    client.get("/search/suggest/", {"q": "heart"})  # vocabulary and categories in memory

    # the index postings of the words, with the products' names and slugs (catalog.search)
    with django_assert_num_queries(1):
        response = client.get("/search/suggest/", {"q": "lant"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/en/c/bougies/?colour=red",
        "/c/decoration/",
        "/p/white-hanging-heart-t-light-holder/",
        "/search/?q=lantern",
        "/search/suggest/?q=lant",
        "/images/p/85123A.svg",
        "/sitemap.xml",
        "/sitemap-products.xml",
    ],
)
def test_a_cached_page_costs_no_query(client, shop, django_assert_num_queries, url):
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert len(second.content) == len(first.content)


def test_a_cached_page_costs_one_query_with_a_session(client, shop, django_assert_num_queries):
    client.get("/")
    client.cookies["sessionid"] = "an-anonymous-session"

    # the session, to tell the visitor is not signed in
    with django_assert_num_queries(1):
        response = client.get("/")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/c/nothing-here/", 1),  # the category lookup
        ("/p/nothing-here/", 1),  # the product lookup
        ("/images/p/NOPE.svg", 1),
    ],
)
def test_not_found_page_queries(client, shop, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 404
