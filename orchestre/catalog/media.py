"""Product images: uploads checked by their content (Pillow decodes them; the file name
and the declared type are not trusted), re-encoded as WebP at a few widths and stored
through Django's default storage.

The files are written before the database transaction and removed again if it fails
(storage may be a network service, which must not be called inside a transaction);
files of a deleted image go once the deletion is committed."""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from orchestre.catalog.editing import check_text
from orchestre.catalog.errors import InvalidImage
from orchestre.catalog.locks import lock_products
from orchestre.catalog.models import Product, ProductImage
from orchestre.catalog.services import index_products
from orchestre.core.audit import record_change
from orchestre.core.errors import InvalidInput, NotFound

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # well above a 24-megapixel camera, far below a decompression bomb
MIN_WIDTH = 240  # the storefront's card width: anything narrower looks blurred
WIDTHS = (240, 480, 960)
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
WEBP_QUALITY = 82


@dataclass(frozen=True)
class Rendition:
    width: int
    content: bytes


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    renditions: list[Rendition]


def _invalid(message: str) -> InvalidImage:
    return InvalidImage(message, fields={"image": [message]})


def process_upload(upload) -> ProcessedImage:
    """Decode an uploaded file and render its widths. Raises InvalidImage when the file is
    too large, is not a JPEG, PNG, WebP or GIF picture, or is too small or too big."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_UPLOAD_BYTES:
        raise _invalid(
            _("The file is too large: at most %(megabytes)d MB.")
            % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise _invalid(_("The file is empty."))
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    not_an_image = _("This file is not an image (accepted: JPEG, PNG, WebP, GIF).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _invalid(not_an_image)
                if probe.width * probe.height > MAX_PIXELS:
                    raise _invalid(_("The picture has too many pixels (at most 40 megapixels)."))
                probe.verify()  # checks the whole file, not only its header
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning):
        raise _invalid(not_an_image) from None
    except Image.DecompressionBombError:
        raise _invalid(_("The picture has too many pixels (at most 40 megapixels).")) from None
    if image.width < MIN_WIDTH:
        raise _invalid(
            _("The picture is too narrow: at least %(width)d pixels wide.") % {"width": MIN_WIDTH}
        )
    image = image.convert("RGBA" if _has_transparency(image) else "RGB")
    widths = [width for width in WIDTHS if width <= image.width] or [image.width]
    renditions = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        output = io.BytesIO()
        resized.save(output, format="WEBP", quality=WEBP_QUALITY, method=4)
        renditions.append(Rendition(width=width, content=output.getvalue()))
    return ProcessedImage(width=image.width, height=image.height, renditions=renditions)


def _has_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _refresh_cover(product: Product) -> None:
    """Keep `Product.cover_image` on the first image (listings read it by a join)."""
    first = product.images.order_by("position", "pk").first()
    if product.cover_image_id != (first.pk if first else None):
        product.cover_image = first
        product.save(update_fields=["cover_image", "updated_at"])


def _store(product: Product, processed: ProcessedImage) -> dict[str, str]:
    stem = f"catalog/products/{product.pk}/{uuid.uuid4().hex}"
    names: dict[str, str] = {}
    try:
        for rendition in processed.renditions:
            names[str(rendition.width)] = default_storage.save(
                f"{stem}-{rendition.width}.webp", ContentFile(rendition.content)
            )
    except Exception:
        _delete_files(names.values())
        raise
    return names


def _delete_files(names) -> None:
    for name in names:
        default_storage.delete(name)


def add_product_image(*, actor, product_id: int, upload, alt_text: str) -> ProductImage:
    """Validate an upload, store its renditions and add it last to the product's images
    (it becomes the cover when it is the first). Raises NotFound, InvalidInput (no
    alternative text) or InvalidImage; nothing is stored then. Locks the product."""
    errors: dict[str, list[str]] = {}
    alt_text = check_text(errors, "alt_text", alt_text, max_length=200, required=True)
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such product."), code="product_not_found")
    processed = process_upload(upload)
    names = _store(product, processed)
    try:
        with transaction.atomic():
            if not lock_products([product_id]):
                raise NotFound(_("No such product."), code="product_not_found")
            product = Product.objects.get(pk=product_id)
            last = product.images.aggregate(last=Max("position"))["last"]
            image = ProductImage.objects.create(
                product=product,
                position=0 if last is None else last + 1,
                alt_text=alt_text,
                width=processed.width,
                height=processed.height,
                renditions=names,
                uploaded_at=timezone.now(),
            )
            _refresh_cover(product)
            record_change(
                actor=actor,
                action="product.image_added",
                target=product,
                changes={"images": [None, {"id": image.pk, "alt_text": alt_text}]},
            )
            index_products([product.pk])
    except Exception:
        _delete_files(names.values())
        raise
    return image


def _locked_image(image_id: int) -> tuple[ProductImage, Product]:
    product_id = ProductImage.objects.filter(pk=image_id).values_list("product_id", flat=True)
    product_id = product_id.first()
    if product_id is None or not lock_products([product_id]):
        raise NotFound(_("No such image."), code="image_not_found")
    image = ProductImage.objects.filter(pk=image_id).select_related("product").first()
    if image is None:
        raise NotFound(_("No such image."), code="image_not_found")
    return image, image.product


def update_image_alt_text(*, actor, image_id: int, alt_text: str) -> ProductImage:
    """Change an image's alternative text (required). Raises NotFound or InvalidInput."""
    errors: dict[str, list[str]] = {}
    alt_text = check_text(errors, "alt_text", alt_text, max_length=200, required=True)
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    with transaction.atomic():
        image, product = _locked_image(image_id)
        if image.alt_text != alt_text:
            record_change(
                actor=actor,
                action="product.image_updated",
                target=product,
                changes={"alt_text": [image.alt_text, alt_text]},
                note=f"image {image.pk}",
            )
            image.alt_text = alt_text
            image.save(update_fields=["alt_text"])
            index_products([product.pk])
    return image


def move_image_first(*, actor, image_id: int) -> ProductImage:
    """Make this image the product's first (its cover). Raises NotFound."""
    with transaction.atomic():
        image, product = _locked_image(image_id)
        product.images.filter(position__lt=image.position).update(position=F("position") + 1)
        before = image.position
        image.position = 0
        image.save(update_fields=["position"])
        _refresh_cover(product)
        record_change(
            actor=actor,
            action="product.image_updated",
            target=product,
            changes={"position": [before, 0]},
            note=f"image {image.pk}",
        )
        index_products([product.pk])
    return image


def delete_product_image(*, actor, image_id: int) -> None:
    """Remove an image; its files are deleted once that is committed. Raises NotFound."""
    with transaction.atomic():
        image, product = _locked_image(image_id)
        names = list(image.renditions.values())
        record_change(
            actor=actor,
            action="product.image_deleted",
            target=product,
            changes={"images": [{"id": image.pk, "alt_text": image.alt_text}, None]},
        )
        image.delete()
        _refresh_cover(product)
        index_products([product.pk])
        transaction.on_commit(lambda: _delete_files(names))
