"""Cart pages of the storefront."""

from django.urls import path

from orchestre.storefront import cart_views

urlpatterns = [
    path("cart/", cart_views.cart_page, name="cart"),
    path("cart/add/", cart_views.add_to_cart, name="cart_add"),
    path("cart/mini/", cart_views.mini_cart, name="mini_cart"),
    path("cart/lines/<int:line_id>/", cart_views.update_line, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", cart_views.remove_line, name="cart_line_remove"),
]
