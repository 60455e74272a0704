"""Payment pages of the storefront."""

from django.urls import path

from orchestre.storefront import payment_views

urlpatterns: list = [
    path(
        "payment/sandbox/challenge/<str:charge_id>/",
        payment_views.sandbox_challenge,
        name="sandbox_challenge",
    ),
]
