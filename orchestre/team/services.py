import secrets

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orchestre.core.audit import record_change
from orchestre.core.errors import InvalidInput, NotFound
from orchestre.team.models import ApiToken
from orchestre.team.permissions import ACTION_CODES, MATRIX
from orchestre.team.roles import ROLES, STAFF_ROLE_CODES


@transaction.atomic
def ensure_role_groups() -> list[Group]:
    """Create the permission group of every role; running it again changes nothing."""
    return [Group.objects.get_or_create(name=role.code)[0] for role in ROLES]


def apply_permission_matrix(*, using: str = "default") -> None:
    """Give every role group exactly the permissions of the matrix (idempotent)."""
    with transaction.atomic(using=using):
        permissions = {
            permission.codename: permission
            for permission in Permission.objects.using(using).filter(
                content_type__app_label="team", codename__in=ACTION_CODES
            )
        }
        if not permissions:  # the permissions are created by auth's post_migrate
            return
        for role in ROLES:
            group, _created = Group.objects.using(using).get_or_create(name=role.code)
            group.permissions.set(
                [permissions[code] for code in sorted(MATRIX[role.code]) if code in permissions]
            )


@transaction.atomic
def set_staff_roles(*, actor, user_id: int, roles: list[str], is_active: bool):
    """Give a staff member exactly `roles` (codes) and set whether they may sign in.
    Raises InvalidInput for an unknown role, or when someone tries to deactivate themself."""
    from django.contrib.auth import get_user_model

    unknown = sorted(set(roles) - set(STAFF_ROLE_CODES))
    if unknown:
        raise InvalidInput(
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)},
            code="unknown_role",
            fields={"roles": [_("Choose roles from the list.")]},
        )
    user = get_user_model().objects.select_for_update().filter(pk=user_id, is_staff=True).first()
    if user is None:
        raise NotFound(_("No staff member with this id."), code="staff_not_found")
    if user.pk == actor.pk and not is_active:
        raise InvalidInput(
            _("You cannot deactivate your own account."),
            code="cannot_deactivate_self",
            fields={"is_active": [_("You cannot deactivate your own account.")]},
        )
    before = {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "is_active": user.is_active,
    }
    user.groups.set(Group.objects.filter(name__in=roles))
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    after = {"roles": sorted(roles), "is_active": is_active}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changes:
        record_change(actor=actor, action="staff.roles_changed", target=user, changes=changes)
    return user


@transaction.atomic
def issue_api_token(*, actor, user, name: str) -> tuple[ApiToken, str]:
    """Create an API token acting as `user`; returns it with its secret, which is never
    stored and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput(
            _("Give the token a name of at most 80 characters."),
            code="invalid_token_name",
            fields={"name": [_("Give the token a name of at most 80 characters.")]},
        )
    if not user.is_staff:
        raise InvalidInput(_("API tokens are for staff members."), code="not_staff")
    secret = "orc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:10],
        key_hash=ApiToken.hash_secret(secret),
        created_at=timezone.now(),
        created_by=actor,
    )
    record_change(actor=actor, action="api_token.issued", target=token, note=name)
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No API token with this id."), code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(actor=actor, action="api_token.revoked", target=token, note=token.name)
    return token
