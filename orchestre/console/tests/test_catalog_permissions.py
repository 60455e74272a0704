"""Every catalogue page and action: anonymous → sign-in, customer → 403, staff without the
permission → 403 with nothing changed, staff with it → allowed."""

from decimal import Decimal

import pytest

from orchestre.catalog.models import Category, Product
from orchestre.catalog.tests.factories import CategoryFactory, ProductFactory
from orchestre.pricing.models import Price
from orchestre.pricing.tests.factories import PriceFactory

PAGES = [
    "/en/console/catalog/",
    "/en/console/catalog/worklist/",
    "/en/console/catalog/products/new/",
    "/en/console/catalog/categories/",
    "/en/console/catalog/categories/new/",
    "/en/console/catalog/variants/",
]


@pytest.fixture
def product(db):
    price = PriceFactory(amount=Decimal("12.50"), product=ProductFactory(name="White heart"))
    return price.product


@pytest.mark.parametrize("url", PAGES)
def test_catalogue_pages_by_visitor(client, customer_client, console_client, url):
    assert client.get(url).status_code == 302
    assert customer_client.get(url).status_code == 403
    assert console_client("logistics-manager").get(url).status_code == 403
    assert console_client("content-editor").get(url).status_code == 200


def test_product_edit_needs_edit_catalog(client, customer_client, console_client, product):
    url = f"/en/console/catalog/products/{product.pk}/"
    data = {"name": "Changed", "category": product.category_id, "weight_grams": 500}
    data |= {"slug": product.slug}

    assert client.post(url, data).status_code == 302
    assert customer_client.post(url, data).status_code == 403
    assert console_client("business-analyst").post(url, data).status_code == 403
    assert Product.objects.get(pk=product.pk).name == "White heart"
    assert console_client("content-editor").post(url, data).status_code == 302
    assert Product.objects.get(pk=product.pk).name == "Changed"


def test_price_edit_needs_edit_prices(client, customer_client, console_client, product):
    url = f"/en/console/catalog/products/{product.pk}/price/"
    data = {"amount": "9.90", "vat_rate": product.price.vat_rate_id}

    assert client.post(url, data).status_code == 302
    assert customer_client.post(url, data).status_code == 403
    assert console_client("content-editor").post(url, data).status_code == 403
    assert Price.objects.get(product=product).amount == Decimal("12.50")
    assert console_client("marketing-manager").post(url, data).status_code == 302
    assert Price.objects.get(product=product).amount == Decimal("9.90")


def test_category_rename_needs_edit_catalog(client, customer_client, console_client):
    category = CategoryFactory(name_en="Candles")
    url = f"/en/console/catalog/categories/{category.pk}/"
    data = {"name_fr": "Lanternes", "name_en": "Lanterns"}

    assert client.post(url, data).status_code == 302
    assert customer_client.post(url, data).status_code == 403
    assert console_client("customer-service").post(url, data).status_code == 403
    assert Category.objects.get(pk=category.pk).name_en == "Candles"
    assert console_client("marketing-manager").post(url, data).status_code == 302
    assert Category.objects.get(pk=category.pk).name_en == "Lanterns"
