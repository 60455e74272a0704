"""Catalogue endpoints: products, categories, search suggestions (read-only, public)."""

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from orchestre.api.errors import ErrorOut
from orchestre.catalog.models import Category, Product
from orchestre.catalog.queries import MAX_QUERY_LENGTH, SORTS, parse_product_query
from orchestre.catalog.search import suggest
from orchestre.catalog.selectors import (
    filter_products,
    get_product,
    list_attribute_codes,
    list_category_tree,
    paginate_products,
)
from orchestre.core.errors import InvalidInput

router = Router(tags=["catalogue"])

CACHE_SECONDS = 60
SUGGESTION_LIMIT = 8


def cacheable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let browsers and proxies keep a successful answer for a minute (never an error)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response

    return wrapper


# Schemas -------------------------------------------------------------------------------


class CategoryRef(Schema):
    slug: str
    name: str


class PriceOut(Schema):
    amount: str = Field(description='VAT included, a decimal string: "12.50".')
    currency: str
    vat_included: bool
    vat_rate: str = Field(description='A fraction, a decimal string: "0.20" for 20 %.')


class AttributeOut(Schema):
    code: str
    name: str
    value: str
    value_code: str = Field(description="The value to filter on: `?<code>=<value_code>`.")


class ProductOut(Schema):
    sku: str
    slug: str
    name: str
    category: CategoryRef
    price: PriceOut | None
    available: int = Field(description="Units that can be ordered now.")
    in_stock: bool
    url: str = Field(description="The product's page in the shop.")
    image_url: str
    attributes: list[AttributeOut]


class ProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProductOut]


class ProductDetailOut(ProductOut):
    description: str
    source_name: str
    pack_size: int | None
    breadcrumbs: list[CategoryRef] = Field(description="The department, then the category.")


class ChildCategoryOut(Schema):
    slug: str
    name: str
    product_count: int


class DepartmentOut(ChildCategoryOut):
    children: list[ChildCategoryOut]


class SuggestionOut(Schema):
    label: str
    kind: Literal["product", "category"]
    slug: str
    url: str


class SuggestionListOut(Schema):
    items: list[SuggestionOut]


class ProductListParams(Schema):
    """Documented here; validated by the catalogue's own listing query, which also takes
    attribute filters (`?colour=red&colour=pink`)."""

    q: str | None = Field(None, description="Words to search in names and categories.")
    category: str | None = Field(None, description="A category or department slug.")
    price_min: str | None = Field(None, description="A decimal, VAT included.")
    price_max: str | None = Field(None, description="A decimal, VAT included.")
    in_stock: str | None = Field(None, description="1/true/yes/on or 0/false/no/off.")
    sort: str | None = Field(
        None,
        description=f"One of {', '.join(SORTS)}; relevance when searching, else bestsellers.",
    )
    page: str | None = Field(None, description="From 1.")
    page_size: str | None = Field(None, description="1 to 100, default 24.")


class SuggestParams(Schema):
    q: str = Field("", description="What has been typed so far.")


# Serialisation -------------------------------------------------------------------------


def _decimal_string(value: Decimal, places: int = 2) -> str:
    """At least `places` decimals, more only when significant: 0.2000 → "0.20", 0.055
    stays "0.055"."""
    value = value.normalize()
    if value.as_tuple().exponent > -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:f}"


def _category(category: Category) -> dict:
    return {"slug": category.slug, "name": category.name}


def _price(product: Product) -> dict | None:
    price = getattr(product, "price", None)
    if price is None:
        return None
    return {
        "amount": _decimal_string(price.amount),
        "currency": price.currency,
        "vat_included": True,
        "vat_rate": _decimal_string(price.vat_rate.rate),
    }


def _product(product: Product) -> dict:
    return {
        "sku": product.sku,
        "slug": product.slug,
        "name": product.name,
        "category": _category(product.category),
        "price": _price(product),
        "available": product.available,
        "in_stock": product.available > 0,
        "url": reverse("storefront:product", kwargs={"slug": product.slug}),
        "image_url": reverse("product_image", kwargs={"sku": product.sku}),
        "attributes": [
            {
                "code": value.attribute.code,
                "name": value.attribute.name,
                "value": value.name,
                "value_code": value.code,
            }
            for value in sorted(
                product.attribute_values.all(),
                key=lambda value: (value.attribute.position, value.attribute.code, value.code),
            )
        ],
    }


# Endpoints -----------------------------------------------------------------------------

LIST_DESCRIPTION = """Active products, filtered, sorted and paginated.

Besides the parameters below, every attribute code is a filter: `?colour=red&colour=pink`
keeps the products that are red or pink. Malformed parameters get a 400 with one message
per field; unknown parameters are ignored."""


@router.get(
    "/products",
    response={200: ProductPageOut, 400: ErrorOut},
    summary="List and search products",
    description=LIST_DESCRIPTION,
)
@decorate_view(cacheable)
def list_products(request: HttpRequest, params: Query[ProductListParams]):
    query = parse_product_query(request.GET, attribute_codes=list_attribute_codes())
    page = paginate_products(filter_products(query), query)
    return {
        "count": page.count,
        "page": page.number,
        "page_size": page.page_size,
        "items": [_product(product) for product in page.items],
    }


@router.get(
    "/products/{slug_or_sku}",
    response={200: ProductDetailOut, 404: ErrorOut},
    summary="One product, by slug or SKU",
)
@decorate_view(cacheable)
def product_detail(request: HttpRequest, slug_or_sku: str):
    product = get_product(slug_or_sku)
    category = product.category
    breadcrumbs = [category.parent, category] if category.parent_id else [category]
    return {
        **_product(product),
        "description": product.description,
        "source_name": product.source_name,
        "pack_size": product.pack_size,
        "breadcrumbs": [_category(crumb) for crumb in breadcrumbs],
    }


@router.get(
    "/categories",
    response=list[DepartmentOut],
    summary="The category tree",
    description="Departments and their categories, with their numbers of active products.",
)
@decorate_view(cacheable)
def category_tree(request: HttpRequest):
    return [
        {
            **_category(department),
            "product_count": department.product_count,
            "children": [
                {**_category(child), "product_count": child.product_count}
                for child in department.children.all()
            ],
        }
        for department in list_category_tree()
    ]


@router.get(
    "/search/suggest",
    response={200: SuggestionListOut, 400: ErrorOut},
    summary="Autocomplete suggestions",
    description="Categories, then products, whose labels start with what has been typed.",
)
@decorate_view(cacheable)
def search_suggestions(request: HttpRequest, params: Query[SuggestParams]):
    if len(params.q) > MAX_QUERY_LENGTH:
        message = _("Ensure this value has at most %(limit_value)d characters.") % {
            "limit_value": MAX_QUERY_LENGTH
        }
        raise InvalidInput(
            _("The search is too long."), code="invalid_query", fields={"q": [message]}
        )
    routes = {"product": "storefront:product", "category": "storefront:category"}
    return {
        "items": [
            {
                "label": suggestion.label,
                "kind": suggestion.kind,
                "slug": suggestion.slug,
                "url": reverse(routes[suggestion.kind], kwargs={"slug": suggestion.slug}),
            }
            for suggestion in suggest(params.q, limit=SUGGESTION_LIMIT)
        ]
    }
