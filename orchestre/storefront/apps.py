from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "orchestre.storefront"
    label = "storefront"
