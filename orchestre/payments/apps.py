from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "orchestre.payments"
    label = "payments"
