from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "orchestre.catalog"
    label = "catalog"
