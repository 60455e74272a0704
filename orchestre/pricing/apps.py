from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "orchestre.pricing"
    label = "pricing"
