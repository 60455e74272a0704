"""Catalogue reads for the storefront and the API.

Price and stock are read through the reverse relations `price` (pricing) and
`stock_levels` (inventory) by name, never by import, so the catalogue stays below them
in the layers (docs/adr/0002-catalogue-listing-reads.md)."""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from orchestre.catalog import search
from orchestre.catalog.completeness import COMPLETE, annotate_completeness, missing_criteria
from orchestre.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductSlugRedirect,
    VariantFamily,
)
from orchestre.catalog.queries import ProductQuery
from orchestre.core.errors import NotFound

# What a slug or a SKU can look like (both are ASCII, at most 140 characters).
PRODUCT_IDENTIFIER = re.compile(r"[-\w]{1,140}", re.ASCII)

SORT_ORDERINGS = {
    "bestsellers": ("-units_sold", "id"),
    "price": ("price__amount", "id"),
    "-price": ("-price__amount", "id"),
    "newest": ("-created_at", "id"),
    "name": ("name", "id"),
}


def _available_stock_subquery():
    from django.apps import apps

    stock_level = apps.get_model("inventory", "StockLevel")
    return Subquery(
        stock_level.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(available=Sum(F("quantity") - F("reserved")))
        .values("available")[:1],
        output_field=IntegerField(),
    )


def _base_products() -> QuerySet[Product]:
    return (
        Product.objects.filter(is_active=True)
        .select_related("price", "price__vat_rate", "category", "category__parent", "cover_image")
        .annotate(available=Coalesce(_available_stock_subquery(), Value(0)))
    )


@dataclass(frozen=True)
class ProductPage:
    count: int
    number: int
    page_size: int
    items: list[Product]

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def get_category(slug: str) -> Category:
    """The active category with this slug, its parent loaded; NotFound otherwise."""
    try:
        return Category.objects.select_related("parent").get(slug=slug)
    except Category.DoesNotExist:
        raise NotFound(f"No category '{slug}'.", code="category_not_found") from None


def list_category_tree() -> list[Category]:
    """Departments, each with `children` prefetched, in two queries. Every category has a
    `product_count` of its active products; a department's count includes its children's."""
    active_products = Count("products", filter=Q(products__is_active=True))
    children = Category.objects.annotate(product_count=active_products).order_by("position", "slug")
    departments = list(
        Category.objects.filter(parent__isnull=True)
        .annotate(product_count=active_products)
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("position", "slug")
    )
    for department in departments:
        department.product_count += sum(child.product_count for child in department.children.all())
    return departments


def filter_products(query: ProductQuery) -> QuerySet[Product]:
    """Active products matching the query, sorted as asked, price and availability loaded.

    A `category` slug matches the category and, for a department, all its children."""
    products = _base_products()
    if query.category:
        products = products.filter(
            Exists(Category.objects.filter(slug=query.category, pk=OuterRef("category_id")))
            | Exists(
                Category.objects.filter(parent__slug=query.category, pk=OuterRef("category_id"))
            )
        )
    if query.price_min is not None:
        products = products.filter(price__amount__gte=query.price_min)
    if query.price_max is not None:
        products = products.filter(price__amount__lte=query.price_max)
    if query.in_stock:
        products = products.filter(available__gt=0)
    for code, values in query.attributes.items():
        products = products.filter(
            Exists(
                AttributeValue.objects.filter(
                    attribute__code=code, code__in=values, products=OuterRef("pk")
                )
            )
        )
    sort = query.effective_sort
    if sort == "relevance" and not query.q:
        sort = "bestsellers"  # nothing to be relevant to
    if sort == "relevance":
        ranked_ids = search.search_product_ids(query.q)
        if not ranked_ids:
            return products.none()
        return products.filter(pk__in=ranked_ids).order_by(_position_in(ranked_ids), "id")
    if query.q:
        products = products.filter(pk__in=search.search_product_ids(query.q))
    return products.order_by(*SORT_ORDERINGS[sort])


def _position_in(product_ids: list[int]) -> RawSQL:
    """The product's position in `product_ids`, to sort by. Written as SQL text (the ids
    are integers, so nothing to escape): Django's Case/When takes ~100 ms to compile 500
    branches, this takes well under one."""
    quote_name = connection.ops.quote_name
    column = f"{quote_name(Product._meta.db_table)}.{quote_name(Product._meta.pk.column)}"
    branches = " ".join(
        f"WHEN {int(product_id)} THEN {position}" for position, product_id in enumerate(product_ids)
    )
    return RawSQL(
        f"CASE {column} {branches} ELSE {len(product_ids)} END", (), output_field=IntegerField()
    )


def paginate_products(products: QuerySet[Product], query: ProductQuery) -> ProductPage:
    """One page of products, attribute values prefetched: a COUNT, the page, the values.

    For a search the total comes with the page's rows instead (a window count), saving the
    COUNT: search results are at most 500 rows, which the database sorts in full anyway.
    Elsewhere a window count would make it compute every active product's stock, where
    the COUNT costs about a millisecond."""
    start = (query.page - 1) * query.page_size
    end = start + query.page_size
    attribute_values = Prefetch(
        "attribute_values", queryset=AttributeValue.objects.select_related("attribute")
    )
    if not query.q:
        count = products.count()
        items = list(products[start:end].prefetch_related(attribute_values))
        return ProductPage(count=count, number=query.page, page_size=query.page_size, items=items)
    with_total = products.annotate(total_count=Window(Count("pk")))
    items = list(with_total[start:end].prefetch_related(attribute_values))
    if items:
        count = items[0].total_count
    elif start:
        count = products.count()  # past the last page: no row to carry the total
    else:
        count = 0
    return ProductPage(count=count, number=query.page, page_size=query.page_size, items=items)


def _natural_order(label: str) -> tuple:
    """ "Lot de 3" before "Lot de 10": numbers compare as numbers, words as words."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", label)
        if part
    )


def list_attribute_facets(products: QuerySet[Product]) -> list[Attribute]:
    """The filterable attributes, each with `facet_values` (values that occur in
    `products`, with a `product_count`), in two queries."""
    values = AttributeValue.objects.filter(products__in=products.values("pk")).annotate(
        product_count=Count("products")
    )
    by_attribute: dict[int, list[AttributeValue]] = {}
    for value in sorted(values, key=lambda value: _natural_order(value.name)):
        by_attribute.setdefault(value.attribute_id, []).append(value)
    attributes = list(Attribute.objects.filter(pk__in=by_attribute))
    for attribute in attributes:
        attribute.facet_values = by_attribute[attribute.pk]
    return attributes


def list_attribute_codes() -> tuple[str, ...]:
    return tuple(Attribute.objects.values_list("code", flat=True))


def get_product(slug_or_sku: str) -> Product:
    """An active product by slug or SKU (case-insensitive), or by a slug it had before,
    with price, stock and attributes loaded; NotFound otherwise (without a query when it
    cannot be either). A product with several images gets `gallery`, one in a variant
    family `variants` (see `list_variant_siblings`); each costs queries only then."""
    sku = slug_or_sku.strip().upper()
    if not PRODUCT_IDENTIFIER.fullmatch(sku):
        raise NotFound(f"No product '{slug_or_sku[:140]}'.", code="product_not_found")
    products = _base_products().prefetch_related(
        Prefetch("attribute_values", queryset=AttributeValue.objects.select_related("attribute"))
    )
    former_slug = ProductSlugRedirect.objects.filter(slug=slug_or_sku, product=OuterRef("pk"))
    product = (
        products.filter(Q(slug=slug_or_sku) | Q(sku=sku) | Exists(former_slug))
        # A slug that is also another product's SKU names the product with that slug; an
        # old slug comes last (another product may not take it, but a SKU may match).
        .order_by(
            Case(
                When(slug=slug_or_sku, then=Value(0)),
                When(sku=sku, then=Value(1)),
                default=Value(2),
            ),
            "pk",
        )
        .first()
    )
    if product is None:
        raise NotFound(f"No product '{slug_or_sku}'.", code="product_not_found")
    product.gallery = list(product.images.all()) if product.cover_image_id else []
    product.variants = list_variant_siblings(product) if product.variant_family_id else []
    return product


def list_bestsellers(*, limit: int = 12) -> list[Product]:
    return list(_base_products().filter(units_sold__gt=0).order_by("-units_sold", "id")[:limit])


def list_related_products(product: Product, *, limit: int = 8) -> list[Product]:
    """Bestsellers of the same category, then of the same department."""
    related = list(
        _base_products()
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
        .order_by("-units_sold", "id")[:limit]
    )
    if len(related) < limit and product.category.parent_id:
        related += list(
            _base_products()
            .filter(category__parent_id=product.category.parent_id)
            .exclude(pk__in=[product.pk, *[item.pk for item in related]])
            .order_by("-units_sold", "id")[: limit - len(related)]
        )
    return related


def list_departments() -> list[Category]:
    """The top level of the category tree, in shop order (one query)."""
    return list(Category.objects.filter(parent__isnull=True).order_by("position", "slug"))


def list_child_categories(category: Category) -> list[Category]:
    """A department's categories, each with a `product_count` of active products."""
    return list(
        category.children.annotate(
            product_count=Count("products", filter=Q(products__is_active=True))
        ).order_by("position", "slug")
    )


def get_product_by_sku(sku: str) -> Product:
    """An active product by SKU (case-insensitive) with its category and department, without
    price or stock (one query); NotFound otherwise."""
    product = (
        Product.objects.filter(is_active=True, sku=sku.strip().upper())
        .select_related("category", "category__parent")
        .first()
    )
    if product is None:
        raise NotFound(f"No product '{sku}'.", code="product_not_found")
    return product


def list_categories_for_sitemap() -> QuerySet[Category]:
    return Category.objects.only("slug").order_by("position", "slug")


def list_products_for_sitemap() -> QuerySet[Product]:
    """Active products, slug and last change only, for the sitemap."""
    return Product.objects.filter(is_active=True).only("slug", "updated_at").order_by("id")


def list_variant_siblings(product: Product, *, include_inactive: bool = False) -> list[Product]:
    """The other products of the product's variant family (the active ones unless told;
    none outside a family), each with `variant_values`: its values of the family's
    distinguishing attributes, in attribute order. Three queries (family axes, siblings,
    their values)."""
    if not product.variant_family_id:
        return []
    axis_ids = list(
        Attribute.objects.filter(variant_families=product.variant_family_id).values_list(
            "pk", flat=True
        )
    )
    axis_values = Prefetch(
        "attribute_values",
        queryset=AttributeValue.objects.filter(attribute_id__in=axis_ids).select_related(
            "attribute"
        ),
        to_attr="variant_values",
    )
    siblings = Product.objects.filter(variant_family_id=product.variant_family_id)
    if not include_inactive:
        siblings = siblings.filter(is_active=True)
    return list(
        siblings.exclude(pk=product.pk)
        .select_related("cover_image")
        .prefetch_related(axis_values)
        .order_by("name", "pk")
    )


# Back office


def list_products_for_editing() -> QuerySet[Product]:
    """Every product, active or not, with category, price and the completeness
    annotations (`completeness`, `has_<criterion>`), for the console's lists."""
    return annotate_completeness(
        Product.objects.select_related("category", "category__parent", "price")
    )


def list_incomplete_products(*, category_id: int | None = None) -> QuerySet[Product]:
    """Products whose page is not complete, least complete first: the content team's
    worklist. A department's id also matches its categories' products."""
    products = list_products_for_editing().filter(completeness__lt=COMPLETE)
    if category_id is not None:
        products = products.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    return products.order_by("completeness", "name", "pk")


def get_product_for_editing(product_id: int) -> Product:
    """A product (active or not) for its edit page: category, family, price, attribute
    values, images, completeness with `missing_criteria`, and `variants` (every other
    member of its family). NotFound otherwise."""
    product = (
        list_products_for_editing()
        .select_related("variant_family", "price__vat_rate", "cover_image")
        .prefetch_related(
            Prefetch(
                "attribute_values", queryset=AttributeValue.objects.select_related("attribute")
            ),
            "images",
        )
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise NotFound(f"No product {product_id}.", code="product_not_found")
    product.missing_criteria = missing_criteria(product)
    product.variants = list_variant_siblings(product, include_inactive=True)
    return product


def list_attributes_with_values() -> list[Attribute]:
    """Every attribute with its `values` prefetched (two queries), for editing forms."""
    return list(Attribute.objects.prefetch_related("values"))


def list_variant_families() -> QuerySet[VariantFamily]:
    """Variant families with their distinguishing attributes and a `member_count`."""
    return VariantFamily.objects.annotate(member_count=Count("products")).prefetch_related("axes")
