import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orchestre.catalog.services import rebuild_search_index
from orchestre.catalog.tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    DepartmentFactory,
    ProductFactory,
)
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.pricing.tests.factories import PriceFactory

CAKE_STANDS = 30


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def shop(db):
    """Three named products and thirty cake stands, every one with a price and attributes
    (33 products in all)."""
    decoration = DepartmentFactory(
        slug="decoration", name_fr="Décoration", name_en="Decoration", position=1
    )
    lanterns = CategoryFactory(
        slug="lanterns", parent=decoration, name_fr="Lanternes", name_en="Lanterns", position=1
    )
    candles = CategoryFactory(
        slug="candles", parent=decoration, name_fr="Bougies", name_en="Candles", position=2
    )
    kitchen = DepartmentFactory(slug="kitchen", name_fr="Cuisine", name_en="Kitchen", position=2)
    cake_stands = CategoryFactory(
        slug="cake-stands",
        parent=kitchen,
        name_fr="Présentoirs à gâteaux",
        name_en="Cake stands",
        position=1,
    )
    CategoryFactory(slug="empty", parent=kitchen, name_fr="Vide", name_en="Empty", position=2)
    colour = AttributeFactory(code="colour", name_fr="Couleur", name_en="Colour", position=1)
    material = AttributeFactory(code="material", name_fr="Matière", name_en="Material", position=2)
    red = AttributeValueFactory(attribute=colour, code="red", name_fr="Rouge", name_en="Red")
    blue = AttributeValueFactory(attribute=colour, code="blue", name_fr="Bleu", name_en="Blue")
    metal = AttributeValueFactory(
        attribute=material, code="metal", name_fr="Métal", name_en="Metal"
    )

    lantern = ProductFactory(
        sku="22171",
        slug="moroccan-metal-lantern",
        name="Moroccan metal lantern",
        source_name="MOROCCAN METAL LANTERN",
        description="A lantern with coloured glass.",
        pack_size=1,
        category=lanterns,
        units_sold=500,
        created_at=days_ago(10),
        attribute_values=[metal, red],
        search_index=False,
    )
    PriceFactory(product=lantern, amount=Decimal("12.50"))
    StockLevelFactory(product=lantern, quantity=10, reserved=3)

    candle = ProductFactory(
        sku="72741",
        slug="vanilla-scented-candle",
        name="Vanilla scented candle",
        category=candles,
        units_sold=100,
        created_at=days_ago(5),
        attribute_values=[blue],
        search_index=False,
    )
    PriceFactory(product=candle, amount=Decimal("2.95"))
    StockLevelFactory(product=candle, quantity=0)

    heart = ProductFactory(
        sku="85123A",
        slug="white-hanging-heart",
        name="White hanging heart T-light holder",
        category=lanterns,
        units_sold=50,
        created_at=days_ago(1),
        attribute_values=[red],
        search_index=False,
    )
    PriceFactory(product=heart, amount=Decimal("3.45"))

    for number in range(1, CAKE_STANDS + 1):
        stand = ProductFactory(
            sku=f"CS{number:03d}",
            slug=f"cake-stand-{number:02d}",
            name=f"Cake stand {number:02d}",
            category=cake_stands,
            units_sold=number,
            created_at=days_ago(20 + number),
            attribute_values=[red if number % 2 else blue, metal],
            search_index=False,
        )
        PriceFactory(product=stand, amount=Decimal(5 + number))
        StockLevelFactory(product=stand, quantity=5 * (number % 2))
    rebuild_search_index()
    return {"lantern": lantern, "candle": candle, "heart": heart}
