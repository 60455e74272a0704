from django.conf import settings
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
    reorder_point = models.PositiveIntegerField(
        _("reorder point"),
        default=0,
        help_text=_("Below this many units on hand, the product is to be reordered."),
    )
    reorder_quantity = models.PositiveIntegerField(
        _("reorder quantity"), default=0, help_text=_("Units usually ordered at a time.")
    )
    # Whether the current stay below the reorder point was already announced, and how many
    # stays there were: the alert e-mail of each stay is keyed by that number.
    low_stock_alerted = models.BooleanField(default=False)
    low_stock_crossings = models.PositiveIntegerField(default=0)

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
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["product", "warehouse"]),
            # Recent sales per product, for the reorder suggestions.
            models.Index(fields=["kind", "created_at"], name="movement_kind_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="movement_quantity_not_zero"
            ),
        ]


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


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), default=7, help_text=_("Days from ordering to receiving.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(models.Model):
    """Goods ordered from a supplier for one warehouse; receipts against its lines bring
    the units into stock."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    supplier = models.ForeignKey(Supplier, related_name="purchase_orders", on_delete=models.PROTECT)
    warehouse = models.ForeignKey(
        Warehouse, related_name="purchase_orders", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="purchase_order_status_idx")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder, related_name="lines", on_delete=models.CASCADE
    )
    product = models.ForeignKey(Product, related_name="+", on_delete=models.PROTECT)
    quantity_ordered = models.PositiveIntegerField(_("ordered"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_order", "product"], name="purchase_order_line_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_ordered__gt=0), name="purchase_line_ordered_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_received__lte=models.F("quantity_ordered")),
                name="purchase_line_received_within_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="purchase_line_cost_not_negative"
            ),
        ]

    @property
    def outstanding(self) -> int:
        return self.quantity_ordered - self.quantity_received


class GoodsReceipt(models.Model):
    """One delivery received against a purchase order."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, related_name="receipts", on_delete=models.PROTECT
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.reference


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, related_name="lines", on_delete=models.CASCADE)
    line = models.ForeignKey(
        PurchaseOrderLine, related_name="receipt_lines", on_delete=models.PROTECT
    )
    quantity = models.PositiveIntegerField(_("received"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="receipt_line_quantity_positive"
            ),
        ]


class CycleCount(models.Model):
    """A count of some products of one warehouse; confirming it records the differences
    between what was counted and what the books said as count movements."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, related_name="cycle_counts", on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("started at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"COUNT-{self.pk}"

    @property
    def reference(self) -> str:
        return f"COUNT-{self.pk}"


class CycleCountLine(models.Model):
    """`expected_quantity` is the book quantity when the line was counted (or when the
    count started, until then), so movements made before the count is entered are not
    counted twice."""

    count = models.ForeignKey(CycleCount, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, related_name="+", on_delete=models.CASCADE)
    expected_quantity = models.IntegerField(_("expected"))
    counted_quantity = models.PositiveIntegerField(_("counted"), null=True, blank=True)

    class Meta:
        ordering = ["product__sku"]
        constraints = [
            models.UniqueConstraint(fields=["count", "product"], name="cycle_count_line_unique"),
        ]

    @property
    def variance(self) -> int | None:
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.expected_quantity
