from django.db import models
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product
from orchestre.customers.models import Customer


class Order(models.Model):
    """An order, a cancellation (credit) or an accounting adjustment.

    Imported invoices keep their number, date, country and amounts exactly as recorded,
    in their original currency; see docs/data-import.md for the mapping."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        CANCELLATION = "cancellation", _("Cancellation / refund")
        ADJUSTMENT = "adjustment", _("Accounting adjustment")

    class Source(models.TextChoices):
        IMPORT = "import", _("Imported history")
        WEB = "web", _("Web store")

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

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["kind", "placed_at"])]

    def __str__(self) -> str:
        return self.number


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

    class Meta:
        indexes = [models.Index(fields=["product", "order"])]
