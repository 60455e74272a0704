"""A small gift shop for the storefront tests: two departments, three categories, two
filterable attributes and 30 products with prices, stock and sales, indexed for search."""

import os
from dataclasses import dataclass
from decimal import Decimal

import pytest

from orchestre.catalog.models import AttributeValue, Category, Product
from orchestre.catalog.services import index_products
from orchestre.catalog.tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    DepartmentFactory,
    ProductFactory,
)
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.pricing.tests.factories import PriceFactory
from orchestre.storefront.tests.browser_support import CHROMIUM, CHROMIUM_ARGS, open_page

LIGHTS_PRODUCTS = 26  # more than one page of 24


@dataclass
class Shop:
    decoration: Category
    kitchen: Category
    lights: Category
    frames: Category
    mugs: Category
    red: AttributeValue
    white: AttributeValue
    pink: AttributeValue
    metal: AttributeValue
    glass: AttributeValue
    heart: Product  # the bestseller: 2.95 €, 40 in stock, white metal
    lantern: Product  # low stock: 3 left
    candle: Product  # out of stock
    mug: Product
    frame: Product


def make_product(*, price: str, stock: int | None, **fields) -> Product:
    product = ProductFactory(**fields)
    PriceFactory(product=product, amount=Decimal(price))
    if stock is not None:
        StockLevelFactory(product=product, quantity=stock)
    return product


@pytest.fixture
def shop(db) -> Shop:
    decoration = DepartmentFactory(
        slug="decoration", name_fr="Décoration", name_en="Decoration", position=0
    )
    kitchen = DepartmentFactory(slug="cuisine", name_fr="Cuisine", name_en="Kitchen", position=1)
    lights = CategoryFactory(
        slug="bougies",
        parent=decoration,
        name_fr="Bougies et lumières",
        name_en="Candles and lights",
        description_fr="Photophores, lanternes et bougies.",
        description_en="Tea lights, lanterns and candles.",
        position=2,
    )
    frames = CategoryFactory(
        slug="cadres", parent=decoration, name_fr="Cadres", name_en="Frames", position=3
    )
    mugs = CategoryFactory(slug="mugs", parent=kitchen, name_fr="Mugs", name_en="Mugs", position=4)
    colour = AttributeFactory(code="colour", name_fr="Couleur", name_en="Colour", position=0)
    material = AttributeFactory(code="material", name_fr="Matière", name_en="Material", position=1)
    red = AttributeValueFactory(attribute=colour, code="red", name_fr="Rouge", name_en="Red")
    white = AttributeValueFactory(attribute=colour, code="white", name_fr="Blanc", name_en="White")
    pink = AttributeValueFactory(attribute=colour, code="pink", name_fr="Rose", name_en="Pink")
    metal = AttributeValueFactory(
        attribute=material, code="metal", name_fr="Métal", name_en="Metal"
    )
    glass = AttributeValueFactory(
        attribute=material, code="glass", name_fr="Verre", name_en="Glass"
    )

    heart = make_product(
        sku="85123A",
        slug="white-hanging-heart-t-light-holder",
        name="White Hanging Heart T-Light Holder",
        category=lights,
        units_sold=500,
        price="2.95",
        stock=40,
        attribute_values=[white, metal],
    )
    lantern = make_product(
        sku="71053",
        slug="white-metal-lantern",
        name="White Metal Lantern",
        category=lights,
        units_sold=400,
        price="3.75",
        stock=3,
        attribute_values=[white, metal],
    )
    candle = make_product(
        sku="72741",
        slug="red-scented-candle",
        name="Red Scented Candle",
        category=lights,
        units_sold=300,
        price="1.25",
        stock=None,
        attribute_values=[red, glass],
    )
    colours = (red, pink, white)
    for number in range(LIGHTS_PRODUCTS - 3):
        make_product(
            sku=f"2200{number:02d}",
            slug=f"glass-tea-light-{number}",
            name=f"Glass Tea Light {number}",
            category=lights,
            units_sold=100 - number,
            price=f"{4 + number}.50",
            stock=10 + number,
            attribute_values=[colours[number % 3], glass],
        )
    frame = make_product(
        sku="84406B",
        slug="cream-photo-frame",
        name="Cream Photo Frame",
        category=frames,
        units_sold=50,
        price="1234.50",
        stock=8,
        attribute_values=[pink],
    )
    make_product(
        sku="84407",
        slug="gold-photo-frame",
        name="Gold Photo Frame",
        category=frames,
        units_sold=0,
        price="6.00",
        stock=8,
    )
    mug = make_product(
        sku="37370",
        slug="retro-coffee-mug",
        name="Retro Coffee Mug",
        category=mugs,
        units_sold=60,
        price="4.25",
        stock=12,
        attribute_values=[red],
    )
    make_product(
        sku="37371",
        slug="pink-coffee-mug",
        name="Pink Coffee Mug",
        category=mugs,
        units_sold=0,
        price="4.25",
        stock=12,
        attribute_values=[pink],
    )
    index_products(list(Product.objects.values_list("pk", flat=True)))
    return Shop(
        decoration=decoration,
        kitchen=kitchen,
        lights=lights,
        frames=frames,
        mugs=mugs,
        red=red,
        white=white,
        pink=pink,
        metal=metal,
        glass=glass,
        heart=heart,
        lantern=lantern,
        candle=candle,
        mug=mug,
        frame=frame,
    )


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = (
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); "
            "set ORCHESTRE_REQUIRE_BROWSER=1 to fail instead of skipping"
        )
        if os.environ.get("ORCHESTRE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop in this thread, which Django takes for
    # an async context; the test code only runs plain synchronous ORM calls around it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    page = open_page(browser)
    yield page
    page.context.close()
