"""Catalogue writes."""

from collections.abc import Iterable

from django.db import connection, transaction

from orchestre.catalog import search
from orchestre.catalog.locks import lock_products
from orchestre.catalog.models import Category, Product, SearchTerm
from orchestre.core.cache_versions import CATALOG, bump_version

INDEX_BATCH_SIZE = 500  # products per round of index_products
INSERT_BATCH_SIZE = 1_000  # index rows per INSERT (fewer where the database caps parameters)


def rebuild_search_index() -> int:
    """Rebuild the product search index from the whole catalogue, in one transaction;
    return the number of index rows written.

    Idempotent: the same catalogue always gives the same rows. Locks every product row
    (so a concurrent `index_products` waits) and invalidates the catalogue cache version
    once committed."""
    with transaction.atomic():
        lock_products()
        SearchTerm.objects.all().delete()
        written = _insert(_postings(Product.objects.filter(is_active=True)))
        _forget_caches()
    return written


def index_products(product_ids: list[int]) -> None:
    """Bring the search index up to date for these products (after they were created,
    renamed, moved to another category, switched on or off, or deleted).

    Locks the products' rows for the transaction and invalidates the catalogue cache
    version once committed. Unknown ids are ignored."""
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return
    with transaction.atomic():
        for start in range(0, len(product_ids), INDEX_BATCH_SIZE):
            batch = product_ids[start : start + INDEX_BATCH_SIZE]
            lock_products(batch)
            SearchTerm.objects.filter(product_id__in=batch).delete()
            _insert(_postings(Product.objects.filter(pk__in=batch, is_active=True)))
        _forget_caches()


def _insert(postings: Iterable[tuple[str, int, int]]) -> int:
    """Write index rows (term, product id, weight) with multi-row INSERTs; return how many.

    Not `bulk_create`: it builds a model instance per row, which makes a full rebuild
    (some 50,000 rows for 4,000 products) several times slower. Not `executemany` either:
    on PostgreSQL it sends one statement per row."""
    rows = list(postings)
    columns = ("term", "product_id", "weight")
    batch_size = min(
        INSERT_BATCH_SIZE, connection.ops.bulk_batch_size(columns, rows) or INSERT_BATCH_SIZE
    )
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            placeholders = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders}",
                [value for row in batch for value in row],
            )
    return len(rows)


def _postings(products) -> Iterable[tuple[str, int, int]]:
    """The index rows of these products: each term once per product, with the weight of
    the most telling place it was found (name or SKU, category, department)."""
    category_terms: dict[int, dict[str, int]] = {}
    for category in Category.objects.select_related("parent"):
        weights = dict.fromkeys(_category_terms(category.parent), search.DEPARTMENT_WEIGHT)
        weights.update(dict.fromkeys(_category_terms(category), search.CATEGORY_WEIGHT))
        category_terms[category.pk] = weights
    for product_id, name, sku, category_id in products.order_by("pk").values_list(
        "pk", "name", "sku", "category_id"
    ):
        weights = dict(category_terms.get(category_id, {}))
        weights.update(dict.fromkeys(search.terms(f"{name} {sku}"), search.NAME_WEIGHT))
        for term, weight in sorted(weights.items()):
            yield term, product_id, weight


def _category_terms(category: Category | None) -> set[str]:
    if category is None:
        return set()
    return search.terms(f"{category.name_fr} {category.name_en}")


def _forget_caches() -> None:
    bump_version(CATALOG)
    search.clear_caches()  # this process at once, so it reads its own writes
    transaction.on_commit(search.clear_caches)
