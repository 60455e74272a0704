"""Payment pages of the storefront."""

urlpatterns: list = []
