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


class StaffTokenWithPermission(StaffTokenAuth):
    """A token whose owner may do `action`. Checked with the authentication, before the
    request body is read, so a refused call is 403 whatever it sends."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, token: str):
        user = super().authenticate(request, token)
        if user is not None and not can(user, self.action):
            raise HttpError(403, _("Your roles do not allow this action."))
        return user


staff_token = StaffTokenAuth()
_BY_ACTION: dict[str, StaffTokenWithPermission] = {}


def staff_token_for(action: str) -> StaffTokenWithPermission:
    """The authentication of an endpoint that needs `action` (one instance per action)."""
    return _BY_ACTION.setdefault(action, StaffTokenWithPermission(action))
