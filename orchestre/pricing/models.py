from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from orchestre.catalog.models import Product
from orchestre.core.money import amount_excluding_vat


class VatRate(models.Model):
    code = models.SlugField(unique=True, max_length=30)
    country = models.CharField(max_length=2)
    rate = models.DecimalField(max_digits=5, decimal_places=4, help_text=_("0.2000 = 20 %"))
    label = models.CharField(max_length=60)

    def __str__(self) -> str:
        return f"{self.label} ({self.rate * 100:.1f} %)"


class Price(models.Model):
    """The current selling price of a product, VAT included (prices are shown TTC)."""

    product = models.OneToOneField(Product, related_name="price", on_delete=models.CASCADE)
    amount = models.DecimalField(_("price incl. VAT"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    vat_rate = models.ForeignKey(VatRate, on_delete=models.PROTECT)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["amount"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative")
        ]

    @property
    def amount_excluding_vat(self) -> Decimal:
        return amount_excluding_vat(self.amount, self.vat_rate.rate, self.currency)


class PriceHistory(models.Model):
    """Every price a product has had, for the EU prior-lowest-price rule (Omnibus)."""

    product = models.ForeignKey(Product, related_name="price_history", on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    valid_from = models.DateTimeField()

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["product", "-valid_from"])]
