"""Account pages of the storefront."""

urlpatterns: list = []
