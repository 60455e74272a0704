"""Row locks of the catalogue: the only place its rows are locked, always in primary-key
order so two transactions locking overlapping sets cannot deadlock.

On SQLite `select_for_update` is a no-op: write transactions are IMMEDIATE there (see
settings), so writers already run one at a time."""

from orchestre.catalog.models import Category, Product


def lock_products(product_ids: list[int] | None = None) -> list[int]:
    """Lock the given products (all products when None) until the transaction ends; return
    the ids that exist. Call inside `transaction.atomic()`."""
    products = Product.objects.select_for_update().order_by("pk")
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    return list(products.values_list("pk", flat=True))


def lock_categories(category_ids: list[int]) -> list[int]:
    """Lock the given categories until the transaction ends, in primary-key order; return
    the ids that exist. Call inside `transaction.atomic()`."""
    categories = Category.objects.select_for_update().filter(pk__in=category_ids).order_by("pk")
    return list(categories.values_list("pk", flat=True))
