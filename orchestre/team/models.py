import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orchestre.team.permissions import ACTIONS


class Capability(models.Model):
    """Holds no rows: it only carries the matrix's actions as Django permissions
    (`team.<action>`), which the role groups are given."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(action.code, action.label) for action in ACTIONS]


class ApiToken(models.Model):
    """A staff member's key for the staff API. Only a hash is kept: the secret is shown
    once, when issued. The token acts with its owner's roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, help_text=_("Shown to tell tokens apart."))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # The secret is 32 random bytes, so a plain SHA-256 is enough (no password stretching).
        return hashlib.sha256(secret.encode()).hexdigest()
