"""Addresses that are the same in every language, outside i18n_patterns."""

from django.urls import path

from orchestre.storefront import views
from orchestre.storefront.sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # A product's picture shows its name only, so one address serves both languages.
    path("images/p/<str:sku>.svg", views.product_image, name="product_image"),
]
