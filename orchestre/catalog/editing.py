"""Catalogue editing by the content and marketing teams: products, their SEO fields and
variant families. Every write takes the staff member (`actor`), records an audit entry with
the values before and after, re-indexes the product for search and invalidates the cached
storefront (`index_products` bumps the catalogue cache version) in the same transaction."""

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from orchestre.catalog.errors import SkuTaken, SlugTaken, VariantClash
from orchestre.catalog.locks import lock_products
from orchestre.catalog.models import (
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductSlugRedirect,
    VariantFamily,
)
from orchestre.catalog.services import index_products
from orchestre.core.audit import diff, record_change, snapshot
from orchestre.core.errors import InvalidInput, NotFound

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SKU = re.compile(r"[A-Z0-9][-A-Z0-9]{0,31}")
MAX_DESCRIPTION_LENGTH = 5_000
MAX_WEIGHT_GRAMS = 100_000
EDITABLE_FIELDS = (
    "name",
    "description",
    "category",
    "weight_grams",
    "pack_size",
    "is_active",
    "meta_title",
    "meta_description",
    "slug",
    "variant_family",
)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave this field as it is"


def _product_state(product: Product) -> dict:
    state = snapshot(product, ("sku", *EDITABLE_FIELDS))
    state["attribute_values"] = sorted(product.attribute_values.values_list("pk", flat=True))
    return state


def check_text(
    errors: dict, field: str, value: str, *, max_length: int, required: bool = False
) -> str:
    value = value.strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [
            _("At most %(count)d characters (it has %(length)d).")
            % {"count": max_length, "length": len(value)}
        ]
    return value


def check_slug(errors: dict, slug: str) -> str:
    slug = slug.strip()
    if not slug or len(slug) > 140 or not SLUG.fullmatch(slug):
        errors["slug"] = [
            _("Use lower-case letters, digits and single hyphens (at most 140 characters).")
        ]
    return slug


def _ensure_slug_free(slug: str, *, product_id: int | None) -> None:
    """Refuse a slug that is another product's address, now or before (its old address
    must keep leading to it)."""
    taken = Product.objects.filter(slug=slug).exclude(pk=product_id).exists()
    taken = (
        taken
        or ProductSlugRedirect.objects.filter(slug=slug).exclude(product_id=product_id).exists()
    )
    if taken:
        message = _("The address “%(slug)s” is already used by another product.") % {"slug": slug}
        raise SlugTaken(message, fields={"slug": [message]})


def _check_variant_membership(
    product: Product, family: VariantFamily, value_ids: list[int]
) -> None:
    """A member needs a value for each of the family's distinguishing attributes, and a
    combination no other member has (or shoppers could not tell them apart)."""
    axes = list(family.axes.order_by("pk"))
    own = dict(
        AttributeValue.objects.filter(pk__in=value_ids, attribute__in=axes).values_list(
            "attribute_id", "pk"
        )
    )
    missing = [axis.name for axis in axes if axis.pk not in own]
    if missing:
        message = _("Give this product a value for: %(attributes)s.") % {
            "attributes": ", ".join(missing)
        }
        raise InvalidInput(
            message, code="variant_values_missing", fields={"variant_family": [message]}
        )
    combination = tuple(own[axis.pk] for axis in axes)
    members = Product.objects.filter(variant_family=family).exclude(pk=product.pk)
    through = Product.attribute_values.through.objects.filter(
        product__in=members, attributevalue__attribute__in=axes
    )
    combinations: dict[int, dict[int, int]] = {}
    for member_id, attribute_id, value_id in through.values_list(
        "product_id", "attributevalue__attribute_id", "attributevalue_id"
    ):
        combinations.setdefault(member_id, {})[attribute_id] = value_id
    for values in combinations.values():
        if tuple(values.get(axis.pk) for axis in axes) == combination:
            message = _("Another product of this family has the same values.")
            raise VariantClash(message, fields={"variant_family": [message]})


def create_product(
    *,
    actor,
    sku: str,
    name: str,
    category_id: int,
    slug: str = "",
    description: str = "",
    weight_grams: int = 500,
    is_active: bool = False,
) -> Product:
    """Create a product (inactive unless asked: it usually needs content first), indexed
    for search. Raises InvalidInput (field errors), SkuTaken or SlugTaken; nothing is
    written then."""
    errors: dict[str, list[str]] = {}
    sku = sku.strip().upper()
    if not SKU.fullmatch(sku):
        errors["sku"] = [_("Use letters, digits and hyphens (at most 32 characters).")]
    name = check_text(errors, "name", name, max_length=200, required=True)
    description = check_text(errors, "description", description, max_length=MAX_DESCRIPTION_LENGTH)
    if not 1 <= weight_grams <= MAX_WEIGHT_GRAMS:
        errors["weight_grams"] = [_("Between 1 and %(max)d grams.") % {"max": MAX_WEIGHT_GRAMS}]
    if not Category.objects.filter(pk=category_id).exists():
        errors["category"] = [_("Choose a category.")]
    slug = check_slug(errors, slug or slugify(f"{name} {sku}")[:140].strip("-") or "product")
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    with transaction.atomic():
        if Product.objects.filter(sku=sku).exists():
            message = _("A product with SKU %(sku)s already exists.") % {"sku": sku}
            raise SkuTaken(message, fields={"sku": [message]})
        _ensure_slug_free(slug, product_id=None)
        product = Product.objects.create(
            sku=sku,
            slug=slug,
            name=name,
            description=description,
            category_id=category_id,
            weight_grams=weight_grams,
            is_active=is_active,
            created_at=timezone.now(),
        )
        record_change(
            actor=actor,
            action="product.created",
            target=product,
            changes=diff({}, _product_state(product)),
        )
        index_products([product.pk])
    return product


