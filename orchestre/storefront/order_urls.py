"""Order pages of the storefront."""

urlpatterns: list = []
