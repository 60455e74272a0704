import re
from html import unescape

import pytest

NBSP = "\u00a0"


def text_of(response) -> str:
    return unescape(response.content.decode())


def product_names(response) -> list[str]:
    """The product names of the cards in a page, in order."""
    return re.findall(r'<h3><a href="(?:/en)?/p/[^"]+">([^<]+)</a></h3>', text_of(response))


def test_home_lists_bestsellers_and_the_category_tree(client, shop):
    response = client.get("/")

    assert response.status_code == 200
    html = text_of(response)
    assert '<html lang="fr">' in html
    assert "<title>Orchestre — Boutique cadeaux</title>" in html
    assert product_names(response)[:4] == [
        "White Hanging Heart T-Light Holder",
        "White Metal Lantern",
        "Red Scented Candle",
        "Glass Tea Light 0",
    ]
    assert len(product_names(response)) == 12
    assert '<a href="/c/bougies/">Bougies et lumières</a> <span class="count">(26)</span>' in html
    assert '<a href="/c/cuisine/">Cuisine</a>' in html
    assert 'role="search"' in html


def test_home_in_english(client, shop):
    response = client.get("/en/")

    html = text_of(response)
    assert '<html lang="en">' in html
    assert "<title>Orchestre — Gift shop</title>" in html
    assert '<h2 id="bestsellers-heading">Bestsellers</h2>' in html
    assert '<a href="/en/c/bougies/">Candles and lights</a>' in html
    assert '<p class="price">€2.95</p>' in html


def test_french_labels_and_prices_on_the_french_home(client, shop):
    html = text_of(client.get("/"))

    assert '<h2 id="bestsellers-heading">Meilleures ventes</h2>' in html
    assert f'<p class="price">2,95{NBSP}€</p>' in html
    assert '<p class="stock in-stock">En stock</p>' in html
    assert f'<p class="stock low-stock">Stock limité{NBSP}: plus que 3</p>' in html
    assert '<p class="stock out-of-stock">Rupture de stock</p>' in html
    assert "Prix TTC (TVA incluse)." in html
    assert "Chen, D. (2015). <cite>Online Retail</cite> [Dataset]. UCI Machine Learning" in html


def test_department_page_lists_the_products_of_its_categories(client, shop):
    response = client.get("/c/decoration/")

    assert response.status_code == 200
    html = text_of(response)
    assert "<h1>Décoration</h1>" in html
    assert (
        '<div id="listing-status" class="listing-status" role="status"><p>28 produits</p></div>'
        in html
    )
    assert len(product_names(response)) == 24
    assert product_names(response)[:3] == [
        "White Hanging Heart T-Light Holder",
        "White Metal Lantern",
        "Red Scented Candle",
    ]
    assert '<a href="/c/bougies/">Bougies et lumières <span class="count">(26)</span></a>' in html
    assert '<a href="/c/cadres/">Cadres <span class="count">(2)</span></a>' in html


def test_category_page_filters_by_price_stock_and_attribute(client, shop):
    response = client.get(
        "/c/bougies/", {"price_min": "2", "price_max": "5", "in_stock": "1", "colour": "white"}
    )

    assert response.status_code == 200
    assert product_names(response) == [
        "White Hanging Heart T-Light Holder",
        "White Metal Lantern",
    ]
    html = text_of(response)
    assert "<p>2 produits</p>" in html
    assert (
        '<input id="price_min" name="price_min" type="number" min="0" step="0.01" '
        'inputmode="decimal" value="2">'
    ) in html
    assert '<input type="checkbox" name="in_stock" value="1" checked>' in html
    assert '<input type="checkbox" name="colour" value="white" checked> Blanc' in html


def test_category_facets_count_the_products_of_the_category(client, shop):
    html = text_of(client.get("/c/bougies/"))

    assert "<legend>Couleur</legend>" in html
    assert "<legend>Matière</legend>" in html
    # 23 tea lights in turn red, pink, white; plus the heart and lantern (white), candle (red).
    assert 'value="red"> Rouge <span class="count">(9)</span>' in html
    assert 'value="pink"> Rose <span class="count">(8)</span>' in html
    assert 'value="white"> Blanc <span class="count">(9)</span>' in html
    assert 'value="glass"> Verre <span class="count">(24)</span>' in html
    assert 'value="metal"> Métal <span class="count">(2)</span>' in html


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("bestsellers", "White Hanging Heart T-Light Holder"),
        ("price", "Red Scented Candle"),
        ("-price", "Glass Tea Light 22"),
        ("name", "Glass Tea Light 0"),
    ],
)
def test_category_sorting(client, shop, sort, first):
    response = client.get("/c/bougies/", {"sort": sort})

    assert product_names(response)[0] == first
    assert f'<option value="{sort}" selected>' in text_of(response)


