from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product
from orchestre.customers.models import Customer
from orchestre.orders.formatting import address_lines
from orchestre.orders.values import VatLine


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    IN_PREPARATION = "in_preparation", _("In preparation")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class Order(models.Model):
    """An order, a cancellation (credit) or an accounting adjustment.

    Imported invoices keep their number, date, country and amounts exactly as recorded,
    in their original currency; see docs/data-import.md for the mapping. They carry no
    access token, addresses or VAT detail, and their status is "delivered".

    Web orders are created by `services.place_order` and change status only through the
    services (docs/orders.md). Amounts are VAT included; `discount_total` is zero or
    negative, so that total = subtotal + discount_total + delivery_total."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        CANCELLATION = "cancellation", _("Cancellation / refund")
        ADJUSTMENT = "adjustment", _("Accounting adjustment")

    class Source(models.TextChoices):
        IMPORT = "import", _("Imported history")
        WEB = "web", _("Web store")

    Status = OrderStatus

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SALE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, related_name="orders", on_delete=models.PROTECT
    )
    country = models.CharField(_("country"), max_length=60)
    country_code = models.CharField(max_length=2, blank=True)
    placed_at = models.DateTimeField(_("placed at"), db_index=True)
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=3)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="orders",
        on_delete=models.SET_NULL,
        help_text=_("The signed-in buyer, if any."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    # The unguessable secret in the order page's address; null for imported history.
    access_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    shipping_address = models.JSONField(_("shipping address"), null=True, blank=True)
    billing_address = models.JSONField(_("billing address"), null=True, blank=True)
    delivery_method_code = models.CharField(max_length=32, blank=True)
    delivery_method_name = models.CharField(_("delivery method"), max_length=120, blank=True)
    estimated_delivery_earliest = models.DateField(null=True, blank=True)
    estimated_delivery_latest = models.DateField(null=True, blank=True)
    subtotal = models.DecimalField(_("subtotal"), max_digits=14, decimal_places=2, default=0)
    discount_total = models.DecimalField(_("discounts"), max_digits=14, decimal_places=2, default=0)
    delivery_total = models.DecimalField(_("delivery"), max_digits=14, decimal_places=2, default=0)
    vat_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=0)
    # [{"rate": "0.2000", "base": "10.00", "vat": "2.00"}]: base excludes VAT.
    vat_breakdown = models.JSONField(default=list, blank=True)
    terms_version = models.CharField(max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(
        max_length=100, blank=True, help_text=_("The payment provider's payment id.")
    )

    class Meta:
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["kind", "placed_at"]),
            models.Index(fields=["status", "placed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values),
                name="order_status_known",
            ),
            models.CheckConstraint(
                condition=Q(source="import") | Q(access_token__isnull=False),
                name="web_order_has_access_token",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # Views of the prefetched lines (selectors prefetch them), so reading both costs no query.
    @property
    def product_lines(self) -> list["OrderLine"]:
        return [line for line in self.lines.all() if line.kind == OrderLine.Kind.PRODUCT]

    @property
    def delivery_line(self) -> "OrderLine | None":
        return next(
            (line for line in self.lines.all() if line.kind == OrderLine.Kind.POSTAGE), None
        )

    @property
    def vat_lines(self) -> list[VatLine]:
        return [
            VatLine(
                rate=Decimal(item["rate"]), base=Decimal(item["base"]), vat=Decimal(item["vat"])
            )
            for item in self.vat_breakdown
        ]

    @property
    def total_excluding_vat(self) -> Decimal:
        return self.total - self.vat_total

    @property
    def shipping_address_lines(self) -> list[str]:
        return address_lines(self.shipping_address)

    @property
    def billing_address_lines(self) -> list[str]:
        return address_lines(self.billing_address)


class OrderLine(models.Model):
    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        POSTAGE = "postage", _("Postage / carriage")
        DISCOUNT = "discount", _("Discount")
        MANUAL = "manual", _("Manual entry")
        SAMPLES = "samples", _("Samples")
        FEE = "fee", _("Fee or commission")
        BAD_DEBT = "bad_debt", _("Bad-debt adjustment")
        GIFT_VOUCHER = "gift_voucher", _("Gift voucher")
        STOCK_ADJUSTMENT = "stock_adjustment", _("Stock adjustment")

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    product = models.ForeignKey(
        Product, null=True, blank=True, related_name="order_lines", on_delete=models.PROTECT
    )
    code = models.CharField(max_length=32, help_text=_("Stock code as recorded."))
    description = models.CharField(max_length=200, blank=True)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=3)
    amount = models.DecimalField(max_digits=14, decimal_places=3)
    # Unit price and amount include VAT; the rate is unknown (null) for imported history.
    vat_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, help_text=_("0.2000 = 20 %")
    )

    class Meta:
        indexes = [models.Index(fields=["product", "order"])]


class OrderStatusChange(models.Model):
    """One step of an order's history, written by the service that changed the status
    (the first row, with an empty `from_status`, is the order's placement)."""

    order = models.ForeignKey(Order, related_name="status_changes", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "at"])]


class Invoice(models.Model):
    """The invoice of a paid web order, issued in the transaction that records the payment.

    Everything printed on it is a snapshot taken at issue (seller identity, buyer, lines,
    VAT per rate, totals, amounts as strings), so that it reads the same forever whatever
    later happens to the settings, the catalogue or the order. Numbers come from the
    gapless yearly series `invoice-<year>` (docs/adr/0006-invoice-numbering.md)."""

    order = models.OneToOneField(Order, related_name="invoice", on_delete=models.PROTECT)
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    paid_at = models.DateTimeField(_("paid at"))
    currency = models.CharField(max_length=3, default="EUR")
    # {"name", "legal_form", "address", "siren", "rcs", "vat_number", "email"}
    seller = models.JSONField()
    # {"name", "email", "billing_address": {...}, "shipping_address": {...}}
    buyer = models.JSONField()
    # [{"description", "sku", "quantity", "unit_price_excluding_vat",
    #   "unit_price_including_vat", "vat_rate", "amount_excluding_vat", "amount"}]
    lines = models.JSONField()
    # [{"rate", "base", "vat"}]: base excludes VAT
    vat_breakdown = models.JSONField()
    # {"subtotal", "discount_total", "delivery_total", "total_excluding_vat", "vat_total",
    #  "total"}
    totals = models.JSONField()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number
