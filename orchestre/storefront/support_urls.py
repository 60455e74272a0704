"""Support pages of the storefront."""

urlpatterns = []
