"""Authentication of the staff API: a bearer token issued in the console, acting with its
owner's roles under the same permission matrix as the console."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from orchestre.core.audit import set_channel
from orchestre.core.models import AuditEntry
from orchestre.team.models import ApiToken
from orchestre.team.permissions import can

# Updating last_used_at on every call would turn every read into a write; once a minute
# is precise enough to see which tokens are in use.
LAST_USED_PRECISION_SECONDS = 60


class StaffTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_secret(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not (found.user.is_active and found.user.is_staff):
            return None
        now = timezone.now()
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        set_channel(AuditEntry.Channel.API)
        return found.user


staff_token = StaffTokenAuth()


def require_permission(request: HttpRequest, action: str) -> None:
    """Refuse the call with 403 unless the token's owner may do `action`."""
    if not can(request.auth, action):
        raise HttpError(403, _("Your roles do not allow this action."))
