import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orchestre.catalog.models import Product, ProductImage, ProductSlugRedirect
from orchestre.catalog.tests.factories import AttributeValueFactory, ProductFactory
from orchestre.console.catalog_views import home_panel
from orchestre.core.models import AuditEntry
from orchestre.pricing.models import Price, PriceHistory
from orchestre.pricing.tests.factories import PriceFactory


@pytest.fixture
def product(db):
    return PriceFactory(amount=Decimal("12.50"), product=ProductFactory(name="White heart")).product


def _form(product, **changes):
    data = {
        "name": product.name,
        "description": product.description,
        "category": product.category_id,
        "weight_grams": product.weight_grams,
        "slug": product.slug,
        "is_active": "on",
    }
    return data | changes


def test_product_list_searches_filters_and_exports(db, console_client, django_assert_num_queries):
    ProductFactory(sku="85123A", name="White hanging heart")
    ProductFactory(sku="22423B", name="Regency cakestand", description="x" * 90)
    client = console_client("content-editor")
    client.get("/en/console/catalog/")  # session and permissions loaded once

    # session, user, 2FA device, two permission reads, session save (3): 8 for every
    # console page; then the category choices, the count and the page
    with django_assert_num_queries(11):
        response = client.get("/en/console/catalog/", {"q": "heart"})
    exported = client.get("/en/console/catalog/", {"below": "20", "format": "csv"})

    assert response.status_code == 200
    assert [product.sku for product in response.context["listing"].page] == ["85123A"]
    rows = b"".join(exported.streaming_content).decode().splitlines()
    assert rows[0] == "\ufeffsku,name,category,active,price,completeness,missing,slug"
    assert [row.split(",")[0] for row in rows[1:]] == ["85123A"]


def test_worklist_and_home_panel(db, console_client):
    ProductFactory(name="Mug")
    client = console_client("content-editor")

    response = client.get("/en/console/catalog/worklist/")

    assert response.status_code == 200
    assert b"No image" in response.content
    [product] = response.context["listing"].page
    assert product.completeness == 0


def test_saving_the_edit_form_changes_the_product(console_client, product):
    red = AttributeValueFactory(code="red")
    client = console_client("content-editor")
    data = _form(product, name="Red heart", slug="red-heart", meta_title="Red heart")
    data[f"attribute_{red.attribute.code}"] = [red.pk]

    response = client.post(f"/en/console/catalog/products/{product.pk}/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.slug, product.meta_title) == (
        "Red heart",
        "red-heart",
        "Red heart",
    )
    assert list(product.attribute_values.all()) == [red]
    assert ProductSlugRedirect.objects.filter(product=product).count() == 1


def test_a_bad_edit_shows_the_errors_and_changes_nothing(console_client, product):
    ProductFactory(slug="taken")
    client = console_client("content-editor")

    response = client.post(
        f"/en/console/catalog/products/{product.pk}/", _form(product, name="", slug="taken")
    )
    taken = client.post(f"/en/console/catalog/products/{product.pk}/", _form(product, slug="taken"))

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert taken.status_code == 400
    assert taken.context["form"].errors["slug"] == [
        "The address “taken” is already used by another product."
    ]
    assert Product.objects.get(pk=product.pk).slug == product.slug
    assert not AuditEntry.objects.exists()


def test_edit_page_queries(console_client, product, django_assert_num_queries):
    client = console_client("content-editor")
    client.get(f"/en/console/catalog/products/{product.pk}/")

    # 8 for every console page; the product with its completeness, its attribute values,
    # its images, the category and family choices, the attributes and their values
    with django_assert_num_queries(14):
        response = client.get(f"/en/console/catalog/products/{product.pk}/")

    assert response.status_code == 200
    assert b"Completeness: 10 %" in response.content


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-3", "A price cannot be negative."),
        ("3.999", "At most 2 decimal places (cents)."),
    ],
)
def test_a_bad_price_is_explained(console_client, product, amount, message):
    client = console_client("marketing-manager")

    response = client.post(
        f"/en/console/catalog/products/{product.pk}/price/",
        {"amount": amount, "vat_rate": product.price.vat_rate_id},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [message]
    assert Price.objects.get(product=product).amount == Decimal("12.50")
    assert not PriceHistory.objects.exists()


def test_the_price_page_shows_the_history(console_client, product):
    client = console_client("marketing-manager")
    client.post(
        f"/en/console/catalog/products/{product.pk}/price/",
        {"amount": "9.90", "vat_rate": product.price.vat_rate_id},
    )

    response = client.get(f"/en/console/catalog/products/{product.pk}/price/")

    assert [entry.amount for entry in response.context["history"]] == [Decimal("9.90")]
    assert "9,90" in response.content.decode() or "9.90" in response.content.decode()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (10, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_uploading_an_image(console_client, product):
    client = console_client("content-editor")
    upload = SimpleUploadedFile("lantern.jpg", _jpeg(), content_type="image/jpeg")

    response = client.post(
        f"/en/console/catalog/products/{product.pk}/images/",
        {"image": upload, "alt_text": "A blue lantern"},
    )

    assert response.status_code == 302
    assert ProductImage.objects.get(product=product).alt_text == "A blue lantern"


def test_a_file_that_is_not_an_image_is_refused_clearly(console_client, product):
    client = console_client("content-editor")
    upload = SimpleUploadedFile("lantern.png", b"GIF89a but not really", content_type="image/png")

    response = client.post(
        f"/en/console/catalog/products/{product.pk}/images/",
        {"image": upload, "alt_text": "A lantern"},
    )

    assert response.status_code == 400
    assert response.context["image_form"].errors["image"] == [
        "This file is not an image (accepted: JPEG, PNG, WebP, GIF)."
    ]
    assert not ProductImage.objects.exists()


def test_the_storefront_shows_uploaded_images_variants_and_follows_old_slugs(
    console_client, product, client
):
    editor = console_client("content-editor")
    editor.post(
        f"/en/console/catalog/products/{product.pk}/images/",
        {
            "image": SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg"),
            "alt_text": "A white heart",
        },
    )
    editor.post(f"/en/console/catalog/products/{product.pk}/", _form(product, slug="new-heart"))

    old = client.get(f"/en/p/{product.slug}/")
    page = client.get("/en/p/new-heart/")

    assert old.status_code == 301
    assert old["Location"] == "/en/p/new-heart/"
    assert 'alt="A white heart"' in page.content.decode()
    assert "-480.webp" in page.content.decode()


def test_the_home_panel_lists_the_least_complete_pages(db, rf):
    ProductFactory(name="Mug", units_sold=3)
    ProductFactory(name="Long enough name")

    panel = home_panel(rf.get("/en/console/"))

    assert panel["incomplete_count"] == 2
    assert [product.name for product in panel["incomplete_products"]] == ["Mug", "Long enough name"]
