from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from orchestre.catalog.selectors import list_categories_for_sitemap, list_products_for_sitemap


class ShopSitemap(Sitemap):
    """Every page in French and English, linked to each other, on the shop's own address
    (SHOP_URL) rather than the host of the request."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # addresses per section page (one per language)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SHOP_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SHOP_URL).netloc


class HomeSitemap(ShopSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["storefront:home"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(ShopSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return list_categories_for_sitemap()

    def location(self, item):
        return reverse("storefront:category", args=[item.slug])


class ProductSitemap(ShopSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return list_products_for_sitemap()

    def location(self, item):
        return reverse("storefront:product", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"home": HomeSitemap, "categories": CategorySitemap, "products": ProductSitemap}
