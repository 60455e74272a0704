from django.contrib.auth.models import Group
from django.db import transaction

from orchestre.team.roles import ROLES


@transaction.atomic
def ensure_role_groups() -> list[Group]:
    """Create the permission group of every role; running it again changes nothing."""
    return [Group.objects.get_or_create(name=role.code)[0] for role in ROLES]
