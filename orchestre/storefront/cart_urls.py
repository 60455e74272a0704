"""Cart pages of the storefront."""

urlpatterns: list = []
