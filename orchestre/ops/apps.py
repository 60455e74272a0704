from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the shop: demo set-up, serving, data imports."""

    name = "orchestre.ops"
    label = "ops"
