"""Product search (interim: substring match on names; replaced by the search index)."""

from orchestre.catalog.models import Product


def search_product_ids(text: str, *, limit: int = 500) -> list[int]:
    """Ids of the products matching `text`, best match first."""
    return list(
        Product.objects.filter(is_active=True, name__icontains=text.strip())
        .order_by("-units_sold", "id")
        .values_list("pk", flat=True)[:limit]
    )
