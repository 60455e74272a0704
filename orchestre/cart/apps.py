from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "orchestre.cart"
    label = "cart"
