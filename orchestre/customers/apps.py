from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "orchestre.customers"
    label = "customers"
