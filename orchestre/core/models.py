from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named gapless counter (invoice and order numbers): its row is locked by the UPDATE
    that takes a number, until the transaction that uses the number commits."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class OutboxMessage(models.Model):
    """An e-mail or webhook to send, written in the same transaction as the change it
    reports, so a crash can neither lose it nor (thanks to the unique key) double it."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class AuditEntry(models.Model):
    """One change made by a staff member through the console or the staff API: who, when,
    what, and the fields' values before and after. Written in the transaction of the change,
    never edited."""

    class Channel(models.TextChoices):
        CONSOLE = "console", _("Console")
        API = "api", _("Staff API")
        SYSTEM = "system", _("Command line or system")

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        verbose_name=_("by"),
    )
    actor_name = models.CharField(max_length=150, help_text=_("Kept if the account goes."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(_("object"), max_length=200)
    # {"field": [before, after]}
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_label}"