def test_category_pagination(client, shop):
    first = client.get("/c/bougies/")
    second = client.get("/c/bougies/", {"page": "2"})

    html = text_of(first)
    assert '<nav class="pagination" aria-label="Pages"' in html
    assert (
        '<a href="/c/bougies/" aria-current="page"><span class="visually-hidden">Page </span>1</a>'
        in html
    )
    assert '<a href="/c/bougies/?page=2" rel="next">Page suivante</a>' in html
    assert product_names(second) == ["Glass Tea Light 21", "Glass Tea Light 22"]
    assert '<a href="/c/bougies/" rel="prev">Page précédente</a>' in text_of(second)
    assert "<title>Bougies et lumières – page 2 · Orchestre</title>" in text_of(second)


def test_pagination_links_keep_the_filters(client, shop):
    response = client.get("/c/decoration/", {"sort": "price", "in_stock": "on", "page": "1"})

    html = response.content.decode()
    assert "<p>27 produits</p>" in html
    assert '<a href="/c/decoration/?in_stock=1&amp;sort=price&amp;page=2" rel="next">' in html
    assert (
        '<a href="/c/decoration/?in_stock=1&amp;sort=price" aria-current="page">'
        '<span class="visually-hidden">Page </span>1</a>'
    ) in html


@pytest.mark.parametrize(
    "parameters",
    [
        {"price_min": "abc"},
        {"page": "-1"},
        {"sort": "name;drop"},
        {"price_min": "9", "price_max": "2"},
        {"in_stock": "maybe"},
        {"colour": "<script>"},
        {"sort": "relevance"},
        {"page": "99"},
    ],
)
def test_bad_parameters_show_the_default_listing_with_a_message(client, shop, parameters):
    response = client.get("/c/bougies/", parameters)

    assert response.status_code == 200
    html = text_of(response)
    assert (
        '<p class="notice">Certains filtres ont été ignorés car ils n’étaient pas valides.</p>'
        in html
    )
    assert "<p>26 produits</p>" in html
    assert product_names(response)[0] == "White Hanging Heart T-Light Holder"


def test_unknown_category_is_a_friendly_404(client, shop):
    response = client.get("/c/nothing-here/")

    assert response.status_code == 404
    html = text_of(response)
    assert "<h1>Page introuvable</h1>" in html
    assert '<a href="/">Retour à l’accueil</a>' in html


