from django.db import models
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product


class Warehouse(models.Model):
    code = models.SlugField(unique=True, max_length=20)
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    priority = models.PositiveSmallIntegerField(
        default=0, help_text=_("Lower ships first when several warehouses can serve a line.")
    )

    class Meta:
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """Units on hand and reserved for one product in one warehouse; the database refuses
    any change that would make either negative or reserve more than is on hand."""

    warehouse = models.ForeignKey(Warehouse, related_name="stock_levels", on_delete=models.PROTECT)
    product = models.ForeignKey(Product, related_name="stock_levels", on_delete=models.CASCADE)
    quantity = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "product"], name="stock_level_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_not_negative"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0) & models.Q(reserved__lte=models.F("quantity")),
                name="reserved_within_stock",
            ),
        ]


class StockMovement(models.Model):
    """The ledger stock levels follow from: every change of quantity is one movement."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        SALE = "sale", _("Sale")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        TRANSFER = "transfer", _("Transfer")
        COUNT = "count", _("Count")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT)
    product = models.ForeignKey(Product, related_name="stock_movements", on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    quantity = models.IntegerField(help_text=_("Positive in, negative out."))
    reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["product", "warehouse"])]


class Reservation(models.Model):
    """Units of one product held in one warehouse for a checkout (`reference`) until
    `expires_at`; while active they count in `StockLevel.reserved`. Every call to
    `reserve_stock` writes its rows with one `created_at`, which is how the latest set of a
    reference is told apart from earlier, released or expired ones."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ALLOCATED = "allocated", _("Allocated")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    product = models.ForeignKey(Product, related_name="reservations", on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, related_name="reservations", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    reference = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"
            ),
        ]
        indexes = [
            # The expiry sweep reads active reservations by due date.
            models.Index(fields=["status", "expires_at"], name="reservation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} × {self.product_id} ({self.status})"
