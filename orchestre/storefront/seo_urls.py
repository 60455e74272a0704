"""Addresses that are the same in every language, outside i18n_patterns."""

from django.urls import path

from orchestre.storefront import views
from orchestre.storefront.sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", views.sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        views.sitemap_section,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # A product's picture shows its name only, so one address serves both languages.
    path("images/p/<str:sku>.svg", views.product_image, name="product_image"),
]
