from django.utils import translation

from orchestre.catalog.models import Product
from orchestre.catalog.selectors import list_attribute_facets
from orchestre.catalog.tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    ProductFactory,
)


def test_facet_values_come_in_natural_order_with_their_counts(db):
    pack_size = AttributeFactory(code="pack-size", name_fr="Lot", name_en="Pack")
    values = {
        count: AttributeValueFactory(
            attribute=pack_size,
            code=str(count),
            name_fr=f"Lot de {count}",
            name_en=f"Pack of {count}",
        )
        for count in (12, 3, 100, 6)
    }
    for value in values.values():
        ProductFactory(attribute_values=[value], search_index=False)
    ProductFactory(attribute_values=[values[3]], search_index=False)

    with translation.override("fr"):
        [facet] = list_attribute_facets(Product.objects.all())

    assert [(value.name, value.product_count) for value in facet.facet_values] == [
        ("Lot de 3", 2),
        ("Lot de 6", 1),
        ("Lot de 12", 1),
        ("Lot de 100", 1),
    ]
