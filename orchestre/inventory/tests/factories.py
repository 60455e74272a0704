import factory

from orchestre.catalog.tests.factories import ProductFactory
from orchestre.inventory.models import StockLevel, Warehouse


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
