"""Account pages of the storefront."""

from django.urls import path

from orchestre.storefront import account_views

urlpatterns = [
    path("account/sign-in/", account_views.SignInView.as_view(), name="sign_in"),
    path("account/sign-out/", account_views.SignOutView.as_view(), name="sign_out"),
    path("account/orders/", account_views.orders, name="account_orders"),
]
