from decimal import Decimal

import factory
from django.utils import timezone

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.pricing.models import Price, VatRate


class VatRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VatRate
        django_get_or_create = ("code",)

    code = "fr-standard"
    country = "FR"
    rate = Decimal("0.2000")
    label = "TVA 20 %"


class PriceFactory(factory.django.DjangoModelFactory):
    """The current price of a product, VAT included."""

    class Meta:
        model = Price

    product = factory.SubFactory(ProductFactory)
    amount = Decimal("12.50")
    currency = "EUR"
    vat_rate = factory.SubFactory(VatRateFactory)
    updated_at = factory.LazyFunction(timezone.now)
