"""Checkout pages of the storefront."""

urlpatterns: list = []