def update_product(
    *,
    product_id: int,
    actor,
    name: str = UNSET,
    description: str = UNSET,
    category_id: int = UNSET,
    attribute_value_ids: list[int] = UNSET,
    weight_grams: int = UNSET,
    pack_size: int | None = UNSET,
    is_active: bool = UNSET,
    meta_title: str = UNSET,
    meta_description: str = UNSET,
    slug: str = UNSET,
    variant_family_id: int | None = UNSET,
) -> Product:
    """Change the given fields of a product (the others stay as they are).

    A new slug keeps the old one as a permanent redirect; a slug used by another product
    (now or before) is refused. Locks the product row. Raises NotFound, InvalidInput
    (every field error at once), SlugTaken or VariantClash; nothing changes then."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if name is not UNSET:
        values["name"] = check_text(errors, "name", name, max_length=200, required=True)
    if description is not UNSET:
        values["description"] = check_text(
            errors, "description", description, max_length=MAX_DESCRIPTION_LENGTH
        )
    if meta_title is not UNSET:
        values["meta_title"] = check_text(errors, "meta_title", meta_title, max_length=70)
    if meta_description is not UNSET:
        values["meta_description"] = check_text(
            errors, "meta_description", meta_description, max_length=160
        )
    if slug is not UNSET:
        values["slug"] = check_slug(errors, slug)
    if weight_grams is not UNSET:
        if not 1 <= weight_grams <= MAX_WEIGHT_GRAMS:
            errors["weight_grams"] = [_("Between 1 and %(max)d grams.") % {"max": MAX_WEIGHT_GRAMS}]
        values["weight_grams"] = weight_grams
    if pack_size is not UNSET:
        if pack_size is not None and not 1 <= pack_size <= 10_000:
            errors["pack_size"] = [_("Between 1 and 10,000, or empty.")]
        values["pack_size"] = pack_size
    if is_active is not UNSET:
        values["is_active"] = bool(is_active)
    if category_id is not UNSET:
        if not Category.objects.filter(pk=category_id).exists():
            errors["category"] = [_("Choose a category.")]
        values["category_id"] = category_id
    if attribute_value_ids is not UNSET:
        attribute_value_ids = sorted(set(attribute_value_ids))
        known = AttributeValue.objects.filter(pk__in=attribute_value_ids).count()
        if known != len(attribute_value_ids):
            errors["attribute_values"] = [_("Some of these values do not exist.")]
    if (
        variant_family_id not in (UNSET, None)
        and not VariantFamily.objects.filter(pk=variant_family_id).exists()
    ):
        errors["variant_family"] = [_("Choose a variant family.")]
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)

    with transaction.atomic():
        if not lock_products([product_id]):
            raise NotFound(_("No such product."), code="product_not_found")
        product = Product.objects.get(pk=product_id)
        before = _product_state(product)
        if values.get("slug", product.slug) != product.slug:
            _ensure_slug_free(values["slug"], product_id=product.pk)
            # Going back to an earlier address: it is the product's own again.
            ProductSlugRedirect.objects.filter(slug=values["slug"]).delete()
            ProductSlugRedirect.objects.create(
                slug=product.slug, product=product, created_at=timezone.now()
            )
        if variant_family_id is not UNSET:
            values["variant_family_id"] = variant_family_id
        family_id = values.get("variant_family_id", product.variant_family_id)
        if family_id is not None:
            value_ids = (
                attribute_value_ids
                if attribute_value_ids is not UNSET
                else list(product.attribute_values.values_list("pk", flat=True))
            )
            _check_variant_membership(product, VariantFamily.objects.get(pk=family_id), value_ids)
        for field, value in values.items():
            setattr(product, field, value)
        product.save()
        if attribute_value_ids is not UNSET:
            product.attribute_values.set(attribute_value_ids)
        changes = diff(before, _product_state(product))
        if changes:
            record_change(actor=actor, action="product.updated", target=product, changes=changes)
        index_products([product.pk])
    return product


def create_variant_family(*, actor, name: str, axis_ids: list[int]) -> VariantFamily:
    """A new, empty variant family told apart by these attributes (at least one). Raises
    InvalidInput."""
    errors: dict[str, list[str]] = {}
    name = check_text(errors, "name", name, max_length=200, required=True)
    axis_ids = sorted(set(axis_ids))
    if not axis_ids or Attribute.objects.filter(pk__in=axis_ids).count() != len(axis_ids):
        errors["axes"] = [_("Choose at least one attribute that tells the variants apart.")]
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    with transaction.atomic():
        family = VariantFamily.objects.create(name=name)
        family.axes.set(axis_ids)
        record_change(
            actor=actor,
            action="variant_family.created",
            target=family,
            changes={"name": [None, name], "axes": [None, axis_ids]},
        )
    return family
