"""Checkout pages of the storefront."""

from django.urls import path

from orchestre.storefront import checkout_views

urlpatterns = [
    path("checkout/", checkout_views.checkout, name="checkout"),
    path(
        "checkout/delivery-options/",
        checkout_views.delivery_options,
        name="checkout_delivery_options",
    ),
    path("checkout/return/<str:token>/", checkout_views.checkout_return, name="checkout_return"),
    path("terms-of-sale/", checkout_views.terms, name="terms"),
]
