"""Returns pages of the storefront."""

urlpatterns = []
