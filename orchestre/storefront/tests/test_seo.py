import json
import re
from xml.etree import ElementTree

from django.conf import settings

SHOP = settings.SHOP_URL.rstrip("/")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def json_ld(response) -> list[dict]:
    scripts = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(script) for script in scripts]


def test_product_structured_data(client, shop):
    product, breadcrumbs = json_ld(client.get("/p/white-hanging-heart-t-light-holder/"))

    assert product == {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "White Hanging Heart T-Light Holder",
        "sku": "85123A",
        "image": f"{SHOP}/images/p/85123A.svg",
        "url": f"{SHOP}/p/white-hanging-heart-t-light-holder/",
        "category": "Bougies et lumières",
        "offers": {
            "@type": "Offer",
            "price": "2.95",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "url": f"{SHOP}/p/white-hanging-heart-t-light-holder/",
        },
    }
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [
        (item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]
    ] == [
        (1, "Accueil", f"{SHOP}/"),
        (2, "Décoration", f"{SHOP}/c/decoration/"),
        (3, "Bougies et lumières", f"{SHOP}/c/bougies/"),
        (4, "White Hanging Heart T-Light Holder", f"{SHOP}/p/white-hanging-heart-t-light-holder/"),
    ]


def test_structured_data_availability_and_language(client, shop):
    (low_stock, _), (out_of_stock, english) = (
        json_ld(client.get("/p/white-metal-lantern/")),
        json_ld(client.get("/en/p/red-scented-candle/")),
    )

    assert low_stock["offers"]["availability"] == "https://schema.org/LimitedAvailability"
    assert out_of_stock["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert out_of_stock["offers"]["price"] == "1.25"
    assert out_of_stock["url"] == f"{SHOP}/en/p/red-scented-candle/"
    assert english["itemListElement"][0] == {
        "@type": "ListItem",
        "position": 1,
        "name": "Home",
        "item": f"{SHOP}/en/",
    }


def test_structured_data_is_escaped_for_html(client, shop):
    shop.heart.name = "Heart </script><script>alert(1)</script>"
    shop.heart.save()

    response = client.get("/p/white-hanging-heart-t-light-holder/")

    assert "</script><script>alert(1)" not in response.content.decode()
    assert json_ld(response)[0]["name"] == "Heart </script><script>alert(1)</script>"


def test_category_breadcrumb_data(client, shop):
    (breadcrumbs,) = json_ld(client.get("/c/bougies/"))

    assert [item["name"] for item in breadcrumbs["itemListElement"]] == [
        "Accueil",
        "Décoration",
        "Bougies et lumières",
    ]


def test_canonical_and_language_alternates(client, shop):
    html = client.get("/en/c/bougies/?page=2&sort=price").content.decode()

    assert f'<link rel="canonical" href="{SHOP}/en/c/bougies/?page=2">' in html
    assert f'<link rel="alternate" hreflang="fr" href="{SHOP}/c/bougies/?page=2">' in html
    assert f'<link rel="alternate" hreflang="en" href="{SHOP}/en/c/bougies/?page=2">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{SHOP}/c/bougies/?page=2">' in html


def test_titles_and_descriptions(client, shop):
    category = client.get("/c/bougies/").content.decode()
    product = client.get("/en/p/white-metal-lantern/").content.decode()

    assert "<title>Bougies et lumières · Orchestre</title>" in category
    assert '<meta name="description" content="Photophores, lanternes et bougies.">' in category
    assert "<title>White Metal Lantern · Orchestre</title>" in product
    assert (
        '<meta name="description" content="White Metal Lantern: €3.75 VAT incl., '
        'in Candles and lights at Orchestre, the gift shop.">'
    ) in product


def sitemap_urls(client, section: str) -> list:
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content).findall(f"{SITEMAP}url")


def test_sitemap_index_lists_its_sections(client, shop):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    entries = ElementTree.fromstring(response.content).findall(f"{SITEMAP}sitemap")
    assert [entry.find(f"{SITEMAP}loc").text for entry in entries] == [
        "http://testserver/sitemap-home.xml",
        "http://testserver/sitemap-categories.xml",
        "http://testserver/sitemap-products.xml",
    ]


def test_sitemap_sections_list_every_page_in_both_languages(client, shop):
    urls = [
        url
        for section in ("home", "categories", "products")
        for url in sitemap_urls(client, section)
    ]

    locations = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert len(locations) == 2 * (1 + 5 + 30)
    assert f"{SHOP}/" in locations
    assert f"{SHOP}/en/" in locations
    assert f"{SHOP}/c/bougies/" in locations
    assert f"{SHOP}/en/c/bougies/" in locations
    assert f"{SHOP}/p/white-hanging-heart-t-light-holder/" in locations
    assert f"{SHOP}/en/p/white-hanging-heart-t-light-holder/" in locations
    heart = urls[locations.index(f"{SHOP}/p/white-hanging-heart-t-light-holder/")]
    assert {(link.get("hreflang"), link.get("href")) for link in heart.findall(f"{XHTML}link")} == {
        ("fr", f"{SHOP}/p/white-hanging-heart-t-light-holder/"),
        ("en", f"{SHOP}/en/p/white-hanging-heart-t-light-holder/"),
        ("x-default", f"{SHOP}/p/white-hanging-heart-t-light-holder/"),
    }


def test_sitemap_products_are_split_into_pages(client, shop):
    from orchestre.storefront.sitemaps import ProductSitemap

    ProductSitemap.limit = 25
    try:
        pages = [client.get(f"/sitemap-products.xml?p={number}") for number in (1, 2, 3)]
    finally:
        ProductSitemap.limit = 1000

    sizes = [len(ElementTree.fromstring(page.content).findall(f"{SITEMAP}url")) for page in pages]
    assert sizes == [25, 25, 2 * 30 - 50]


def test_sitemap_leaves_out_inactive_products(client, shop):
    shop.candle.is_active = False
    shop.candle.save()

    content = client.get("/sitemap-products.xml").content.decode()

    assert "/p/red-scented-candle/" not in content


def test_robots_txt(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /search/\n"
        "Disallow: /en/search/\n"
        "Disallow: /admin/\n"
        f"Sitemap: {SHOP}/sitemap.xml\n"
    )
