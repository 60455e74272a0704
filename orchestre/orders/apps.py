from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orchestre.orders"
    label = "orders"
