from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "orchestre.users"
    label = "users"
