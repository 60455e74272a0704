"""Account pages of the storefront."""

from django.urls import path

from orchestre.storefront import account_addresses, account_views

urlpatterns = [
    path("account/sign-in/", account_views.SignInView.as_view(), name="sign_in"),
    path("account/sign-out/", account_views.SignOutView.as_view(), name="sign_out"),
    path("account/sign-up/", account_views.sign_up, name="sign_up"),
    path(
        "account/password-reset/",
        account_views.ResetPasswordView.as_view(),
        name="password_reset",
    ),
    path(
        "account/password-reset/sent/",
        account_views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "account/reset/<uidb64>/<token>/",
        account_views.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/reset/done/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/orders/", account_views.orders, name="account_orders"),
    path("account/profile/", account_views.profile, name="account_profile"),
    path("account/password/", account_views.password_change, name="account_password"),
    path("account/addresses/", account_addresses.addresses, name="account_addresses"),
    path("account/addresses/new/", account_addresses.address_add, name="account_address_add"),
    path(
        "account/addresses/<int:address_id>/edit/",
        account_addresses.address_edit,
        name="account_address_edit",
    ),
    path(
        "account/addresses/<int:address_id>/delete/",
        account_addresses.address_delete,
        name="account_address_delete",
    ),
    path(
        "account/addresses/<int:address_id>/default/",
        account_addresses.address_default,
        name="account_address_default",
    ),
]
