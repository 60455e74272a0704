from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "orchestre.checkout"
    label = "checkout"
