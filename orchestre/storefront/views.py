"""The public pages. Each view reads its input, calls catalogue selectors and renders;
anonymous GET pages are cached by `cache_public_page` (see page_cache.py)."""

from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.vary import vary_on_headers

from orchestre.catalog import search as catalog_search
from orchestre.catalog.queries import (
    DEFAULT_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    SORTS,
    ProductQuery,
    parse_product_query,
)
from orchestre.catalog.selectors import (
    ProductPage,
    filter_products,
    get_category,
    get_product,
    get_product_by_sku,
    list_attribute_codes,
    list_attribute_facets,
    list_bestsellers,
    list_category_tree,
    list_child_categories,
    list_departments,
    list_related_products,
    paginate_products,
)
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.storefront import seo
from orchestre.storefront.images import product_svg, svg_etag
from orchestre.storefront.page_cache import cache_public_page, wants_fragment

BESTSELLERS_ON_HOME = 12
SUGGESTIONS = 8
IMAGE_MAX_AGE = 7 * 24 * 3600
CATEGORY_SORTS = tuple(code for code in SORTS if code != "relevance")
SEARCH_SORTS = tuple(SORTS)


@dataclass(frozen=True)
class Listing:
    query: ProductQuery
    page: ProductPage
    ignored: bool  # some parameters were invalid and left out
    sorts: tuple[str, ...]

    @property
    def filtered(self) -> bool:
        query = self.query
        return bool(
            query.price_min is not None
            or query.price_max is not None
            or query.in_stock
            or query.attributes
        )

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        return [(code, SORTS[code]) for code in self.sorts]


def _read_listing(
    request: HttpRequest, *, fallback: ProductQuery, sorts: tuple[str, ...]
) -> Listing:
    """One page of the listing the parameters ask for; the `fallback` listing, flagged,
    when a parameter is invalid or the page does not exist."""
    ignored = False
    try:
        query = parse_product_query(
            request.GET, attribute_codes=list_attribute_codes(), category=fallback.category
        )
    except InvalidInput:
        query, ignored = fallback, True
    if query.sort and query.sort not in sorts:
        query, ignored = replace(query, sort=""), True
    # The shop shows a fixed page size: fewer cached variants of each page.
    query = replace(query, page_size=DEFAULT_PAGE_SIZE)
    page = paginate_products(filter_products(query), query)
    if page.count and page.number > page.num_pages:
        query, ignored = replace(query, page=1), True
        page = paginate_products(filter_products(query), query)
    return Listing(query=query, page=page, ignored=ignored, sorts=sorts)


@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    tree = list_category_tree()
    return render(
        request,
        "storefront/home.html",
        {
            "bestsellers": list_bestsellers(limit=BESTSELLERS_ON_HOME),
            "tree": tree,
            "departments": tree,
            "canonical_path": request.path,
        },
    )


@cache_public_page
@vary_on_headers("HX-Request")
def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = get_category(slug)
    except NotFound:
        raise Http404(slug) from None
    listing = _read_listing(
        request, fallback=ProductQuery(category=category.slug), sorts=CATEGORY_SORTS
    )
    context = {"category": category, "listing": listing, "listing_path": request.path}
    if wants_fragment(request):
        return render(request, "storefront/_listing_fragment.html", context)
    crumbs = seo.category_crumbs(category)
    page_number = listing.page.number
    context |= {
        "departments": list_departments(),
        "subcategories": [] if category.parent_id else list_child_categories(category),
        "facets": list_attribute_facets(filter_products(ProductQuery(category=category.slug))),
        "crumbs": crumbs,
        "breadcrumb_data": seo.breadcrumb_data(crumbs),
        "canonical_path": f"{request.path}?page={page_number}" if page_number > 1 else request.path,
    }
    return render(request, "storefront/category.html", context)


@cache_public_page
def product(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        product = get_product(slug)
    except NotFound:
        raise Http404(slug) from None
    if product.slug != slug:  # found by SKU: one address per product
        return redirect("storefront:product", slug=product.slug, permanent=True)
    crumbs = seo.product_crumbs(product)
    return render(
        request,
        "storefront/product.html",
        {
            "product": product,
            "related": list_related_products(product),
            "departments": list_departments(),
            "crumbs": crumbs,
            "breadcrumb_data": seo.breadcrumb_data(crumbs),
            "product_data": seo.product_data(product),
            "canonical_path": request.path,
        },
    )


@cache_public_page
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context: dict = {"text": text, "listing_path": request.path}
    if text:
        listing = _read_listing(request, fallback=ProductQuery(q=text), sorts=SEARCH_SORTS)
        context["listing"] = listing
        if wants_fragment(request):
            return render(request, "storefront/_listing_fragment.html", context)
        if listing.page.count or listing.filtered:
            context["facets"] = list_attribute_facets(
                filter_products(ProductQuery(q=listing.query.q, sort="name"))
            )
    context["departments"] = list_departments()
    return render(request, "storefront/search.html", context)


@cache_public_page
def suggest(request: HttpRequest) -> HttpResponse:
    """Autocomplete options for the search box, as an HTML fragment (a listbox's options)."""
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    suggestions = catalog_search.suggest(text, limit=SUGGESTIONS) if text.strip() else []
    options = [
        {
            "label": suggestion.label,
            "kind": suggestion.kind,
            "url": reverse(
                "storefront:product" if suggestion.kind == "product" else "storefront:category",
                args=[suggestion.slug],
            ),
        }
        for suggestion in suggestions
    ]
    return render(request, "storefront/_suggestions.html", {"options": options, "text": text})


@cache_public_page(same_for_everyone=True)
def product_image(request: HttpRequest, sku: str) -> HttpResponse:
    try:
        product = get_product_by_sku(sku)
    except NotFound:
        raise Http404(sku) from None
    svg = product_svg(product)
    return HttpResponse(
        svg,
        content_type="image/svg+xml",
        headers={
            "Cache-Control": f"public, max-age={IMAGE_MAX_AGE}",
            "ETag": svg_etag(svg),
            # Opened on its own, the picture is a document: it may run nothing.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


# An index of sections of at most 1,000 addresses each (ShopSitemap.limit): one file of
# every product in both languages with its alternates weighed several megabytes.
sitemap_index = cache_public_page(sitemap_views.index, same_for_everyone=True)
sitemap_section = cache_public_page(sitemap_views.sitemap, same_for_everyone=True)


def robots_txt(request: HttpRequest) -> HttpResponse:
    disallowed = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            disallowed.append(reverse("storefront:search"))
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in disallowed),
        "Disallow: /admin/",
        f"Sitemap: {seo.absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n",
        content_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )
