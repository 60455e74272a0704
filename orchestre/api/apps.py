from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "orchestre.api"
    label = "api"
