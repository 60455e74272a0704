from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "orchestre.team"
    label = "team"
