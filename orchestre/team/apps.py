from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _apply_matrix(sender, using="default", **kwargs):
    from orchestre.team.services import apply_permission_matrix

    apply_permission_matrix(using=using)


class TeamConfig(AppConfig):
    name = "orchestre.team"
    label = "team"

    def ready(self):
        # Runs after auth has created this app's permissions: auth's handler connected first.
        post_migrate.connect(_apply_matrix, sender=self, dispatch_uid="team-permission-matrix")
