"""factory_boy factories for the catalogue, shared by every app's tests.

Prices and stock live in lower-level apps' own factories (pricing/tests/factories.py,
inventory/tests/factories.py), so the catalogue does not import the layers above it."""

import datetime

import factory
from django.utils import timezone

from orchestre.catalog.models import Attribute, AttributeValue, Category, Product
from orchestre.catalog.services import index_products


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    parent = None
    slug = factory.Sequence(lambda number: f"department-{number}")
    name_fr = factory.Sequence(lambda number: f"Rayon {number}")
    name_en = factory.Sequence(lambda number: f"Department {number}")
    position = factory.Sequence(lambda number: number)


class CategoryFactory(DepartmentFactory):
    """A category inside a department (the second level of the tree)."""

    parent = factory.SubFactory(DepartmentFactory)
    slug = factory.Sequence(lambda number: f"category-{number}")
    name_fr = factory.Sequence(lambda number: f"Catégorie {number}")
    name_en = factory.Sequence(lambda number: f"Category {number}")


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"attribute-{number}")
    name_fr = factory.Sequence(lambda number: f"Attribut {number}")
    name_en = factory.Sequence(lambda number: f"Attribute {number}")
    position = factory.Sequence(lambda number: number)


class AttributeValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeValue
        django_get_or_create = ("attribute", "code")

    attribute = factory.SubFactory(AttributeFactory)
    code = factory.Sequence(lambda number: f"value-{number}")
    name_fr = factory.Sequence(lambda number: f"Valeur {number}")
    name_en = factory.Sequence(lambda number: f"Value {number}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda number: f"{10000 + number}A")
    name = factory.Sequence(lambda number: f"White hanging heart {number}")
    slug = factory.LazyAttribute(lambda product: f"{product.sku.lower()}-product")
    category = factory.SubFactory(CategoryFactory)
    units_sold = 0
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))

    @factory.post_generation
    def attribute_values(self, create, values, **kwargs):
        if create and values:
            self.attribute_values.set(values)

    @factory.post_generation
    def search_index(self, create, enabled, **kwargs):
        """Index the product for search, as the importer and the console do; pass
        `search_index=False` when a test builds many products and calls
        `rebuild_search_index()` once, or tests an unindexed product."""
        if create and enabled is not False:
            index_products([self.pk])
