import factory
from django.utils import timezone

from orchestre.catalog.models import Product
from orchestre.catalog.tests.factories import ProductFactory
from orchestre.inventory.models import StockLevel, StockMovement, Warehouse


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "main"
    name = "Entrepôt principal"
    city = "Lyon"


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    warehouse = factory.SubFactory(WarehouseFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 20
    reserved = 0


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockMovement

    warehouse = factory.SubFactory(WarehouseFactory)
    product = factory.SubFactory(ProductFactory)
    kind = StockMovement.Kind.RECEIPT
    quantity = 20
    reference = "opening"
    created_at = factory.LazyFunction(timezone.now)


def stocked_product(*levels: tuple[Warehouse, int], **product_fields) -> Product:
    """A product with the given units on hand per warehouse, each level recorded by its
    receipt, so that the ledger agrees with the stock levels from the start."""
    product = ProductFactory(search_index=False, **product_fields)
    for warehouse, quantity in levels:
        StockLevelFactory(product=product, warehouse=warehouse, quantity=quantity)
        if quantity:
            ReceiptFactory(product=product, warehouse=warehouse, quantity=quantity)
    return product
