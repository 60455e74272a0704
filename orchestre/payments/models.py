"""Payments as the shop records them, and the sandbox processor's own tables.

The shop's side (Payment, Refund, WebhookEvent) knows amounts, currencies, a reference (the
order number) and idempotency keys, never carts or orders. The Sandbox* tables belong to
the built-in card processor (`providers/sandbox_processor.py`): they play the part of a
remote processor's database, so that it de-duplicates by idempotency key on its side the
way a real processor does.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# The largest amount one payment may carry (the card processors' own ceiling in minor
# units is 99,999,999).
MAX_AMOUNT = Decimal("999999.99")


class Payment(models.Model):
    """One attempt to take an amount from a shopper through a provider.

    Status moves forward only: pending → requires_action → processing → succeeded | failed |
    canceled (steps may be skipped); a terminal status never changes again. Refunds raise
    `amount_refunded`, which the database keeps between 0 and `amount`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        REQUIRES_ACTION = "requires_action", _("Requires action")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    provider = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, db_index=True, help_text=_("Our order number."))
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=255, unique=True)
    provider_payment_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    next_action_url = models.CharField(max_length=500, blank=True)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    claimed_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("While in the future, one caller is asking the provider; others wait."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    TERMINAL = frozenset({Status.SUCCEEDED, Status.FAILED, Status.CANCELED})

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in self.TERMINAL

    @property
    def refundable_amount(self) -> Decimal:
        if self.status != self.Status.SUCCEEDED:
            return Decimal("0.00")
        return self.amount - self.amount_refunded


class Refund(models.Model):
    """Money given back on a succeeded payment; its amount is counted in the payment's
    `amount_refunded` from the moment it is requested until it fails."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, related_name="refunds", on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_code = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.payment_id} ({self.status})"


class WebhookEvent(models.Model):
    """A provider event already handled: its unique (provider, event id) makes a redelivered
    event a no-op."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_unique"),
        ]


class SandboxCharge(models.Model):
    """The sandbox processor's record of a charge; amounts in minor units, as processors
    count them."""

    class Status(models.TextChoices):
        REQUIRES_ACTION = "requires_action", _("Requires action")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    charge_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    token = models.CharField(max_length=64)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=255, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    amount_refunded = models.PositiveBigIntegerField(default=0)
    settles_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a charge left processing decides.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sandbox_charge_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount")),
                name="sandbox_charge_refunded_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "settles_at"])]

    def __str__(self) -> str:
        return self.charge_id


class SandboxRefund(models.Model):
    refund_id = models.CharField(max_length=40, unique=True)
    charge = models.ForeignKey(SandboxCharge, related_name="refunds", on_delete=models.PROTECT)
    idempotency_key = models.CharField(max_length=255, unique=True)
    amount = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.refund_id


class SandboxWebhook(models.Model):
    """A signed event the sandbox processor owes the shop, retried with backoff until the
    shop answers 2xx or the attempts run out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40)
    body = models.TextField(help_text=_("The exact JSON body that is signed and sent."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return self.event_id
