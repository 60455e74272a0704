from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "orchestre.inventory"
    label = "inventory"
