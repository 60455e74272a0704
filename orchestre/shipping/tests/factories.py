"""factory_boy factories for delivery zones, methods and rates."""

from decimal import Decimal

import factory

from orchestre.shipping.models import DeliveryMethod, DeliveryRate, DeliveryZone


class DeliveryZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryZone

    code = factory.Sequence(lambda number: f"zone-{number}")
    name_fr = factory.Sequence(lambda number: f"Zone {number}")
    name_en = factory.Sequence(lambda number: f"Zone {number}")
    countries = factory.LazyFunction(lambda: ["FR"])
    position = factory.Sequence(lambda number: number)


class DeliveryMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryMethod

    code = factory.Sequence(lambda number: f"method-{number}")
    kind = DeliveryMethod.Kind.HOME
    name_fr = factory.Sequence(lambda number: f"Livraison {number}")
    name_en = factory.Sequence(lambda number: f"Delivery {number}")
    carrier = "Colissimo"
    min_days = 2
    max_days = 3
    position = factory.Sequence(lambda number: number)


class DeliveryRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryRate

    method = factory.SubFactory(DeliveryMethodFactory)
    zone = factory.SubFactory(DeliveryZoneFactory)
    max_weight_grams = None
    min_order_value = Decimal("0.00")
    price = Decimal("4.90")
    free_above = None


def paid_order(**overrides):
    """A paid web order (2 × 85123A, 1 × 37370, 1 × 22988) and a warehouse to ship it from."""
    from orchestre.inventory.tests.factories import WarehouseFactory
    from orchestre.orders.tests.factories import paid_test_order

    WarehouseFactory(code="lyon", name="Lyon", priority=0)
    return paid_test_order(**overrides)


def product_line_ids(order) -> dict[str, int]:
    """The order's product line ids by SKU."""
    return {line.code: line.pk for line in order.product_lines}
