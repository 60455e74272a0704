import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from orchestre.catalog.errors import InvalidImage
from orchestre.catalog.media import (
    add_product_image,
    delete_product_image,
    move_image_first,
    update_image_alt_text,
)
from orchestre.catalog.models import Product, ProductImage
from orchestre.catalog.tests.factories import ProductFactory
from orchestre.core.errors import InvalidInput
from orchestre.core.models import AuditEntry


def picture(width=1200, height=800, image_format="JPEG", name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 40)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_an_upload_is_stored_at_three_widths_and_becomes_the_cover(editor):
    product = ProductFactory()

    image = add_product_image(
        actor=editor, product_id=product.pk, upload=picture(), alt_text="A red lantern"
    )

    assert sorted(image.renditions, key=int) == ["240", "480", "960"]
    for width, name in image.renditions.items():
        with default_storage.open(name) as stored, Image.open(stored) as rendition:
            assert (rendition.format, rendition.width) == ("WEBP", int(width))
    assert (image.width, image.height, image.card_height) == (1200, 800, 160)
    assert Product.objects.get(pk=product.pk).cover_image_id == image.pk
    assert AuditEntry.objects.get(action="product.image_added").actor == editor


def test_a_narrow_picture_keeps_its_own_width(editor):
    product = ProductFactory()

    image = add_product_image(
        actor=editor, product_id=product.pk, upload=picture(300, 300, "PNG"), alt_text="Mug"
    )

    assert list(image.renditions) == ["240"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg"),
            "This file is not an image (accepted: JPEG, PNG, WebP, GIF).",
        ),
        (
            SimpleUploadedFile("photo.jpg", picture().read()[:200], content_type="image/jpeg"),
            "This file is not an image (accepted: JPEG, PNG, WebP, GIF).",
        ),
        (picture(100, 100), "The picture is too narrow: at least 240 pixels wide."),
        (
            SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1)),
            "The file is too large: at most 5 MB.",
        ),
    ],
    ids=["not-an-image", "truncated", "too-narrow", "too-large"],
)
def test_a_bad_upload_is_refused_and_nothing_is_stored(editor, upload, message):
    product = ProductFactory()
    stored_before = _stored_files()

    with translation.override("en"), pytest.raises(InvalidImage) as caught:
        add_product_image(actor=editor, product_id=product.pk, upload=upload, alt_text="Lantern")

    assert caught.value.fields == {"image": [message]}
    assert not ProductImage.objects.exists()
    assert _stored_files() == stored_before
    assert not AuditEntry.objects.exists()


def test_an_image_needs_an_alternative_text(editor):
    product = ProductFactory()

    with pytest.raises(InvalidInput) as caught:
        add_product_image(actor=editor, product_id=product.pk, upload=picture(), alt_text="  ")

    assert set(caught.value.fields) == {"alt_text"}
    assert not ProductImage.objects.exists()


def test_reordering_and_deleting_keep_the_cover_on_the_first_image(
    editor, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    first = add_product_image(actor=editor, product_id=product.pk, upload=picture(), alt_text="A")
    second = add_product_image(actor=editor, product_id=product.pk, upload=picture(), alt_text="B")

    move_image_first(actor=editor, image_id=second.pk)
    assert Product.objects.get(pk=product.pk).cover_image_id == second.pk
    update_image_alt_text(actor=editor, image_id=second.pk, alt_text="Blue lantern")
    with django_capture_on_commit_callbacks(execute=True):
        delete_product_image(actor=editor, image_id=second.pk)

    assert Product.objects.get(pk=product.pk).cover_image_id == first.pk
    assert ProductImage.objects.get(pk=first.pk).position == 1
    assert not any(default_storage.exists(name) for name in second.renditions.values())
    assert ProductImage.objects.filter(alt_text="Blue lantern").count() == 0


def _stored_files() -> set[str]:
    root = "catalog/products"
    if not default_storage.exists(root):
        return set()
    found = set()
    directories, _files = default_storage.listdir(root)
    for directory in directories:
        found |= set(default_storage.listdir(f"{root}/{directory}")[1])
    return found
