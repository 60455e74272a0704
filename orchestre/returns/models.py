"""Returns: a withdrawal or return request (RMA) with its lines, and its credit note.

A request moves requested → authorised → received → inspected → refunded, or to closed
(rejected, with the reason) before its goods are inspected; only `services` change it, by
conditional UPDATEs. Quantities are backed by CHECK constraints: a line never receives
more than was returned, and never restocks or writes off more than was received."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orchestre.orders.models import Order, OrderLine


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    AUTHORISED = "authorised", _("Authorised")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    CLOSED = "closed", _("Closed (rejected)")


class ReturnRequest(models.Model):
    class Origin(models.TextChoices):
        CUSTOMER = "customer", _("Customer (withdrawal form)")
        STAFF = "staff", _("Staff")

    Status = ReturnStatus

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, related_name="return_requests", on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    # Made within the legal withdrawal period (French consumer code L221-18): the initial
    # delivery cost is then refunded when the whole order comes back.
    is_withdrawal = models.BooleanField(_("withdrawal"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    # The customer's declaration as acknowledged, in the order's language (durable medium).
    statement = models.TextField(_("withdrawal statement"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    authorised_at = models.DateTimeField(_("authorised at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    # Each refund attempt has its own idempotency key; a failed attempt moves to the next.
    refund_attempt = models.PositiveSmallIntegerField(default=1)
    payment_refund_id = models.BigIntegerField(null=True, blank=True)
    goods_refunded = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    delivery_refunded = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReturnStatus.CLOSED) | ~Q(rejection_reason=""),
                name="closed_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refund_total(self):
        if self.goods_refunded is None:
            return None
        return self.goods_refunded + (self.delivery_refunded or 0)


class ReturnLine(models.Model):
    """One order line's units in a return, with their price as ordered (VAT included)."""

    return_request = models.ForeignKey(
        ReturnRequest, related_name="lines", on_delete=models.CASCADE
    )
    order_line = models.ForeignKey(OrderLine, related_name="+", on_delete=models.PROTECT)
    sku = models.CharField(_("SKU"), max_length=32)
    description = models.CharField(_("description"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=3)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity returned"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0)
    quantity_restocked = models.PositiveIntegerField(_("restocked"), default=0)
    quantity_written_off = models.PositiveIntegerField(_("written off"), default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity"),
            models.CheckConstraint(
                condition=Q(quantity_received__lte=F("quantity")),
                name="return_line_received_within_returned",
            ),
            models.CheckConstraint(
                condition=Q(
                    quantity_restocked__lte=F("quantity_received") - F("quantity_written_off")
                ),
                name="return_line_inspected_within_received",
            ),
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="return_line_unique"
            ),
        ]


class CreditNote(models.Model):
    """The credit note (avoir) of a refunded return, issued in the refund's transaction.

    Like orders.Invoice, everything printed is a snapshot taken at issue. Numbers come from
    the gapless yearly series `credit-note-<year>` (`AV-2026-000001`)."""

    return_request = models.OneToOneField(
        ReturnRequest, related_name="credit_note", on_delete=models.PROTECT
    )
    order = models.ForeignKey(Order, related_name="credit_notes", on_delete=models.PROTECT)
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    currency = models.CharField(max_length=3, default="EUR")
    invoice_number = models.CharField(max_length=20, blank=True)
    seller = models.JSONField()
    buyer = models.JSONField()
    # [{"kind", "description", "sku", "quantity", "unit_price_including_vat", "vat_rate",
    #   "amount_excluding_vat", "amount"}]
    lines = models.JSONField()
    vat_breakdown = models.JSONField()
    # {"total_excluding_vat", "vat_total", "total"}
    totals = models.JSONField()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number
