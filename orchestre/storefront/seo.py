"""What search engines read: absolute URLs, breadcrumbs and schema.org data."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from orchestre.catalog.models import Category, Product

# At or below this many units available, a product shows "low stock".
LOW_STOCK_THRESHOLD = 5

SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "low_stock": "https://schema.org/LimitedAvailability",
    "out_of_stock": "https://schema.org/OutOfStock",
}


@dataclass(frozen=True)
class Crumb:
    label: str
    path: str


def absolute_url(path: str) -> str:
    """The public URL of `path` on the shop's own address (SHOP_URL), whatever host the
    request came in on, so canonical links and structured data never vary by host."""
    return settings.SHOP_URL.rstrip("/") + path


def stock_status(available: int) -> str:
    if available <= 0:
        return "out_of_stock"
    if available <= LOW_STOCK_THRESHOLD:
        return "low_stock"
    return "in_stock"


def category_crumbs(category: Category) -> list[Crumb]:
    """Home › Department › Category, from a category whose parent is loaded."""
    crumbs = [Crumb(_("Home"), reverse("storefront:home"))]
    if category.parent_id:
        crumbs.append(Crumb(category.parent.name, category_path(category.parent)))
    crumbs.append(Crumb(category.name, category_path(category)))
    return crumbs


def product_crumbs(product: Product) -> list[Crumb]:
    return [
        *category_crumbs(product.category),
        Crumb(product.name, reverse("storefront:product", args=[product.slug])),
    ]


def category_path(category: Category) -> str:
    return reverse("storefront:category", args=[category.slug])


def breadcrumb_data(crumbs: list[Crumb]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": absolute_url(crumb.path),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def product_data(product: Product) -> dict:
    """schema.org Product with its Offer, from a product with price and `available`."""
    path = reverse("storefront:product", args=[product.slug])
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "image": absolute_url(reverse("product_image", args=[product.sku])),
        "url": absolute_url(path),
        "category": product.category.name,
    }
    if product.description:
        data["description"] = product.description
    price = getattr(product, "price", None)
    if price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": f"{price.amount:.2f}",
            "priceCurrency": price.currency,
            "availability": SCHEMA_AVAILABILITY[stock_status(product.available)],
            "url": absolute_url(path),
        }
    return data