def test_unknown_product_is_a_404_in_english_too(client, shop):
    response = client.get("/en/p/nothing-here/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in text_of(response)
    assert '<html lang="en">' in text_of(response)


def test_product_page(client, shop):
    response = client.get("/p/white-hanging-heart-t-light-holder/")

    assert response.status_code == 200
    html = text_of(response)
    assert "<title>White Hanging Heart T-Light Holder · Orchestre</title>" in html
    assert "<h1>White Hanging Heart T-Light Holder</h1>" in html
    assert f'<p class="product-price">2,95{NBSP}€ <span class="vat">TTC</span></p>' in html
    assert '<p class="stock in-stock">En stock</p>' in html
    assert "<div><dt>Référence</dt><dd>85123A</dd></div>" in html
    assert "<div><dt>Couleur</dt><dd>Blanc</dd></div>" in html
    assert "<div><dt>Matière</dt><dd>Métal</dd></div>" in html
    assert (
        '<img class="product-image" src="/images/p/85123A.svg" '
        'alt="White Hanging Heart T-Light Holder" width="240" height="240">'
    ) in html
    assert (
        '<nav class="breadcrumbs" aria-label="Fil d’Ariane"><ol><li><a href="/">Accueil</a></li>'
        '<li><a href="/c/decoration/">Décoration</a></li>'
        '<li><a href="/c/bougies/">Bougies et lumières</a></li>'
        '<li><a href="/p/white-hanging-heart-t-light-holder/" aria-current="page">'
        "White Hanging Heart T-Light Holder</a></li></ol></nav>"
    ) in html
    related = product_names(response)
    assert related[:3] == ["White Metal Lantern", "Red Scented Candle", "Glass Tea Light 0"]
    assert len(related) == 8


def test_product_page_in_english(client, shop):
    html = text_of(client.get("/en/p/white-metal-lantern/"))

    assert '<p class="product-price">€3.75 <span class="vat">VAT incl.</span></p>' in html
    assert '<p class="stock low-stock">Low stock: 3 left</p>' in html
    assert "<div><dt>SKU</dt><dd>71053</dd></div>" in html


def test_product_by_sku_redirects_to_its_address(client, shop):
    response = client.get("/p/85123a/")

    assert response.status_code == 301
    assert response["Location"] == "/p/white-hanging-heart-t-light-holder/"


def test_out_of_stock_product(client, shop):
    html = text_of(client.get("/p/red-scented-candle/"))

    assert '<p class="stock out-of-stock">Rupture de stock</p>' in html


def test_search_results(client, shop):
    response = client.get("/search/", {"q": "lantern"})

    assert response.status_code == 200
    html = text_of(response)
    assert f"<h1>Résultats pour «{NBSP}lantern{NBSP}»</h1>" in html
    assert product_names(response)[0] == "White Metal Lantern"
    assert '<meta name="robots" content="noindex, follow">' in html
    assert '<input id="search-input" type="search" name="q" value="lantern"' in html
    assert '<option value="relevance" selected>Pertinence</option>' in html


def test_search_with_filters_and_sort(client, shop):
    response = client.get("/search/", {"q": "glass tea light", "sort": "-price", "colour": "red"})

    # Red tea lights match every word; the red candle only "light", by its category.
    assert product_names(response) == [
        *(f"Glass Tea Light {number}" for number in (21, 18, 15, 12, 9, 6, 3, 0)),
        "Red Scented Candle",
    ]
    assert "<p>9 produits</p>" in text_of(response)


def test_search_without_results_helps(client, shop):
    response = client.get("/search/", {"q": "zzzzqqq"})

    assert response.status_code == 200
    html = text_of(response)
    assert "<h2>Aucun produit ne correspond à votre recherche</h2>" in html
    assert "<p>0 produit</p>" in html
    assert '<a href="/c/decoration/">Décoration</a>, <a href="/c/cuisine/">Cuisine</a>' in html


def test_empty_search_asks_for_words(client, shop):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "<h1>Rechercher dans la boutique</h1>" in text_of(response)
    assert product_names(response) == []


def test_search_with_bad_parameters_keeps_the_words(client, shop):
    response = client.get("/search/", {"q": "lantern", "page": "x"})

    assert response.status_code == 200
    assert "Certains filtres ont été ignorés" in text_of(response)
    assert product_names(response)[0] == "White Metal Lantern"


def test_htmx_request_gets_the_results_fragment(client, shop):
    response = client.get("/c/bougies/", {"colour": "red"}, headers={"HX-Request": "true"})

    html = text_of(response)
    assert html.startswith('<section id="results" class="results"')
    assert "<html" not in html
    assert (
        '<div id="listing-status" class="listing-status" role="status" hx-swap-oob="innerHTML">'
        "<p>9 produits</p></div>"
    ) in html
    assert "HX-Request" in response["Vary"].split(", ")


def test_suggestions_fragment(client, shop):
    response = client.get("/search/suggest/", {"q": "lant"})

    assert response.status_code == 200
    html = text_of(response)
    assert (
        '<li id="search-suggestion-0" role="option" aria-selected="false" '
        'data-href="/p/white-metal-lantern/">White Metal Lantern</li>'
    ) in html
    assert "<html" not in html


def test_suggestions_for_an_empty_query_are_empty(client, shop):
    response = client.get("/search/suggest/", {"q": " "})

    assert response.status_code == 200
    assert 'role="option"' not in text_of(response)


def test_language_link_keeps_the_page_and_its_query(client, shop):
    french = text_of(client.get("/c/bougies/?page=2"))
    english = text_of(client.get("/en/c/bougies/?page=2"))

    assert (
        '<a class="language" href="/en/c/bougies/?page=2" hreflang="en" lang="en" '
        'data-prefix="/en">English</a>'
    ) in french
    assert (
        '<a class="language" href="/c/bougies/?page=2" hreflang="fr" lang="fr" '
        'data-prefix="">Français</a>'
    ) in english


def test_page_structure_for_accessibility(client, shop):
    html = text_of(client.get("/c/bougies/"))

    assert html.index('<a class="skip-link" href="#main">') < html.index("<header")
    assert '<main id="main" class="wrap" tabindex="-1">' in html
    assert '<nav class="departments" aria-label="Rayons">' in html
    assert "<footer" in html
    assert '<label for="price_min">Minimum</label>' in html
    assert "<fieldset><legend>Disponibilité</legend>" in html
    assert 'aria-controls="search-suggestions"' in html


def test_images_below_the_fold_load_lazily_and_keep_their_size(client, shop):
    images = re.findall(r"<img [^>]+>", text_of(client.get("/")))

    assert len(images) == 12
    assert images[0] == '<img src="/images/p/85123A.svg" alt="" width="240" height="240">'
    assert ["loading" in image for image in images] == [False] * 6 + [True] * 6
    assert all('width="240" height="240"' in image for image in images)


def test_server_error_page_renders_without_a_request_context(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("en"):
        response = server_error(rf.get("/en/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Sorry, something went wrong</h1>" in html
    assert '<a href="/en/">Back to the home page</a>' in html
