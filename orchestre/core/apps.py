from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "orchestre.core"
    label = "core"
