"""factory_boy factories of carts, and a product ready to be put in one."""

from decimal import Decimal

import factory

from orchestre.cart.models import Cart, CartLine
from orchestre.catalog.models import Product
from orchestre.catalog.tests.factories import ProductFactory
from orchestre.inventory.tests.factories import StockLevelFactory
from orchestre.pricing.tests.factories import PriceFactory


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    language = "fr"


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory, search_index=False)
    quantity = 1


def product_for_sale(*, price: str = "12.50", stock: int | None = 10, **fields) -> Product:
    """An active product with a price (VAT 20 % included) and `stock` units on hand in one
    warehouse (no stock row at all when None)."""
    product = ProductFactory(search_index=False, **fields)
    PriceFactory(product=product, amount=Decimal(price))
    if stock is not None:
        StockLevelFactory(product=product, quantity=stock)
    return product
