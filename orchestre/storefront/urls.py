"""Storefront pages, inside i18n_patterns: French at /, English under /en/."""

from django.urls import path

from orchestre.storefront import (
    account_urls,
    carrier_views,
    cart_urls,
    checkout_urls,
    order_urls,
    payment_urls,
    returns_urls,
    support_urls,
    views,
)

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("carrier/sandbox/<str:number>/", carrier_views.sandbox_tracking, name="sandbox_tracking"),
]
urlpatterns += (
    cart_urls.urlpatterns
    + checkout_urls.urlpatterns
    + order_urls.urlpatterns
    + account_urls.urlpatterns
    + payment_urls.urlpatterns
    + returns_urls.urlpatterns
    + support_urls.urlpatterns
)
