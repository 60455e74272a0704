from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "orchestre.shipping"
    label = "shipping"
