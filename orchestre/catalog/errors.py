"""Domain errors of catalogue editing, each with a stable code."""

from orchestre.core.errors import Conflict, InvalidInput


class SlugTaken(Conflict):
    code = "slug_taken"


class SkuTaken(Conflict):
    code = "sku_taken"


class VariantClash(Conflict):
    code = "variant_clash"


class InvalidImage(InvalidInput):
    code = "invalid_image"
